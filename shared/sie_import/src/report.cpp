#include "bfu/sie_import/report.hpp"

#include <algorithm>
#include <sstream>
#include <utility>
#include <vector>

#include "bfu/sie/dry_run.hpp"

namespace bfu::sie_import {
namespace {

using nlohmann::json;

json IssueJson(const ConvertIssue& i) {
    return {{"code", i.code}, {"line", i.line}, {"field", i.field}, {"message", i.message}};
}

json ImportSection(const Import& import, bool dry_run, const std::optional<Published>& published) {
    const Conversion& c = import.conversion;
    json rejected = json::array();
    for (const RejectedSieVoucher& r : c.rejected) {
        json reasons = json::array();
        for (const auto& reason : r.reasons) reasons.push_back(IssueJson(reason));
        rejected.push_back({{"voucher_id", r.voucher_id},
                            {"key", r.key},
                            {"line", r.line},
                            {"end_line", r.end_line},
                            {"reasons", std::move(reasons)}});
    }
    json budgets = json::array();
    for (const auto& b : c.budgets) budgets.push_back(b.ToJson());
    json budget_rejected = json::array();
    for (const auto& b : c.budget_rejected) budget_rejected.push_back(IssueJson(b.reason));
    json pub;
    if (published) {
        pub = {{"vouchers", published->vouchers},
               {"rejected", published->rejected},
               {"budgets", published->budgets}};
    }
    return {{"source", c.source},
            {"published", dry_run ? json() : pub},
            {"vouchers", c.vouchers.size()},
            {"lines", c.lines},
            {"vouchers_rejected", c.rejected.size()},
            {"first_voucher_id",
             c.vouchers.empty() ? json() : json(c.vouchers.front().voucher.voucher_id.value())},
            {"rejected", std::move(rejected)},
            {"budget_messages", std::move(budgets)},
            {"budget_publishable", c.budget_publishable},
            {"budget_rejected", std::move(budget_rejected)}};
}

}  // namespace

std::vector<sie::Issue> Import::FileErrors() const {
    std::vector<sie::Issue> errors;
    for (const auto& i : file.issues) {
        if (i.severity == sie::Severity::kError) errors.push_back(i);
    }
    return errors;
}

Import Prepare(std::string_view bytes, const std::string& path, ConvertOptions options,
               core::TimePoint now) {
    Import import;
    import.file = sie::Parse(bytes, path);
    import.outcomes = sie::ComputeOutcomes(import.file);
    import.reconciliation = sie::Reconcile(import.file, import.outcomes);
    if (options.path.empty()) options.path = path;
    import.conversion = Convert(import.file, bytes, options, now);
    return import;
}

nlohmann::json ReportJson(const Import& import, bool dry_run,
                          const std::optional<Published>& published) {
    json doc = sie::DryRunJson(import.file, import.outcomes, import.reconciliation);
    doc["dry_run"] = dry_run;
    doc["import"] = ImportSection(import, dry_run, published);
    return doc;
}

std::string Summary(const Import& import, const std::optional<Published>& published) {
    const auto& f = import.file;
    const auto& c = import.conversion;
    const auto& rec = import.reconciliation;
    std::ostringstream out;
    out << f.info.file_name << " (" << (f.info.kind == sie::FileKind::k4I ? "SIE 4I" : "SIE 4E")
        << ", source " << c.source << ")\n";
    out << "  fiscal years:";
    for (const auto& y : f.fiscal_years) {
        out << " " << y.index << " (" << y.start.ToString() << ".." << y.end.ToString() << ")";
    }
    out << "\n  vouchers: " << c.vouchers.size() << " (" << c.lines << " lines), rejected "
        << c.rejected.size() << "\n";
    for (const auto& r : c.rejected) {
        // Each code once, at the line it first concerns: "missing_unit (line 710, 2 rows)".
        out << "    " << f.info.file_name << ":" << r.line << ": " << r.key << ":";
        std::vector<std::pair<std::string, std::pair<std::uint32_t, int>>> codes;
        for (const auto& reason : r.reasons) {
            auto it = std::find_if(codes.begin(), codes.end(),
                                   [&](const auto& e) { return e.first == reason.code; });
            if (it == codes.end()) {
                codes.push_back({reason.code, {reason.line, 1}});
            } else {
                ++it->second.second;
            }
        }
        for (std::size_t i = 0; i < codes.size(); ++i) {
            out << (i == 0 ? " " : "; ") << codes[i].first << " (line " << codes[i].second.first;
            if (codes[i].second.second > 1) out << ", " << codes[i].second.second << " rows";
            out << ")";
        }
        out << "\n";
    }
    if (std::any_of(c.rejected.begin(), c.rejected.end(), [](const RejectedSieVoucher& r) {
            return std::any_of(r.reasons.begin(), r.reasons.end(),
                               [](const ConvertIssue& i) { return i.code == "missing_unit"; });
        })) {
        out << "    (rows without a cost centre need a default unit: --unit UNIT)\n";
    }
    out << "  budget: " << c.budgets.size() << " budgets from " << f.budget.size()
        << " #PBUDGET rows, " << c.budget_rejected.size() << " rows not mapped"
        << (c.budgets.empty() || c.budget_publishable ? ""
                                                      : " (not publishable: give --budget-ref)")
        << "\n";
    if (published) {
        out << "  published: " << published->vouchers << " vouchers, " << published->rejected
            << " rejected, " << published->budgets << " budgets\n";
    } else {
        out << "  published: nothing (dry run)\n";
    }
    if (!rec.performed) {
        out << "  reconciliation: not performed (" << rec.skipped_reason << ")\n";
    } else if (rec.Clean()) {
        out << "  reconciliation: clean (" << rec.checked << " balances checked)\n";
    } else {
        out << "  reconciliation: " << rec.differences.size() << " differences (" << rec.checked
            << " balances checked)\n";
        for (const auto& d : rec.differences) {
            out << "    " << sie::ToString(d.kind) << " " << d.year << " " << d.account;
            if (d.period) out << " " << d.period->ToString();
            for (const auto& o : d.objects) out << " {" << o.dimension << " " << o.id << "}";
            out << ": file " << d.expected.ore() << " öre, vouchers " << d.computed.ore() << " öre";
            if (d.source_line > 0) out << " (line " << d.source_line << ")";
            out << "\n";
        }
    }
    return out.str();
}

}  // namespace bfu::sie_import
