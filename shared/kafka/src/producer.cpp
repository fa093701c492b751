#include "bfu/kafka/producer.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "bfu/kafka/error.hpp"
#include "bfu/kafka/log.hpp"
#include "client.hpp"

namespace bfu::kafka {

namespace detail {
struct ProducerState {
    KafkaConfig config;      // to make a new handle after a fatal idempotence error
    bool renewable = false;  // a plain idempotent producer (never a transactional one)
    std::chrono::milliseconds close_timeout{5000};
    std::atomic<std::uint64_t> enqueued{0};
    std::atomic<std::uint64_t> delivered{0};
    std::atomic<std::uint64_t> failed{0};
    std::atomic<std::uint64_t> renewals{0};
    std::atomic<std::uint64_t> resent{0};
    std::atomic<std::uintptr_t> next_order{1};  // each record's place, carried as its opaque
    mutable std::mutex mu;
    std::optional<KafkaError> first_failure;  // since the last Flush; guarded by mu
    // Not delivered by a fatal handle, with their places; guarded by mu.
    std::vector<std::pair<std::uintptr_t, OutMessage>> take_back;
    std::string statistics;  // guarded by mu
    // Shared by the calls that use the handle, exclusive while Renew replaces it.
    mutable std::shared_mutex handle_mu;
    // Last, so it is destroyed first: rd_kafka_destroy may still run callbacks on the rest.
    HandlePtr rk;
};
}  // namespace detail

namespace {

bool IsFatal(rd_kafka_t* rk) {
    std::array<char, 8> buf{};
    return rd_kafka_fatal_error(rk, buf.data(), buf.size()) != RD_KAFKA_RESP_ERR_NO_ERROR;
}

// The record a delivery report is about, to send again on a renewed handle.
OutMessage Copy(const rd_kafka_message_t* msg) {
    OutMessage out;
    out.topic = msg->rkt != nullptr ? rd_kafka_topic_name(msg->rkt) : "";
    if (msg->key != nullptr) out.key.assign(static_cast<const char*>(msg->key), msg->key_len);
    if (msg->payload != nullptr) {
        out.value.assign(static_cast<const char*>(msg->payload), msg->len);
    }
    out.partition = msg->partition;
    out.headers = detail::HeadersOf(msg);
    return out;
}

// Delivery reports run on the thread that calls rd_kafka_poll/rd_kafka_flush.
void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* msg, void* opaque) {
    auto* st = static_cast<detail::ProducerState*>(opaque);
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        st->delivered.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    if (st->renewable && IsFatal(rk)) {
        // The handle failed fatally: the record goes again on the next handle, in order.
        std::lock_guard lock(st->mu);
        st->take_back.emplace_back(reinterpret_cast<std::uintptr_t>(msg->_private), Copy(msg));
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
    const auto code = static_cast<rd_kafka_resp_err_t>(err);
    const bool fatal = code == RD_KAFKA_RESP_ERR__FATAL;
    Log({fatal ? 2 : 4, rd_kafka_name(rk), rd_kafka_err2name(code), reason});
}

int OnStatistics(rd_kafka_t* /*rk*/, char* json, std::size_t json_len, void* opaque) {
    auto* st = static_cast<detail::ProducerState*>(opaque);
    std::lock_guard lock(st->mu);
    st->statistics.assign(json, json_len);
    return 0;  // librdkafka frees json
}

// A producer handle reporting to `state`: its delivery reports, errors and statistics.
core::Result<detail::HandlePtr> NewProducerHandle(const KafkaConfig& config, ClientRole role,
                                                  detail::ProducerState* state) {
    auto conf = detail::BuildConf(config, role);
    if (!conf.ok()) {
        return std::move(conf).error();
    }
    rd_kafka_conf_set_opaque(conf->get(), state);
    rd_kafka_conf_set_dr_msg_cb(conf->get(), &OnDelivery);
    rd_kafka_conf_set_error_cb(conf->get(), &OnError);
    rd_kafka_conf_set_stats_cb(conf->get(), &OnStatistics);
    return detail::NewHandle(RD_KAFKA_PRODUCER, std::move(conf).value());
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
        static_cast<void>(Flush(state_->close_timeout));
    }
}

core::Result<std::unique_ptr<Producer>> Producer::Create(const KafkaConfig& config) {
    return CreateFor(config, ClientRole::kProducer);
}

core::Result<std::unique_ptr<Producer>> Producer::CreateFor(const KafkaConfig& config,
                                                            ClientRole role) {
    auto state = std::make_unique<detail::ProducerState>();
    state->config = config;
    state->renewable = role == ClientRole::kProducer;
    state->close_timeout = config.startup_timeout;
    auto rk = NewProducerHandle(config, role, state.get());
    if (!rk.ok()) {
        return std::move(rk).error();
    }
    state->rk = std::move(rk).value();
    BFU_TRY(detail::CheckBrokers(state->rk.get(), config));
    return std::unique_ptr<Producer>(new Producer(std::move(state)));
}

// The transactional producer is never renewed, so its handle stays the same.
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
    std::shared_lock lock(state_->handle_mu);
    rd_kafka_t* rk = state_->rk.get();
    if (auto fatal = FatalOf(rk)) {
        if (!state_->renewable) {
            return *fatal;
        }
        lock.unlock();
        BFU_TRY(Renew(rk));
        lock.lock();
        rk = state_->rk.get();
    }
    core::Status s = ProduceOn(rk, topic, key, value, headers, partition);
    if (!s.ok() && state_->renewable && IsFatal(rk)) {
        // The handle failed between the check and the send: once more on a new one.
        lock.unlock();
        BFU_TRY(Renew(rk));
        lock.lock();
        s = ProduceOn(state_->rk.get(), topic, key, value, headers, partition);
    }
    return s;
}

