# Project options and the two interface targets every bfu target links:
#   bfu_options  - language level, sanitizers
#   bfu_warnings - warnings (as errors when bfu is the top-level project)
option(BFU_WARNINGS_AS_ERRORS "Treat compiler warnings as errors" ${PROJECT_IS_TOP_LEVEL})
set(BFU_SANITIZERS "" CACHE STRING "Comma-separated sanitizers, e.g. address,undefined or thread")
option(BFU_BUILD_TESTS "Build the GoogleTest suites" ON)
option(BFU_BUILD_BENCH "Build the Google Benchmark programs in bench/" ON)
option(BFU_BUILD_FUZZ "Build libFuzzer targets (needs clang)" OFF)

add_library(bfu_options INTERFACE)
add_library(bfu::options ALIAS bfu_options)
target_compile_features(bfu_options INTERFACE cxx_std_20)
if(BFU_SANITIZERS)
  target_compile_options(bfu_options INTERFACE -fsanitize=${BFU_SANITIZERS} -fno-omit-frame-pointer
                                               -fno-sanitize-recover=all)
  target_link_options(bfu_options INTERFACE -fsanitize=${BFU_SANITIZERS})
endif()

# bfu::allocator: jemalloc (libjemalloc-dev, installed by ops/setup) for the executables whose
# per-message path allocates and frees many small blocks (bfu-ingest: about 25 % more vouchers
# per second than with glibc's malloc, docs/benchmarks.md) and for the bench that measures them,
# so that its baseline runs on the same allocator. Off with sanitizers or fuzzing (they bring
# their own allocator) and with -DBFU_JEMALLOC=OFF; without the library the build goes on with
# glibc's malloc and says so.
option(BFU_JEMALLOC "Link bfu::allocator users with jemalloc when it is installed" ON)
add_library(bfu_allocator INTERFACE)
add_library(bfu::allocator ALIAS bfu_allocator)
if(BFU_JEMALLOC AND NOT BFU_SANITIZERS AND NOT BFU_BUILD_FUZZ)
  find_library(BFU_JEMALLOC_LIBRARY NAMES jemalloc)
  if(BFU_JEMALLOC_LIBRARY)
    target_link_libraries(bfu_allocator INTERFACE ${BFU_JEMALLOC_LIBRARY})
  else()
    message(STATUS "jemalloc not found (apt-get install libjemalloc-dev): glibc malloc is used")
  endif()
endif()

add_library(bfu_warnings INTERFACE)
add_library(bfu::warnings ALIAS bfu_warnings)
target_compile_options(bfu_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                              -Wsign-conversion -Wnon-virtual-dtor
                                              -Wold-style-cast -Wnull-dereference)
if(BFU_WARNINGS_AS_ERRORS)
  target_compile_options(bfu_warnings INTERFACE -Werror)
endif()
# g++ 12 at -O3 reports false -Wrestrict on std::string concatenation inside libstdc++
# (GCC bug 105329); it names no bug of ours and cannot be worked around at every call site.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(bfu_warnings INTERFACE -Wno-restrict)
endif()

# ccache, when installed (ops/setup installs it), makes rebuilds of an unchanged tree cheap,
# also across fresh clones on one machine (CI).
find_program(BFU_CCACHE ccache)
if(BFU_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${BFU_CCACHE})
endif()
