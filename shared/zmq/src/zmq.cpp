#include "bfu/zmq/zmq.hpp"

#include <array>
#include <utility>

namespace bfu::zmq {

namespace {

// How long a closing socket may keep unsent messages: none. A service shutting down, or a
// client abandoning a timed-out request, must not hang on a peer that is gone.
constexpr int kLinger = 0;

// ZeroMQ errors on a live socket are infrastructure failures: the peer or the context is gone.
core::Error FromZmq(const ::zmq::error_t& e, std::string_view what) {
    if (e.num() == ETERM) {
        return {core::Errc::kUnavailable, std::string(what) + ": context terminated"};
    }
    return {core::Errc::kUnavailable, std::string(what) + ": " + e.what()};
}

}  // namespace

std::string NormalizeBindEndpoint(std::string_view endpoint) {
    std::string out(endpoint);
    if (out.rfind("tcp://", 0) == 0 && out.size() >= 2 &&
        out.compare(out.size() - 2, 2, ":0") == 0) {
        out.replace(out.size() - 1, 1, "*");
    }
    return out;
}

Json OkReply(Json result) { return Json{{"ok", true}, {"result", std::move(result)}}; }

Json ErrorReply(const core::Error& error) {
    Json err{{"code", std::string(core::ToString(error.code))}, {"message", error.message}};
    if (!error.field.empty()) err["field"] = error.field;
    return Json{{"ok", false}, {"error", std::move(err)}};
}

std::optional<core::Errc> ParseErrc(std::string_view name) noexcept {
    static constexpr std::array kAll = {
        core::Errc::kInvalidArgument,  core::Errc::kNotFound,
        core::Errc::kAlreadyExists,    core::Errc::kFailedPrecondition,
        core::Errc::kPermissionDenied, core::Errc::kOutOfRange,
        core::Errc::kUnavailable,      core::Errc::kTimeout,
        core::Errc::kInternal,         core::Errc::kConfig,
    };
    for (auto code : kAll) {
        if (core::ToString(code) == name) return code;
    }
    return std::nullopt;
}

core::Result<Json> DecodeReply(std::string_view payload) {
    Json reply = Json::parse(payload, nullptr, /*allow_exceptions=*/false);
    if (reply.is_discarded() || !reply.is_object() || !reply.contains("ok") ||
        !reply["ok"].is_boolean()) {
        return core::Error(core::Errc::kInternal, "reply",
                           "the server sent a reply that is not a bfu reply envelope");
    }
    if (reply["ok"].get<bool>()) {
        return reply.contains("result") ? std::move(reply["result"]) : Json();
    }
    const Json& err = reply.contains("error") ? reply["error"] : Json::object();
    const auto code_name = err.value("code", std::string("internal"));
    return core::Error(ParseErrc(code_name).value_or(core::Errc::kInternal),
                       err.value("field", std::string()),
                       err.value("message", std::string("(no message)")));
}

// ---------------------------------------------------------------------------------------------
// JsonServer

JsonServer::JsonServer(::zmq::context_t& context, std::string bind_endpoint, RequestHandler handler,
                       ServerOptions options)
    : context_(context),
      bind_endpoint_(std::move(bind_endpoint)),
      handler_(std::move(handler)),
      options_(options) {}

JsonServer::~JsonServer() { Stop(); }

void JsonServer::Start() {
    if (thread_.joinable()) return;
    socket_ = std::make_unique<::zmq::socket_t>(context_, ::zmq::socket_type::router);
    socket_->set(::zmq::sockopt::linger, kLinger);
    socket_->bind(NormalizeBindEndpoint(bind_endpoint_));
    endpoint_ = socket_->get(::zmq::sockopt::last_endpoint);
    stop_.store(false);
    // The socket was created here and is used only by the thread from now on (ZeroMQ allows
    // handing a socket to another thread with a full memory barrier, which thread start is).
    thread_ = std::thread([this] { Loop(); });
}

void JsonServer::Stop() {
    if (!thread_.joinable()) return;
    stop_.store(true);
    thread_.join();
    socket_.reset();
}

std::string JsonServer::Handle(std::string_view payload) {
    Json request = Json::parse(payload, nullptr, /*allow_exceptions=*/false);
    if (request.is_discarded()) {
        return ErrorReply({core::Errc::kInvalidArgument, "request", "the request is not JSON"})
            .dump();
    }
    try {
        auto result = handler_(request);
        const Json reply =
            result.ok() ? OkReply(std::move(result).value()) : ErrorReply(result.error());
        // Replace invalid UTF-8 rather than failing to answer at all.
        return reply.dump(-1, ' ', false, Json::error_handler_t::replace);
    } catch (const std::exception& e) {
        return ErrorReply({core::Errc::kInternal, std::string("handler failed: ") + e.what()})
            .dump(-1, ' ', false, Json::error_handler_t::replace);
    }
}

void JsonServer::Loop() {
    auto& sock = *socket_;
    while (!stop_.load()) {
        std::array<::zmq::pollitem_t, 1> items = {{{static_cast<void*>(sock), 0, ZMQ_POLLIN, 0}}};
        try {
            ::zmq::poll(items.data(), items.size(), options_.poll_interval);
        } catch (const ::zmq::error_t& e) {
            if (e.num() == ETERM) return;
            continue;
        }
        if ((items[0].revents & ZMQ_POLLIN) == 0) continue;
        // ROUTER frames: [identity][...envelope...][empty delimiter][payload]. Everything up to
        // and including the delimiter is echoed back so the reply reaches the right REQ peer.
        std::vector<::zmq::message_t> frames;
        try {
            while (true) {
                ::zmq::message_t frame;
                if (!sock.recv(frame, ::zmq::recv_flags::none)) break;
                const bool more = frame.more();
                frames.push_back(std::move(frame));
                if (!more) break;
            }
        } catch (const ::zmq::error_t& e) {
            if (e.num() == ETERM) return;
            continue;
        }
        if (frames.size() < 2) continue;  // no identity + payload: nothing we can answer
        const auto& body = frames.back();
        const std::string reply = Handle(body.to_string_view());
        // Counted before the reply leaves, so a client that has its reply sees the count.
        served_.fetch_add(1);
        try {
            for (std::size_t i = 0; i + 1 < frames.size(); ++i) {
                sock.send(frames[i], ::zmq::send_flags::sndmore);
            }
            sock.send(::zmq::buffer(reply), ::zmq::send_flags::none);
        } catch (const ::zmq::error_t& e) {
            // ROUTER drops replies to peers that left; an error here means the context ended.
            if (e.num() == ETERM) return;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// JsonClient

JsonClient::JsonClient(::zmq::context_t& context, std::string connect_endpoint,
                       ClientOptions options)
    : context_(context), endpoint_(std::move(connect_endpoint)), options_(options) {
    if (options_.attempts < 1) options_.attempts = 1;
}

void JsonClient::Reopen() {
    socket_ = std::make_unique<::zmq::socket_t>(context_, ::zmq::socket_type::req);
    socket_->set(::zmq::sockopt::linger, kLinger);
    socket_->connect(endpoint_);
}

core::Result<Json> JsonClient::Call(const Json& request) {
    const std::string payload = request.dump(-1, ' ', false, Json::error_handler_t::replace);
    for (int attempt = 1; attempt <= options_.attempts; ++attempt) {
        try {
            if (!socket_) Reopen();
            socket_->send(::zmq::buffer(payload), ::zmq::send_flags::none);
            std::array<::zmq::pollitem_t, 1> items = {
                {{static_cast<void*>(*socket_), 0, ZMQ_POLLIN, 0}}};
            ::zmq::poll(items.data(), items.size(), options_.timeout);
            if (items[0].revents & ZMQ_POLLIN) {
                ::zmq::message_t reply;
                if (socket_->recv(reply, ::zmq::recv_flags::none)) {
                    return DecodeReply(reply.to_string_view());
                }
            }
        } catch (const ::zmq::error_t& e) {
            if (e.num() == ETERM) return FromZmq(e, "request to " + endpoint_);
        }
        // No reply in time: the REQ socket is stuck waiting, so drop it and start afresh.
        socket_.reset();
        if (options_.on_retry && attempt < options_.attempts) options_.on_retry(attempt);
    }
    return core::Error(core::Errc::kTimeout, endpoint_,
                       "no reply after " + std::to_string(options_.attempts) + " attempts of " +
                           std::to_string(options_.timeout.count()) +
                           " ms; is the service running?");
}

// ---------------------------------------------------------------------------------------------
// PUB/SUB

Publisher::Publisher(::zmq::context_t& context, std::string bind_endpoint)
    : socket_(context, ::zmq::socket_type::pub) {
    socket_.set(::zmq::sockopt::linger, kLinger);
    socket_.bind(NormalizeBindEndpoint(bind_endpoint));
    endpoint_ = socket_.get(::zmq::sockopt::last_endpoint);
}

core::Status Publisher::Publish(std::string_view topic, std::string_view payload) {
    try {
        socket_.send(::zmq::buffer(topic), ::zmq::send_flags::sndmore);
        socket_.send(::zmq::buffer(payload), ::zmq::send_flags::none);
    } catch (const ::zmq::error_t& e) {
        return FromZmq(e, "publish on " + endpoint_);
    }
    return core::Ok();
}

Subscriber::Subscriber(::zmq::context_t& context, std::string connect_endpoint,
                       const std::vector<std::string>& topic_prefixes)
    : socket_(context, ::zmq::socket_type::sub) {
    socket_.set(::zmq::sockopt::linger, kLinger);
    if (topic_prefixes.empty()) {
        socket_.set(::zmq::sockopt::subscribe, "");
    }
    for (const auto& prefix : topic_prefixes) socket_.set(::zmq::sockopt::subscribe, prefix);
    socket_.connect(connect_endpoint);
}

core::Result<std::optional<Message>> Subscriber::Receive(std::chrono::milliseconds timeout) {
    try {
        std::array<::zmq::pollitem_t, 1> items = {
            {{static_cast<void*>(socket_), 0, ZMQ_POLLIN, 0}}};
        ::zmq::poll(items.data(), items.size(), timeout);
        if ((items[0].revents & ZMQ_POLLIN) == 0) return std::optional<Message>();
        ::zmq::message_t topic;
        if (!socket_.recv(topic, ::zmq::recv_flags::none)) return std::optional<Message>();
        Message m;
        m.topic = topic.to_string();
        // A single-frame message (a foreign publisher) has no payload; take the rest whole.
        while (topic.more()) {
            ::zmq::message_t part;
            if (!socket_.recv(part, ::zmq::recv_flags::none)) break;
            m.payload += part.to_string_view();
            topic = std::move(part);
        }
        return std::optional<Message>(std::move(m));
    } catch (const ::zmq::error_t& e) {
        return FromZmq(e, "receive");
    }
}

}  // namespace bfu::zmq
