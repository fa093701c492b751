#include "bfu/service/master_table.hpp"

#include "bfu/service/topic_follower.hpp"

namespace bfu::service {

MasterTable::MasterTable(kafka::KafkaConfig config, std::vector<std::string> topics,
                         OnChange on_change, runtime::Context& ctx, std::string gauge)
    : config_(std::move(config)),
      topics_(std::move(topics)),
      gauge_(std::move(gauge)),
      on_change_(std::move(on_change)),
      ctx_(ctx),
      snapshot_(std::make_shared<MasterSnapshot>()) {
    // Read without a group: every instance reads every record from the start and never
    // commits, so the table is always complete.
    config_.group_id.clear();
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
    auto& records = ctx_.metrics().GetGauge(gauge_, "Records held in the table", {});
    MasterSnapshot table;
    // Records read but not yet published. A change is published when the topics fall quiet (a
    // read finds nothing new), so that readers never see half of an import (e.g. a unit's
    // income budget without its costs, which would open a deviation that does not exist);
    // while records keep coming it is published at least every kMaxHold.
    constexpr auto kMaxHold = std::chrono::seconds(2);
    bool dirty = false;
    std::chrono::steady_clock::time_point dirty_since;
    // The gauge counts the records published (after on_change has taken them in), so that "the
    // table holds N records" means its readers see them.
    auto publish = [&] {
        if (!dirty) return;
        dirty = false;
        auto snap = std::make_shared<const MasterSnapshot>(table);
        {
            std::lock_guard lock(mu_);
            snapshot_ = snap;
        }
        if (on_change_) on_change_(*snap);
        std::size_t count = 0;
        for (const auto& [t, keyed] : table) count += keyed.size();
        records.Set(static_cast<double>(count));
    };
    TopicFollowerHooks hooks;
    hooks.on_batch = [&](const std::vector<kafka::Message>& batch) {
        for (const auto& m : batch) {
            auto& keyed = table[m.topic];
            if (m.value.empty()) {
                keyed.erase(m.key);
            } else {
                keyed[m.key] = m.value;
            }
        }
        if (!dirty) dirty_since = std::chrono::steady_clock::now();
        dirty = true;
        if (std::chrono::steady_clock::now() - dirty_since >= kMaxHold) publish();
    };
    hooks.on_idle = [&] { publish(); };
    hooks.on_caught_up = [&] {
        publish();
        ctx_.logger().Info("master data caught up",
                           {{"records", static_cast<double>(records.Value())}});
        std::lock_guard lock(mu_);
        caught_up_.store(true);
        cv_.notify_all();
    };
    auto done = FollowTopics(config_, topics_, stop, hooks, ctx_.logger());
    if (!done.ok()) {
        ctx_.RequestShutdown(runtime::kExitFatal, "master table: " + done.error().ToString());
    }
}

}  // namespace bfu::service
