#include "bfu/service/master_table.hpp"

#include <random>
#include <stdexcept>

#include "bfu/kafka/admin.hpp"
#include "bfu/kafka/consumer.hpp"

namespace bfu::service {

namespace {

std::string RandomSuffix() {
    std::random_device rd;
    std::uniform_int_distribution<std::uint64_t> dist;
    return std::to_string(dist(rd) % 1'000'000'000ULL);
}

}  // namespace

MasterTable::MasterTable(kafka::KafkaConfig config, std::vector<std::string> topics,
                         OnChange on_change, runtime::Context& ctx)
    : config_(std::move(config)),
      topics_(std::move(topics)),
      on_change_(std::move(on_change)),
      ctx_(ctx),
      snapshot_(std::make_shared<MasterSnapshot>()) {
    // A private group per process: every instance reads every record from the start and
    // never commits, so the table is always complete.
    config_.group_id = config_.client_id + "-master-" + RandomSuffix();
    config_.properties["auto.offset.reset"] = "earliest";
}

MasterTable::~MasterTable() { Stop(); }

void MasterTable::Start() {
    thread_ = std::jthread([this](std::stop_token st) { Run(st); });
}

void MasterTable::Stop() {
    if (thread_.joinable()) {
        thread_.request_stop();
        thread_.join();
    }
}

bool MasterTable::WaitCaughtUp(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return caught_up_.load(); });
}

std::shared_ptr<const MasterSnapshot> MasterTable::Snapshot() const {
    std::lock_guard lock(mu_);
    return snapshot_;
}

void MasterTable::Run(std::stop_token stop) {
    auto& log = ctx_.logger();
    // The high watermarks at start: once every partition is read up to them, the table holds
    // everything that was published before this instance started.
    std::map<std::pair<std::string, std::int32_t>, std::int64_t> targets;
    {
        auto admin = kafka::Admin::Create(config_);
        if (!admin.ok()) {
            ctx_.RequestShutdown(runtime::kExitFatal, "master table: " + admin.error().ToString());
            return;
        }
        for (const auto& topic : topics_) {
            auto parts = (*admin)->PartitionCount(topic, config_.startup_timeout);
            if (!parts.ok()) {
                ctx_.RequestShutdown(runtime::kExitFatal, "master table: topic " + topic + ": " +
                                                              parts.error().ToString());
                return;
            }
            for (std::int32_t p = 0; p < *parts; ++p) {
                auto wm = (*admin)->QueryWatermarks(topic, p, config_.startup_timeout);
                if (wm.ok() && wm->high > wm->low) targets[{topic, p}] = wm->high;
            }
        }
    }
    auto consumer = kafka::Consumer::Create(config_);
    if (!consumer.ok()) {
        ctx_.RequestShutdown(runtime::kExitFatal, "master table: " + consumer.error().ToString());
        return;
    }
    if (auto s = (*consumer)->Subscribe(topics_); !s.ok()) {
        ctx_.RequestShutdown(runtime::kExitFatal, "master table: " + s.error().ToString());
        return;
    }
    auto& records =
        ctx_.metrics().GetGauge("bfu_master_records", "Records held in the master-data table", {});
    int empty_polls = 0;
    MasterSnapshot table;
    auto mark_caught_up = [&] {
        if (!caught_up_.exchange(true)) {
            log.Info("master data caught up", {{"records", static_cast<double>(records.Value())}});
            std::lock_guard lock(mu_);
            cv_.notify_all();
        }
    };
    if (targets.empty()) mark_caught_up();
    while (!stop.stop_requested()) {
        auto batch = (*consumer)->Poll(1000, std::chrono::milliseconds(200));
        if (!batch.ok()) {
            if (batch.error().IsFatal()) {
                ctx_.RequestShutdown(runtime::kExitFatal,
                                     "master table: " + batch.error().ToString());
                return;
            }
            log.Warn("master table poll", {{"error", batch.error().ToString()}});
            continue;
        }
        if (batch->empty()) {
            // Transaction markers may sit at the end of a partition; after a quiet second the
            // table holds everything there is.
            if (++empty_polls >= 5) mark_caught_up();
            continue;
        }
        empty_polls = 0;
        for (const auto& m : *batch) {
            auto& keyed = table[m.topic];
            if (m.value.empty()) {
                keyed.erase(m.key);
            } else {
                keyed[m.key] = m.value;
            }
            auto it = targets.find({m.topic, m.partition});
            if (it != targets.end() && m.offset + 1 >= it->second) targets.erase(it);
        }
        std::size_t count = 0;
        for (const auto& [t, keyed] : table) count += keyed.size();
        records.Set(static_cast<double>(count));
        auto snap = std::make_shared<const MasterSnapshot>(table);
        {
            std::lock_guard lock(mu_);
            snapshot_ = snap;
        }
        if (on_change_) on_change_(*snap);
        if (targets.empty()) mark_caught_up();
    }
    (void)(*consumer)->Close();
}

}  // namespace bfu::service
