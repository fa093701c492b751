# Every third-party dependency comes from a Debian package (see ops/setup); nothing is
# downloaded at configure time.
find_package(Threads REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
pkg_check_modules(LIBZMQ REQUIRED IMPORTED_TARGET libzmq)
find_package(cppzmq REQUIRED)
# cpp-httplib (compiled, with OpenSSL) for every HTTP server and client; libcurl for SMTP.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl)
find_package(OpenSSL REQUIRED)
# kainjow mustache (header only) for every text people read.
find_path(MUSTACHE_INCLUDE_DIR kainjow/mustache.hpp REQUIRED)
if(BFU_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(BFU_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
