#include "bfu/kafka/producer.hpp"

#include <array>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>

#include "bfu/kafka/error.hpp"
#include "client.hpp"

namespace bfu::kafka {

namespace detail {
struct ProducerState {
    std::chrono::milliseconds close_timeout{5000};
    std::atomic<std::uint64_t> enqueued{0};
    std::atomic<std::uint64_t> delivered{0};
    std::atomic<std::uint64_t> failed{0};
    mutable std::mutex mu;
    std::optional<KafkaError> first_failure;  // since the last Flush; guarded by mu
    std::string statistics;                   // guarded by mu
    // Last, so it is destroyed first: rd_kafka_destroy may still run callbacks on the rest.
    HandlePtr rk;
};
}  // namespace detail

namespace {

// Delivery reports run on the thread that calls rd_kafka_poll/rd_kafka_flush.
void OnDelivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* msg, void* opaque) {
    auto* st = static_cast<detail::ProducerState*>(opaque);
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        st->delivered.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    st->failed.fetch_add(1, std::memory_order_relaxed);
    const std::string topic = msg->rkt != nullptr ? rd_kafka_topic_name(msg->rkt) : "?";
    std::lock_guard lock(st->mu);
    if (!st->first_failure) {
        st->first_failure = FromCode(msg->err, "deliver to " + topic);
    }
}

// Non-fatal errors are informational (librdkafka reconnects and retries by itself); they are
// printed because setting an error callback turns off librdkafka's own error logging.
void OnError(rd_kafka_t* rk, int err, const char* reason, void* /*opaque*/) {
    std::fprintf(stderr, "bfu::kafka %s: %s: %s\n", rd_kafka_name(rk),
                 rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)), reason);
}

int OnStatistics(rd_kafka_t* /*rk*/, char* json, std::size_t json_len, void* opaque) {
    auto* st = static_cast<detail::ProducerState*>(opaque);
    std::lock_guard lock(st->mu);
    st->statistics.assign(json, json_len);
    return 0;  // librdkafka frees json
}

std::optional<core::Error> FatalOf(rd_kafka_t* rk) {
    std::array<char, 512> buf{};
    const rd_kafka_resp_err_t err = rd_kafka_fatal_error(rk, buf.data(), buf.size());
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        return std::nullopt;
    }
    KafkaError e = FromCode(err, "producer failed fatally", buf.data());
    e.fatal = true;
    return e.ToError();
}

}  // namespace

Producer::Producer(std::unique_ptr<detail::ProducerState> state) : state_(std::move(state)) {}

Producer::~Producer() {
    if (state_ && state_->rk) {
        // Deliver what was accepted before the handle goes; bounded so shutdown cannot hang.
        static_cast<void>(
            rd_kafka_flush(state_->rk.get(), detail::ToMillis(state_->close_timeout)));
    }
}

core::Result<std::unique_ptr<Producer>> Producer::Create(const KafkaConfig& config) {
    return CreateFor(config, ClientRole::kProducer);
}

core::Result<std::unique_ptr<Producer>> Producer::CreateFor(const KafkaConfig& config,
                                                            ClientRole role) {
    auto conf = detail::BuildConf(config, role);
    if (!conf.ok()) {
        return std::move(conf).error();
    }
    auto state = std::make_unique<detail::ProducerState>();
    state->close_timeout = config.startup_timeout;
    rd_kafka_conf_set_opaque(conf->get(), state.get());
    rd_kafka_conf_set_dr_msg_cb(conf->get(), &OnDelivery);
    rd_kafka_conf_set_error_cb(conf->get(), &OnError);
    rd_kafka_conf_set_stats_cb(conf->get(), &OnStatistics);
    auto rk = detail::NewHandle(RD_KAFKA_PRODUCER, std::move(conf).value());
    if (!rk.ok()) {
        return std::move(rk).error();
    }
    state->rk = std::move(rk).value();
    BFU_TRY(detail::CheckBrokers(state->rk.get(), config));
    return std::unique_ptr<Producer>(new Producer(std::move(state)));
}

rd_kafka_s* Producer::Handle() const { return state_->rk.get(); }

void Producer::ResetDeliveryFailures() {
    rd_kafka_poll(state_->rk.get(), 0);  // take in reports already queued
    std::lock_guard lock(state_->mu);
    state_->first_failure.reset();
}