core::Status Producer::ProduceOn(rd_kafka_t* rk, std::string_view topic, std::string_view key,
                                 std::string_view value, const Headers& headers,
                                 std::int32_t partition) {
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
        std::array<rd_kafka_vu_t, 7> vus{};
        std::size_t n = 0;
        vus[n].vtype = RD_KAFKA_VTYPE_TOPIC;
        vus[n++].u.cstr = topic_name.c_str();
        vus[n].vtype = RD_KAFKA_VTYPE_VALUE;
        vus[n].u.mem.ptr = const_cast<char*>(value.data());
        vus[n++].u.mem.size = value.size();
        vus[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
        vus[n++].u.i = RD_KAFKA_MSG_F_COPY;
        // Its place, so records a failed handle gives back are sent again in produce order
        // (their delivery reports come queued ones first, in-flight ones after).
        vus[n].vtype = RD_KAFKA_VTYPE_OPAQUE;
        vus[n++].u.ptr = reinterpret_cast<void*>(  // NOLINT(performance-no-int-to-ptr)
            state_->next_order.fetch_add(1, std::memory_order_relaxed));
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

core::Status Producer::Renew(rd_kafka_t* seen) {
    std::unique_lock lock(state_->handle_mu);
    if (state_->rk.get() != seen) {
        return core::Ok();  // another thread renewed it
    }
    std::array<char, 512> reason{};
    const rd_kafka_resp_err_t err = rd_kafka_fatal_error(seen, reason.data(), reason.size());
    // Every record still queued or in flight comes back through its delivery report (into
    // take_back); the old handle is then closed.
    static_cast<void>(rd_kafka_purge(
        seen, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT | RD_KAFKA_PURGE_F_NON_BLOCKING));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (rd_kafka_outq_len(seen) > 0 && std::chrono::steady_clock::now() < deadline) {
        rd_kafka_poll(seen, 50);
    }
    rd_kafka_poll(seen, 0);
    state_->rk.reset();
    auto rk = NewProducerHandle(state_->config, ClientRole::kProducer, state_.get());
    if (!rk.ok()) {
        return std::move(rk).error();
    }
    state_->rk = std::move(rk).value();
    std::vector<std::pair<std::uintptr_t, OutMessage>> again;
    {
        std::lock_guard guard(state_->mu);
        again.swap(state_->take_back);
    }
    std::stable_sort(again.begin(), again.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    state_->renewals.fetch_add(1, std::memory_order_relaxed);
    const std::string note = std::string("producer renewed after a fatal error (") +
                             rd_kafka_err2name(err) + ": " + reason.data() + "); " +
                             std::to_string(again.size()) + " records sent again";
    Log({4, rd_kafka_name(state_->rk.get()), "RENEW", note});
    for (const auto& [order, m] : again) {
        BFU_TRY(ProduceOn(state_->rk.get(), m.topic, m.key, m.value, m.headers, m.partition));
        state_->resent.fetch_add(1, std::memory_order_relaxed);
    }
    return core::Ok();
}

core::Status Producer::Flush(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    std::size_t in_flight = 0;
    while (true) {
        std::shared_lock lock(state_->handle_mu);
        rd_kafka_t* rk = state_->rk.get();
        // In slices, so a fatal error during the wait is seen and the handle renewed.
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        err = rd_kafka_flush(rk, detail::ToMillis(std::clamp(left, std::chrono::milliseconds(0),
                                                             std::chrono::milliseconds(200))));
        in_flight = static_cast<std::size_t>(rd_kafka_outq_len(rk));
        if (auto fatal = FatalOf(rk)) {
            if (!state_->renewable) {
                return *fatal;
            }
            lock.unlock();
            BFU_TRY(Renew(rk));
            continue;
        }
        if (err != RD_KAFKA_RESP_ERR__TIMED_OUT || std::chrono::steady_clock::now() >= deadline) {
            break;
        }
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
        return ErrorFromCode(
            err, "flush",
            std::to_string(in_flight) + " records or requests still in flight at the deadline");
    }
    return core::Ok();
}

void Producer::Poll(std::chrono::milliseconds timeout) {
    std::shared_lock lock(state_->handle_mu);
    rd_kafka_t* rk = state_->rk.get();
    rd_kafka_poll(rk, detail::ToMillis(timeout));
    if (state_->renewable && IsFatal(rk)) {
        lock.unlock();
        static_cast<void>(Renew(rk));  // a failure shows in the next Produce or Flush
    }
}

DeliveryStats Producer::Stats() const {
    return {state_->enqueued.load(), state_->delivered.load(), state_->failed.load(),
            state_->renewals.load(), state_->resent.load()};
}

core::Status Producer::FatalError() const {
    std::shared_lock lock(state_->handle_mu);
    if (auto fatal = FatalOf(state_->rk.get())) {
        return *fatal;
    }
    return core::Ok();
}

core::Status Producer::SimulateFatalError(std::string_view reason) {
    std::shared_lock lock(state_->handle_mu);
    const std::string why(reason);
    const rd_kafka_resp_err_t err = rd_kafka_test_fatal_error(
        state_->rk.get(), RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER, why.c_str());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return ErrorFromCode(err, "simulate a fatal error", why);
    }
    return core::Ok();
}

std::string Producer::ConfigValue(std::string_view name) const {
    std::shared_lock lock(state_->handle_mu);
    return detail::HandleConfigValue(state_->rk.get(), name);
}

std::string Producer::LatestStatistics() const {
    std::lock_guard lock(state_->mu);
    return state_->statistics;
}

}  // namespace bfu::kafka
