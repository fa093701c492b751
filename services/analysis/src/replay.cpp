#include "bfu/analysis/replay.hpp"

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/master.hpp"
#include "bfu/contracts/outputs.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/domain/workdays.hpp"
#include "bfu/kafka/admin.hpp"
#include "bfu/kafka/reader.hpp"

namespace bfu::analysis {

AsOfReplay::AsOfReplay(int year, domain::Date as_of, std::string topic_prefix)
    : year_(year), as_of_(as_of.ToString()), prefix_(std::move(topic_prefix)) {
    // Lines of every partition go into one posting partition: only their sums matter here.
    posting_.BeginRestore(0);
    posting_.FinishRestore(0);
}

void AsOfReplay::AddMaster(std::string_view topic, std::string_view key, std::string_view value) {
    const std::string t(topic);
    const std::string k(key);
    if (t == prefix_ + std::string(contracts::topics::kCalendar)) {
        // A closing counts from its date: the latest decision per key taken by then.
        auto e = contracts::DecodeMessage<contracts::CalendarEvent>(value);
        if (e.ok() && e->date <= as_of_) snapshot_[t][k] = std::string(value);
        return;
    }
    if (t != prefix_ + std::string(contracts::topics::kMasterBudget)) {
        if (value.empty()) {
            snapshot_[t].erase(k);
        } else {
            snapshot_[t][k] = std::string(value);
        }
        return;
    }
    if (value.empty()) {
        // A tombstone deletes that revision's record; the others of its budget stay.
        return;
    }
    auto b = contracts::DecodeMessage<contracts::Budget>(value);
    if (!b.ok()) {
        problems_.push_back(t + "/" + k + ": " + b.error().ToString());
        return;
    }
    // Every revision is its own record (key year:unit:accountGroup:revision); the budget in
    // force on the day is chosen per year:unit:accountGroup.
    const std::string id = std::to_string(b->year) + ":" + b->unit.value() + ":" + b->account_group;
    const auto no = b->revision.no;
    if (no == 0 || b->revision.date <= as_of_) {
        auto it = budget_.find(id);
        if (it == budget_.end() || no >= it->second.first) budget_[id] = {no, std::string(value)};
    } else {
        auto it = budget_later_only_.find(id);
        if (it == budget_later_only_.end() || no < it->second.first) {
            budget_later_only_[id] = {no, std::string(value)};
        }
    }
}

core::Status AsOfReplay::AddLine(std::int32_t partition, std::int64_t offset, std::int64_t at_ms,
                                 std::string_view value) {
    auto line = contracts::DecodeMessage<contracts::LedgerLine>(value);
    if (!line.ok()) return std::move(line).error();
    if (line->voucher.date > as_of_) {
        ++after_;
        return core::Ok();
    }
    auto cell = posting_.Post(0, offset, at_ms, *line);
    if (!cell.ok()) return std::move(cell).error();
    ++counted_;
    if (*cell) {
        (*cell)->last.partition = partition;
        const auto key = CellKey((*cell)->year, (*cell)->unit, (*cell)->account, (*cell)->period);
        cells_[key] = std::move(**cell);
    }
    return core::Ok();
}

core::Result<std::vector<UnitStatus>> AsOfReplay::Statuses(core::TimePoint now) {
    const std::string budget_topic = prefix_ + std::string(contracts::topics::kMasterBudget);
    auto& budgets = snapshot_[budget_topic];
    budgets.clear();
    for (const auto& [key, rec] : budget_) budgets[key] = rec.second;
    for (const auto& [key, rec] : budget_later_only_) {
        if (budgets.count(key) != 0) continue;
        // Only revisions decided after the date are left (compaction removed the earlier).
        budgets[key] = rec.second;
        problems_.push_back(budget_topic + "/" + key + ": no revision decided by " + as_of_ +
                            " is left on the topic; revision " + std::to_string(rec.first) +
                            " used");
    }
    auto md = service::MasterData::Build(snapshot_, prefix_, year_);
    if (!md.ok()) {
        return core::Error(core::Errc::kFailedPrecondition, "master",
                           "master data does not build: " + md.error().ToString());
    }
    for (const auto& p : (*md)->problems) problems_.push_back(p);
    // The year asked for, judged as it stood on the date: its judged month is the one complete
    // (or closed) then; closings are those on the topics now.
    domain::LifecycleRules lifecycle;
    lifecycle.pinned_years = {year_};
    AnalysisEngine engine(domain::DeviationRules::Defaults(), lifecycle);
    engine.SetMaster(*md);
    auto as_of = domain::Date::Parse(as_of_);
    const auto day = as_of.ok() ? *as_of : domain::StockholmDate(now);
    (void)engine.Flush(now, day);  // follows the year, so its cells are posted below
    for (const auto& [key, cell] : cells_) BFU_TRY(engine.SetCell(cell));
    engine.MarkAllDirty();
    auto out = engine.Flush(now, day);
    return std::move(out.statuses);
}

core::Result<std::vector<UnitStatus>> ReplayAsOf(const kafka::KafkaConfig& kafka,
                                                 const std::string& prefix, int year,
                                                 domain::Date as_of,
                                                 std::chrono::milliseconds timeout) {
    auto admin = kafka::Admin::Create(kafka);
    if (!admin.ok()) return std::move(admin).error();
    kafka::KafkaConfig fast = kafka;
    // A partition read to its end answers after this wait: the replay ends sooner.
    fast.properties["fetch.wait.max.ms"] = "50";
    auto reader = kafka::PartitionReader::Create(fast);
    if (!reader.ok()) return std::move(reader).error();
    const std::string lines = prefix + std::string(contracts::topics::kLedgerLines);
    std::vector<kafka::TopicPartitionOffset> from;
    for (auto base : {contracts::topics::kMasterOrg, contracts::topics::kMasterAccounts,
                      contracts::topics::kMasterBudget, contracts::topics::kCalendar,
                      contracts::topics::kLedgerLines}) {
        const std::string topic = prefix + std::string(base);
        auto n = (*admin)->PartitionCount(topic, kafka.startup_timeout);
        if (!n.ok()) return std::move(n).error();
        for (std::int32_t p = 0; p < *n; ++p) from.push_back({topic, p, kafka::kOffsetBeginning});
    }
    BFU_TRY((*reader)->Add(from));
    AsOfReplay replay(year, as_of, prefix);
    BFU_TRY((*reader)->ReadToEnd(
        [&](const kafka::Message& m) {
            if (m.topic == lines) {
                // A line the ledger topic cannot hold would have been refused by ingest; a
                // damaged one is left out, as analysis dead-letters it.
                (void)replay.AddLine(m.partition, m.offset, m.timestamp_ms, m.value);
            } else {
                replay.AddMaster(m.topic, m.key, m.value);
            }
        },
        timeout));
    return replay.Statuses(core::WallClock().Now());
}

}  // namespace bfu::analysis
