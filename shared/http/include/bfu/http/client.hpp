#pragma once
// The one HTTP client of bfu: GET and POST to an http:// or https:// URL, on cpp-httplib
// (Debian's libcpp-httplib 0.11, with OpenSSL). Every failure is a core::Error, never an
// exception:
//   kInvalidArgument - the URL is not http(s)://host[:port][/path][?query], or the CA file
//                      cannot be loaded (poison: sending again does not help);
//   kUnavailable     - no connection (refused, unresolvable host, reset, TLS handshake or
//                      certificate verification failed) or no well-formed answer (retryable);
//   kTimeout         - connecting, sending or a wait for the answer took longer than the
//                      timeout (retryable).
// An answer with any status (404, 503, ...) is a Response, not an error: the caller decides.
//
// Thread-safety: a Client holds only its options; calls on one Client may run on many threads
// at once. Each call opens its own connection (sent with "Connection: close") and closes it.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bfu/core/result.hpp"

namespace bfu::http {

// Header name and value; names are compared case-insensitively.
using Headers = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::chrono::milliseconds kDefaultTimeout{10'000};

struct Response {
    int status = 0;      // 200
    std::string reason;  // "OK"
    std::string body;
    Headers headers;  // names as the server spelled them

    // Value of the first header with this (case-insensitive) name.
    [[nodiscard]] std::optional<std::string_view> Header(std::string_view name) const;
};

// An http(s) URL taken apart: "https://example.se:8443/a/b?c=d".
struct Url {
    bool tls = false;         // https
    std::string host;         // "example.se"; an IPv6 address without its brackets
    std::uint16_t port = 80;  // the scheme's default when the URL names none
    // "/a/b?c=d" ("/" when the URL has no path): sent as written, so percent-encode what needs
    // it; only bytes beyond ASCII are encoded here.
    std::string target;
};
// kInvalidArgument naming what is wrong; a fragment ("#...") is dropped.
[[nodiscard]] core::Result<Url> ParseUrl(std::string_view url);

struct ClientOptions {
    // PEM file of the certificate authorities an https server must be signed by; empty: the
    // system's store (/etc/ssl/certs).
    std::string ca_file{};
    // Off only for tests against a self-signed server; the certificate is then not checked.
    bool verify_tls = true;
};

class Client {
public:
    explicit Client(ClientOptions options = {});

    // `timeout` bounds connecting, each wait to send and each wait for the answer.
    [[nodiscard]] core::Result<Response> Get(
        std::string_view url, const Headers& headers = {},
        std::chrono::milliseconds timeout = kDefaultTimeout) const;
    // `content_type` empty: the one in `headers`, else text/plain.
    [[nodiscard]] core::Result<Response> Post(
        std::string_view url, std::string_view body, std::string_view content_type,
        const Headers& headers = {}, std::chrono::milliseconds timeout = kDefaultTimeout) const;

    [[nodiscard]] const ClientOptions& options() const noexcept { return options_; }

private:
    [[nodiscard]] core::Result<Response> Send(std::string_view method, std::string_view url,
                                              std::string_view body, std::string_view content_type,
                                              const Headers& headers,
                                              std::chrono::milliseconds timeout) const;

    ClientOptions options_;
};

}  // namespace bfu::http
