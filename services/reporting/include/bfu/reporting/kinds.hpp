#pragma once
// The reports the rules ask for (S8, S11, S14) and what names one: its kind, the unit at its
// top (scope), the last month it covers (period) and the business date it is made as of.
//
//   kind                   wire/CLI name           period (last month)   scope
//   tertialrapport         tertialrapport          April                 any unit
//   delårsrapport          delarsrapport           August                any unit
//   årsredovisning         arsredovisning          December              any unit
//   sektorssammanfattning  sektorssammanfattning   Feb, Apr, ..., Dec    any unit (the
//                                                  (a forecast round)    timetable: sektorer)
//   dialogunderlag         dialogunderlag          April or August       enhet (step 1, APT),
//                                                  (tertial, delår)      verksamhet (steps 2-3),
//                                                                        sektor (step 4)
//   löpande uppföljning    lopande                 any month             any unit; the rolling
//                                                                        senaste.html, never
//                                                                        announced
//
// A report is a function of the events up to its cut-off (as_of, a Swedish calendar date: the
// events dated on or before it; docs/services/reporting.md), so its id names all four:
// "tertialrapport.KF.2026-04.2026-06-25", and the files are named after it.
//
// Pure values; thread-safe.
#include <optional>
#include <string>
#include <string_view>

#include "bfu/contracts/outputs.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/core/result.hpp"
#include "bfu/domain/calendar.hpp"
#include "bfu/domain/org.hpp"

namespace bfu::reporting {

enum class Kind {
    kTertial,
    kDelar,
    kArsredovisning,
    kSektorssammanfattning,
    kDialogunderlag,
    kLopande
};

// "tertialrapport", "delarsrapport", "arsredovisning", "sektorssammanfattning",
// "dialogunderlag", "lopande": the CLI's, the JSON's and the file names' word.
[[nodiscard]] std::string_view KindId(Kind kind) noexcept;
// "Tertialrapport", "Delårsrapport", "Årsredovisning", "Sektorssammanfattning",
// "Dialogunderlag", "Löpande uppföljning".
[[nodiscard]] std::string_view KindTitle(Kind kind) noexcept;
// KindId's words; also "delårsrapport" and "årsredovisning" with their Swedish letters.
// kInvalidArgument lists the kinds.
[[nodiscard]] core::Result<Kind> ParseKind(std::string_view text);
// The contract's kind on bfu.reports; nullopt for the rolling report, which is not announced.
[[nodiscard]] std::optional<contracts::ReportKind> ToContract(Kind kind) noexcept;
[[nodiscard]] std::optional<Kind> FromContract(contracts::ReportKind kind) noexcept;

struct ReportRequest {
    Kind kind = Kind::kTertial;
    std::string scope;      // unit id
    domain::Period period;  // the last month covered; its year is the fiscal year
    domain::Date as_of;     // the events dated on or before this day count

    [[nodiscard]] int year() const noexcept { return period.year(); }
    bool operator==(const ReportRequest&) const = default;
};

// "tertialrapport.KF.2026-04.2026-06-25".
[[nodiscard]] std::string ReportId(const ReportRequest& request);
// The file name without extension: "tertialrapport-KF-2026-04-2026-06-25".
[[nodiscard]] std::string FileStem(const ReportRequest& request);
// The period as people and the CLI write it: "2026-04".
[[nodiscard]] std::string PeriodArg(domain::Period period);

// The dialogue step a dialogunderlag of a unit at `level` is made for: 1 (enhet, APT), 2
// (verksamhet: steps 2 and 3 share it), 4 (sektor); 0 for other levels.
[[nodiscard]] int DialogueStep(domain::Level level) noexcept;

// Whether the kind may be made for this period and scope level: kInvalidArgument in Swedish,
// naming what to change ("en tertialrapport avser januari–april: --period 2026-04").
[[nodiscard]] core::Status CheckKindFits(Kind kind, domain::Period period, domain::Level level);

// The instant the cut-off ends: 00:00 Swedish time on the day after `as_of`; an event counts
// when it happened before it.
[[nodiscard]] core::TimePoint CutoffOf(domain::Date as_of);
// The cut-off as the contract writes it: "2026-06-25T23:59:59+02:00" (Swedish time).
[[nodiscard]] std::string CutoffText(domain::Date as_of);

}  // namespace bfu::reporting
