#pragma once
// The year's lifecycle (S10, S12): which fiscal years take postings, which periods are closed,
// and the judged month - the one month through which the whole organisation is judged - on a
// business date. Fiscal years are calendar years (the periodic reports follow them).
//
// Decisions. The finance unit closes a period, reopens one, or closes a year (`bfu period
// close|reopen`, `bfu year close`, events on bfu.calendar). ClosingBook keeps the latest
// decision per subject (a period, a year), so a reopening replaces the closing before it.
//
// The timetable closes too (timetable.hpp): month m's close day is, by default, the N-th
// working day of month m + 1 (LifecycleRules::close_working_day, the municipality's working
// days); the year's arsbokslut day (default the last working day of February of Y + 1) closes
// the year, December included.
//
// The rules on business date d, Yc = d.year():
//   Open years (they take postings, and analysis and forecasting follow them):
//     Yc        open unless closed by decision;
//     Yc + 1    open from 1 December of Yc: the ERP books into the new year before New Year's
//               Day, so a voucher may reach it before the clock does;
//     Yc - 1    open until it is closed: by decision or after its arsbokslut day, so its
//               closing adjustments (bokslutstransaktioner) come in during January-March;
//     others    not open.
//   Pinned years (LifecycleRules::pinned_years, from followup.year or ingest.open_years): then
//   exactly those years are open (unless closed by decision) and only decisions close periods,
//   for runs that must not depend on the date. The judged month still follows the close days.
//   A period of an open year:
//     a decision on it stands: closed, or reopened (open whatever the timetable says);
//     else January-November close after their close day; December stays open until the year
//     closes (its adjustments), though it is complete - judged - after its close day.
//   A closed year closes every one of its periods; a closed year is not reopened (correct in
//   an open period of the next year).
//   Judged month of year Y: the latest month of Y that is complete - d is after its close
//   day - or closed by decision; December once Y is closed. None before January's close day.
//   Every unit of the organisation is judged through this one month (docs/architecture.md,
//   "The judged month"), so every level is the sum of what is listed under it.
//
// Values only; LifecycleView::On is pure and cheap (a few timetables); thread-safe to read.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/core/result.hpp"
#include "bfu/domain/calendar.hpp"
#include "bfu/domain/timetable.hpp"
#include "bfu/domain/workdays.hpp"

namespace bfu::domain {

enum class ClosingKind : std::uint8_t { kPeriodClosed, kPeriodReopened, kYearClosed };

// One decision of the finance unit.
struct Closing {
    ClosingKind kind = ClosingKind::kPeriodClosed;
    int year = 0;                  // the fiscal year
    std::optional<Period> period;  // the period, for the period kinds
    Date date;                     // the business date of the decision
    std::string by;                // who decided (e-mail or name); may be empty
    bool operator==(const Closing&) const = default;
};

// The latest decision per subject. Filled in topic order by one owner; not thread-safe for
// mutation.
class ClosingBook {
public:
    // Takes a decision; a later one on the same subject replaces the earlier. kInvalidArgument
    // for a period kind without a period, or a period outside its year.
    [[nodiscard]] core::Status Apply(const Closing& closing);

    [[nodiscard]] const Closing* ForPeriod(Period p) const;
    [[nodiscard]] const Closing* ForYear(int year) const;
    [[nodiscard]] bool empty() const noexcept { return periods_.empty() && years_.empty(); }
    [[nodiscard]] std::vector<Closing> All() const;  // years first, then periods, ascending
    bool operator==(const ClosingBook&) const = default;

private:
    std::map<int, Closing> periods_;  // by period code YYYYMM
    std::map<int, Closing> years_;
};

// The municipality's lifecycle rules (the rules file's timetable and calendar).
struct LifecycleRules {
    int close_working_day = kDefaultCloseWorkingDay;
    WorkCalendar calendar;
    // Timetable dates chosen per year: year -> event key -> date (within the event's window).
    std::map<int, std::map<std::string, Date>> dates;
    // Non-empty: exactly these years are open and only decisions close periods.
    std::set<int> pinned_years;

    [[nodiscard]] TimetableConfig TimetableFor(int year) const;
    // Builds the timetable of every year with chosen dates (and checks close_working_day);
    // the error names the year and the event key.
    [[nodiscard]] core::Status Validate() const;
};

enum class PeriodState : std::uint8_t {
    kOpen,
    kReopened,               // closed once, reopened by decision
    kClosedByDecision,       // bfu period close
    kClosedByTimetable,      // its close day has passed
    kYearClosedByDecision,   // bfu year close
    kYearClosedByTimetable,  // the year's arsbokslut day has passed
    kYearNotOpenYet,         // a later year that has not opened
    kYearNotOpen,            // an earlier year, or one not pinned
};
[[nodiscard]] std::string_view ToString(PeriodState s) noexcept;

struct PeriodStatus {
    PeriodState state = PeriodState::kYearNotOpen;
    // Closed: the decision's date, or the close day (closed from the day after).
    // kYearNotOpenYet: the day the year opens.
    std::optional<Date> since;
    std::string by;  // who decided, for the decision states
    [[nodiscard]] bool open() const noexcept {
        return state == PeriodState::kOpen || state == PeriodState::kReopened;
    }
};

// The lifecycle on one business date.
class LifecycleView {
public:
    LifecycleView() = default;  // nothing open, nothing judged
    [[nodiscard]] static LifecycleView On(Date today, const LifecycleRules& rules,
                                          const ClosingBook& book);

    [[nodiscard]] Date today() const noexcept { return today_; }
    // The year followed up now: Yc, or with pinned years the latest pinned year up to Yc (the
    // earliest pinned year when all lie after Yc).
    [[nodiscard]] int business_year() const noexcept { return business_year_; }
    // Ascending.
    [[nodiscard]] const std::vector<int>& open_years() const noexcept { return open_years_; }
    [[nodiscard]] bool IsOpen(int year) const;
    [[nodiscard]] PeriodStatus StatusOf(Period p) const;
    // Fiscal month index 0..11 of the judged month of `year`; nullopt when none is complete
    // yet, or the year lies outside Yc - 1 .. Yc + 1 and the pinned years.
    [[nodiscard]] std::optional<int> JudgedMonth(int year) const;
    // The close day of p by the timetable (month m's stangning-MM).
    [[nodiscard]] std::optional<Date> CloseDay(Period p) const;
    // The year's arsbokslut day.
    [[nodiscard]] std::optional<Date> YearCloseDay(int year) const;
    // The earliest open period at or after p, if any.
    [[nodiscard]] std::optional<Period> FirstOpenFrom(Period p) const;

    bool operator==(const LifecycleView&) const = default;

private:
    struct Year {
        std::array<PeriodStatus, 12> periods{};
        std::array<Date, 12> close_days{};
        Date year_close;
        std::optional<int> judged;
        bool open = false;
        bool operator==(const Year&) const = default;
    };
    Date today_;
    int business_year_ = 0;
    std::vector<int> open_years_;
    std::map<int, Year> years_;
};

// Why a posting into p is refused, in Swedish, with how to correct it ("bokför rättelsen i en
// öppen period"); empty when p is open. Names the period as YYYY-MM, as `bfu period` does.
[[nodiscard]] std::string ClosedPeriodMessage(Period p, const LifecycleView& view);
// "2026-04".
[[nodiscard]] std::string PeriodDash(Period p);

}  // namespace bfu::domain
