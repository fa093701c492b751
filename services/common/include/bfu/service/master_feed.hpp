#pragma once
// MasterFeed: master data for a service. It adds a MasterTable over the given master topics to
// the service, builds every change into MasterData for the follow-up year (logging the records
// it had to leave out) and keeps the result for the consume loop, which takes it at the start
// of its next batch (the services' engines are single-threaded).
//
// Lifecycle: made in the service's wire function (Add); the MasterTable is a component of the
// service and stops with it. Thread-safety: every member may be called from any thread.
#include <memory>
#include <mutex>
#include <stop_token>
#include <string_view>
#include <vector>

#include "bfu/runtime/app.hpp"
#include "bfu/service/master_data.hpp"
#include "bfu/service/master_table.hpp"

namespace bfu::service {

class MasterFeed {
public:
    // `base_topics` without the topic prefix, e.g. contracts::topics::kMasterOrg (add
    // kCalendar for the finance unit's closings). `rules`, when given, supply the mandates of
    // units whose record says 0 (rules.hpp).
    [[nodiscard]] static std::shared_ptr<MasterFeed> Add(
        runtime::Context& ctx, std::string_view service,
        const std::vector<std::string_view>& base_topics,
        std::shared_ptr<const MunicipalRules> rules = nullptr);

    // The master data built since the last Take, or nullptr.
    [[nodiscard]] std::shared_ptr<const MasterData> Take();
    // The latest master data built, or nullptr.
    [[nodiscard]] std::shared_ptr<const MasterData> Latest() const;
    // Blocks until the table has caught up or `stop` is requested (LoopSpec::before_start).
    void WaitCaughtUp(std::stop_token stop) const;

private:
    void OnSnapshot(const MasterSnapshot& snapshot);

    runtime::Logger* log_ = nullptr;
    MasterTable* table_ = nullptr;
    std::string prefix_;
    int year_ = 0;
    std::shared_ptr<const MunicipalRules> rules_;
    mutable std::mutex mu_;
    std::shared_ptr<const MasterData> pending_;
    std::shared_ptr<const MasterData> latest_;
};

}  // namespace bfu::service
