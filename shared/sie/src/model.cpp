#include "bfu/sie/model.hpp"

#include <algorithm>
#include <cstdio>

namespace bfu::sie {
namespace {

bool AllDigits(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::int32_t Digits(std::string_view s) {
    std::int32_t v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

std::int32_t DaysInMonth(std::int32_t year, std::int32_t month) {
    static constexpr std::int32_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

std::optional<Date> Date::Parse(std::string_view s) {
    if (s.size() != 8 || !AllDigits(s)) return std::nullopt;
    Date d{Digits(s.substr(0, 4)), Digits(s.substr(4, 2)), Digits(s.substr(6, 2))};
    if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > DaysInMonth(d.year, d.month)) {
        return std::nullopt;
    }
    return d;
}

std::string Date::ToString() const {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
    return buf;
}

std::string Date::ToSie() const {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d%02d%02d", year, month, day);
    return buf;
}

std::optional<Period> Period::Parse(std::string_view s) {
    if (s.size() != 6 || !AllDigits(s)) return std::nullopt;
    Period p{Digits(s.substr(0, 4)), Digits(s.substr(4, 2))};
    if (p.month < 1 || p.month > 12) return std::nullopt;
    return p;
}

std::string Period::ToString() const {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
    return buf;
}

std::string Issue::ToString() const {
    std::string out = file;
    out += ':';
    out += std::to_string(line);
    out += ": ";
    if (!field.empty()) {
        out += field;
        out += ": ";
    }
    out += message;
    return out;
}

std::string_view VoucherLine::CostCentre() const {
    for (const ObjectRef& o : objects) {
        if (o.dimension == kCostCentreDimension) return o.id;
    }
    return {};
}

std::string Voucher::Key() const {
    std::string key = series;
    if (number.empty()) {
        key += '@';
        key += std::to_string(source_line);
    } else {
        key += '-';
        key += number;
    }
    return key;
}

AccountClass ClassOf(std::string_view number, std::string_view ktyp) {
    if (ktyp == "T" || ktyp == "S") return AccountClass::kBalance;
    if (ktyp == "K" || ktyp == "I") return AccountClass::kResult;
    if (number.empty()) return AccountClass::kOther;
    const char first = number.front();
    if (first == '1' || first == '2') return AccountClass::kBalance;
    if (first >= '3' && first <= '8') return AccountClass::kResult;
    return AccountClass::kOther;
}

std::string_view ToString(BalanceKind k) {
    switch (k) {
        case BalanceKind::kIb:
            return "ib";
        case BalanceKind::kUb:
            return "ub";
        case BalanceKind::kOib:
            return "oib";
        case BalanceKind::kOub:
            return "oub";
        case BalanceKind::kRes:
            return "res";
        case BalanceKind::kPsaldo:
            return "psaldo";
    }
    return "unknown";
}

const Account* SieFile::FindAccount(std::string_view number) const {
    for (const Account& a : accounts) {
        if (a.number == number) return &a;
    }
    return nullptr;
}

const FiscalYear* SieFile::FindFiscalYear(std::int32_t index) const {
    for (const FiscalYear& y : fiscal_years) {
        if (y.index == index) return &y;
    }
    return nullptr;
}

std::optional<std::int32_t> SieFile::FiscalYearOf(Date d) const {
    for (const FiscalYear& y : fiscal_years) {
        if (y.start <= d && d <= y.end) return y.index;
    }
    return std::nullopt;
}

bool SieFile::HasErrors() const {
    if (!rejected.empty()) return true;
    return std::any_of(issues.begin(), issues.end(),
                       [](const Issue& i) { return i.severity == Severity::kError; });
}

}  // namespace bfu::sie
