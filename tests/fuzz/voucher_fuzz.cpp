// libFuzzer target for the voucher JSON decoder, the first thing every way into ingest runs on
// untrusted bytes (Kafka, HTTP, the SIE conversion's own check): any bytes must decode without
// a crash, a hang or unbounded memory, as a bare voucher and inside a CloudEvents envelope, and
// what decodes must survive its own round trip (ToJson -> FromJson gives the same voucher and
// the same key).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/ledger.hpp"

namespace {

void CheckRoundTrip(const bfu::contracts::Voucher& v) {
    const nlohmann::json j = v.ToJson();
    auto again = bfu::contracts::Voucher::FromJson(j);
    if (!again.ok()) std::abort();
    if (!(again.value() == v)) std::abort();
    if (again.value().Key() != v.Key()) std::abort();
    // Serialising must not throw: every string in a decoded voucher is valid UTF-8.
    if (j.dump().empty()) std::abort();
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
