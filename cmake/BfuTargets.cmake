# Helpers that keep every target's CMake short and alike.
#
# bfu_library(NAME <n> SOURCES ... DEPS ...)  -> target bfu_<n>, alias bfu::<n>,
#   public headers in include/ of the calling directory.
function(bfu_library)
  cmake_parse_arguments(A "" "NAME" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(bfu_${A_NAME} ${A_SOURCES})
  add_library(bfu::${A_NAME} ALIAS bfu_${A_NAME})
  target_include_directories(bfu_${A_NAME} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(bfu_${A_NAME} PUBLIC bfu::options ${A_DEPS}
                                      PRIVATE bfu::warnings ${A_PRIVATE_DEPS})
endfunction()

# bfu_test(NAME <n> LABEL unit|integration|e2e SOURCES ... DEPS ... [TIMEOUT s])
function(bfu_test)
  cmake_parse_arguments(A "" "NAME;LABEL;TIMEOUT" "SOURCES;DEPS" ${ARGN})
  add_executable(${A_NAME} ${A_SOURCES})
  target_link_libraries(${A_NAME} PRIVATE bfu::options bfu::warnings ${A_DEPS} GTest::gtest
                                          GTest::gtest_main GTest::gmock)
  # g++ 12 with optimisation reports a false -Wmaybe-uninitialized inside libstdc++'s std::regex,
  # which tests (and valijson) use; product code keeps the warning.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${A_NAME} PRIVATE -Wno-maybe-uninitialized)
  endif()
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 300)
  endif()
  add_test(NAME ${A_NAME} COMMAND ${A_NAME} --gtest_color=no)
  set_tests_properties(${A_NAME} PROPERTIES LABELS ${A_LABEL} TIMEOUT ${A_TIMEOUT}
                       ENVIRONMENT "BFU_SOURCE_DIR=${PROJECT_SOURCE_DIR};BFU_BINARY_DIR=${PROJECT_BINARY_DIR}")
  # Tests against the shared broker and Redis run one at a time (unit tests run in parallel
  # beside them), so a 2-core machine is not overloaded into timeouts.
  if(NOT A_LABEL STREQUAL "unit")
    set_tests_properties(${A_NAME} PROPERTIES RUN_SERIAL TRUE)
  endif()
  # Every unit test executable, for the bfu_unit_tests target (tests/CMakeLists.txt).
  if(A_LABEL STREQUAL "unit")
    set_property(GLOBAL APPEND PROPERTY BFU_UNIT_TESTS ${A_NAME})
  endif()
endfunction()

# bfu_bench(NAME <n> SOURCES ... DEPS ...)
function(bfu_bench)
  cmake_parse_arguments(A "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_executable(${A_NAME} ${A_SOURCES})
  target_link_libraries(${A_NAME} PRIVATE bfu::options bfu::warnings ${A_DEPS}
                                          benchmark::benchmark)
endfunction()

# bfu_embed_templates(TARGET <t> DIR <dir> NAMESPACE <ns> FUNCTION <f>)
#   compiles into <t> a function `std::span<const bfu::text::TemplateFile> <ns>::<f>()` holding
#   every <dir>/*.mustache file, regenerated when a file changes (bfu::text::Templates).
function(bfu_embed_templates)
  cmake_parse_arguments(A "" "TARGET;DIR;NAMESPACE;FUNCTION" "" ${ARGN})
  file(GLOB files CONFIGURE_DEPENDS "${A_DIR}/*.mustache")
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${A_FUNCTION}_templates.cpp")
  add_custom_command(OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DDIR=${A_DIR} -DOUT=${out} -DNAMESPACE=${A_NAMESPACE}
            -DFUNCTION=${A_FUNCTION} -P ${PROJECT_SOURCE_DIR}/cmake/BfuEmbedTemplates.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/BfuEmbedTemplates.cmake
    COMMENT "Embedding the templates of ${A_DIR}")
  target_sources(${A_TARGET} PRIVATE "${out}")
endfunction()
