#include "bfu/sie_import/convert.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "bfu/domain/accounts.hpp"

namespace bfu::sie_import {
namespace {

constexpr std::int32_t kProjectDimension = 6;

// Reduces text to an id: ASCII letters and digits kept, å ä → a, ö → o (and upper case), any
// other run of characters → one '-'; no leading or trailing '-'.
std::string ToId(std::string_view text) {
    std::string out;
    bool dash = false;
    auto put = [&](char c) {
        if (dash && !out.empty()) out += '-';
        dash = false;
        out += c;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '.' || c == '_') {
            put(static_cast<char>(c));
        } else if (c == 0xC3 && i + 1 < text.size()) {
            // UTF-8 å (A5) ä (A4) Å (85) Ä (84) ö (B6) Ö (96)
            const auto d = static_cast<unsigned char>(text[i + 1]);
            ++i;
            if (d == 0xA5 || d == 0xA4) {
                put('a');
            } else if (d == 0x85 || d == 0x84) {
                put('A');
            } else if (d == 0xB6) {
                put('o');
            } else if (d == 0x96) {
                put('O');
            } else {
                dash = true;
            }
        } else {
            dash = true;
        }
    }
    return out;
}

std::string FiscalYearTag(const sie::SieFile& file, const sie::Date& date) {
    if (const auto index = file.FiscalYearOf(date)) {
        if (const auto* fy = file.FindFiscalYear(*index)) return fy->start.ToSie();
    }
    return std::to_string(date.year);
}

// A series or number as part of an id: letters, digits, '.', '_' and '-' kept, any other byte
// as '_' and two hex digits ("#" -> "_23"), so that the voucher id, and every event id and key
// built from it downstream, stays within the id characters of the contracts.
std::string IdPart(std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '.' || c == '_' || c == '-') {
            out += ch;
        } else {
            out += '_';
            out += kHex[c >> 4U];
            out += kHex[c & 0xFU];
        }
    }
    return out;
}

// The voucher ids of every #VER in file order (accepted and rejected alike, so that a voucher's
// id does not depend on whether an earlier one was accepted), keyed by #VER line. An id already
// given gets ".2", ".3", ... (the first free one), so ids are unique in the file.
std::unordered_map<std::uint32_t, std::string> AssignIds(const sie::SieFile& file) {
    std::vector<const sie::Voucher*> all;
    all.reserve(file.vouchers.size() + file.rejected.size());
    for (const auto& v : file.vouchers) all.push_back(&v);
    for (const auto& r : file.rejected) all.push_back(&r.voucher);
    std::sort(all.begin(), all.end(), [](const sie::Voucher* a, const sie::Voucher* b) {
        return a->source_line < b->source_line;
    });
    std::unordered_set<std::string> used;
    std::unordered_map<std::string, int> next_suffix;
    std::unordered_map<std::uint32_t, std::string> ids;
    for (const sie::Voucher* v : all) {
        std::string base =
            FiscalYearTag(file, v->date) + "-" + IdPart(v->series) + "-" +
            (v->number.empty() ? "L" + std::to_string(v->source_line) : IdPart(v->number));
        std::string id = base;
        if (used.count(id) != 0) {
            int& n = next_suffix[base];
            if (n < 2) n = 2;
            do {
                id = base + "." + std::to_string(n++);
            } while (used.count(id) != 0);
        }
        used.insert(id);
        ids.emplace(v->source_line, std::move(id));
    }
    return ids;
}

ConvertIssue Issue(std::string code, std::uint32_t line, std::string field, std::string message) {
    return {std::move(code), line, std::move(field), std::move(message)};
}

// One row as a contract line, or the reasons it cannot be one.
bool ConvertLine(const sie::VoucherLine& row, const ConvertOptions& options,
                 contracts::VoucherLine& out, std::vector<ConvertIssue>& reasons) {
    bool ok = true;
    out.account = core::AccountNo(row.account);
    out.amount_ore = row.amount.ore();
    out.trans_date = row.date.ToString();
    if (!row.text.empty()) out.text = row.text;
    if (!row.quantity.empty()) out.quantity = std::strtod(row.quantity.c_str(), nullptr);
    std::set<std::int32_t> dims_seen;
    std::string unit;
    for (const sie::ObjectRef& o : row.objects) {
        if (!dims_seen.insert(o.dimension).second) {
            reasons.push_back(Issue("ambiguous_object", row.source_line, "#TRANS objektlista",
                                    "two objects of dimension " + std::to_string(o.dimension) +
                                        " on one row; bfu keeps one object per dimension"));
            ok = false;
            continue;
        }
        if (o.dimension == sie::kCostCentreDimension) {
            unit = o.id;
        } else if (o.dimension == kProjectDimension) {
            out.project = o.id;
        } else {
            out.dims["dim" + std::to_string(o.dimension)] = o.id;
        }
    }
    if (unit.empty()) unit = options.default_unit;
    if (unit.empty()) {
        reasons.push_back(Issue("missing_unit", row.source_line, "#TRANS objektlista",
                                "the row has no cost centre (dimension 1) and no default unit "
                                "was given (--unit, ingest.inbox.default_unit)"));
        ok = false;
    }
    out.unit = core::UnitId(unit);
    return ok;
}

