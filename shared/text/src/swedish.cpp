#include "bfu/text/swedish.hpp"

#include <array>
#include <cmath>
#include <limits>

#include "bfu/domain/workdays.hpp"

namespace bfu::text {

namespace {

constexpr std::string_view kMinus = "\u2212";  // a real minus sign, as core formats money

constexpr std::array<std::string_view, 12> kMonths = {
    "januari", "februari", "mars",      "april",   "maj",      "juni",
    "juli",    "augusti",  "september", "oktober", "november", "december"};

std::string WithSign(std::int64_t ore, std::string formatted) {
    if (ore > 0) return "+" + formatted;
    return formatted;  // core puts "−" on negatives; zero has no sign
}

bool IsCountUnit(std::string_view unit) {
    return unit == "st" || unit == "dagar" || unit == "antal" || unit == "personer" ||
           unit == "årsarbetare" || unit == "timmar";
}

}  // namespace

std::string Kr(std::int64_t ore) { return core::FormatKr(core::Money::FromOre(ore)); }
std::string Tkr(std::int64_t ore) { return core::FormatTkr(core::Money::FromOre(ore)); }
std::string Mkr(std::int64_t ore) { return core::FormatMkr(core::Money::FromOre(ore)); }
std::string Amount(std::int64_t ore) { return core::FormatAmount(core::Money::FromOre(ore)); }
std::string SignedKr(std::int64_t ore) {
    const std::string s = Kr(ore);
    // A deviation that rounds to 0 kr shows no sign.
    return s == "0 kr" ? s : WithSign(ore, s);
}
std::string SignedTkr(std::int64_t ore) {
    const std::string s = Tkr(ore);
    return s == "0,0 tkr" ? s : WithSign(ore, s);
}

std::int64_t BasisPoints(double ratio) noexcept {
    if (!std::isfinite(ratio)) return 0;
    const double bp = ratio * 10000.0;
    constexpr double kLimit = 9.0e18;
    if (bp >= kLimit) return std::numeric_limits<std::int64_t>::max();
    if (bp <= -kLimit) return std::numeric_limits<std::int64_t>::min() + 1;
    return std::llround(bp);
}

std::string Percent(double ratio) { return core::FormatBasisPoints(BasisPoints(ratio)); }
std::string PercentBp(std::int64_t bp) { return core::FormatBasisPoints(bp); }

std::string Decimal(double value, int decimals) {
    if (!std::isfinite(value)) return "\u2013";
    if (decimals < 0) decimals = 0;
    if (decimals > 6) decimals = 6;
    std::int64_t scale = 1;
    for (int i = 0; i < decimals; ++i) scale *= 10;
    const bool negative = value < 0;
    const double mag = std::fabs(value) * static_cast<double>(scale);
    if (mag >= 9.0e18) return negative ? std::string(kMinus) + "∞" : "∞";
    const auto scaled = static_cast<std::uint64_t>(std::llround(mag));
    std::string out = core::GroupThousands(scaled / static_cast<std::uint64_t>(scale));
    if (decimals > 0) {
        std::string frac = std::to_string(scaled % static_cast<std::uint64_t>(scale));
        while (frac.size() < static_cast<std::size_t>(decimals)) frac.insert(0, "0");
        out += ',';
        out += frac;
    }
    if (negative && scaled != 0) out.insert(0, kMinus);
    return out;
}

std::string Figure(double value, std::string_view measure_unit) {
    const bool whole = std::isfinite(value) && std::fabs(value - std::round(value)) < 1e-9;
    std::string out = Decimal(value, whole && IsCountUnit(measure_unit) ? 0 : 1);
    if (!measure_unit.empty()) {
        out += ' ';
        out += measure_unit;
    }
    return out;
}

std::string_view MonthName(int month) noexcept {
    if (month < 1 || month > 12) return {};
    return kMonths[static_cast<std::size_t>(month - 1)];
}

std::string MonthYear(domain::Period period) {
    return std::string(MonthName(period.month())) + " " + std::to_string(period.year());
}

std::string PeriodText(std::string_view period) {
    auto p = domain::Period::Parse(period);
    if (!p.ok()) return std::string(period);
    return MonthYear(*p);
}

std::string PeriodRange(domain::Period first, domain::Period last) {
    if (first == last) return MonthYear(last);
    if (first.year() == last.year()) {
        return std::string(MonthName(first.month())) + "\u2013" + MonthYear(last);
    }
    return MonthYear(first) + "\u2013" + MonthYear(last);
}

std::string DateText(domain::Date date) {
    return std::to_string(date.day()) + " " + std::string(MonthName(date.month())) + " " +
           std::to_string(date.year());
}

std::string DateText(std::string_view iso_date) {
    auto d = domain::Date::Parse(iso_date);
    if (!d.ok() || iso_date.size() != 10) return std::string(iso_date);
    return DateText(*d);
}

std::string DateTime(core::TimePoint t) {
    const domain::LocalDateTime local = domain::ToStockholm(t);
    char clock[16];
    std::snprintf(clock, sizeof clock, "%02d.%02d", local.hour, local.minute);
    return DateText(local.date) + " kl. " + clock;
}

std::string DateTimeText(std::string_view rfc3339) {
    auto t = core::FromRfc3339(rfc3339);
    if (!t.ok()) return std::string(rfc3339);
    return DateTime(*t);
}

std::string_view LevelName(contracts::OrgLevel level) noexcept {
    switch (level) {
        case contracts::OrgLevel::kKf:
            return "KF";
        case contracts::OrgLevel::kKs:
            return "KS";
        case contracts::OrgLevel::kForvaltning:
            return "förvaltning";
        case contracts::OrgLevel::kNamnd:
            return "nämnd";
        case contracts::OrgLevel::kSektor:
            return "sektor";
        case contracts::OrgLevel::kVerksamhet:
            return "verksamhet";
        case contracts::OrgLevel::kEnhet:
            return "enhet";
    }
    return "enhet";
}

std::string_view KindName(contracts::DeviationKind kind) noexcept {
    switch (kind) {
        case contracts::DeviationKind::kBudget:
            return "budgetavvikelse";
        case contracts::DeviationKind::kInvestment:
            return "investeringsavvikelse";
        case contracts::DeviationKind::kForecast:
            return "prognosavvikelse";
        case contracts::DeviationKind::kGoal:
            return "målavvikelse";
        case contracts::DeviationKind::kHr:
            return "personalavvikelse";
    }
    return "avvikelse";
}

std::string_view SeverityName(contracts::Severity severity) noexcept {
    switch (severity) {
        case contracts::Severity::kMinor:
            return "mindre";
        case contracts::Severity::kMajor:
            return "betydande";
        case contracts::Severity::kCritical:
            return "allvarlig";
    }
    return "mindre";
}

std::string_view DimensionName(contracts::CauseDimension dimension) noexcept {
    switch (dimension) {
        case contracts::CauseDimension::kGroup:
            return "kontogrupp";
        case contracts::CauseDimension::kAccount:
            return "konto";
        case contracts::CauseDimension::kMonth:
            return "månad";
    }
    return "orsak";
}

std::string_view EventName(contracts::DeviationEventKind event) noexcept {
    switch (event) {
        case contracts::DeviationEventKind::kOpened:
            return "ny";
        case contracts::DeviationEventKind::kChanged:
            return "ändrad";
        case contracts::DeviationEventKind::kAcknowledged:
            return "kvitterad";
        case contracts::DeviationEventKind::kMeasureAdded:
            return "åtgärd tillagd";
        case contracts::DeviationEventKind::kMeasureDone:
            return "åtgärd genomförd";
        case contracts::DeviationEventKind::kActionPlan:
            return "åtgärdsplan";
        case contracts::DeviationEventKind::kDecision:
            return "beslut";
        case contracts::DeviationEventKind::kEscalated:
            return "eskalerad";
        case contracts::DeviationEventKind::kClosed:
            return "avslutad";
        case contracts::DeviationEventKind::kCommented:
            return "kommenterad";
    }
    return "uppdaterad";
}

}  // namespace bfu::text
