#include "bfu/forecasting/forecaster.hpp"

#include <algorithm>
#include <cstdlib>

#include "bfu/core/money.hpp"
#include "bfu/service/deviation_wire.hpp"
#include "bfu/service/reporting_line.hpp"

namespace bfu::forecasting {

namespace {

using contracts::ForecastMethod;
using contracts::ForecastReason;

domain::ForecastMethod DomainMethod(ForecastMethod m) {
    switch (m) {
        case ForecastMethod::kManager:
            return domain::ForecastMethod::kManager;
        case ForecastMethod::kTrend:
            return domain::ForecastMethod::kRunRate;
        case ForecastMethod::kProfile:
        case ForecastMethod::kBlend:
            break;
    }
    return domain::ForecastMethod::kProfileTrend;
}

domain::MonthlyAmounts OutcomeOf(const contracts::Months& months) {
    domain::MonthlyAmounts out{};
    for (std::size_t m = 0; m < 12; ++m) out[m] = months[m].outcome_ore;
    return out;
}

domain::MonthlyAmounts BudgetOf(const contracts::Months& months) {
    domain::MonthlyAmounts out{};
    for (std::size_t m = 0; m < 12; ++m) out[m] = months[m].budget_ore;
    return out;
}

bool AnyNonZero(const domain::MonthlyAmounts& a) {
    return std::any_of(a.begin(), a.end(), [](std::int64_t v) { return v != 0; });
}

// The months of `group` in an aggregate ("" = the unit's totals); nullptr if absent.
const contracts::Months* MonthsOf(const contracts::UnitAggregate& a, const std::string& group) {
    if (group.empty()) return &a.totals.months;
    for (const auto& g : a.groups) {
        if (g.account_group == group) return &g.months;
    }
    return nullptr;
}

std::int64_t Abs(std::int64_t v) { return v < 0 ? -v : v; }

core::Error Refuse(core::Errc code, std::string field, std::string message) {
    return core::Error(code, std::move(field), std::move(message));
}

}  // namespace

nlohmann::json AccuracyReport::ToJson() const {
    nlohmann::json levels = nlohmann::json::array();
    for (const auto& l : by_level) {
        levels.push_back({{"round", l.round},
                          {"level", l.level},
                          {"units", l.units},
                          {"forecastOre", l.forecast_ore},
                          {"actualOre", l.actual_ore},
                          {"meanAbsErrorBp", l.mean_abs_error_bp}});
    }
    nlohmann::json unit_list = nlohmann::json::array();
    for (const auto& u : units) {
        nlohmann::json rounds = nlohmann::json::array();
        for (const auto& r : u.rounds) {
            rounds.push_back({{"round", r.round},
                              {"forecastOre", r.forecast.ore()},
                              {"errorOre", r.error.ore()},
                              {"absErrorBp", r.abs_error_bp},
                              {"method", std::string(domain::ToString(r.method))}});
        }
        unit_list.push_back({{"unit", u.unit},
                             {"level", u.level},
                             {"actualOre", u.actual_ore},
                             {"rounds", std::move(rounds)}});
    }
    return {{"year", year}, {"byLevel", std::move(levels)}, {"units", std::move(unit_list)}};
}

Forecaster::Forecaster(ForecastPolicy policy) : policy_(policy) {}

int Forecaster::year() const noexcept { return master_ ? master_->year.start_year() : 0; }

void Forecaster::SetMaster(std::shared_ptr<const service::MasterData> master) {
    std::vector<domain::DeviationState> open;
    if (monitor_) open = monitor_->OpenDeviations();
    const bool year_changed = !master_ || master_->year.start_year() != master->year.start_year();
    master_ = std::move(master);
    monitor_ =
        std::make_unique<domain::DeviationMonitor>(master_->org, master_->year, policy_.rules);
    for (const auto& s : open) {
        if (master_->org.Find(s.key.unit)) monitor_->Restore(s);
    }
    if (year_changed) {
        auto tt = domain::BuildTimetable(master_->year.start_year(), {});
        timetable_.reset();
        if (tt.ok()) timetable_ = std::move(tt).value();
        rounds_initialised_ = false;
        rounds_done_.clear();
    }
    // A new budget or organisation changes every forecast.
    for (const auto& [unit, a] : current_) dirty_.insert(unit);
}

void Forecaster::RestoreDeviations(const std::vector<service::DeviationRecord>& records) {
    if (!master_) return;
    for (const auto& r : records) {
        const auto& e = r.latest;
        if (e.kind != contracts::DeviationKind::kForecast || !r.open ||
            e.year != master_->year.start_year() || !master_->org.Find(e.unit)) {
            continue;
        }
        auto period = domain::Period::Parse(e.period);
        if (!period.ok()) continue;
        domain::DeviationState s;
        s.id = e.deviation_id;
        s.key = {e.unit, domain::DeviationKind::kForecast, master_->year, ""};
        s.open = true;
        service::RestoreAmounts(e, s);
        s.opened_in = *period;
        s.as_of = *period;
        s.sequence = static_cast<std::uint32_t>(std::max<std::int64_t>(r.last_seq, 0));
        monitor_->Restore(s);
    }
}

void Forecaster::ContinueNumbering(const std::vector<service::DeviationRecord>& records) {
    if (!monitor_) return;
    for (const auto& r : records) {
        const auto* state = monitor_->Find(r.latest.deviation_id);
        if (state == nullptr || r.last_seq <= static_cast<std::int64_t>(state->sequence)) continue;
        domain::DeviationState next = *state;
        next.sequence = static_cast<std::uint32_t>(r.last_seq);
        monitor_->Restore(next);
    }
}

core::Status Forecaster::PutAggregate(const contracts::UnitAggregate& a) {
    if (!master_) {
        return core::Error(core::Errc::kFailedPrecondition, "master",
                           "no master data (organisation) yet");
    }
    const int fy = master_->year.start_year();
    if (a.year > fy) return core::Status();
    if (a.year < fy) {
        history_[a.unit.value()][a.year] = a;
        if (current_.count(a.unit.value()) != 0) dirty_.insert(a.unit.value());
        return core::Status();
    }
    if (!master_->org.Find(a.unit.value())) {
        return core::Error(core::Errc::kNotFound, "/unit",
                           "unit " + a.unit.value() + " is not in the organisation");
    }
    current_[a.unit.value()] = a;
    dirty_.insert(a.unit.value());
    return core::Status();
}

core::Status Forecaster::PutSubmission(const contracts::ForecastSubmission& s) {
    if (!master_) {
        return core::Error(core::Errc::kFailedPrecondition, "master",
                           "no master data (organisation) yet");
    }
    if (s.year != master_->year.start_year()) {
        return core::Error(core::Errc::kInvalidArgument, "/year",
                           "a submission for " + std::to_string(s.year) + " while following up " +
                               std::to_string(master_->year.start_year()));
    }
    if (s.round < 1 || s.round > 6) {
        return core::Error(core::Errc::kInvalidArgument, "/round", "round is 1..6");
    }
    if (!master_->org.Find(s.unit.value())) {
        return core::Error(core::Errc::kNotFound, "/unit",
                           "unit " + s.unit.value() + " is not in the organisation");
    }
    const UnitRound key{s.unit.value(), s.round};
    auto it = submissions_.find(key);
    // The latest submission stands; an earlier one arriving later does not replace it.
    if (it != submissions_.end() && s.submitted_at < it->second.submitted_at) {
        return core::Status();
    }
    submissions_[key] = s;
    pending_.insert(key);
    return core::Status();
}

void Forecaster::PutWritten(const contracts::Forecast& f) {
    if (!master_ || f.year != master_->year.start_year()) return;
    written_[{f.unit.value(), f.round}] = {f.total_ore, f.method};
}

std::optional<domain::Date> Forecaster::RoundDate(int round) const {
    if (!timetable_) return std::nullopt;
    const auto* e = timetable_->Find("prognos-" + std::to_string(round));
    if (e == nullptr) return std::nullopt;
    return e->date;
}

int Forecaster::RoundOn(domain::Date d) const {
    if (!master_) return 0;
    for (int r = 1; r <= 6; ++r) {
        if (auto date = RoundDate(r)) {
            if (d <= *date) return r;
        } else {
            // No timetable: the round closing with the month of d or after it.
            const auto& rounds = master_->year.FollowUpRounds();
            if (domain::Period::Containing(d) <= rounds[static_cast<std::size_t>(r - 1)]) {
                return r;
            }
        }
    }
    return 6;
}

std::int64_t Forecaster::MaterialAmount(const std::string& unit) const {
    auto u = master_->org.Find(unit);
    if (!u) return 0;
    const auto& t = policy_.rules.ForLevel(master_->org.unit(*u).level);
    return t.amount * policy_.material_percent / 100;
}

std::optional<contracts::Forecast> Forecaster::Compute(const contracts::UnitAggregate& a) const {
    const auto& fy = master_->year;
    auto period = domain::Period::Parse(a.through_period);
    if (!period.ok()) return std::nullopt;
    auto month = fy.IndexOf(*period);
    if (!month) return std::nullopt;
    const int through = *month;

    std::vector<std::string> series;
    for (const auto& g : a.groups) series.push_back(g.account_group);
    if (series.empty()) series.emplace_back();  // the totals as one series

    contracts::Forecast fc;
    fc.year = a.year;
    fc.unit = a.unit;
    fc.budget_ore = a.totals.budget_ore;
    bool all_run_rate = true;
    std::size_t history_years = 0;
    std::int64_t total = 0;
    const auto hist = history_.find(a.unit.value());
    for (const auto& group : series) {
        // Every series is one of the aggregate's own groups (or its totals), so this is found.
        const contracts::Months* months = MonthsOf(a, group);
        if (months == nullptr) continue;
        const auto outcome = OutcomeOf(*months);
        std::vector<domain::MonthlyAmounts> earlier;
        if (hist != history_.end()) {
            for (const auto& [y, h] : hist->second) {
                if (const auto* hm = MonthsOf(h, group)) {
                    auto o = OutcomeOf(*hm);
                    if (AnyNonZero(o)) earlier.push_back(o);
                }
            }
        }
        domain::Forecast f;
        ForecastMethod method = ForecastMethod::kBlend;
        if (!earlier.empty() && through >= 0) {
            f = domain::ForecastRunRate(outcome, through, earlier);
            method = ForecastMethod::kTrend;
            history_years = std::max(history_years, earlier.size());
        } else {
            f = domain::ForecastProfileTrend(outcome, BudgetOf(*months), through, policy_.config);
            all_run_rate = false;
        }
        total += f.total.ore();
        if (!group.empty()) fc.groups.push_back({group, f.total.ore(), method});
    }
    fc.method = all_run_rate ? ForecastMethod::kTrend : ForecastMethod::kBlend;
    fc.total_ore = total;

    std::int64_t outcome_to_date = 0;
    std::int64_t budget_rest = 0;
    for (int m = 0; m < 12; ++m) {
        const auto& cell = a.totals.months[static_cast<std::size_t>(m)];
        if (m <= through) {
            outcome_to_date += cell.outcome_ore;
        } else {
            budget_rest += cell.budget_ore;
        }
    }
    fc.inputs.through_period = a.through_period;
    fc.inputs.outcome_to_date_ore = outcome_to_date;
    fc.inputs.budget_to_date_ore = a.totals.budget_to_date_ore;
    fc.inputs.remaining_profile_ore = budget_rest;
    fc.inputs.trend_adjustment_ore = total - outcome_to_date - budget_rest;
    if (history_years > 0) fc.inputs.history_years = static_cast<int>(history_years);
    return fc;
}

std::optional<contracts::Forecast> Forecaster::Standing(const contracts::UnitAggregate& a,
                                                        int round) const {
    auto fc = Compute(a);
    if (!fc) return std::nullopt;
    auto it = submissions_.find({a.unit.value(), round});
    if (it != submissions_.end()) {
        const auto& s = it->second;
        fc->method = ForecastMethod::kManager;
        fc->total_ore = s.amount_ore;
        fc->inputs.trend_adjustment_ore.reset();
        fc->inputs.submission_comment = s.comment;
        fc->inputs.submitted_by = s.by;
        fc->inputs.submitted_at = s.submitted_at;
    }
    return fc;
}

void Forecaster::Emit(contracts::Forecast f, int round, ForecastReason reason, core::TimePoint now,
                      ForecastOutput& out) {
    f.year = master_->year.start_year();
    f.round = round;
    f.inputs.reason = reason;
    f.made_at = core::ToRfc3339(now);
    written_[{f.unit.value(), round}] = {f.total_ore, f.method};
    auto u = master_->org.Find(f.unit.value());
    auto period = domain::Period::Parse(f.inputs.through_period);
    if (u && period.ok()) {
        if (auto ev = monitor_->CheckForecast(*u, core::Money::FromOre(f.total_ore),
                                              core::Money::FromOre(f.budget_ore), *period)) {
            out.deviations.push_back(
                service::ToWire(*ev, master_->org, now, std::nullopt, ack_policy_));
        }
    }
    out.forecasts.push_back(std::move(f));
}

ForecastOutput Forecaster::Evaluate(domain::Date business_date, core::TimePoint now) {
    ForecastOutput out;
    if (!master_) return out;
    if (!rounds_initialised_) {
        for (int r = 1; r <= 6; ++r) {
            auto date = RoundDate(r);
            if (date && *date < business_date) rounds_done_.insert(r);
        }
        rounds_initialised_ = true;
    }
    auto differs = [&](const contracts::Forecast& f, int round) {
        auto w = written_.find({f.unit.value(), round});
        return w == written_.end() || w->second.total_ore != f.total_ore ||
               w->second.method != f.method;
    };
    // A round whose date is today: every unit's standing forecast for that round. A round whose
    // date passed unseen (the service was down, or the business date jumped) is not written
    // late with today's outcome: it keeps what was written within its window.
    for (int r = 1; r <= 6; ++r) {
        auto date = RoundDate(r);
        if (rounds_done_.count(r) != 0 || !date || *date > business_date) continue;
        rounds_done_.insert(r);
        if (*date < business_date) continue;
        for (const auto& [unit, a] : current_) {
            if (auto f = Standing(a, r); f && differs(*f, r)) {
                Emit(std::move(*f), r, ForecastReason::kRound, now, out);
            }
        }
    }
    // Managers' submissions stand for their round at once.
    for (auto it = pending_.begin(); it != pending_.end();) {
        auto a = current_.find(it->first);
        if (a == current_.end()) {
            ++it;  // no outcome for the unit yet: written once its aggregate comes
            continue;
        }
        if (auto f = Standing(a->second, it->second); f && differs(*f, it->second)) {
            Emit(std::move(*f), it->second, ForecastReason::kSubmission, now, out);
        }
        it = pending_.erase(it);
    }
    // Units whose outcome changed: the current round, when the change is material.
    const int round = RoundOn(business_date);
    for (const auto& unit : dirty_) {
        auto a = current_.find(unit);
        if (a == current_.end()) continue;
        auto f = Standing(a->second, round);
        if (!f) continue;
        auto w = written_.find({unit, round});
        bool write = false;
        ForecastReason reason = ForecastReason::kOutcomeChanged;
        if (f->method == ForecastMethod::kManager) {
            write = differs(*f, round);
            reason = ForecastReason::kSubmission;
        } else if (w == written_.end()) {
            write = true;
        } else if (w->second.method != ForecastMethod::kManager) {
            write = Abs(f->total_ore - w->second.total_ore) > MaterialAmount(unit);
        }
        if (write) Emit(std::move(*f), round, reason, now, out);
    }
    dirty_.clear();
    return out;
}

core::Result<AccuracyReport> Forecaster::Accuracy(domain::Date business_date) const {
    if (!master_) {
        return Refuse(core::Errc::kUnavailable, "master", "no master data (organisation) yet");
    }
    const auto last = master_->year.LastDay();
    if (business_date <= last) {
        return Refuse(core::Errc::kFailedPrecondition, "year",
                      "the outcome of " + std::to_string(master_->year.start_year()) +
                          " is known once the year has ended (after " + last.ToString() +
                          "); the business date is " + business_date.ToString());
    }
    AccuracyReport report;
    report.year = master_->year.start_year();
    struct Sum {
        int units = 0;
        std::int64_t forecast = 0;
        std::int64_t actual = 0;
        std::int64_t bp = 0;
    };
    std::map<std::pair<int, std::string>, Sum> sums;
    for (const auto& [unit, a] : current_) {
        std::vector<domain::RoundForecast> rounds;
        for (int r = 1; r <= 6; ++r) {
            auto w = written_.find({unit, r});
            if (w == written_.end()) continue;
            domain::RoundForecast rf;
            rf.round = r;
            rf.amount = core::Money::FromOre(w->second.total_ore);
            rf.method = DomainMethod(w->second.method);
            rounds.push_back(rf);
        }
        if (rounds.empty()) continue;
        UnitAccuracy ua;
        ua.unit = unit;
        ua.level = std::string(contracts::ToString(a.level));
        ua.actual_ore = a.totals.outcome_ore;
        ua.rounds = domain::MeasureAccuracy(rounds, core::Money::FromOre(a.totals.outcome_ore));
        for (const auto& r : ua.rounds) {
            auto& s = sums[{r.round, ua.level}];
            ++s.units;
            s.forecast += r.forecast.ore();
            s.actual += r.actual.ore();
            s.bp += r.abs_error_bp;
        }
        report.units.push_back(std::move(ua));
    }
    for (const auto& [key, s] : sums) {
        report.by_level.push_back(
            {key.first, key.second, s.units, s.forecast, s.actual, s.bp / s.units});
    }
    return report;
}

core::Result<contracts::ForecastSubmission> DecideSubmission(const nlohmann::json& request,
                                                             const service::MasterData& master,
                                                             int year, int current_round,
                                                             core::TimePoint now) {
    auto text = [&](const char* field) -> core::Result<std::string> {
        auto it = request.find(field);
        if (it == request.end() || !it->is_string() || it->get<std::string>().empty()) {
            return Refuse(core::Errc::kInvalidArgument, field,
                          std::string("\"") + field + "\" is required: a non-empty string");
        }
        return it->get<std::string>();
    };
    if (!request.is_object()) {
        return Refuse(core::Errc::kInvalidArgument, "op", "a command is a JSON object");
    }
    auto unit = text("unit");
    if (!unit.ok()) return std::move(unit).error();
    auto comment = text("comment");
    if (!comment.ok()) return std::move(comment).error();
    auto by = text("by");
    if (!by.ok()) return std::move(by).error();
    core::Result<core::Money> amount = Refuse(
        core::Errc::kInvalidArgument, "amountSek",
        "\"amountSek\" is required: the full-year forecast in SEK, text (\"1234567.50\") or a "
        "whole number");
    if (auto it = request.find("amountSek"); it != request.end()) {
        if (it->is_number_integer()) {
            amount = core::Money::FromKronorChecked(it->get<std::int64_t>());
        } else if (it->is_string()) {
            amount = core::Money::Parse(it->get<std::string>());
        }
        if (!amount.ok()) {
            return Refuse(core::Errc::kInvalidArgument, "amountSek",
                          "\"amountSek\": " + amount.error().message);
        }
    }
    if (!amount.ok()) return std::move(amount).error();
    int round = current_round;
    if (auto it = request.find("round"); it != request.end() && !it->is_null()) {
        if (!it->is_number_integer() || it->get<int>() < 1 || it->get<int>() > 6) {
            return Refuse(core::Errc::kInvalidArgument, "round", "\"round\" is 1..6");
        }
        round = it->get<int>();
    }
    if (round < 1 || round > 6) {
        return Refuse(core::Errc::kUnavailable, "round", "no current forecast round yet");
    }
    const core::UnitId unit_id(*unit);
    if (!master.org.Find(unit_id)) {
        return Refuse(core::Errc::kNotFound, "unit",
                      "unknown unit '" + *unit + "'; `bfu status` lists units");
    }
    auto today = domain::Date::Parse(core::ToRfc3339(now).substr(0, 10));
    auto person = service::FindLineManager(master.org, unit_id, *by,
                                           today.ok() ? *today : master.year.FirstDay());
    if (!person) {
        return Refuse(core::Errc::kPermissionDenied, "by",
                      *by + " is not the manager of " + *unit +
                          " nor of a unit above it in its reporting line");
    }
    contracts::ForecastSubmission s;
    s.year = year;
    s.unit = unit_id;
    s.round = round;
    s.amount_ore = amount->ore();
    s.comment = *comment;
    s.by = *person;
    s.submitted_at = core::ToRfc3339(now);
    return s;
}

}  // namespace bfu::forecasting
