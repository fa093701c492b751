#include "bfu/kafka/consumer.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <set>
#include <tuple>

#include "bfu/kafka/error.hpp"
#include "bfu/kafka/log.hpp"
#include "client.hpp"

namespace bfu::kafka {
namespace detail {

struct ConsumerState {
    std::string group_id;
    RebalanceHooks hooks;
    // The partitions this member owns, as the rebalance callback left them; Poll drops
    // records of any other partition. Touched only on the polling thread.
    std::set<TopicPartition> assigned;
    // Counts rebalance callbacks, so Poll can tell one happened during a batch.
    std::uint64_t rebalances = 0;
    bool closed = false;
    // Last, so it is destroyed first (see ProducerState).
    HandlePtr rk;
};

}  // namespace detail

namespace {

void Report(rd_kafka_t* rk, std::string_view what, const core::Error& error) {
    const std::string message = std::string(what) + ": " + error.ToString();
    Log({4, rd_kafka_name(rk), "REBALANCE", message});
}

// Runs inside rd_kafka_consumer_poll/rd_kafka_consumer_close on the polling thread. Hooks run
// before the assignment changes, so on_revoke can still commit for the partitions it loses.
void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                 rd_kafka_topic_partition_list_t* partitions, void* opaque) {
    auto* st = static_cast<detail::ConsumerState*>(opaque);
    ++st->rebalances;
    const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    const std::vector<TopicPartition> parts = detail::PartitionsOf(partitions);
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        if (st->hooks.on_assign) {
            st->hooks.on_assign(parts);
        }
        if (cooperative) {
            detail::ErrorPtr e(rd_kafka_incremental_assign(rk, partitions));
            if (e) {
                Report(rk, "incremental assign", FromError(e.get(), "assign").ToError());
                return;
            }
        } else {
            const rd_kafka_resp_err_t r = rd_kafka_assign(rk, partitions);
            if (r != RD_KAFKA_RESP_ERR_NO_ERROR) {
                Report(rk, "assign", ErrorFromCode(r, "assign"));
                return;
            }
            st->assigned.clear();
        }
        st->assigned.insert(parts.begin(), parts.end());
        return;
    }
    // RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS, or an error that librdkafka asks us to treat as a
    // revoke of everything we hold.
    if (st->hooks.on_revoke) {
        st->hooks.on_revoke(parts, rd_kafka_assignment_lost(rk) != 0);
    }
    if (cooperative) {
        detail::ErrorPtr e(rd_kafka_incremental_unassign(rk, partitions));
        if (e) {
            Report(rk, "incremental unassign", FromError(e.get(), "unassign").ToError());
        }
        for (const auto& tp : parts) {
            st->assigned.erase(tp);
        }
    } else {
        static_cast<void>(rd_kafka_assign(rk, nullptr));
        st->assigned.clear();
    }
}

void OnError(rd_kafka_t* rk, int err, const char* reason, void* /*opaque*/) {
    const auto code = static_cast<rd_kafka_resp_err_t>(err);
    const bool fatal = code == RD_KAFKA_RESP_ERR__FATAL;
    Log({fatal ? 2 : 4, rd_kafka_name(rk), rd_kafka_err2name(code), reason});
}

Message Decode(const rd_kafka_message_t* msg) {
    Message m;
    m.topic = rd_kafka_topic_name(msg->rkt);
    m.partition = msg->partition;
    m.offset = msg->offset;
    if (msg->key != nullptr) {
        m.key.assign(static_cast<const char*>(msg->key), msg->key_len);
    }
    if (msg->payload != nullptr) {
        m.value.assign(static_cast<const char*>(msg->payload), msg->len);
    }
    m.headers = detail::HeadersOf(msg);
    rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
    m.timestamp_ms = rd_kafka_message_timestamp(msg, &type);
    return m;
}

struct MessageDeleter {
    void operator()(rd_kafka_message_t* m) const noexcept { rd_kafka_message_destroy(m); }
};

}  // namespace

