#include "bfu/service/kafka_settings.hpp"

#include <chrono>
#include <string>

namespace bfu::service {

void AddKafkaFields(config::Schema& schema, std::string_view service) {
    using config::FieldType;
    schema
        .Required("kafka.brokers", FieldType::kString,
                  "Kafka bootstrap servers, host:port[,host:port...]")
        .String("kafka.topic_prefix", "", "Prepended to every topic name")
        .String("kafka.group_id", "bfu-" + std::string(service), "Consumer group id")
        .Int("kafka.instance", 0, "This instance's number; part of the transactional id")
        .String("kafka.transactional_id", "",
                "Transactional id; default bfu-<service>-<instance>, stable across restarts")
        .DurationMs("kafka.startup_timeout", std::chrono::milliseconds(30000),
                    "How long start-up waits for the brokers to answer and for the topics it "
                    "reads at start to be read; longer than a partition leader's fail-over "
                    "(about 10 s in a cluster after a broker is lost)")
        .Int("kafka.ready_max_lag", 100000,
             "Records behind, over the partitions this instance consumes, past which /readyz "
             "says not ready (0: never)")
        .DurationMs("kafka.stuck_after", std::chrono::milliseconds(300000),
                    "A consuming loop that has not come back to poll for this long is stuck: "
                    "/readyz says not ready (0: never)");
}

kafka::KafkaConfig KafkaSettings(const config::Config& cfg, std::string_view service,
                                 std::string_view suffix) {
    kafka::KafkaConfig k;
    k.brokers = cfg.GetString("kafka.brokers");
    const std::string instance = std::to_string(cfg.GetInt("kafka.instance"));
    k.client_id = "bfu-" + std::string(service) + "-" + instance;
    k.group_id = cfg.GetString("kafka.group_id");
    k.transactional_id = cfg.GetString("kafka.transactional_id");
    if (k.transactional_id.empty()) {
        k.transactional_id =
            cfg.GetString("kafka.topic_prefix") + "bfu-" + std::string(service) + "-" + instance;
    }
    if (!suffix.empty()) {
        // append, not operator+: g++ 12 -O3 warns falsely (-Wrestrict) on "-" + std::string.
        k.client_id.append("-").append(suffix);
        k.transactional_id.append("-").append(suffix);
    }
    k.startup_timeout = cfg.GetDuration("kafka.startup_timeout");
    return k;
}

std::string Topic(const config::Config& cfg, std::string_view base) {
    return cfg.GetString("kafka.topic_prefix") + std::string(base);
}

}  // namespace bfu::service
