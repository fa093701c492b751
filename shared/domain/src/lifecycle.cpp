#include "bfu/domain/lifecycle.hpp"

#include <algorithm>

namespace bfu::domain {
namespace {

using core::Errc;
using core::Error;

// The timetable of `year` by the rules; a year whose chosen dates do not build (Validate
// refuses those at start) falls back to the close days alone, then to the defaults.
Timetable TimetableOf(int year, const LifecycleRules& rules) {
    if (auto t = BuildTimetable(year, rules.TimetableFor(year)); t.ok())
        return std::move(t).value();
    TimetableConfig plain;
    plain.close_working_day = rules.close_working_day;
    plain.calendar = rules.calendar;
    if (auto t = BuildTimetable(year, plain); t.ok()) return std::move(t).value();
    return BuildTimetable(year, {}).value();
}

}  // namespace

core::Status ClosingBook::Apply(const Closing& c) {
    if (c.kind == ClosingKind::kYearClosed) {
        years_[c.year] = c;
        return core::Ok();
    }
    if (!c.period) {
        return Error(Errc::kInvalidArgument, "period", "a period decision names its period");
    }
    if (c.period->year() != c.year) {
        return Error(
            Errc::kInvalidArgument, "period",
            "period " + c.period->ToString() + " is not in the year " + std::to_string(c.year));
    }
    periods_[c.period->Code()] = c;
    return core::Ok();
}

const Closing* ClosingBook::ForPeriod(Period p) const {
    auto it = periods_.find(p.Code());
    return it == periods_.end() ? nullptr : &it->second;
}

const Closing* ClosingBook::ForYear(int year) const {
    auto it = years_.find(year);
    return it == years_.end() ? nullptr : &it->second;
}

std::vector<Closing> ClosingBook::All() const {
    std::vector<Closing> out;
    for (const auto& [y, c] : years_) out.push_back(c);
    for (const auto& [p, c] : periods_) out.push_back(c);
    return out;
}

TimetableConfig LifecycleRules::TimetableFor(int year) const {
    TimetableConfig cfg;
    cfg.close_working_day = close_working_day;
    cfg.calendar = calendar;
    if (auto it = dates.find(year); it != dates.end()) cfg.dates = it->second;
    return cfg;
}

core::Status LifecycleRules::Validate() const {
    // A year without chosen dates still checks close_working_day.
    const int any_year = dates.empty() ? 2026 : dates.begin()->first;
    if (auto t = BuildTimetable(any_year, TimetableFor(any_year)); !t.ok()) {
        core::Error e = t.error();
        e.field = std::to_string(any_year) + "." + e.field;
        return e;
    }
    for (const auto& [year, chosen] : dates) {
        if (auto t = BuildTimetable(year, TimetableFor(year)); !t.ok()) {
            core::Error e = t.error();
            e.field = std::to_string(year) + "." + e.field;
            return e;
        }
    }
    return core::Ok();
}

std::string_view ToString(PeriodState s) noexcept {
    switch (s) {
        case PeriodState::kOpen:
            return "open";
        case PeriodState::kReopened:
            return "reopened";
        case PeriodState::kClosedByDecision:
            return "closed";
        case PeriodState::kClosedByTimetable:
            return "closed_by_timetable";
        case PeriodState::kYearClosedByDecision:
            return "year_closed";
        case PeriodState::kYearClosedByTimetable:
            return "year_closed_by_timetable";
        case PeriodState::kYearNotOpenYet:
            return "year_not_open_yet";
        case PeriodState::kYearNotOpen:
            return "year_not_open";
    }
    return "?";
}

LifecycleView LifecycleView::On(Date today, const LifecycleRules& rules, const ClosingBook& book) {
    LifecycleView v;
    v.today_ = today;
    const int yc = today.year();
    const bool pinned = !rules.pinned_years.empty();
    if (pinned) {
        v.business_year_ = *rules.pinned_years.begin();
        for (int y : rules.pinned_years) {
            if (y <= yc) v.business_year_ = y;
        }
    } else {
        v.business_year_ = yc;
    }
    std::set<int> years{yc - 1, yc, yc + 1};
    years.insert(rules.pinned_years.begin(), rules.pinned_years.end());
    for (int y : years) {
        if (y < 1901 || y > 9998) continue;
        const Timetable tt = TimetableOf(y, rules);
        Year& year = v.years_[y];
        for (int m = 1; m <= 12; ++m) {
            year.close_days[static_cast<std::size_t>(m - 1)] = tt.Find(PeriodCloseKey(m))->date;
        }
        year.year_close = tt.Find(kYearCloseKey)->date;

        const Closing* decided = book.ForYear(y);
        PeriodStatus year_closed;
        bool closed = false;
        if (decided != nullptr) {
            closed = true;
            year_closed = {PeriodState::kYearClosedByDecision, decided->date, decided->by};
        } else if (!pinned && today > year.year_close) {
            closed = true;
            year_closed = {PeriodState::kYearClosedByTimetable, year.year_close, {}};
        }
        if (pinned) {
            year.open = !closed && rules.pinned_years.count(y) != 0;
        } else if (y == yc) {
            year.open = !closed;
        } else if (y == yc + 1) {
            year.open = !closed && today.month() == 12;
        } else {
            year.open = !closed && y == yc - 1;
        }
        if (year.open) v.open_years_.push_back(y);

        std::optional<int> judged;
        for (int m = 1; m <= 12; ++m) {
            const auto i = static_cast<std::size_t>(m - 1);
            const Period p = Period::Of(y, m).value();
            const Closing* on_p = book.ForPeriod(p);
            PeriodStatus& s = year.periods[i];
            if (closed) {
                s = year_closed;
            } else if (!year.open) {
                if (y > yc) {
                    s.state = PeriodState::kYearNotOpenYet;
                    if (!pinned) s.since = Period::Of(y - 1, 12).value().FirstDay();
                } else {
                    s.state = PeriodState::kYearNotOpen;
                }
            } else if (on_p != nullptr && on_p->kind == ClosingKind::kPeriodClosed) {
                s = {PeriodState::kClosedByDecision, on_p->date, on_p->by};
            } else if (on_p != nullptr) {
                s = {PeriodState::kReopened, on_p->date, on_p->by};
            } else if (!pinned && m < 12 && today > year.close_days[i]) {
                s = {PeriodState::kClosedByTimetable, year.close_days[i], {}};
            } else {
                s = {PeriodState::kOpen, std::nullopt, {}};
            }
            const bool complete = today > year.close_days[i] || closed ||
                                  (on_p != nullptr && on_p->kind == ClosingKind::kPeriodClosed);
            if (complete) judged = m - 1;
        }
        year.judged = judged;
    }
    return v;
}

bool LifecycleView::IsOpen(int year) const {
    return std::binary_search(open_years_.begin(), open_years_.end(), year);
}

PeriodStatus LifecycleView::StatusOf(Period p) const {
    auto it = years_.find(p.year());
    if (it != years_.end()) return it->second.periods[static_cast<std::size_t>(p.month() - 1)];
    PeriodStatus s;
    s.state = p.year() > today_.year() ? PeriodState::kYearNotOpenYet : PeriodState::kYearNotOpen;
    return s;
}

std::optional<int> LifecycleView::JudgedMonth(int year) const {
    auto it = years_.find(year);
    if (it == years_.end()) return std::nullopt;
    return it->second.judged;
}

std::optional<Date> LifecycleView::CloseDay(Period p) const {
    auto it = years_.find(p.year());
    if (it == years_.end()) return std::nullopt;
    return it->second.close_days[static_cast<std::size_t>(p.month() - 1)];
}

std::optional<Date> LifecycleView::YearCloseDay(int year) const {
    auto it = years_.find(year);
    if (it == years_.end()) return std::nullopt;
    return it->second.year_close;
}

std::optional<Period> LifecycleView::FirstOpenFrom(Period p) const {
    for (const auto& [y, year] : years_) {
        if (y < p.year() || !year.open) continue;
        for (int m = (y == p.year() ? p.month() : 1); m <= 12; ++m) {
            if (year.periods[static_cast<std::size_t>(m - 1)].open())
                return Period::Of(y, m).value();
        }
    }
    return std::nullopt;
}

std::string PeriodDash(Period p) {
    std::string out = std::to_string(p.year());
    out += p.month() < 10 ? "-0" : "-";
    out += std::to_string(p.month());
    return out;
}

std::string ClosedPeriodMessage(Period p, const LifecycleView& view) {
    const PeriodStatus s = view.StatusOf(p);
    if (s.open()) return {};
    const std::string year = std::to_string(p.year());
    const std::string since = s.since ? s.since->ToString() : std::string();
    const std::string who = s.by.empty() ? std::string() : std::string(" av ") + s.by;
    std::string why;
    switch (s.state) {
        case PeriodState::kClosedByDecision:
            why = "perioden " + PeriodDash(p) + " är stängd (stängdes " + since + who + ")";
            break;
        case PeriodState::kClosedByTimetable:
            why = "perioden " + PeriodDash(p) +
                  " är stängd enligt tidplanen (sista dag att bokföra var " + since + ")";
            break;
        case PeriodState::kYearClosedByDecision:
            why = "räkenskapsåret " + year + " är stängt (årsbokslut " + since + who +
                  "), så perioden " + PeriodDash(p) + " är stängd";
            break;
        case PeriodState::kYearClosedByTimetable:
            why = "räkenskapsåret " + year + " är stängt enligt tidplanen (årsbokslut " + since +
                  "), så perioden " + PeriodDash(p) + " är stängd";
            break;
        case PeriodState::kYearNotOpenYet:
            why = "räkenskapsåret " + year + " är inte öppnat ännu" +
                  (s.since ? " (det öppnar " + s.since->ToString() + ")" : std::string());
            return why + ": kontrollera verifikationens datum eller periodiseringsperiod";
        case PeriodState::kYearNotOpen:
            why = "räkenskapsåret " + year + " är inte öppet för bokföring";
            break;
        case PeriodState::kOpen:
        case PeriodState::kReopened:
            return {};
    }
    const auto open = view.FirstOpenFrom(p);
    return why + ": bokför rättelsen i en öppen period" +
           (open ? " (tidigast " + PeriodDash(*open) + ")" : std::string());
}

}  // namespace bfu::domain