Consumer::Consumer(std::unique_ptr<detail::ConsumerState> state) : state_(std::move(state)) {}

Consumer::~Consumer() {
    if (state_ && state_->rk) {
        static_cast<void>(Close());
    }
}

core::Result<std::unique_ptr<Consumer>> Consumer::Create(const KafkaConfig& config,
                                                         RebalanceHooks hooks) {
    auto conf = detail::BuildConf(config, ClientRole::kConsumer);
    if (!conf.ok()) {
        return std::move(conf).error();
    }
    auto state = std::make_unique<detail::ConsumerState>();
    state->group_id = config.group_id;
    state->hooks = std::move(hooks);
    rd_kafka_conf_set_opaque(conf->get(), state.get());
    rd_kafka_conf_set_rebalance_cb(conf->get(), &OnRebalance);
    rd_kafka_conf_set_error_cb(conf->get(), &OnError);
    auto rk = detail::NewHandle(RD_KAFKA_CONSUMER, std::move(conf).value());
    if (!rk.ok()) {
        return std::move(rk).error();
    }
    state->rk = std::move(rk).value();
    // Route every event (rebalances, errors) to rd_kafka_consumer_poll.
    rd_kafka_poll_set_consumer(state->rk.get());
    BFU_TRY(detail::CheckBrokers(state->rk.get(), config));
    return std::unique_ptr<Consumer>(new Consumer(std::move(state)));
}

rd_kafka_s* Consumer::Handle() const { return state_->rk.get(); }

core::Status Consumer::Subscribe(const std::vector<std::string>& topics) {
    detail::ListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
    for (const auto& t : topics) {
        rd_kafka_topic_partition_list_add(list.get(), t.c_str(), -1);
    }
    const rd_kafka_resp_err_t err = rd_kafka_subscribe(state_->rk.get(), list.get());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return ErrorFromCode(err, "subscribe");
    }
    return core::Ok();
}

core::Result<std::vector<Message>> Consumer::Poll(std::size_t max_messages,
                                                  std::chrono::milliseconds timeout) {
    rd_kafka_t* rk = state_->rk.get();
    std::vector<Message> batch;
    std::optional<core::Error> error;
    auto wait = timeout;
    while (batch.size() < max_messages) {
        const std::uint64_t rebalances = state_->rebalances;
        std::unique_ptr<rd_kafka_message_t, MessageDeleter> msg(
            rd_kafka_consumer_poll(rk, detail::ToMillis(wait)));
        if (state_->rebalances != rebalances) {
            // What was gathered before a rebalance belongs to the old assignment and is read
            // again from the committed offsets by whoever owns the partitions now.
            batch.clear();
        }
        wait = std::chrono::milliseconds(0);  // after the first, take only what is fetched
        if (!msg) {
            break;
        }
        if (msg->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            continue;
        }
        if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            std::array<char, 512> buf{};
            const rd_kafka_resp_err_t fatal = rd_kafka_fatal_error(rk, buf.data(), buf.size());
            if (fatal != RD_KAFKA_RESP_ERR_NO_ERROR) {
                KafkaError e = FromCode(fatal, "consumer failed fatally", buf.data());
                e.fatal = true;
                return e.ToError();
            }
            std::string context = "consume";
            if (msg->rkt != nullptr) {
                context += " " + std::string(rd_kafka_topic_name(msg->rkt));
            }
            error = ErrorFromCode(msg->err, context, rd_kafka_message_errstr(msg.get()));
            break;
        }
        batch.push_back(Decode(msg.get()));
    }
    // Belt and braces: never hand out a record of a partition this member does not own.
    std::erase_if(batch, [&](const Message& m) {
        return state_->assigned.count(TopicPartition{m.topic, m.partition}) == 0;
    });
    if (batch.empty() && error) {
        return *std::move(error);
    }
    return batch;
}