// The contract's reason: its line is the 1-based row of the voucher, which an SIE reason does
// not know; the SIE line number leads the message instead.
contracts::RejectReason ToReason(const ConvertIssue& issue) {
    contracts::RejectReason r;
    r.code = issue.code;
    r.field = issue.field;
    r.message = "line " + std::to_string(issue.line) + ": " + issue.message;
    return r;
}

RejectedSieVoucher MakeRejected(const sie::Voucher& v, std::string voucher_id,
                                std::vector<ConvertIssue> reasons, const std::string& source,
                                std::string_view bytes, const ConvertOptions& options,
                                core::TimePoint now) {
    RejectedSieVoucher r;
    r.voucher_id = std::move(voucher_id);
    r.key = v.Key();
    r.line = v.source_line;
    r.end_line = v.end_line;
    r.reasons = std::move(reasons);
    r.message.source = core::SourceId(source);
    r.message.voucher_id = core::VoucherId(r.voucher_id);
    r.message.original = contracts::Payload::FromBytes(
        SourceLines(bytes, v.source_line, std::max(v.end_line, v.source_line)));
    for (const auto& reason : r.reasons) {
        r.message.reasons.push_back(ToReason(reason));
    }
    r.message.origin = contracts::Origin::File(options.path, v.source_line);
    r.message.rejected_at = core::ToRfc3339(now);
    return r;
}

bool IsCalendarYear(const sie::FiscalYear& fy) {
    return fy.start.month == 1 && fy.start.day == 1 && fy.end.year == fy.start.year &&
           fy.end.month == 12 && fy.end.day == 31;
}

void ConvertBudget(const sie::SieFile& file, const ConvertOptions& options, Conversion& out) {
    if (file.budget.empty()) return;
    const auto chart = domain::ChartOfAccounts::KommunBasDefault();
    // (calendar year, unit, account group); a tuple rather than a struct with a defaulted <=>,
    // which clang-tidy 14 misreads (modernize-use-nullptr).
    using Key = std::tuple<int, std::string, std::string>;
    struct Acc {
        std::array<std::int64_t, 12> months{};
        domain::GroupKind kind = domain::GroupKind::kOperating;
        bool overflow = false;
    };
    std::map<Key, Acc> acc;
    for (const sie::BudgetRow& row : file.budget) {
        const auto reject = [&](std::string code, std::string field, std::string message) {
            out.budget_rejected.push_back(
                {row.source_line,
                 Issue(std::move(code), row.source_line, std::move(field), std::move(message))});
        };
        const sie::FiscalYear* fy = file.FindFiscalYear(row.year);
        if (fy == nullptr || !IsCalendarYear(*fy)) {
            reject("fiscal_year_not_calendar", "#PBUDGET årsnr",
                   "bfu budgets are per calendar year (a municipality's fiscal year); fiscal "
                   "year " +
                       std::to_string(row.year) +
                       (fy ? " runs " + fy->start.ToString() + " to " + fy->end.ToString()
                           : std::string(" has no #RAR")));
            continue;
        }
        auto info = chart.Resolve(row.account);
        if (!info.ok()) {
            reject("no_account_group", "#PBUDGET konto",
                   "account " + row.account + " maps to no budget group of the chart (" +
                       info.error().message + ")");
            continue;
        }
        std::string unit;
        for (const auto& o : row.objects) {
            if (o.dimension == sie::kCostCentreDimension) unit = o.id;
        }
        if (unit.empty()) unit = options.default_unit;
        if (unit.empty()) {
            reject("missing_unit", "#PBUDGET objektlista",
                   "the row has no cost centre (dimension 1) and no default unit was given");
            continue;
        }
        Key key{row.period.year, unit, chart.groups()[info->group].id};
        Acc& a = acc[key];
        a.kind = info->kind;
        auto& month = a.months[static_cast<std::size_t>(row.period.month - 1)];
        if (__builtin_add_overflow(month, row.amount.ore(), &month)) a.overflow = true;
    }
    std::string date = options.budget_date;
    if (date.empty() && file.info.generated) date = file.info.generated->ToString();
    if (date.empty()) date = options.budget_fallback_date;
    out.budget_publishable = !options.budget_ref.empty();
    for (const auto& [key, a] : acc) {
        const auto& [year, unit, group] = key;
        contracts::Budget b;
        b.unit = core::UnitId(unit);
        b.account_group = group;
        b.year = year;
        b.kind = a.kind == domain::GroupKind::kInvestment ? contracts::BudgetKind::kInvestment
                                                          : contracts::BudgetKind::kOperating;
        b.profile.kind = contracts::ProfileKind::kExplicit;
        b.profile.months = a.months;
        bool overflow = a.overflow;
        for (auto m : a.months) {
            if (__builtin_add_overflow(b.annual_ore, m, &b.annual_ore)) overflow = true;
        }
        b.revision.no = options.budget_revision;
        b.revision.ref = options.budget_ref;
        b.revision.date = date;
        if (overflow) {
            out.budget_rejected.push_back(
                {0, Issue("amount_overflow", 0, "#PBUDGET saldo",
                          "the budget of " + unit + "/" + group + " " + std::to_string(year) +
                              " does not fit in 64-bit öre")});
            continue;
        }
        if (out.budget_publishable) {
            std::vector<core::Error> errors;
            auto checked = contracts::Budget::FromJson(b.ToJson(), &errors);
            if (!checked.ok()) {
                out.budget_publishable = false;
                for (const auto& e : errors) {
                    out.budget_rejected.push_back(
                        {0, Issue("schema", 0, e.field,
                                  unit + "/" + group + " " + std::to_string(year) + ": " +
                                      e.message)});
                }
            }
        }
        out.budgets.push_back(std::move(b));
    }
}

}  // namespace

