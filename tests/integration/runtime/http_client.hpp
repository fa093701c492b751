#pragma once
// HTTP for the server tests: Get and Post through bfu::http::Client (the project's client), and
// SendRaw, which writes bytes verbatim to 127.0.0.1:port (malformed requests, requests split
// into pieces) and reads the answer until the server closes (Connection: close).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace bfu::runtime::testing {

struct RawResponse {
    int status = 0;                              // 0: no answer (the reason is in body)
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    std::string raw;  // SendRaw only: the bytes received
};

// Sends `request` verbatim; on a connection error returns status 0 and the reason in body.
// `piece` > 0 sends the request in pieces of that many bytes (Nagle off), to exercise a server
// that must assemble a request from many reads.
RawResponse SendRaw(std::uint16_t port, const std::string& request, std::size_t piece = 0);
// A socket connected to 127.0.0.1:port (Nagle off), or -1; the caller closes it.
int Connect(std::uint16_t port);
// Writes all of `data` (in pieces of `piece` bytes when > 0); false when the peer stopped it.
bool SendAll(int fd, std::string_view data, std::size_t piece = 0);
// What the peer sends until it closes, or until `quiet` passes without a byte.
std::string ReadUntilClosed(int fd, std::chrono::milliseconds quiet = std::chrono::seconds(10));
// One answer whose body has a Content-Length, leaving the connection open.
RawResponse ReadOne(int fd, std::chrono::milliseconds quiet = std::chrono::seconds(10));
// Status, headers and body of received bytes (interim 1xx answers skipped).
RawResponse ParseRaw(std::string raw);

// Through bfu::http::Client; Post sends Content-Type application/json.
RawResponse Get(std::uint16_t port, const std::string& path);
RawResponse Post(std::uint16_t port, const std::string& path, const std::string& body);

}  // namespace bfu::runtime::testing
