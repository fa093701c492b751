#include "bfu/ingest/decision_log.hpp"

#include <random>
#include <vector>

#include "bfu/contracts/envelope.hpp"
#include "bfu/kafka/admin.hpp"
#include "bfu/kafka/reader.hpp"

namespace bfu::ingest {

namespace {

constexpr std::chrono::milliseconds kPollTimeout{200};
// While a CatchUp call waits, the reader polls briefly and measures the ends again at once.
constexpr std::chrono::milliseconds kCatchUpPollTimeout{10};
constexpr std::chrono::milliseconds kWatermarkTimeout{5000};

std::string RandomSuffix() {
    std::random_device rd;
    std::uniform_int_distribution<std::uint64_t> dist;
    return std::to_string(dist(rd) % 1'000'000'000ULL);
}

}  // namespace

bool ApplyDecision(VoucherChecker& checker, std::string_view key, std::string_view value) {
    // Most records followed are this instance's own acceptances, already in the register: the
    // first acceptance stands, so such a record cannot change it and is not parsed (parsing
    // them all took a fifth of ingest's CPU under load).
    if (!key.empty() && checker.Knows(key)) return true;
    auto d = contracts::DecodeMessage<contracts::IngestDecision>(value);
    if (!d.ok()) return false;
    if (d->result == contracts::IngestResult::kAccepted && d->source && d->voucher_id) {
        checker.Remember(contracts::keys::Voucher(d->source->value(), d->voucher_id->value()),
                         d->origin);
    }
    return true;
}

DecisionLog::DecisionLog(kafka::KafkaConfig config, std::string topic,
                         std::shared_ptr<VoucherChecker> checker, runtime::Context& ctx)
    : config_(std::move(config)),
      topic_(std::move(topic)),
      checker_(std::move(checker)),
      ctx_(ctx) {
    // No group is joined (manual assignment); the id only names the handle.
    config_.group_id = config_.client_id + "-decisions-" + RandomSuffix();
    // The end of an empty partition is seen only when a fetch returns, and the broker holds a
    // fetch up to fetch.wait.max.ms (500 ms by default): start-up would wait for that several
    // times. 50 ms keeps following the topic cheap.
    config_.properties.try_emplace("fetch.wait.max.ms", "50");
}

DecisionLog::~DecisionLog() { Stop(); }

void DecisionLog::Start() {
    thread_ = std::jthread([this](std::stop_token st) { Run(st); });
}

void DecisionLog::Stop() {
    if (thread_.joinable()) {
        thread_.request_stop();
        thread_.join();
    }
}

void DecisionLog::WaitLoaded(std::stop_token stop) {
    std::unique_lock lock(mu_);
    while (!stop.stop_requested() && !loaded_.load()) {
        cv_.wait_for(lock, std::chrono::milliseconds(200));
    }
}

void DecisionLog::MarkLoaded(std::uint64_t records) {
    if (loaded_.exchange(true)) return;
    ctx_.logger().Info("decision log loaded",
                       {{"records", static_cast<double>(records)},
                        {"accepted_vouchers", static_cast<double>(checker_->Remembered())}});
    std::lock_guard lock(mu_);
    cv_.notify_all();
}

std::shared_ptr<Expected> DecisionLog::Expect(
    const std::vector<std::pair<std::string, std::string>>& wanted) {
    auto e = std::make_shared<Expected>();
    for (const auto& [key, origin_id] : wanted) {
        if (e->by_key[key].try_emplace(origin_id).second) ++e->missing;
    }
    std::lock_guard lock(mu_);
    for (const auto& [key, ids] : e->by_key) expected_.emplace(key, e);
    expecting_.store(expected_.size());
    return e;
}

void DecisionLog::Forget(const std::shared_ptr<Expected>& expected) {
    std::lock_guard lock(mu_);
    std::erase_if(expected_, [&](const auto& entry) { return entry.second == expected; });
    expecting_.store(expected_.size());
}

Expected DecisionLog::Await(const std::shared_ptr<Expected>& expected,
                            std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mu_);
    cv_.wait_until(lock, deadline, [&] { return expected->missing == 0; });
    std::erase_if(expected_, [&](const auto& entry) { return entry.second == expected; });
    expecting_.store(expected_.size());
    return *expected;
}

bool DecisionLog::CatchUp(std::chrono::steady_clock::time_point deadline) {
    return catch_up_.Wait(deadline);
}

void DecisionLog::Deliver(const kafka::Message& m) {
    std::lock_guard lock(mu_);
    auto [first, last] = expected_.equal_range(m.key);
    if (first == last) return;
    auto d = contracts::DecodeMessage<contracts::IngestDecision>(m.value);
    if (!d.ok() || d->origin.kind != contracts::OriginKind::kHttp) return;
    bool filled = false;
    for (auto it = first; it != last; ++it) {
        auto& ids = it->second->by_key[m.key];
        auto slot = ids.find(d->origin.request_id);
        if (slot == ids.end() || slot->second) continue;
        slot->second = *d;
        --it->second->missing;
        filled = true;
    }
    if (filled) cv_.notify_all();
}

void DecisionLog::Run(std::stop_token stop) {
    auto fail = [&](const std::string& why) {
        ctx_.RequestShutdown(runtime::kExitFatal, "decision log: " + why);
    };
    std::vector<kafka::TopicPartitionOffset> partitions;
    {
        auto admin = kafka::Admin::Create(config_);
        if (!admin.ok()) return fail(admin.error().ToString());
        auto parts = (*admin)->PartitionCount(topic_, config_.startup_timeout);
        if (!parts.ok()) {
            return fail("topic " + topic_ + ": " + parts.error().ToString() +
                        " (ops/stack up creates the topics of schemas/topics.tsv)");
        }
        for (std::int32_t p = 0; p < *parts; ++p) {
            partitions.push_back({topic_, p, kafka::kOffsetBeginning});
        }
    }
    // Every partition by manual assignment, read_committed, from the start; the reader knows
    // exactly when everything committed so far is in, also behind transaction markers.
    auto reader = kafka::PartitionReader::Create(config_);
    if (!reader.ok()) return fail(reader.error().ToString());
    if (auto s = (*reader)->Add(partitions); !s.ok()) return fail(s.error().ToString());
    auto& gauge = ctx_.metrics().GetGauge("bfu_ingest_register_vouchers",
                                          "Accepted vouchers in the duplicate register", {});
    std::uint64_t records = 0;
    auto apply = [&](const kafka::Message& m) {
        ++records;
        if (!ApplyDecision(*checker_, m.key, m.value)) {
            ctx_.logger().Warn("decision left out",
                               {{"partition", static_cast<double>(m.partition)},
                                {"offset", static_cast<double>(m.offset)}});
        }
        // After the register: a request answered with an acceptance finds it there next time.
        if (expecting_.load() > 0) Deliver(m);
    };
    while (!stop.stop_requested() && !loaded_.load()) {
        auto batch = (*reader)->Poll(1000, kPollTimeout);
        if (!batch.ok()) {
            if (batch.error().IsFatal()) return fail(batch.error().ToString());
            continue;
        }
        for (const auto& m : *batch) apply(m);
        if (!batch->empty()) continue;
        auto done = (*reader)->CaughtUp(config_.startup_timeout);
        if (done.ok() && *done) {
            gauge.Set(static_cast<double>(checker_->Remembered()));
            MarkLoaded(records);
        }
    }
    // Then follow: acceptances by other instances reach this register too.
    while (!stop.stop_requested()) {
        auto batch = (*reader)->Poll(1000, catch_up_.Wanted() ? kCatchUpPollTimeout : kPollTimeout);
        if (!batch.ok()) {
            if (batch.error().IsFatal()) return fail(batch.error().ToString());
            ctx_.logger().Warn("decision log poll", {{"error", batch.error().ToString()}});
        } else {
            for (const auto& m : *batch) apply(m);
            if (!batch->empty()) gauge.Set(static_cast<double>(checker_->Remembered()));
        }
        if (auto e = catch_up_.Serve(**reader, kWatermarkTimeout); !e.empty()) {
            ctx_.logger().Warn("decision log: end not known", {{"error", e}});
        }
    }
}

}  // namespace bfu::ingest
