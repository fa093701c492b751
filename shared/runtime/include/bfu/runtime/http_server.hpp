#pragma once
// The HTTP/1.1 server of every service: operations endpoints (/healthz, /readyz, /metrics) and
// small APIs (ingest's POST /v1/vouchers). Built on cpp-httplib (Debian's libcpp-httplib 0.11):
// httplib parses requests, reads bodies (Content-Length or chunked) and writes answers; this
// class adds the routing (exact paths, prefixes, 404/405 with Allow), per-route body limits
// (413), streaming bodies, a strict request head (431 beyond max_header_bytes, 400 for a
// malformed header line or Content-Length) and the connection scheduling below.
//
// Connections: a connection that has sent nothing is parked on one watcher thread (poll(2)),
// holding no worker; once bytes arrive it is handed to a pool of `threads` workers, which read
// the request, run the handler and write the answer. So idle or half-open connections cost a
// file descriptor, not a worker: /healthz answers while many sit open. Timeouts bound the rest:
// idle_timeout before the first byte (408), header_timeout for the whole head (408),
// read_timeout for each wait on a body (the request ends and a streaming reader is destroyed
// without OnEnd), write_timeout for each wait to send. After its last answer a connection is
// shut down for writing and what the client still sends (a body refused unread) is dropped for
// up to 2 s before it is closed, so the answer is not lost to a reset. Keep-alive is off by default
// (every answer carries "Connection: close"); with keep_alive_max_requests > 1 a connection serves
// that many requests, waiting parked (no worker) up to keep_alive_timeout between them.
//
// Ownership and lifecycle: the owner registers routes, calls Start() (binds synchronously, so
// port() is valid and bind errors surface at start-up), and Stop() (or the destructor): it stops
// accepting, shuts down every open connection, waits for the handlers running and joins every
// thread. Thread-safety: Handle/HandleStreaming/HandlePrefix may be called from any thread at
// any time. Handlers of Handle and HandlePrefix run on the workers, several at once, so they
// must be thread-safe. A streaming route's steps (its handler, and each OnData, OnEnd and the
// destruction of the readers it returned) never overlap one another, across all of the route's
// requests, as on a single thread; they may run on different workers.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace bfu::runtime {

struct HttpRequest {
    std::string method;   // "GET"
    std::string target;   // "/v1/vouchers?dry_run=1" (as sent, fragment removed)
    std::string path;     // "/v1/vouchers" (as sent: not percent-decoded)
    std::string query;    // "dry_run=1" (without '?')
    std::string version;  // "HTTP/1.1"
    // Header names lower-cased, values with surrounding whitespace trimmed, in arrival order.
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;  // empty for streaming routes

    // First header with this (case-insensitive) name.
    [[nodiscard]] std::optional<std::string_view> Header(std::string_view name) const;
    // The decoded value (percent-decoding, '+' as space) of the first query parameter with this
    // name, else of the first field of an application/x-www-form-urlencoded body (buffered
    // routes only) with this name. A name without '=' has the value "".
    [[nodiscard]] std::optional<std::string> Param(std::string_view name) const;
};

// Decodes %XY escapes (a malformed escape is kept as it is); with `plus_is_space`, '+' is ' '.
[[nodiscard]] std::string PercentDecode(std::string_view s, bool plus_is_space = false);

// The header lines of a request head as the server reads them (RFC 9112): `head` holds the
// request line, the header lines and the empty line that ends them, each line ended by CRLF
// (what follows the empty line is ignored). Names are lower-cased, values trimmed of spaces and
// tabs, in arrival order. A line without a name, with whitespace in or before its name (also an
// obsolete folded line) or with a bare LF inside, or a head cut off before its empty line, makes
// the head malformed (the server answers 400); the well-formed lines are still returned. Pure,
// so it is unit-tested and fuzzed (tests/fuzz/http_request_fuzz.cpp) without a socket.
struct RequestHeaders {
    std::vector<std::pair<std::string, std::string>> headers;
    bool malformed = false;
};
[[nodiscard]] RequestHeaders ParseHeaderLines(std::string_view head);

