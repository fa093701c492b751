// libFuzzer target for the voucher JSON decoder, the first thing every way into ingest runs on
// untrusted bytes (Kafka, HTTP, the SIE conversion's own check): any bytes must decode without
// a crash, a hang or unbounded memory, as a bare voucher and inside a CloudEvents envelope, and
// what decodes must survive its own round trip (ToJson -> FromJson gives the same voucher and
// the same key). Each of its lines, as the ledger line ingest would write, must encode to the
// same bytes through the hot path (hot_encode.hpp) as through the generic EncodeMessage.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/hot_encode.hpp"
#include "bfu/contracts/ledger.hpp"

namespace {

void CheckHotEncoding(const bfu::contracts::Voucher& v) {
    std::int64_t no = 0;
    for (const auto& vl : v.lines) {
        bfu::contracts::LedgerLine l;
        l.voucher = {v.source, v.voucher_id, v.series, v.date};
        l.line_no = ++no;
        l.line_count = static_cast<std::int64_t>(v.lines.size());
        l.unit = vl.unit;
        l.account = vl.account;
        l.account_group = v.text.value_or("");
        l.period = v.date;
        l.amount_ore = vl.amount_ore;
        l.project = vl.project;
        l.trans_date = vl.trans_date;
        l.text = vl.text;
        l.quantity = vl.quantity;
        l.accrual = vl.accrual;
        l.accrual_period = vl.accrual_period;
        l.dims = vl.dims;
        const bfu::contracts::EventMeta meta{
            v.voucher_id.value(), v.source.value(), {}, vl.unit.value()};
        if (bfu::contracts::EncodeLedgerLine(l, meta) != bfu::contracts::EncodeMessage(l, meta)) {
            std::abort();
        }
    }
}

void CheckRoundTrip(const bfu::contracts::Voucher& v) {
    const nlohmann::json j = v.ToJson();
    auto again = bfu::contracts::Voucher::FromJson(j);
    if (!again.ok()) std::abort();
    if (!(again.value() == v)) std::abort();
    if (again.value().Key() != v.Key()) std::abort();
    // Serialising must not throw: every string in a decoded voucher is valid UTF-8.
    if (j.dump().empty()) std::abort();
    CheckHotEncoding(v);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const nlohmann::json doc = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_discarded()) {
        std::vector<bfu::core::Error> errors;
        auto v = bfu::contracts::Voucher::FromJson(doc, &errors);
        if (v.ok()) {
            if (!errors.empty()) std::abort();
            CheckRoundTrip(v.value());
        } else if (errors.empty()) {
            std::abort();  // a failed decode reports at least one problem
        }
    }
    // The same bytes as a Kafka message value: envelope first, then the voucher inside.
    auto m = bfu::contracts::DecodeMessage<bfu::contracts::Voucher>(bytes);
    if (m.ok()) CheckRoundTrip(m.value());
    return 0;
}
