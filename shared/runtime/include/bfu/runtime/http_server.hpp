#pragma once
// A tiny HTTP/1.1 server for operations endpoints (/healthz, /readyz, /metrics) and small APIs
// (ingest's POST /v1/vouchers). Plain POSIX sockets and poll(2) on one thread; one request per
// connection (every response carries "Connection: close"); bodies need Content-Length (chunked
// uploads get 411) and are limited per route (413 beyond the limit).
//
// Ownership and lifecycle: the owner registers routes, calls Start() (binds synchronously, so
// port() is valid and bind errors surface at start-up), and Stop() (or the destructor) joins
// the thread. Thread-safety: Handle/HandleStreaming may be called from any thread at any time;
// handlers run on the server thread, one at a time, so they must be quick.
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
    std::string target;   // "/v1/vouchers?dry_run=1"
    std::string path;     // "/v1/vouchers"
    std::string query;    // "dry_run=1" (without '?')
    std::string version;  // "HTTP/1.1"
    // Header names lower-cased, values with surrounding whitespace trimmed, in arrival order.
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;  // empty for streaming routes

    // First header with this (case-insensitive) name.
    [[nodiscard]] std::optional<std::string_view> Header(std::string_view name) const;
};

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
    // Called once the whole body has arrived.
    virtual HttpResponse OnEnd() = 0;
};

// Called with the request head (body empty) once the headers are in.
using StreamingHandler = std::function<std::unique_ptr<BodyReader>(const HttpRequest& head)>;

struct HttpServerOptions {
    std::string host = "127.0.0.1";  // numeric IPv4 address
    std::uint16_t port = 0;          // 0: an ephemeral port, see port()
    std::size_t max_body_bytes = 1 << 20;
    std::size_t max_header_bytes = 16 << 10;
    std::size_t max_connections = 64;
    // A connection that sends nothing for this long gets 408 and is closed.
    std::chrono::milliseconds idle_timeout{10'000};
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

    // Binds, listens and starts the thread; throws std::system_error naming host:port.
    void Start();
    // Idempotent; closes every connection and joins the thread.
    void Stop();

    [[nodiscard]] std::uint16_t port() const noexcept { return port_.load(); }
    [[nodiscard]] const HttpServerOptions& options() const noexcept { return options_; }

private:
    struct Route {
        HttpHandler handler;
        StreamingHandler streaming;
        std::size_t max_body_bytes = 0;
    };
    struct Connection;
    enum class Lookup { kFound, kNoPath, kNoMethod };

    void Loop();
    void Accept();
    void OnReadable(Connection& c);
    void OnWritable(Connection& c);
    bool ParseHead(Connection& c);
    void AfterHead(Connection& c);
    void FeedBody(Connection& c, std::string_view data);
    void Finish(Connection& c, HttpResponse response);
    Lookup FindRoute(const std::string& method, const std::string& path, Route& out,
                     std::string& allow) const;

    HttpServerOptions options_;
    mutable std::mutex routes_mu_;
    std::map<std::string, std::map<std::string, Route>> routes_;  // path -> method -> route
    int listen_fd_ = -1;
    int wake_fds_[2] = {-1, -1};
    std::atomic<std::uint16_t> port_{0};
    std::atomic<bool> stop_{false};
    std::thread thread_;
    std::vector<std::unique_ptr<Connection>> connections_;
};

}  // namespace bfu::runtime
