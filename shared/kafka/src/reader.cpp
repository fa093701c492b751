#include "bfu/kafka/reader.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "bfu/kafka/error.hpp"
#include "client.hpp"

namespace bfu::kafka {

struct PartitionReader::State {
    struct Part {
        std::int64_t position = -1;  // next offset to read, as far as we know
        std::int64_t target = -1;    // the high watermark to reach; -1: not asked for yet
    };
    std::map<TopicPartition, Part> parts;
    std::map<TopicPartition, std::int64_t> start;  // offsets asked for by Add
    // A second handle, read_uncommitted, only to ask for true high watermarks: a
    // read_committed handle is told the last stable offset instead, which stops short of a
    // transaction still open.
    detail::HandlePtr watermarks;
    // Its configuration, to make it afresh: a handle that is never polled keeps the leaders it
    // last knew, so after a broker's loss its queries could go to the dead broker for minutes.
    KafkaConfig watermarks_config;
    // Last, so it is destroyed first.
    detail::HandlePtr rk;
};

namespace {

struct MessageDeleter {
    void operator()(rd_kafka_message_t* m) const noexcept { rd_kafka_message_destroy(m); }
};

Message Decode(const rd_kafka_message_t* msg) {
    Message m;
    m.topic = rd_kafka_topic_name(msg->rkt);
    m.partition = msg->partition;
    m.offset = msg->offset;
    if (msg->key != nullptr) m.key.assign(static_cast<const char*>(msg->key), msg->key_len);
    if (msg->payload != nullptr) {
        m.value.assign(static_cast<const char*>(msg->payload), msg->len);
    }
    rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
    m.timestamp_ms = rd_kafka_message_timestamp(msg, &type);
    return m;
}

}  // namespace

PartitionReader::PartitionReader(std::unique_ptr<State> state) : state_(std::move(state)) {}

PartitionReader::~PartitionReader() {
    if (state_ && state_->rk) static_cast<void>(rd_kafka_consumer_close(state_->rk.get()));
}

core::Result<std::unique_ptr<PartitionReader>> PartitionReader::Create(const KafkaConfig& config) {
    KafkaConfig c = config;
    // librdkafka wants a group id for a consumer handle; no group is joined without Subscribe.
    if (c.group_id.empty()) c.group_id = c.client_id + "-reader";
    c.properties["enable.partition.eof"] = "true";
    c.properties["isolation.level"] = "read_committed";
    auto conf = detail::BuildConf(c, ClientRole::kConsumer);
    if (!conf.ok()) return std::move(conf).error();
    auto rk = detail::NewHandle(RD_KAFKA_CONSUMER, std::move(conf).value());
    if (!rk.ok()) return std::move(rk).error();
    KafkaConfig w = c;
    w.properties["isolation.level"] = "read_uncommitted";
    w.properties.erase("enable.partition.eof");
    auto wconf = detail::BuildConf(w, ClientRole::kConsumer);
    if (!wconf.ok()) return std::move(wconf).error();
    auto wk = detail::NewHandle(RD_KAFKA_CONSUMER, std::move(wconf).value());
    if (!wk.ok()) return std::move(wk).error();
    auto state = std::make_unique<State>();
    state->watermarks = std::move(wk).value();
    state->watermarks_config = w;
    state->rk = std::move(rk).value();
    rd_kafka_poll_set_consumer(state->rk.get());
    BFU_TRY(detail::CheckBrokers(state->rk.get(), c));
    return std::unique_ptr<PartitionReader>(new PartitionReader(std::move(state)));
}

core::Status PartitionReader::Add(const std::vector<TopicPartitionOffset>& partitions) {
    for (const auto& p : partitions) {
        const TopicPartition tp{p.topic, p.partition};
        state_->start[tp] = p.offset;
        state_->parts[tp] = {};
    }
    // The whole assignment again, each partition from where it is (or from its start).
    std::vector<TopicPartitionOffset> all;
    for (const auto& [tp, part] : state_->parts) {
        all.push_back(
            {tp.topic, tp.partition, part.position >= 0 ? part.position : state_->start[tp]});
    }
    detail::ListPtr list = detail::ToList(all);
    const rd_kafka_resp_err_t err = rd_kafka_assign(state_->rk.get(), list.get());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return ErrorFromCode(err, "assign partitions");
    return core::Ok();
}

core::Result<std::vector<Message>> PartitionReader::Poll(std::size_t max_messages,
                                                         std::chrono::milliseconds timeout) {
    rd_kafka_t* rk = state_->rk.get();
    std::vector<Message> batch;
    auto wait = timeout;
    while (batch.size() < max_messages) {
        std::unique_ptr<rd_kafka_message_t, MessageDeleter> msg(
            rd_kafka_consumer_poll(rk, detail::ToMillis(wait)));
        wait = std::chrono::milliseconds(0);
        if (!msg) break;
        if (msg->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            if (msg->rkt != nullptr) {
                auto it = state_->parts.find({rd_kafka_topic_name(msg->rkt), msg->partition});
                if (it != state_->parts.end()) {
                    it->second.position = std::max(it->second.position, msg->offset);
                }
            }
            continue;
        }
        if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            std::array<char, 512> buf{};
            const rd_kafka_resp_err_t fatal = rd_kafka_fatal_error(rk, buf.data(), buf.size());
            if (fatal != RD_KAFKA_RESP_ERR_NO_ERROR) {
                KafkaError e = FromCode(fatal, "reader failed fatally", buf.data());
                e.fatal = true;
                return e.ToError();
            }
            if (batch.empty()) {
                return ErrorFromCode(msg->err, "read", rd_kafka_message_errstr(msg.get()));
            }
            break;
        }
        Message m = Decode(msg.get());
        auto it = state_->parts.find({m.topic, m.partition});
        if (it != state_->parts.end()) {
            it->second.position = std::max(it->second.position, m.offset + 1);
        }
        batch.push_back(std::move(m));
    }
    return batch;
}

