#include "bfu/kafka/admin.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <thread>

#include "bfu/kafka/error.hpp"
#include "client.hpp"

namespace bfu::kafka {
namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds Remaining(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() > 0 ? left : std::chrono::milliseconds(0);
}

struct MetadataDeleter {
    void operator()(const rd_kafka_metadata_t* md) const noexcept { rd_kafka_metadata_destroy(md); }
};
using MetadataPtr = std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter>;

struct QueueDeleter {
    void operator()(rd_kafka_queue_t* q) const noexcept { rd_kafka_queue_destroy(q); }
};
struct EventDeleter {
    void operator()(rd_kafka_event_t* ev) const noexcept { rd_kafka_event_destroy(ev); }
};
struct OptionsDeleter {
    void operator()(rd_kafka_AdminOptions_t* o) const noexcept { rd_kafka_AdminOptions_destroy(o); }
};
using EventPtr = std::unique_ptr<rd_kafka_event_t, EventDeleter>;

core::Result<MetadataPtr> Metadata(rd_kafka_t* rk, std::chrono::milliseconds timeout) {
    const rd_kafka_metadata_t* md = nullptr;
    const rd_kafka_resp_err_t err =
        rd_kafka_metadata(rk, 1, nullptr, &md, detail::ToMillis(timeout));
    MetadataPtr owned(md);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return ErrorFromCode(err, "read cluster metadata");
    }
    return owned;
}

// Reads the cluster's metadata and returns what `read` makes of `topic`'s; kNotFound when there
// is no such topic (or it has an error).
template <typename Read>
core::Result<std::int32_t> ReadTopic(rd_kafka_t* rk, const std::string& topic,
                                     std::chrono::milliseconds timeout, Read read) {
    auto md = Metadata(rk, timeout);
    if (!md.ok()) {
        return std::move(md).error();
    }
    for (int i = 0; i < md.value()->topic_cnt; ++i) {
        const auto& t = md.value()->topics[i];
        if (topic == t.topic && t.err == RD_KAFKA_RESP_ERR_NO_ERROR) return read(t);
    }
    return core::Error(core::Errc::kNotFound, "topic " + topic, "no topic named " + topic);
}