core::Status Producer::Produce(const OutMessage& message) {
    return Produce(message.topic, message.key, message.value, message.headers, message.partition);
}

core::Status Producer::Produce(std::string_view topic, std::string_view key, std::string_view value,
                               const Headers& headers, std::int32_t partition) {
    rd_kafka_t* rk = state_->rk.get();
    if (auto fatal = FatalOf(rk)) {
        return *fatal;
    }
    const std::string topic_name(topic);
    // One attempt per 100 ms for up to close_timeout while the local queue is full: the
    // broker is slower than us for a moment, which serving delivery reports relieves.
    const auto deadline = std::chrono::steady_clock::now() + state_->close_timeout;
    while (true) {
        rd_kafka_headers_t* hdrs = nullptr;
        if (!headers.empty()) {
            hdrs = rd_kafka_headers_new(headers.size());
            for (const auto& h : headers) {
                rd_kafka_header_add(hdrs, h.key.data(), static_cast<ssize_t>(h.key.size()),
                                    h.value.data(), static_cast<ssize_t>(h.value.size()));
            }
        }
        std::array<rd_kafka_vu_t, 6> vus{};
        std::size_t n = 0;
        vus[n].vtype = RD_KAFKA_VTYPE_TOPIC;
        vus[n++].u.cstr = topic_name.c_str();
        vus[n].vtype = RD_KAFKA_VTYPE_VALUE;
        vus[n].u.mem.ptr = const_cast<char*>(value.data());
        vus[n++].u.mem.size = value.size();
        vus[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
        vus[n++].u.i = RD_KAFKA_MSG_F_COPY;
        if (!key.empty()) {
            vus[n].vtype = RD_KAFKA_VTYPE_KEY;
            vus[n].u.mem.ptr = const_cast<char*>(key.data());
            vus[n++].u.mem.size = key.size();
        }
        if (partition != kAnyPartition) {
            vus[n].vtype = RD_KAFKA_VTYPE_PARTITION;
            vus[n++].u.i32 = partition;
        }
        if (hdrs != nullptr) {
            vus[n].vtype = RD_KAFKA_VTYPE_HEADERS;
            vus[n++].u.headers = hdrs;
        }
        detail::ErrorPtr error(rd_kafka_produceva(rk, vus.data(), n));
        if (!error) {
            state_->enqueued.fetch_add(1, std::memory_order_relaxed);
            rd_kafka_poll(rk, 0);  // serve delivery reports as we go
            return core::Ok();
        }
        if (hdrs != nullptr) {
            rd_kafka_headers_destroy(hdrs);  // not taken on failure
        }
        if (rd_kafka_error_code(error.get()) != RD_KAFKA_RESP_ERR__QUEUE_FULL ||
            std::chrono::steady_clock::now() >= deadline) {
            if (auto fatal = FatalOf(rk)) {
                return *fatal;
            }
            return FromError(error.get(), "produce to " + topic_name).ToError();
        }
        rd_kafka_poll(rk, 100);
    }
}

core::Status Producer::Flush(std::chrono::milliseconds timeout) {
    rd_kafka_t* rk = state_->rk.get();
    const rd_kafka_resp_err_t err = rd_kafka_flush(rk, detail::ToMillis(timeout));
    if (auto fatal = FatalOf(rk)) {
        return *fatal;
    }
    std::optional<KafkaError> failure;
    {
        std::lock_guard lock(state_->mu);
        failure.swap(state_->first_failure);
    }
    if (failure) {
        return failure->ToError();
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return ErrorFromCode(err, "flush",
                             std::to_string(rd_kafka_outq_len(rk)) +
                                 " records or requests still in flight at the deadline");
    }
    return core::Ok();
}

void Producer::Poll(std::chrono::milliseconds timeout) {
    rd_kafka_poll(state_->rk.get(), detail::ToMillis(timeout));
}

DeliveryStats Producer::Stats() const {
    return {state_->enqueued.load(), state_->delivered.load(), state_->failed.load()};
}

core::Status Producer::FatalError() const {
    if (auto fatal = FatalOf(state_->rk.get())) {
        return *fatal;
    }
    return core::Ok();
}

std::string Producer::ConfigValue(std::string_view name) const {
    return detail::HandleConfigValue(state_->rk.get(), name);
}

std::string Producer::LatestStatistics() const {
    std::lock_guard lock(state_->mu);
    return state_->statistics;
}

}  // namespace bfu::kafka