core::Status Consumer::Commit(const std::vector<TopicPartitionOffset>& offsets) {
    if (offsets.empty()) {
        return core::Ok();
    }
    detail::ListPtr list = detail::ToList(offsets);
    const rd_kafka_resp_err_t err = rd_kafka_commit(state_->rk.get(), list.get(), 0);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return ErrorFromCode(err, "commit offsets");
    }
    return detail::FirstPartitionError(list.get(), "commit offset of");
}

core::Status Consumer::Seek(const std::vector<TopicPartitionOffset>& offsets,
                            std::chrono::milliseconds timeout) {
    if (offsets.empty()) {
        return core::Ok();
    }
    detail::ListPtr list = detail::ToList(offsets);
    detail::ErrorPtr error(
        rd_kafka_seek_partitions(state_->rk.get(), list.get(), detail::ToMillis(timeout)));
    if (error) {
        return FromError(error.get(), "seek").ToError();
    }
    return detail::FirstPartitionError(list.get(), "seek");
}

core::Result<std::vector<TopicPartition>> Consumer::Assignment() const {
    rd_kafka_topic_partition_list_t* raw = nullptr;
    const rd_kafka_resp_err_t err = rd_kafka_assignment(state_->rk.get(), &raw);
    detail::ListPtr list(raw);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return ErrorFromCode(err, "read the assignment");
    }
    std::vector<TopicPartition> out = detail::PartitionsOf(list.get());
    std::sort(out.begin(), out.end());
    return out;
}

core::Result<std::vector<PartitionLag>> Consumer::Lag() const {
    rd_kafka_t* rk = state_->rk.get();
    rd_kafka_topic_partition_list_t* raw = nullptr;
    const rd_kafka_resp_err_t err = rd_kafka_assignment(rk, &raw);
    detail::ListPtr list(raw);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return ErrorFromCode(err, "read the assignment");
    }
    if (const rd_kafka_resp_err_t perr = rd_kafka_position(rk, list.get());
        perr != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return ErrorFromCode(perr, "read the positions");
    }
    std::vector<PartitionLag> out;
    out.reserve(static_cast<std::size_t>(list->cnt));
    for (int i = 0; i < list->cnt; ++i) {
        const rd_kafka_topic_partition_t& tp = list->elems[i];
        PartitionLag l{tp.topic, tp.partition, -1};
        std::int64_t low = -1;
        std::int64_t high = -1;
        if (tp.offset >= 0 &&
            rd_kafka_get_watermark_offsets(rk, tp.topic, tp.partition, &low, &high) ==
                RD_KAFKA_RESP_ERR_NO_ERROR &&
            high >= 0) {
            l.lag = std::max<std::int64_t>(0, high - tp.offset);
        }
        out.push_back(std::move(l));
    }
    std::sort(out.begin(), out.end(), [](const PartitionLag& a, const PartitionLag& b) {
        return std::tie(a.topic, a.partition) < std::tie(b.topic, b.partition);
    });
    return out;
}

core::Result<std::vector<TopicPartitionOffset>> Consumer::Committed(
    const std::vector<TopicPartition>& partitions, std::chrono::milliseconds timeout) const {
    detail::ListPtr list = detail::ToList(partitions);
    const rd_kafka_resp_err_t err =
        rd_kafka_committed(state_->rk.get(), list.get(), detail::ToMillis(timeout));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return ErrorFromCode(err, "read committed offsets");
    }
    BFU_TRY(detail::FirstPartitionError(list.get(), "read committed offset of"));
    return detail::OffsetsOf(list.get());
}

core::Status Consumer::Close() {
    if (state_->closed) {
        return core::Ok();
    }
    state_->closed = true;
    const rd_kafka_resp_err_t err = rd_kafka_consumer_close(state_->rk.get());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return ErrorFromCode(err, "close the consumer");
    }
    return core::Ok();
}

std::string Consumer::ConfigValue(std::string_view name) const {
    return detail::HandleConfigValue(state_->rk.get(), name);
}

const std::string& Consumer::GroupId() const { return state_->group_id; }

}  // namespace bfu::kafka
