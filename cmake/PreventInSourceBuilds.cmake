# Refuse in-source builds: they litter the checkout and break `git status`.
get_filename_component(_bfu_src "${CMAKE_SOURCE_DIR}" REALPATH)
get_filename_component(_bfu_bin "${CMAKE_BINARY_DIR}" REALPATH)
if(_bfu_src STREQUAL _bfu_bin)
  message(FATAL_ERROR "bfu: in-source builds are refused; use e.g. `cmake --preset debug`.")
endif()
