#include "bfu/sie/dry_run.hpp"

#include "bfu/sie/encoding.hpp"

namespace bfu::sie {
namespace {

using nlohmann::json;

json OptionalDate(const std::optional<Date>& d) { return d ? json(d->ToString()) : json(); }

json ObjectsJson(const std::vector<ObjectRef>& objects) {
    json out = json::array();
    for (const ObjectRef& o : objects)
        out.push_back({{"dimension", o.dimension}, {"object", o.id}});
    return out;
}

std::string_view SeverityName(Severity s) { return s == Severity::kError ? "error" : "warning"; }

json FileJson(const SieFile& f) {
    const FileInfo& i = f.info;
    json checksum;
    if (f.checksum) {
        checksum = {{"closed", f.checksum->closed},
                    {"declared", f.checksum->declared},
                    {"computed", f.checksum->computed},
                    {"ok", f.checksum->ok}};
    }
    return {{"name", i.file_name},
            {"encoding", ToString(i.encoding)},
            {"declared_format", i.declared_format},
            {"kind", i.kind == FileKind::k4I ? "4I" : "4E"},
            {"sie_type", i.sie_type},
            {"flag", i.flag},
            {"program", i.program},
            {"program_version", i.program_version},
            {"generated", OptionalDate(i.generated)},
            {"company_name", i.company_name},
            {"org_number", i.org_number},
            {"currency", i.currency},
            {"checksum", checksum}};
}

json CountsJson(const SieFile& f, const Outcomes& o) {
    std::uint64_t rejected_lines = 0;
    for (const RejectedVoucher& r : f.rejected) rejected_lines += r.voucher.lines.size();
    return {{"ver_records", f.stats.ver_records},
            {"vouchers", o.vouchers()},
            {"lines", o.lines()},
            {"vouchers_rejected", f.rejected.size()},
            {"lines_in_rejected", rejected_lines},
            {"rtrans_rows", f.stats.rtrans_records},
            {"rtrans_copies_skipped", f.stats.rtrans_copies},
            {"btrans_rows_ignored", f.stats.btrans_records},
            {"rows_outside_fiscal_years", o.rows_outside_years()},
            {"accounts", f.accounts.size()},
            {"dimensions", f.dimensions.size()},
            {"objects", f.objects.size()},
            {"balances", f.balances.size()},
            {"budget_rows", f.budget.size()},
            {"unknown_records", f.stats.unknown_records},
            {"issues", f.issues.size()},
            {"issues_dropped", f.stats.issues_dropped},
            {"lines_in_file", f.stats.lines},
            {"bytes", f.stats.bytes}};
}

json VoucherHeaderJson(const Voucher& v) {
    return {{"series", v.series},     {"number", v.number},
            {"key", v.Key()},         {"date", v.date.year == 0 ? json() : json(v.date.ToString())},
            {"text", v.text},         {"line", v.source_line},
            {"end_line", v.end_line}, {"rows_read", v.lines.size()}};
}

json DifferenceJson(const Difference& d) {
    const core::Result<core::Money> delta = d.Delta();
    return {{"kind", ToString(d.kind)},
            {"year", d.year},
            {"period", d.period ? json(d.period->ToString()) : json()},
            {"account", d.account},
            {"objects", ObjectsJson(d.objects)},
            {"expected_ore", d.expected.ore()},
            {"computed_ore", d.computed.ore()},
            {"difference_ore", delta.ok() ? json(delta->ore()) : json()},
            {"line", d.source_line == 0 ? json() : json(d.source_line)}};
}

}  // namespace

json ToJson(const Issue& i) {
    return {{"severity", SeverityName(i.severity)},
            {"code", i.code},
            {"file", i.file},
            {"line", i.line},
            {"field", i.field},
            {"message", i.message}};
}

json DryRunJson(const SieFile& f, const Outcomes& o, const Reconciliation& rec) {
    json doc;
    doc["schema"] = kDryRunSchema;
    doc["dry_run"] = true;
    doc["file"] = FileJson(f);

    json years = json::array();
    for (const FiscalYear& y : f.fiscal_years) {
        years.push_back(
            {{"index", y.index}, {"start", y.start.ToString()}, {"end", y.end.ToString()}});
    }
    doc["fiscal_years"] = std::move(years);
    doc["counts"] = CountsJson(f, o);

    json outcome = json::array();
    for (const auto& [key, cell] : o.SortedByAccountPeriod()) {
        outcome.push_back({{"account", key.account},
                           {"period", key.period.ToString()},
                           {"amount_ore", cell.amount.ore()},
                           {"lines", cell.lines}});
    }
    doc["outcome"] = std::move(outcome);

    json by_object = json::array();
    for (const auto& [key, cell] : o.SortedByObject()) {
        by_object.push_back({{"account", key.account},
                             {"period", key.period.ToString()},
                             {"dimension", key.dimension},
                             {"object", key.object},
                             {"amount_ore", cell.amount.ore()},
                             {"lines", cell.lines}});
    }
    doc["outcome_by_object"] = std::move(by_object);

    json budget = json::array();
    for (const BudgetRow& b : f.budget) {
        budget.push_back({{"year", b.year},
                          {"period", b.period.ToString()},
                          {"account", b.account},
                          {"objects", ObjectsJson(b.objects)},
                          {"amount_ore", b.amount.ore()},
                          {"line", b.source_line}});
    }
    doc["budget"] = std::move(budget);

    json rejected = json::array();
    for (const RejectedVoucher& r : f.rejected) {
        json item = VoucherHeaderJson(r.voucher);
        json reasons = json::array();
        for (const Issue& i : r.reasons) reasons.push_back(ToJson(i));
        item["reasons"] = std::move(reasons);
        rejected.push_back(std::move(item));
    }
    doc["rejected"] = std::move(rejected);

    json differences = json::array();
    for (const Difference& d : rec.differences) differences.push_back(DifferenceJson(d));
    doc["reconciliation"] = {{"performed", rec.performed},
                             {"skipped_reason", rec.performed ? json() : json(rec.skipped_reason)},
                             {"years_checked", rec.years_checked},
                             {"checked", rec.checked},
                             {"not_checked", rec.not_checked},
                             {"clean", rec.Clean()},
                             {"differences", std::move(differences)}};

    json issues = json::array();
    for (const Issue& i : f.issues) issues.push_back(ToJson(i));
    doc["issues"] = std::move(issues);
    return doc;
}

json DryRunJson(const SieFile& f) {
    const Outcomes o = ComputeOutcomes(f);
    return DryRunJson(f, o, Reconcile(f, o));
}

}  // namespace bfu::sie
