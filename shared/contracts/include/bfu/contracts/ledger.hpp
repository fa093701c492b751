#pragma once
// The ledger messages: the voucher as the ERP sends it (bfu.erp.vouchers), the validated line
// (bfu.ledger.lines) and the rejected voucher (bfu.ledger.rejected). Schemas in
// schemas/json/voucher.schema.json, ledger-line.schema.json, rejected-voucher.schema.json.
//
// Every message type T here and in the other message headers has:
//   T::kType, T::kSchemaVersion, T::kTopic   - envelope type, data schema version, topic
//   nlohmann::json T::ToJson() const         - the data payload
//   static Result<T> T::FromJson(const json&, std::vector<Error>* all_errors = nullptr)
//       checks exactly what the schema says; the Error's field is a JSON pointer into the
//       payload (e.g. "/lines/2/amount"); all_errors, if given, receives every problem.
//   std::string T::Key() const               - the Kafka key
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/contracts/common.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/core/error.hpp"
#include "bfu/core/result.hpp"
#include "bfu/core/strong_id.hpp"

namespace bfu::contracts {

// One line of an ERP voucher. The ERP sends the amount as a decimal string in SEK; it is held
// here as exact öre and written back in canonical form ("-1234.50").
struct VoucherLine {
    core::AccountNo account;  // as coded; ingest checks it against the chart of accounts
    core::UnitId unit;        // cost centre as coded
    std::int64_t amount_ore = 0;
    std::optional<std::string> project;
    std::optional<std::string> trans_date;  // YYYY-MM-DD
    std::optional<std::string> text;
    std::optional<double> quantity;
    std::optional<bool> accrual;
    std::optional<std::string> accrual_period;  // YYYYMM
    std::map<std::string, std::string> dims;    // further dimensions; empty = absent

    bool operator==(const VoucherLine&) const = default;
};

struct Voucher {
    static constexpr std::string_view kType = "se.bfu.erp.voucher.v1";
    static constexpr int kSchemaVersion = 1;
    static constexpr std::string_view kTopic = topics::kErpVouchers;

    core::SourceId source;  // which ERP or file
    core::VoucherId voucher_id;
    std::optional<std::string> series;
    std::string date;  // YYYY-MM-DD
    std::optional<std::string> text;
    std::optional<std::string> registered_at;  // RFC 3339
    std::vector<VoucherLine> lines;            // at least one

    [[nodiscard]] nlohmann::json ToJson() const;
    [[nodiscard]] static core::Result<Voucher> FromJson(
        const nlohmann::json& j, std::vector<core::Error>* all_errors = nullptr);
    [[nodiscard]] std::string Key() const {
        return keys::Voucher(source.value(), voucher_id.value());
    }
    bool operator==(const Voucher&) const = default;
};

struct VoucherRef {
    core::SourceId source;
    core::VoucherId voucher_id;
    std::optional<std::string> series;
    std::string date;  // YYYY-MM-DD

    bool operator==(const VoucherRef&) const = default;
};

// A validated ledger line, keyed by unit so that one analysis partition sees all of a unit.
struct LedgerLine {
    static constexpr std::string_view kType = "se.bfu.ledger.line.v1";
    static constexpr int kSchemaVersion = 1;
    static constexpr std::string_view kTopic = topics::kLedgerLines;

    VoucherRef voucher;
    std::int64_t line_no = 1;     // 1-based position in the voucher
    std::int64_t line_count = 1;  // lines in the voucher
    core::UnitId unit;
    core::AccountNo account;
    int account_class = 0;  // Kommun-Bas class 0-9
    std::string account_group;
    std::string period;   // YYYYMM
    int fiscal_year = 0;  // 1900-2999
    std::int64_t amount_ore = 0;
    std::optional<std::string> project;
    std::optional<std::string> trans_date;
    std::optional<std::string> text;
    std::optional<double> quantity;
    std::optional<bool> accrual;
    std::optional<std::string> accrual_period;
    std::map<std::string, std::string> dims;
    bool is_operating = true;
    bool is_investment = false;

    [[nodiscard]] nlohmann::json ToJson() const;
    [[nodiscard]] static core::Result<LedgerLine> FromJson(
        const nlohmann::json& j, std::vector<core::Error>* all_errors = nullptr);
    [[nodiscard]] std::string Key() const { return unit.value(); }
    bool operator==(const LedgerLine&) const = default;
};

struct RejectReason {
    std::string code;                  // e.g. "unknown_account", "period_closed", "schema"
    std::string field;                 // JSON pointer into the original; "" for the whole voucher
    std::optional<std::int64_t> line;  // 1-based voucher line
    std::string message;

