#pragma once
// MasterTable: the latest value of every key on a set of compacted master-data topics
// (bfu.master.org, .accounts, .budget, ...), read from the beginning by every instance, like a
// global table. The service's state derived from master data is rebuilt from it at start and
// after every change.
//
// Lifecycle: a runtime::Component. Start() starts a thread that reads every partition from
// the beginning without a consumer group (FollowTopics: every instance reads everything, never
// committing); Ready() turns true once the table has read everything committed before it
// started, exactly (transaction markers included, never on a quiet spell); every batch that
// changed the table calls `on_change` (on the table's thread) with the full snapshot. Stop()
// joins.
//
// Thread-safety: Snapshot() may be called from any thread.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bfu/kafka/config.hpp"
#include "bfu/runtime/app.hpp"

namespace bfu::service {

// topic -> key -> value (the raw message value; a record with an empty value deletes its key).
using MasterSnapshot = std::map<std::string, std::map<std::string, std::string>>;

class MasterTable final : public runtime::Component {
public:
    using OnChange = std::function<void(const MasterSnapshot&)>;

    // `gauge`: the metric counting the records held; a table of other topics than the master
    // data names its own (e.g. "bfu_forecasting_input_records"), so that bfu_master_records
    // stays the master data's.
    MasterTable(kafka::KafkaConfig config, std::vector<std::string> topics, OnChange on_change,
                runtime::Context& ctx, std::string gauge = "bfu_master_records");
    ~MasterTable() override;

    [[nodiscard]] std::string Name() const override { return "master-table"; }
    void Start() override;
    void Stop() override;
    [[nodiscard]] bool Ready() const override { return caught_up_.load(); }

    // Blocks until caught up or `timeout`; true when caught up.
    bool WaitCaughtUp(std::chrono::milliseconds timeout);
    [[nodiscard]] std::shared_ptr<const MasterSnapshot> Snapshot() const;

private:
    void Run(std::stop_token stop);

    kafka::KafkaConfig config_;
    std::vector<std::string> topics_;
    std::string gauge_;
    OnChange on_change_;
    runtime::Context& ctx_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::shared_ptr<const MasterSnapshot> snapshot_;
    std::atomic<bool> caught_up_{false};
    std::jthread thread_;
};

}  // namespace bfu::service
