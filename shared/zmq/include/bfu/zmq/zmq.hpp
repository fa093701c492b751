#pragma once
// ZeroMQ for bfu: JSON request/reply (a ROUTER server, a REQ client with the "lazy pirate"
// timeout-and-retry pattern) and PUB/SUB for live alerts.
//
// Wire format. A request is one JSON document. A reply is always sent and is either
//   {"ok": true,  "result": <json>}
// or
//   {"ok": false, "error": {"code": "<core::Errc name>", "field": "...", "message": "..."}}.
// PUB/SUB messages are two frames: [topic][payload]; subscribers filter on a topic prefix.
//
// Endpoints are ZeroMQ strings such as "tcp://127.0.0.1:5555". A bind to port 0 (or "*")
// takes an ephemeral port; endpoint() reports the bound address (ZMQ_LAST_ENDPOINT).
//
// Ownership: every class owns its socket; all of them share a zmq::context_t the caller owns
// and keeps alive longer. Thread-safety: ZeroMQ sockets are single-threaded, so a JsonClient,
// Publisher or Subscriber must be used by one thread at a time; JsonServer runs its socket on
// its own thread and its handler is called on that thread only.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "bfu/core/error.hpp"
#include "bfu/core/result.hpp"

namespace bfu::zmq {

using Json = nlohmann::json;

// "tcp://host:0" -> "tcp://host:*" (ZeroMQ's spelling of an ephemeral port); others unchanged.
[[nodiscard]] std::string NormalizeBindEndpoint(std::string_view endpoint);

// The reply envelopes, and their decoding into a Result.
[[nodiscard]] Json OkReply(Json result);
[[nodiscard]] Json ErrorReply(const core::Error& error);
[[nodiscard]] core::Result<Json> DecodeReply(std::string_view payload);
// core::ToString(Errc) in reverse; nullopt for an unknown name.
[[nodiscard]] std::optional<core::Errc> ParseErrc(std::string_view name) noexcept;

using RequestHandler = std::function<core::Result<Json>(const Json& request)>;

struct ServerOptions {
    // How often the server thread checks whether it should stop.
    std::chrono::milliseconds poll_interval{100};
};

// A ROUTER socket answering JSON requests on its own thread. Every request gets exactly one
// reply: the handler's result, its error, an invalid_argument error for a payload that is not
// JSON, or an internal error if the handler throws.
class JsonServer {
public:
    JsonServer(::zmq::context_t& context, std::string bind_endpoint, RequestHandler handler,
               ServerOptions options = {});
    ~JsonServer();
    JsonServer(const JsonServer&) = delete;
    JsonServer& operator=(const JsonServer&) = delete;

    // Binds and starts the thread; throws ::zmq::error_t if the endpoint cannot be bound.
    void Start();
    // Idempotent; joins the thread and closes the socket.
    void Stop();
    // The bound endpoint, e.g. "tcp://127.0.0.1:41234"; empty before Start.
    [[nodiscard]] const std::string& endpoint() const noexcept { return endpoint_; }
    // Requests handled so far (each one counted before its reply is sent).
    [[nodiscard]] std::uint64_t requests_served() const noexcept { return served_.load(); }

private:
    void Loop();
    std::string Handle(std::string_view payload);

    ::zmq::context_t& context_;
    std::string bind_endpoint_;
    RequestHandler handler_;
    ServerOptions options_;
    std::unique_ptr<::zmq::socket_t> socket_;
    std::string endpoint_;
    std::atomic<bool> stop_{false};
    std::atomic<std::uint64_t> served_{0};
    std::thread thread_;
};

struct ClientOptions {
    std::chrono::milliseconds timeout{2000};  // per attempt
    int attempts = 3;                         // total tries before kTimeout
    // Called after attempt n (1-based) timed out, before the next one; for logs and metrics.
    std::function<void(int attempt)> on_retry;
};

// A REQ client with the lazy-pirate pattern: when a reply does not come within the timeout the
// socket is closed (a REQ socket cannot send again before it receives) and reopened, and the
// request is sent again, up to `attempts` times; then the call fails with kTimeout. Requests
// must therefore be safe to repeat (queries, or commands the server de-duplicates by id).
class JsonClient {
public:
    JsonClient(::zmq::context_t& context, std::string connect_endpoint, ClientOptions options = {});

    // The server's result, the server's error, or kTimeout after every attempt.
    [[nodiscard]] core::Result<Json> Call(const Json& request);
    [[nodiscard]] const std::string& endpoint() const noexcept { return endpoint_; }

private:
    void Reopen();

    ::zmq::context_t& context_;
    std::string endpoint_;
    ClientOptions options_;
    std::unique_ptr<::zmq::socket_t> socket_;
};

struct Message {
    std::string topic;
    std::string payload;
};

// A PUB socket. Publishing never blocks: ZeroMQ drops messages for subscribers that are too
// slow (beyond the high-water mark) or not yet connected, which suits live alerts whose record
// of truth is the bfu.alerts topic.
class Publisher {
public:
    // Binds at once; throws ::zmq::error_t if the endpoint cannot be bound.
    Publisher(::zmq::context_t& context, std::string bind_endpoint);
    [[nodiscard]] const std::string& endpoint() const noexcept { return endpoint_; }
    core::Status Publish(std::string_view topic, std::string_view payload);
    core::Status PublishJson(std::string_view topic, const Json& payload) {
        return Publish(topic, payload.dump(-1, ' ', false, Json::error_handler_t::replace));
    }

private:
    ::zmq::socket_t socket_;
    std::string endpoint_;
};

class Subscriber {
public:
    // Connects and subscribes to each topic prefix; an empty list (or "") receives everything.
    Subscriber(::zmq::context_t& context, std::string connect_endpoint,
               const std::vector<std::string>& topic_prefixes);
    // The next message, std::nullopt if none arrives within `timeout`.
    [[nodiscard]] core::Result<std::optional<Message>> Receive(std::chrono::milliseconds timeout);

private:
    ::zmq::socket_t socket_;
};

}  // namespace bfu::zmq