// Runs one admin request on a private queue and waits for its result event.
template <typename Submit>
core::Result<EventPtr> RunAdmin(rd_kafka_t* rk, rd_kafka_admin_op_t op,
                                std::chrono::milliseconds timeout, Submit submit) {
    std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue(rd_kafka_queue_new(rk));
    std::unique_ptr<rd_kafka_AdminOptions_t, OptionsDeleter> options(
        rd_kafka_AdminOptions_new(rk, op));
    std::array<char, 512> errstr{};
    if (rd_kafka_AdminOptions_set_operation_timeout(options.get(), detail::ToMillis(timeout),
                                                    errstr.data(),
                                                    errstr.size()) != RD_KAFKA_RESP_ERR_NO_ERROR ||
        rd_kafka_AdminOptions_set_request_timeout(options.get(), detail::ToMillis(timeout),
                                                  errstr.data(),
                                                  errstr.size()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return core::Error(core::Errc::kInternal, std::string("admin options: ") + errstr.data());
    }
    submit(options.get(), queue.get());
    // The request itself is bounded by its timeout; the extra second lets the result arrive.
    EventPtr ev(rd_kafka_queue_poll(queue.get(), detail::ToMillis(timeout) + 1000));
    if (!ev) {
        return ErrorFromCode(RD_KAFKA_RESP_ERR__TIMED_OUT, "admin request");
    }
    if (rd_kafka_event_error(ev.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return ErrorFromCode(rd_kafka_event_error(ev.get()), "admin request",
                             rd_kafka_event_error_string(ev.get()));
    }
    return ev;
}

}  // namespace

Admin::Admin(rd_kafka_s* handle) : rk_(handle) {}

Admin::~Admin() { rd_kafka_destroy(rk_); }

core::Result<std::unique_ptr<Admin>> Admin::Create(const KafkaConfig& config) {
    auto conf = detail::BuildConf(config, ClientRole::kAdmin);
    if (!conf.ok()) {
        return std::move(conf).error();
    }
    auto rk = detail::NewHandle(RD_KAFKA_PRODUCER, std::move(conf).value());
    if (!rk.ok()) {
        return std::move(rk).error();
    }
    BFU_TRY(detail::CheckBrokers(rk.value().get(), config));
    return std::unique_ptr<Admin>(new Admin(rk.value().release()));
}

core::Status Admin::CreateTopics(const std::vector<TopicSpec>& topics,
                                 std::chrono::milliseconds timeout) {
    if (topics.empty()) {
        return core::Ok();
    }
    const auto deadline = Clock::now() + timeout;
    std::vector<rd_kafka_NewTopic_t*> news;
    std::array<char, 512> errstr{};
    core::Status built = core::Ok();
    for (const auto& t : topics) {
        rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(
            t.name.c_str(), t.partitions, t.replication_factor, errstr.data(), errstr.size());
        if (nt == nullptr) {
            built = core::Error(core::Errc::kConfig, "topic " + t.name, errstr.data());
            break;
        }
        news.push_back(nt);
        for (const auto& [name, value] : t.configs) {
            if (rd_kafka_NewTopic_set_config(nt, name.c_str(), value.c_str()) !=
                RD_KAFKA_RESP_ERR_NO_ERROR) {
                built = core::Error(core::Errc::kConfig, "topic " + t.name,
                                    "cannot set topic config " + name + "=" + value);
            }
        }
    }
    core::Result<EventPtr> ev = core::Error(core::Errc::kInternal, "not sent");
    if (built.ok()) {
        ev = RunAdmin(rk_, RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout,
                      [&](rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
                          rd_kafka_CreateTopics(rk_, news.data(), news.size(), options, queue);
                      });
    }
    rd_kafka_NewTopic_destroy_array(news.data(), news.size());
    BFU_TRY(built);
    if (!ev.ok()) {
        return std::move(ev).error();
    }
    const rd_kafka_CreateTopics_result_t* result =
        rd_kafka_event_CreateTopics_result(ev.value().get());
    std::size_t count = 0;
    const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(result, &count);
    for (std::size_t i = 0; i < count; ++i) {
        const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
            const char* msg = rd_kafka_topic_result_error_string(results[i]);
            return ErrorFromCode(
                err, std::string("create topic ") + rd_kafka_topic_result_name(results[i]),
                msg != nullptr ? msg : "");
        }
    }
    // Created is not yet usable: wait until metadata shows each topic with every partition led,
    // and check that topics which already existed have the partition count asked for.
    while (true) {
        auto md = Metadata(rk_, Remaining(deadline));
        if (!md.ok()) {
            return std::move(md).error();
        }
        bool ready = true;
        for (const auto& t : topics) {
            const rd_kafka_metadata_topic* found = nullptr;
            for (int i = 0; i < md.value()->topic_cnt; ++i) {
                if (t.name == md.value()->topics[i].topic) {
                    found = &md.value()->topics[i];
                }
            }
            if (found == nullptr || found->err != RD_KAFKA_RESP_ERR_NO_ERROR ||
                found->partition_cnt == 0) {
                ready = false;
                break;
            }
            if (found->partition_cnt != t.partitions) {
                return core::Error(core::Errc::kConfig, "topic " + t.name,
                                   "topic " + t.name + " exists with " +
                                       std::to_string(found->partition_cnt) + " partitions, not " +
                                       std::to_string(t.partitions));
            }
            for (int p = 0; p < found->partition_cnt; ++p) {
                if (found->partitions[p].leader < 0 ||
                    found->partitions[p].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
                    ready = false;
                }
            }
        }
        if (ready) {
            return core::Ok();
        }
        if (Clock::now() >= deadline) {
            return ErrorFromCode(RD_KAFKA_RESP_ERR__TIMED_OUT, "wait for new topics' leaders");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

core::Status Admin::DeleteTopics(const std::vector<std::string>& names,
                                 std::chrono::milliseconds timeout) {
    if (names.empty()) {
        return core::Ok();
    }
    std::vector<rd_kafka_DeleteTopic_t*> dels;
    dels.reserve(names.size());
    for (const auto& n : names) {
        dels.push_back(rd_kafka_DeleteTopic_new(n.c_str()));
    }
    auto ev = RunAdmin(rk_, RD_KAFKA_ADMIN_OP_DELETETOPICS, timeout,
                       [&](rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
                           rd_kafka_DeleteTopics(rk_, dels.data(), dels.size(), options, queue);
                       });
    rd_kafka_DeleteTopic_destroy_array(dels.data(), dels.size());
    if (!ev.ok()) {
        return std::move(ev).error();
    }
    const rd_kafka_DeleteTopics_result_t* result =
        rd_kafka_event_DeleteTopics_result(ev.value().get());
    std::size_t count = 0;
    const rd_kafka_topic_result_t** results = rd_kafka_DeleteTopics_result_topics(result, &count);
    for (std::size_t i = 0; i < count; ++i) {
        const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
            const char* msg = rd_kafka_topic_result_error_string(results[i]);
            return ErrorFromCode(
                err, std::string("delete topic ") + rd_kafka_topic_result_name(results[i]),
                msg != nullptr ? msg : "");
        }
    }
    return core::Ok();
}

core::Result<std::vector<std::string>> Admin::ListTopics(std::chrono::milliseconds timeout) {
    auto md = Metadata(rk_, timeout);
    if (!md.ok()) {
        return std::move(md).error();
    }
    std::vector<std::string> names;
    for (int i = 0; i < md.value()->topic_cnt; ++i) {
        if (md.value()->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            names.emplace_back(md.value()->topics[i].topic);
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

core::Result<std::int32_t> Admin::PartitionCount(const std::string& topic,
                                                 std::chrono::milliseconds timeout) {
    return ReadTopic(rk_, topic, timeout,
                     [](const rd_kafka_metadata_topic_t& t) -> core::Result<std::int32_t> {
                         return std::int32_t{t.partition_cnt};
                     });
}

core::Result<std::int32_t> Admin::PartitionLeader(const std::string& topic, std::int32_t partition,
                                                  std::chrono::milliseconds timeout) {
    return ReadTopic(
        rk_, topic, timeout, [&](const rd_kafka_metadata_topic_t& t) -> core::Result<std::int32_t> {
            const std::string where = "topic " + topic + "[" + std::to_string(partition) + "]";
            for (int j = 0; j < t.partition_cnt; ++j) {
                const auto& p = t.partitions[j];
                if (p.id != partition) continue;
                if (p.leader < 0)
                    return core::Error(core::Errc::kUnavailable, where, "no leader now");
                return std::int32_t{p.leader};
            }
            return core::Error(core::Errc::kNotFound, where, "no such partition");
        });
}

core::Result<Watermarks> Admin::QueryWatermarks(const std::string& topic, std::int32_t partition,
                                                std::chrono::milliseconds timeout) {
    Watermarks w;
    const rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
        rk_, topic.c_str(), partition, &w.low, &w.high, detail::ToMillis(timeout));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return ErrorFromCode(
            err, "query watermarks of " + topic + "[" + std::to_string(partition) + "]");
    }
    return w;
}

}  // namespace bfu::kafka