    bool operator==(const RejectReason&) const = default;
};

enum class OriginKind { kKafka, kHttp, kFile };
BFU_CONTRACTS_ENUM_NAMES(OriginKind, "kafka", "http", "file");

// Where a rejected payload came from. Which members are set depends on kind: kafka uses
// topic/partition/offset, http request_id, file file/file_line.
struct Origin {
    OriginKind kind = OriginKind::kKafka;
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    std::string request_id;
    std::string file;
    std::int64_t file_line = 1;

    [[nodiscard]] static Origin Kafka(std::string topic, std::int32_t partition,
                                      std::int64_t offset);
    [[nodiscard]] static Origin Http(std::string request_id);
    [[nodiscard]] static Origin File(std::string file, std::int64_t line);
    bool operator==(const Origin&) const = default;
};

struct RejectedVoucher {
    static constexpr std::string_view kType = "se.bfu.ledger.rejected.v1";
    static constexpr int kSchemaVersion = 1;
    static constexpr std::string_view kTopic = topics::kLedgerRejected;

    std::optional<core::SourceId> source;  // absent when the payload could not be read that far
    std::optional<core::VoucherId> voucher_id;
    Payload original;                   // verbatim
    std::vector<RejectReason> reasons;  // at least one
    Origin origin;
    std::string rejected_at;  // RFC 3339

    [[nodiscard]] nlohmann::json ToJson() const;
    [[nodiscard]] static core::Result<RejectedVoucher> FromJson(
        const nlohmann::json& j, std::vector<core::Error>* all_errors = nullptr);
    // source:voucherId when both are known, else where it came from (kafka:topic:partition:
    // offset, http:requestId, file:path:line) so that the key is still stable on replay.
    [[nodiscard]] std::string Key() const;
    bool operator==(const RejectedVoucher&) const = default;
};

// Which way a voucher came into ingest.
enum class IngestWay { kKafka, kHttp, kSieFile };
BFU_CONTRACTS_ENUM_NAMES(IngestWay, "kafka", "http", "sie-file");

enum class IngestResult { kAccepted, kRejected, kDuplicate };
BFU_CONTRACTS_ENUM_NAMES(IngestResult, "accepted", "rejected", "duplicate");

// One voucher decided by ingest (bfu.ingest.decisions, kept for ever), written in the same
// Kafka transaction as the voucher's lines or rejection. The accepted ones are ingest's
// durable duplicate register; all of them together are the control totals' "in" side.
// Schema: schemas/json/ingest-decision.schema.json.
struct IngestDecision {
    static constexpr std::string_view kType = "se.bfu.ingest.decision.v1";
    static constexpr int kSchemaVersion = 1;
    static constexpr std::string_view kTopic = topics::kIngestDecisions;

    IngestWay way = IngestWay::kKafka;
    Origin origin;
    std::optional<core::SourceId> source;  // absent when the payload could not be read that far
    std::optional<core::VoucherId> voucher_id;
    IngestResult result = IngestResult::kRejected;
    // Lines written (accepted) or lines in the voucher as sent (rejected, duplicate; 0 when
    // they could not be read).
    std::int64_t line_count = 0;
    // Sum of the positive (debit) amounts in öre; 0 when the amounts could not be parsed.
    std::int64_t gross_ore = 0;
    std::vector<std::string> reasons;    // reason codes of a rejection, in order
    std::optional<Origin> first_origin;  // duplicate: where the voucher was first accepted
    std::string decided_at;              // RFC 3339

    [[nodiscard]] nlohmann::json ToJson() const;
    [[nodiscard]] static core::Result<IngestDecision> FromJson(
        const nlohmann::json& j, std::vector<core::Error>* all_errors = nullptr);
    // source:voucherId, or where it came from when those are unknown (as RejectedVoucher).
    [[nodiscard]] std::string Key() const;
    bool operator==(const IngestDecision&) const = default;
};

// The key of a payload that could not be read as far as source and voucher id: where it came
// from (kafka:topic:partition:offset, http:requestId, file:path:line).
[[nodiscard]] std::string OriginKey(const Origin& origin);

}  // namespace bfu::contracts
