#include "bfu/service/query_server.hpp"

namespace bfu::service {

void AddZmqFields(config::Schema& schema, std::string_view default_endpoint) {
    schema.String("zmq.endpoint", std::string(default_endpoint),
                  "ZeroMQ ROUTER endpoint for requests from bfu (e.g. tcp://127.0.0.1:15551)");
}

QueryServer::QueryServer(std::string endpoint, runtime::Context& ctx)
    : bind_(std::move(endpoint)), ctx_(ctx), zctx_(1) {
    Handle("ping", [this](const nlohmann::json&) -> core::Result<nlohmann::json> {
        const auto up = core::WallClock().Now() - started_;
        return nlohmann::json{
            {"service", ctx_.logger().service()},
            {"uptimeMs", std::chrono::duration_cast<std::chrono::milliseconds>(up).count()}};
    });
    Handle("stats", [this](const nlohmann::json&) -> core::Result<nlohmann::json> {
        return nlohmann::json{{"service", ctx_.logger().service()},
                              {"metrics", ctx_.metrics().Render()}};
    });
}

QueryServer::~QueryServer() { Stop(); }

void QueryServer::Handle(std::string op, Op handler) { ops_[std::move(op)] = std::move(handler); }

core::Result<nlohmann::json> QueryServer::Dispatch(const nlohmann::json& request) {
    if (!request.is_object() || !request.contains("op") || !request["op"].is_string()) {
        return core::Error(core::Errc::kInvalidArgument, "op",
                           "a request is a JSON object with a string \"op\"");
    }
    const auto op = request["op"].get<std::string>();
    auto it = ops_.find(op);
    if (it == ops_.end()) {
        std::string known;
        for (const auto& [name, h] : ops_) known += (known.empty() ? "" : ", ") + name;
        return core::Error(core::Errc::kNotFound, "op",
                           "unknown operation '" + op + "'; this service knows: " + known);
    }
    return it->second(request);
}

void QueryServer::Start() {
    started_ = core::WallClock().Now();
    server_ = std::make_unique<zmq::JsonServer>(
        zctx_, bind_, [this](const nlohmann::json& r) { return Dispatch(r); });
    server_->Start();
    ctx_.logger().Info("zmq router listening", {{"endpoint", server_->endpoint()}});
}

void QueryServer::Stop() {
    if (server_) {
        server_->Stop();
        server_.reset();
    }
}

const std::string& QueryServer::endpoint() const {
    static const std::string kNone;
    return server_ ? server_->endpoint() : kNone;
}

}  // namespace bfu::service