// How a request's body is framed, from its parsed headers: Content-Length (repeated only with
// the same value), chunked Transfer-Encoding (the only coding accepted, once), or neither. A
// refused framing has `status` 400 or 501 and `reason` (the answer's text), the rest empty.
struct BodyFraming {
    std::optional<std::size_t> content_length;
    bool chunked = false;
    int status = 0;  // 0: accepted
    std::string reason;
};
[[nodiscard]] BodyFraming ParseBodyFraming(
    const std::vector<std::pair<std::string, std::string>>& headers);

struct HttpResponse {
    int status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // extra headers

    [[nodiscard]] static HttpResponse Text(int status, std::string body);
    [[nodiscard]] static HttpResponse Json(int status, std::string json_body);
};

[[nodiscard]] std::string_view ReasonPhrase(int status) noexcept;

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// Receives a request body piece by piece, for bodies too large to buffer.
class BodyReader {
public:
    virtual ~BodyReader() = default;
    // Called for each piece as it arrives. Returning a response ends the request early with it
    // (the rest of the body is discarded).
    virtual std::optional<HttpResponse> OnData(std::string_view chunk) = 0;
    // Called once the whole body has arrived. A request that does not finish (the client goes
    // away or stalls beyond read_timeout, the server stops) destroys the reader without it.
    virtual HttpResponse OnEnd() = 0;
};

// Called with the request head (body empty) once the headers are in.
using StreamingHandler = std::function<std::unique_ptr<BodyReader>(const HttpRequest& head)>;

struct HttpServerOptions {
    std::string host = "127.0.0.1";  // numeric IPv4 address
    std::uint16_t port = 0;          // 0: an ephemeral port, see port()
    std::size_t max_body_bytes = 1 << 20;
    // The request line and headers together; beyond it the answer is 431. (cpp-httplib also
    // refuses a single header line over 8 KiB with 400.)
    std::size_t max_header_bytes = 16 << 10;
    // Open connections, idle ones included; beyond it a new one gets 503 and is closed.
    std::size_t max_connections = 64;
    // Workers reading requests, running handlers and writing answers.
    std::size_t threads = 8;
    // A connection that sends nothing for this long gets 408 and is closed.
    std::chrono::milliseconds idle_timeout{10'000};
    // From its first byte, the whole request head must arrive within this (else 408).
    std::chrono::milliseconds header_timeout{10'000};
    // Longest wait for the next piece of a body; beyond it the request ends (408, if the
    // client still listens).
    std::chrono::milliseconds read_timeout{10'000};
    // Longest wait for the client to take the next piece of an answer; beyond it the
    // connection is closed.
    std::chrono::milliseconds write_timeout{10'000};
    // Requests served on one connection; 1 turns keep-alive off ("Connection: close").
    std::size_t keep_alive_max_requests = 1;
    // Longest wait for the next request on a kept-alive connection.
    std::chrono::milliseconds keep_alive_timeout{5'000};
};

class HttpServer {
public:
    explicit HttpServer(HttpServerOptions options = {});
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Exact-path routes; re-registering a method and path replaces the handler.
    void Handle(std::string method, std::string path, HttpHandler handler);
    // `max_body_bytes` 0 means the server-wide limit.
    void HandleStreaming(std::string method, std::string path, StreamingHandler handler,
                         std::size_t max_body_bytes = 0);
    // Every path that starts with `prefix` (e.g. "/reports/"); an exact route, then the longest
    // prefix with a handler for the method, wins.
    void HandlePrefix(std::string method, std::string prefix, HttpHandler handler);

    // Binds, listens and starts the threads; throws std::system_error naming host:port.
    void Start();
    // Idempotent; closes every connection and joins the threads.
    void Stop();

    [[nodiscard]] std::uint16_t port() const noexcept { return port_.load(); }
    [[nodiscard]] const HttpServerOptions& options() const noexcept { return options_; }

private:
    class Impl;

    HttpServerOptions options_;
    std::atomic<std::uint16_t> port_{0};
    std::unique_ptr<Impl> impl_;
};

}  // namespace bfu::runtime
