#pragma once
// QueryServer: a service's ZeroMQ ROUTER endpoint (zmq.endpoint, BFU_ZMQ_ENDPOINT) as a
// runtime component. Every service answers {"op":"ping"} (its name and uptime) and
// {"op":"stats"} (its counters from the metrics registry); a service adds its own operations
// with Handle(). Unknown operations get an error reply naming the known ones.
//
// Thread-safety: handlers run on the server's thread; they must only touch thread-safe state.
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "bfu/config/config.hpp"
#include "bfu/runtime/app.hpp"
#include "bfu/zmq/zmq.hpp"

namespace bfu::service {

void AddZmqFields(config::Schema& schema, std::string_view default_endpoint);

class QueryServer final : public runtime::Component {
public:
    using Op = std::function<core::Result<nlohmann::json>(const nlohmann::json& request)>;

    QueryServer(std::string endpoint, runtime::Context& ctx);
    ~QueryServer() override;

    // Registers an operation before Start.
    void Handle(std::string op, Op handler);

    [[nodiscard]] std::string Name() const override { return "zmq-router"; }
    void Start() override;
    void Stop() override;
    [[nodiscard]] const std::string& endpoint() const;

private:
    core::Result<nlohmann::json> Dispatch(const nlohmann::json& request);

    std::string bind_;
    runtime::Context& ctx_;
    std::map<std::string, Op> ops_;
    ::zmq::context_t zctx_;
    std::unique_ptr<zmq::JsonServer> server_;
    core::TimePoint started_;
};

}  // namespace bfu::service
