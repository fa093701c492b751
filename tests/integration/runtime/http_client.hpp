#pragma once
// A minimal blocking HTTP/1.1 client for the tests: sends raw bytes to 127.0.0.1:port and reads
// the response until the server closes (the server always sends Connection: close).
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace bfu::runtime::testing {

struct RawResponse {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    std::string raw;
};

// Sends `request` verbatim; on a connection error returns status 0 and the reason in body.
// `piece` > 0 sends the request in pieces of that many bytes (Nagle off), to exercise a server
// that must assemble a request from many reads.
RawResponse SendRaw(std::uint16_t port, const std::string& request, std::size_t piece = 0);
RawResponse Get(std::uint16_t port, const std::string& path);
RawResponse Post(std::uint16_t port, const std::string& path, const std::string& body);

}  // namespace bfu::runtime::testing