std::string SourceFor(const sie::FileInfo& info) {
    std::string id = ToId(info.org_number);
    if (id.empty()) id = ToId(info.company_name);
    if (id.empty()) {
        std::string_view name = info.file_name;
        if (const auto slash = name.find_last_of('/'); slash != std::string_view::npos) {
            name.remove_prefix(slash + 1);
        }
        if (const auto dot = name.find_last_of('.'); dot != std::string_view::npos && dot > 0) {
            name = name.substr(0, dot);
        }
        id = ToId(name);
    }
    if (id.empty()) id = "unnamed";
    return "sie-" + id;
}

std::string_view SourceLines(std::string_view bytes, std::uint32_t first, std::uint32_t last) {
    if (first == 0 || last < first) return {};
    std::size_t pos = 0;
    std::uint32_t line = 1;
    while (line < first && pos < bytes.size()) {
        const auto nl = bytes.find('\n', pos);
        if (nl == std::string_view::npos) return {};
        pos = nl + 1;
        ++line;
    }
    const std::size_t begin = pos;
    while (line <= last && pos < bytes.size()) {
        const auto nl = bytes.find('\n', pos);
        pos = nl == std::string_view::npos ? bytes.size() : nl + 1;
        ++line;
    }
    return bytes.substr(begin, pos - begin);
}

Conversion Convert(const sie::SieFile& file, std::string_view bytes, const ConvertOptions& options,
                   core::TimePoint now) {
    Conversion out;
    out.source = options.source.empty() ? SourceFor(file.info) : options.source;
    const auto ids = AssignIds(file);
    const auto id_of = [&](const sie::Voucher& v) { return ids.at(v.source_line); };

    for (const sie::Voucher& v : file.vouchers) {
        ConvertedVoucher cv;
        contracts::Voucher& m = cv.voucher;
        m.source = core::SourceId(out.source);
        m.voucher_id = core::VoucherId(id_of(v));
        if (!v.series.empty()) m.series = v.series;
        m.date = v.date.ToString();
        if (!v.text.empty()) m.text = v.text;
        if (v.registered) m.registered_at = v.registered->ToString() + "T00:00:00Z";
        std::vector<ConvertIssue> reasons;
        m.lines.reserve(v.lines.size());
        for (const sie::VoucherLine& row : v.lines) {
            contracts::VoucherLine line;
            ConvertLine(row, options, line, reasons);
            m.lines.push_back(std::move(line));
        }
        if (reasons.empty()) {
            // The contract's own decoder is the judge of what ingest will accept as a message.
            std::vector<core::Error> errors;
            auto checked = contracts::Voucher::FromJson(m.ToJson(), &errors);
            if (!checked.ok()) {
                if (errors.empty()) errors.push_back(checked.error());
                for (const auto& e : errors) {
                    reasons.push_back(Issue("schema", v.source_line, e.field, e.message));
                }
            }
        }
        if (!reasons.empty()) {
            out.rejected.push_back(
                MakeRejected(v, id_of(v), std::move(reasons), out.source, bytes, options, now));
            continue;
        }
        cv.origin = contracts::Origin::File(options.path, v.source_line);
        out.lines += m.lines.size();
        out.vouchers.push_back(std::move(cv));
    }
    for (const sie::RejectedVoucher& r : file.rejected) {
        std::vector<ConvertIssue> reasons;
        for (const sie::Issue& i : r.reasons) {
            reasons.push_back(Issue(i.code, i.line, i.field, i.message));
        }
        out.rejected.push_back(MakeRejected(r.voucher, id_of(r.voucher), std::move(reasons),
                                            out.source, bytes, options, now));
    }
    std::sort(
        out.rejected.begin(), out.rejected.end(),
        [](const RejectedSieVoucher& a, const RejectedSieVoucher& b) { return a.line < b.line; });
    ConvertBudget(file, options, out);
    return out;
}

}  // namespace bfu::sie_import
