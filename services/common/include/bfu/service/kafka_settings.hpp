#pragma once
// The Kafka part of every service's configuration, in one place so that the five services
// name and treat it alike:
//   kafka.brokers          required, BFU_KAFKA_BROKERS
//   kafka.topic_prefix     prepended to every topic name (tests use a fresh prefix per run)
//   kafka.group_id         the consumer group; defaults to "bfu-<service>"
//   kafka.transactional_id stable per instance: "bfu-<service>-<instance>" by default
//   kafka.instance         this instance's number within the group (0, 1, ...)
//   kafka.startup_timeout  how long start-up waits for the brokers and its first reads
#include <string>
#include <string_view>

#include "bfu/config/config.hpp"
#include "bfu/kafka/config.hpp"

namespace bfu::service {

// Adds the kafka.* fields above to `schema`.
void AddKafkaFields(config::Schema& schema, std::string_view service);

// The client settings from a loaded config. `suffix` distinguishes several clients of one
// service (e.g. "master" for the master-data reader) in client ids and, for consumers that
// must not share the service's group, in the group id.
[[nodiscard]] kafka::KafkaConfig KafkaSettings(const config::Config& cfg, std::string_view service,
                                               std::string_view suffix = {});

// The topic's full name: kafka.topic_prefix + base, e.g. "bfu.ledger.lines".
[[nodiscard]] std::string Topic(const config::Config& cfg, std::string_view base);

}  // namespace bfu::service
