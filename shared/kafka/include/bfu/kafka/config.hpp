#pragma once
// Kafka client settings shared by Producer, TransactionalProducer, Consumer and Admin. A plain
// struct: services fill it from their bfu::config file; the factories (Producer::Create, ...)
// check it against librdkafka and the broker, so a bad property or an unreachable broker
// stops start-up with a message naming it instead of hanging.
#include <chrono>
#include <map>
#include <string>

#include "bfu/core/result.hpp"

namespace bfu::kafka {

struct KafkaConfig {
    // "host:port[,host:port...]" (bootstrap.servers). Required.
    std::string brokers;
    // client.id; shows in broker logs and metrics. Defaults to "bfu".
    std::string client_id = "bfu";
    // group.id; required for a Consumer.
    std::string group_id;
    // transactional.id; required for a TransactionalProducer, must be stable across restarts
    // of the same logical instance so the broker can fence a zombie.
    std::string transactional_id;
    // Any other librdkafka property (CONFIGURATION.md), applied after bfu's defaults, so a
    // service may override them (e.g. "isolation.level" = "read_uncommitted").
    std::map<std::string, std::string> properties;
    // How long a factory waits for a broker to answer before failing start-up.
    std::chrono::milliseconds startup_timeout{5000};
};

// What a handle is for; decides bfu's defaults and which fields are required.
enum class ClientRole { kProducer, kTransactionalProducer, kConsumer, kAdmin };

// Checks `config` for `role` without any I/O: required fields, and every property (bfu's
// defaults plus `config.properties`) accepted by librdkafka. A kConfig error names the property
// and says what librdkafka rejected.
[[nodiscard]] core::Status ValidateConfig(const KafkaConfig& config, ClientRole role);

}  // namespace bfu::kafka
