#include "bfu/reporting/store.hpp"

#include <algorithm>
#include <tuple>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/domain/calendar.hpp"

namespace bfu::reporting {

namespace {

namespace topics = contracts::topics;

auto RowKey(const OutcomeRow& r) {
    return std::tie(r.year, r.unit, r.account, r.month, r.date, r.group, r.investment);
}

// An event's time; a value that is no RFC 3339 time counts as the epoch (it is then in every
// report), which the contract's decoders already rule out.
core::TimePoint TimeOf(const std::string& rfc3339) {
    auto t = core::FromRfc3339(rfc3339);
    return t.ok() ? *t : core::TimePoint{};
}

template <typename T>
core::Result<T> Decode(std::string_view value) {
    return contracts::DecodeMessage<T>(value);
}

}  // namespace

ReportStore::ReportStore(std::string topic_prefix) : prefix_(std::move(topic_prefix)) {
    auto full = [this](std::string_view base) { return prefix_ + std::string(base); };
    t_org_ = full(topics::kMasterOrg);
    t_accounts_ = full(topics::kMasterAccounts);
    t_budget_ = full(topics::kMasterBudget);
    t_goals_ = full(topics::kMasterGoals);
    t_lines_ = full(topics::kLedgerLines);
    t_forecasts_ = full(topics::kForecasts);
    t_deviations_ = full(topics::kDeviations);
    t_measures_ = full(topics::kCaseMeasures);
    t_comments_ = full(topics::kCaseComments);
    t_plans_ = full(topics::kCasePlans);
    t_decisions_ = full(topics::kCaseDecisions);
    t_hr_ = full(topics::kOpsHr);
    t_goal_outcomes_ = full(topics::kOpsGoalOutcomes);
    t_reports_ = full(topics::kReports);
}

const std::vector<std::string_view>& ReportStore::InputTopics() {
    static const std::vector<std::string_view> kTopics = {
        topics::kMasterOrg,       topics::kMasterAccounts, topics::kMasterBudget,
        topics::kMasterGoals,     topics::kLedgerLines,    topics::kForecasts,
        topics::kDeviations,      topics::kCaseMeasures,   topics::kCaseComments,
        topics::kCasePlans,       topics::kCaseDecisions,  topics::kOpsHr,
        topics::kOpsGoalOutcomes, topics::kReports};
    return kTopics;
}

core::Status ReportStore::Apply(std::string_view topic, std::string_view key,
                                std::string_view value) {
    if (topic == t_lines_) {
        BFU_TRY(ApplyLine(value));
        ++version_;
        return core::Ok();
    }
    if (topic == t_org_ || topic == t_accounts_ || topic == t_goals_) {
        // Compacted tables: the latest value per key, an empty one deletes it. The records are
        // decoded when master data is built, which names the ones it leaves out.
        auto& table = master_[std::string(topic)];
        if (value.empty()) {
            table.erase(std::string(key));
        } else {
            table[std::string(key)] = std::string(value);
        }
        ++master_version_;
        ++version_;
        return core::Ok();
    }
    if (topic == t_budget_) {
        if (value.empty()) {
            budgets_.erase(std::string(key));
        } else {
            auto b = Decode<contracts::Budget>(value);
            if (!b.ok()) return std::move(b).error();
            budgets_[std::string(key)] = std::move(b).value();
        }
        ++version_;
        return core::Ok();
    }
    if (value.empty()) return core::Ok();  // a tombstone on a topic that is not compacted
    if (topic == t_forecasts_) {
        auto f = Decode<contracts::Forecast>(value);
        if (!f.ok()) return std::move(f).error();
        const auto at = TimeOf(f->made_at);
        std::string unit = f->unit.value();
        forecasts_[std::move(unit)].push_back({std::move(f).value(), at});
    } else if (topic == t_deviations_) {
        auto d = Decode<contracts::DeviationEvent>(value);
        if (!d.ok()) return std::move(d).error();
        const auto at = TimeOf(d->at);
        deviations_.push_back({std::move(d).value(), at});
    } else if (topic == t_measures_) {
        auto e = Decode<contracts::MeasureEvent>(value);
        if (!e.ok()) return std::move(e).error();
        const auto at = TimeOf(e->at);
        measures_.push_back({std::move(e).value(), at});
    } else if (topic == t_plans_) {
        auto e = Decode<contracts::PlanEvent>(value);
        if (!e.ok()) return std::move(e).error();
        const auto at = TimeOf(e->at);
        plans_.push_back({std::move(e).value(), at});
    } else if (topic == t_decisions_) {
        auto e = Decode<contracts::DecisionEvent>(value);
        if (!e.ok()) return std::move(e).error();
        const auto at = TimeOf(e->at);
        decisions_.push_back({std::move(e).value(), at});
    } else if (topic == t_comments_) {
        auto e = Decode<contracts::CommentEvent>(value);
        if (!e.ok()) return std::move(e).error();
        const auto at = TimeOf(e->at);
        comments_.push_back({std::move(e).value(), at});
    } else if (topic == t_hr_) {
        auto h = Decode<contracts::HrFigure>(value);
        if (!h.ok()) return std::move(h).error();
        // A corrected figure replaces the earlier one of its month, as in analysis.
        auto slot = std::make_pair(h->unit.value(), h->period);
        hr_[std::move(slot)] = std::move(h).value();
    } else if (topic == t_goal_outcomes_) {
        auto g = Decode<contracts::GoalOutcome>(value);
        if (!g.ok()) return std::move(g).error();
        auto slot = std::make_pair(g->goal_id, g->period);
        goal_outcomes_[std::move(slot)] = std::move(g).value();
    } else if (topic == t_reports_) {
        auto r = Decode<contracts::ReportPublished>(value);
        if (!r.ok()) return std::move(r).error();
        NotePublished(*r);
    } else {
        return core::Ok();
    }
    ++version_;
    return core::Ok();
}

void ReportStore::NotePublished(const contracts::ReportPublished& report) {
    published_[report.report_id] = report;
}

core::Status ReportStore::ApplyLine(std::string_view value) {
    auto line = Decode<contracts::LedgerLine>(value);
    if (!line.ok()) return std::move(line).error();
    // Balance-sheet lines are no follow-up outcome (analysis's posting stage skips them too).
    if (!line->is_operating && !line->is_investment) return core::Ok();
    auto date = domain::Date::Parse(line->voucher.date);
    if (!date.ok()) {
        return core::Error(core::Errc::kInvalidArgument, "/data/voucher/date",
                           "not a date: " + line->voucher.date);
    }
    auto period = domain::Period::Parse(line->period);
    if (!period.ok()) {
        return core::Error(core::Errc::kInvalidArgument, "/data/period",
                           "not a period: " + line->period);
    }
    const auto index = domain::FiscalYear::Calendar(line->fiscal_year).IndexOf(*period);
    if (!index) {
        return core::Error(
            core::Errc::kInvalidArgument, "/data/period",
            line->period + " is not in fiscal year " + std::to_string(line->fiscal_year));
    }
    OutcomeRow row;
    row.unit = units_.Intern(line->unit.value());
    row.account = accounts_.Intern(line->account.value());
    row.group = groups_.Intern(line->account_group);
    row.date = date->days();
    row.year = static_cast<std::int16_t>(line->fiscal_year);
    row.month = static_cast<std::uint8_t>(*index);
    row.investment = line->is_investment ? 1 : 0;
    row.ore = line->amount_ore;
    rows_.push_back(row);
    auto& latest = latest_month_[line->fiscal_year];
    latest = std::max(latest, *index + 1);
    // Merging keeps memory near one row per (cell, date); the tail is merged when it has grown
    // as large as the merged part, so each row is sorted O(log n) times in all.
    const std::size_t tail = rows_.size() - sorted_;
    if (tail >= std::max<std::size_t>(sorted_, 4096)) Compact();
    return core::Ok();
}

void ReportStore::Compact() {
    if (sorted_ == rows_.size()) return;
    std::sort(rows_.begin() + static_cast<std::ptrdiff_t>(sorted_), rows_.end(),
              [](const OutcomeRow& a, const OutcomeRow& b) { return RowKey(a) < RowKey(b); });
    std::inplace_merge(
        rows_.begin(), rows_.begin() + static_cast<std::ptrdiff_t>(sorted_), rows_.end(),
        [](const OutcomeRow& a, const OutcomeRow& b) { return RowKey(a) < RowKey(b); });
    std::size_t out = 0;
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        if (out > 0 && RowKey(rows_[out - 1]) == RowKey(rows_[i])) {
            rows_[out - 1].ore += rows_[i].ore;
        } else {
            rows_[out++] = rows_[i];
        }
    }
    rows_.resize(out);
    sorted_ = rows_.size();
}

int ReportStore::LatestMonth(int year) const {
    auto it = latest_month_.find(year);
    return it == latest_month_.end() ? 0 : it->second;
}

const std::vector<Timed<contracts::Forecast>>* ReportStore::ForecastsOf(
    std::string_view unit) const {
    auto it = forecasts_.find(unit);
    return it == forecasts_.end() ? nullptr : &it->second;
}

core::Result<std::shared_ptr<const service::MasterData>> ReportStore::Master(int year) {
    auto it = master_cache_.find(year);
    if (it != master_cache_.end() && it->second.first == master_version_) return it->second.second;
    auto md = service::MasterData::Build(master_, prefix_, year, rules_.get());
    if (!md.ok()) return std::move(md).error();
    master_cache_[year] = {master_version_, *md};
    return *md;
}

}  // namespace bfu::reporting