core::Result<bool> PartitionReader::CaughtUp(std::chrono::milliseconds timeout) {
    bool all = true;
    for (auto& [tp, part] : state_->parts) {
        if (part.target < 0) {
            std::int64_t low = 0;
            std::int64_t high = 0;
            const rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
                state_->watermarks.get(), tp.topic.c_str(), tp.partition, &low, &high,
                detail::ToMillis(timeout));
            if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
                // A fresh handle learns the leaders anew (from the brokers still up).
                if (auto conf = detail::BuildConf(state_->watermarks_config, ClientRole::kConsumer);
                    conf.ok()) {
                    if (auto fresh = detail::NewHandle(RD_KAFKA_CONSUMER, std::move(conf).value());
                        fresh.ok()) {
                        state_->watermarks = std::move(fresh).value();
                    }
                }
                return ErrorFromCode(
                    err, "watermarks of " + tp.topic + "/" + std::to_string(tp.partition));
            }
            part.target = high;
        }
        // The position passes a record of a transaction only once the transaction has ended
        // (read_committed stops at the first open one), so reaching the target means every
        // transaction written before it has committed or aborted.
        if (part.position < part.target || part.position < 0) all = false;
    }
    if (all) {
        // Reached: the next call measures against the watermarks as they are then.
        for (auto& [tp, part] : state_->parts) part.target = -1;
    }
    return all;
}

std::string PartitionReader::Behind() const {
    std::string behind;
    for (const auto& [tp, part] : state_->parts) {
        if (part.position < 0 || part.position < part.target) {
            if (!behind.empty()) behind += ", ";
            behind += tp.topic + "/" + std::to_string(tp.partition) + " at " +
                      std::to_string(part.position) + " of " + std::to_string(part.target);
        }
    }
    return behind;
}

core::Status PartitionReader::BehindError() const {
    return core::Error(core::Errc::kTimeout, "kafka",
                       "did not reach the end of " + Behind() +
                           " (a transaction still open there holds the end back)");
}

}  // namespace bfu::kafka
