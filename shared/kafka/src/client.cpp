#include "client.hpp"

#include <array>
#include <climits>
#include <cstring>
#include <utility>

#include "bfu/kafka/error.hpp"
#include "bfu/kafka/log.hpp"

namespace bfu::kafka::detail {
namespace {

// librdkafka's log lines, through bfu::kafka's sink (log.hpp).
void OnLibraryLog(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
    Log({level, rk != nullptr ? rd_kafka_name(rk) : "", facility, message});
}

using Property = std::pair<std::string, std::string>;

std::vector<Property> Defaults(const KafkaConfig& config, ClientRole role) {
    std::vector<Property> props = {
        {"bootstrap.servers", config.brokers},
        {"client.id", config.client_id.empty() ? std::string("bfu") : config.client_id},
    };
    switch (role) {
        case ClientRole::kProducer:
        case ClientRole::kTransactionalProducer:
            // Idempotence implies acks=all and bounded in-flight requests: a retried send is
            // neither duplicated nor reordered within a partition.
            props.emplace_back("enable.idempotence", "true");
            props.emplace_back("acks", "all");
            if (role == ClientRole::kTransactionalProducer) {
                props.emplace_back("transactional.id", config.transactional_id);
            }
            break;
        case ClientRole::kConsumer:
            props.emplace_back("group.id", config.group_id);
            // Offsets move only when the loop says the output is durable.
            props.emplace_back("enable.auto.commit", "false");
            props.emplace_back("enable.auto.offset.store", "false");
            // Aborted transactions must never reach business code.
            props.emplace_back("isolation.level", "read_committed");
            // A new group reads the topic from its start: events are facts, none is skipped.
            props.emplace_back("auto.offset.reset", "earliest");
            break;
        case ClientRole::kAdmin:
            break;
    }
    return props;
}

std::string_view RoleName(ClientRole role) {
    switch (role) {
        case ClientRole::kProducer:
            return "producer";
        case ClientRole::kTransactionalProducer:
            return "transactional producer";
        case ClientRole::kConsumer:
            return "consumer";
        case ClientRole::kAdmin:
            return "admin client";
    }
    return "client";
}

core::Status CheckRequired(const KafkaConfig& config, ClientRole role) {
    if (config.brokers.empty()) {
        return core::Error(core::Errc::kConfig, "kafka.brokers",
                           "no Kafka broker address: set brokers (BFU_KAFKA_BROKERS), e.g. "
                           "127.0.0.1:19092");
    }
    if (role == ClientRole::kConsumer && config.group_id.empty()) {
        return core::Error(core::Errc::kConfig, "kafka.group_id",
                           "a Kafka consumer needs a group id: set group_id");
    }
    if (role == ClientRole::kTransactionalProducer && config.transactional_id.empty()) {
        return core::Error(core::Errc::kConfig, "kafka.transactional_id",
                           "a transactional producer needs a transactional id: set "
                           "transactional_id (stable across restarts of this instance)");
    }
    if (config.startup_timeout.count() <= 0) {
        return core::Error(core::Errc::kConfig, "kafka.startup_timeout",
                           "startup_timeout must be positive");
    }
    return core::Ok();
}

}  // namespace

core::Result<ConfPtr> BuildConf(const KafkaConfig& config, ClientRole role) {
    BFU_TRY(CheckRequired(config, role));
    ConfPtr conf(rd_kafka_conf_new());
    std::array<char, 512> errstr{};
    auto set = [&](const std::string& name, const std::string& value,
                   std::string_view origin) -> core::Status {
        if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), errstr.data(),
                              errstr.size()) != RD_KAFKA_CONF_OK) {
            return core::Error(core::Errc::kConfig, "kafka.properties." + name,
                               "Kafka " + std::string(RoleName(role)) + " property '" + name +
                                   "' = '" + value + "' (" + std::string(origin) +
                                   ") rejected by librdkafka: " + errstr.data());
        }
        return core::Ok();
    };
    for (const auto& [name, value] : Defaults(config, role)) {
        BFU_TRY(set(name, value, "bfu default"));
    }
    for (const auto& [name, value] : config.properties) {
        BFU_TRY(set(name, value, "from config"));
    }
    rd_kafka_conf_set_log_cb(conf.get(), &OnLibraryLog);
    return conf;
}

