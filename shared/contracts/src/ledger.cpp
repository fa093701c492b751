#include "bfu/contracts/ledger.hpp"

#include "bfu/contracts/formats.hpp"
#include "reader.hpp"

namespace bfu::contracts {
namespace {

using detail::Json;
using detail::ObjectReader;
using detail::Reader;
using detail::Str;

// The optional line fields shared by VoucherLine and LedgerLine.
template <typename L>
void ReadLineExtras(ObjectReader& o, L& out) {
    o.Field("project", out.project, Str::kNonEmpty);
    o.Field("transDate", out.trans_date, Str::kDate);
    o.Field("text", out.text, Str::kAny);
    o.Number("quantity", out.quantity);
    o.Field("accrual", out.accrual);
    o.Field("accrualPeriod", out.accrual_period, Str::kPeriod);
    o.Dims("dims", out.dims);
}

template <typename L>
void WriteLineExtras(const L& l, Json& j) {
    if (l.project) j["project"] = *l.project;
    if (l.trans_date) j["transDate"] = *l.trans_date;
    if (l.text) j["text"] = *l.text;
    if (l.quantity) j["quantity"] = *l.quantity;
    if (l.accrual) j["accrual"] = *l.accrual;
    if (l.accrual_period) j["accrualPeriod"] = *l.accrual_period;
    if (!l.dims.empty()) j["dims"] = l.dims;
}

void ReadVoucherLine(Reader& r, const Json& j, const std::string& path, VoucherLine& out) {
    ObjectReader o(r, j, path);
    o.Field("account", out.account, Str::kNonEmpty);
    o.Field("unit", out.unit, Str::kNonEmpty);
    o.Amount("amount", out.amount_ore);
    ReadLineExtras(o, out);
    o.Finish();
}

void ReadVoucher(Reader& r, const Json& j, const std::string& path, Voucher& out) {
    ObjectReader o(r, j, path);
    o.Field("source", out.source, Str::kId);
    o.Field("voucherId", out.voucher_id, Str::kNonEmpty);
    o.Field("series", out.series, Str::kNonEmpty);
    o.Field("date", out.date, Str::kDate);
    o.Field("text", out.text, Str::kAny);
    o.Field("registeredAt", out.registered_at, Str::kDateTime);
    o.Array("lines", out.lines, ReadVoucherLine, true, 1);
    o.Finish();
}

void ReadVoucherRef(Reader& r, const Json& j, const std::string& path, VoucherRef& out) {
    ObjectReader o(r, j, path);
    o.Field("source", out.source, Str::kId);
    o.Field("voucherId", out.voucher_id, Str::kNonEmpty);
    o.Field("series", out.series, Str::kNonEmpty);
    o.Field("date", out.date, Str::kDate);
    o.Finish();
}

void ReadLedgerLine(Reader& r, const Json& j, const std::string& path, LedgerLine& out) {
    ObjectReader o(r, j, path);
    o.Object("voucher", out.voucher, ReadVoucherRef);
    o.Field("lineNo", out.line_no, 1);
    o.Field("lineCount", out.line_count, 1);
    o.Field("unit", out.unit, Str::kId);
    o.Field("account", out.account, Str::kAccountNo);
    o.Field("accountClass", out.account_class, 0, 9);
    o.Field("accountGroup", out.account_group, Str::kId);
    o.Field("period", out.period, Str::kPeriod);
    o.Field("fiscalYear", out.fiscal_year, 1900, 2999);
    o.Field("amountOre", out.amount_ore);
    ReadLineExtras(o, out);
    o.Field("isOperating", out.is_operating);
    o.Field("isInvestment", out.is_investment);
    o.Finish();
}

void ReadReason(Reader& r, const Json& j, const std::string& path, RejectReason& out) {
    ObjectReader o(r, j, path);
    o.Field("code", out.code, Str::kCode);
    o.Field("field", out.field, Str::kAny);
    o.Field("line", out.line, 1);
    o.Field("message", out.message, Str::kNonEmpty);
    o.Finish();
}

// The schema's oneOf: the kind selects the branch, each branch is a closed object.
void ReadOrigin(Reader& r, const Json& j, const std::string& path, Origin& out) {
    if (!r.IsObject(j, path)) return;
    const auto kind_it = j.find("kind");
    if (kind_it == j.end()) {
        r.Fail(detail::Child(path, "kind"), "is required but missing");
        return;
    }
    if (!r.Enum(*kind_it, detail::Child(path, "kind"), out.kind)) return;
    ObjectReader o(r, j, path);
    o.Field("kind", out.kind);
    switch (out.kind) {
        case OriginKind::kKafka:
            o.Field("topic", out.topic, Str::kNonEmpty);
            o.Field("partition", out.partition, 0);
            o.Field("offset", out.offset, 0);
            break;
        case OriginKind::kHttp:
            o.Field("requestId", out.request_id, Str::kNonEmpty);
            break;
        case OriginKind::kFile:
            o.Field("file", out.file, Str::kNonEmpty);
            o.Field("line", out.file_line, 1);
            break;
    }
    o.Finish();
}

void ReadRejected(Reader& r, const Json& j, const std::string& path, RejectedVoucher& out) {
    ObjectReader o(r, j, path);
    o.Field("source", out.source, Str::kId);
    o.Field("voucherId", out.voucher_id, Str::kNonEmpty);
    o.Object("original", out.original, detail::ReadPayload);
    o.Array("reasons", out.reasons, ReadReason, true, 1);
    o.Object("origin", out.origin, ReadOrigin);
    o.Field("rejectedAt", out.rejected_at, Str::kDateTime);
    o.Finish();
}

void ReadDecision(Reader& r, const Json& j, const std::string& path, IngestDecision& out) {
    ObjectReader o(r, j, path);
    o.Field("way", out.way);
    o.Object("origin", out.origin, ReadOrigin);
    o.Field("source", out.source, Str::kId);
    o.Field("voucherId", out.voucher_id, Str::kNonEmpty);
    o.Field("result", out.result);
    o.Field("lineCount", out.line_count, 0);
    o.Field("grossOre", out.gross_ore, 0);
    o.Array("reasons", out.reasons, detail::StringItem(Str::kCode), true);
    o.Object("firstOrigin", out.first_origin, ReadOrigin);
    o.Field("decidedAt", out.decided_at, Str::kDateTime);
    o.Finish();
}

Json VoucherRefJson(const VoucherRef& v) {
    Json j = {{"source", v.source.value()}, {"voucherId", v.voucher_id.value()}, {"date", v.date}};
    if (v.series) j["series"] = *v.series;
    return j;
}

Json OriginJson(const Origin& o) {
    Json j = {{"kind", std::string(ToString(o.kind))}};
    switch (o.kind) {
        case OriginKind::kKafka:
            j["topic"] = o.topic;
            j["partition"] = o.partition;
            j["offset"] = o.offset;
            break;
        case OriginKind::kHttp:
            j["requestId"] = o.request_id;
            break;
        case OriginKind::kFile:
            j["file"] = o.file;
            j["line"] = o.file_line;
            break;
    }
    return j;
}

}  // namespace

nlohmann::json Voucher::ToJson() const {
    Json j = {{"source", source.value()}, {"voucherId", voucher_id.value()}, {"date", date}};
    if (series) j["series"] = *series;
    if (text) j["text"] = *text;
    if (registered_at) j["registeredAt"] = *registered_at;
    Json arr = Json::array();
    for (const auto& l : lines) {
        Json lj = {{"account", l.account.value()},
                   {"unit", l.unit.value()},
                   {"amount", FormatAmountOre(l.amount_ore)}};
        WriteLineExtras(l, lj);
        arr.push_back(std::move(lj));
    }
    j["lines"] = std::move(arr);
    return j;
}

core::Result<Voucher> Voucher::FromJson(const nlohmann::json& j,
                                        std::vector<core::Error>* all_errors) {
    return detail::Decode<Voucher>(j, all_errors, ReadVoucher);
}

nlohmann::json LedgerLine::ToJson() const {
    Json j = {{"voucher", VoucherRefJson(voucher)},
              {"lineNo", line_no},
              {"lineCount", line_count},
              {"unit", unit.value()},
              {"account", account.value()},
              {"accountClass", account_class},
              {"accountGroup", account_group},
              {"period", period},
              {"fiscalYear", fiscal_year},
              {"amountOre", amount_ore},
              {"isOperating", is_operating},
              {"isInvestment", is_investment}};
    WriteLineExtras(*this, j);
    return j;
}

core::Result<LedgerLine> LedgerLine::FromJson(const nlohmann::json& j,
                                              std::vector<core::Error>* all_errors) {
    return detail::Decode<LedgerLine>(j, all_errors, ReadLedgerLine);
}

Origin Origin::Kafka(std::string topic, std::int32_t partition, std::int64_t offset) {
    Origin o;
    o.kind = OriginKind::kKafka;
    o.topic = std::move(topic);
    o.partition = partition;
    o.offset = offset;
    return o;
}

Origin Origin::Http(std::string request_id) {
    Origin o;
    o.kind = OriginKind::kHttp;
    o.request_id = std::move(request_id);
    return o;
}

Origin Origin::File(std::string file, std::int64_t line) {
    Origin o;
    o.kind = OriginKind::kFile;
    o.file = std::move(file);
    o.file_line = line;
    return o;
}

nlohmann::json RejectedVoucher::ToJson() const {
    Json j = {{"original", original.ToJson()},
              {"origin", OriginJson(origin)},
              {"rejectedAt", rejected_at}};
    if (source) j["source"] = source->value();
    if (voucher_id) j["voucherId"] = voucher_id->value();
    Json arr = Json::array();
    for (const auto& reason : reasons) {
        Json rj = {{"code", reason.code}, {"field", reason.field}, {"message", reason.message}};
        if (reason.line) rj["line"] = *reason.line;
        arr.push_back(std::move(rj));
    }
    j["reasons"] = std::move(arr);
    return j;
}

core::Result<RejectedVoucher> RejectedVoucher::FromJson(const nlohmann::json& j,
                                                        std::vector<core::Error>* all_errors) {
    return detail::Decode<RejectedVoucher>(j, all_errors, ReadRejected);
}

std::string RejectedVoucher::Key() const {
    if (source && voucher_id) return keys::Voucher(source->value(), voucher_id->value());
    return OriginKey(origin);
}

nlohmann::json IngestDecision::ToJson() const {
    Json j = {{"way", std::string(ToString(way))},
              {"origin", OriginJson(origin)},
              {"result", std::string(ToString(result))},
              {"lineCount", line_count},
              {"grossOre", gross_ore},
              {"reasons", reasons},
              {"decidedAt", decided_at}};
    if (source) j["source"] = source->value();
    if (voucher_id) j["voucherId"] = voucher_id->value();
    if (first_origin) j["firstOrigin"] = OriginJson(*first_origin);
    return j;
}

core::Result<IngestDecision> IngestDecision::FromJson(const nlohmann::json& j,
                                                      std::vector<core::Error>* all_errors) {
    return detail::Decode<IngestDecision>(j, all_errors, ReadDecision);
}

std::string IngestDecision::Key() const {
    if (source && voucher_id) return keys::Voucher(source->value(), voucher_id->value());
    return OriginKey(origin);
}

std::string OriginKey(const Origin& origin) {
    switch (origin.kind) {
        case OriginKind::kKafka:
            return "kafka:" + origin.topic + ":" + std::to_string(origin.partition) + ":" +
                   std::to_string(origin.offset);
        case OriginKind::kHttp:
            return "http:" + origin.request_id;
        case OriginKind::kFile:
            return "file:" + origin.file + ":" + std::to_string(origin.file_line);
    }
    return {};
}

}  // namespace bfu::contracts