core::Result<HandlePtr> NewHandle(rd_kafka_type_t type, ConfPtr conf) {
    std::array<char, 512> errstr{};
    rd_kafka_t* rk = rd_kafka_new(type, conf.get(), errstr.data(), errstr.size());
    if (rk == nullptr) {
        return core::Error(core::Errc::kConfig, "kafka",
                           std::string("cannot create the Kafka client: ") + errstr.data());
    }
    static_cast<void>(conf.release());  // rd_kafka_new took it
    return HandlePtr(rk);
}

core::Status CheckBrokers(rd_kafka_t* rk, const KafkaConfig& config) {
    const rd_kafka_metadata_t* md = nullptr;
    const rd_kafka_resp_err_t err =
        rd_kafka_metadata(rk, 0, nullptr, &md, ToMillis(config.startup_timeout));
    const int brokers = md != nullptr ? md->broker_cnt : 0;
    if (md != nullptr) {
        rd_kafka_metadata_destroy(md);
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR || brokers == 0) {
        return core::Error(
            core::Errc::kConfig, "kafka.brokers",
            "no Kafka broker answered at '" + config.brokers + "' within " +
                std::to_string(config.startup_timeout.count()) + " ms (" + rd_kafka_err2name(err) +
                ": " + rd_kafka_err2str(err) +
                "): check brokers (BFU_KAFKA_BROKERS) and that the broker runs (ops/stack up)");
    }
    return core::Ok();
}

int ToMillis(std::chrono::milliseconds timeout) noexcept {
    if (timeout.count() <= 0) {
        return 0;
    }
    return timeout.count() > INT_MAX ? INT_MAX : static_cast<int>(timeout.count());
}

ListPtr ToList(const std::vector<TopicPartition>& partitions) {
    ListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
    for (const auto& tp : partitions) {
        rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition);
    }
    return list;
}

ListPtr ToList(const std::vector<TopicPartitionOffset>& offsets) {
    ListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
    for (const auto& tpo : offsets) {
        rd_kafka_topic_partition_list_add(list.get(), tpo.topic.c_str(), tpo.partition)->offset =
            tpo.offset;
    }
    return list;
}

std::vector<TopicPartition> PartitionsOf(const rd_kafka_topic_partition_list_t* list) {
    std::vector<TopicPartition> out;
    if (list == nullptr) {
        return out;
    }
    out.reserve(static_cast<std::size_t>(list->cnt));
    for (int i = 0; i < list->cnt; ++i) {
        out.push_back({list->elems[i].topic, list->elems[i].partition});
    }
    return out;
}

std::vector<TopicPartitionOffset> OffsetsOf(const rd_kafka_topic_partition_list_t* list) {
    std::vector<TopicPartitionOffset> out;
    if (list == nullptr) {
        return out;
    }
    out.reserve(static_cast<std::size_t>(list->cnt));
    for (int i = 0; i < list->cnt; ++i) {
        out.push_back({list->elems[i].topic, list->elems[i].partition, list->elems[i].offset});
    }
    return out;
}

core::Status FirstPartitionError(const rd_kafka_topic_partition_list_t* list,
                                 std::string_view context) {
    for (int i = 0; list != nullptr && i < list->cnt; ++i) {
        const auto& e = list->elems[i];
        if (e.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            return ErrorFromCode(e.err, std::string(context) + " " + e.topic + "[" +
                                            std::to_string(e.partition) + "]");
        }
    }
    return core::Ok();
}

std::string HandleConfigValue(rd_kafka_t* rk, std::string_view name) {
    const rd_kafka_conf_t* conf = rd_kafka_conf(rk);
    const std::string key(name);
    std::array<char, 1024> buf{};
    std::size_t size = buf.size();
    if (rd_kafka_conf_get(conf, key.c_str(), buf.data(), &size) != RD_KAFKA_CONF_OK) {
        return {};
    }
    return std::string(buf.data());
}

Headers HeadersOf(const rd_kafka_message_t* msg) {
    Headers out;
    rd_kafka_headers_t* hdrs = nullptr;
    if (rd_kafka_message_headers(msg, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR || hdrs == nullptr) {
        return out;
    }
    const char* name = nullptr;
    const void* value = nullptr;
    std::size_t size = 0;
    for (std::size_t i = 0;
         rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i) {
        out.push_back({name, value != nullptr ? std::string(static_cast<const char*>(value), size)
                                              : std::string()});
    }
    return out;
}

}  // namespace bfu::kafka::detail
