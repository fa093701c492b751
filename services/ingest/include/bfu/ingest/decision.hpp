#pragma once
// What one decided voucher writes, as plain records: its lines (accepted) or its rejection
// (rejected), then its decision on bfu.ingest.decisions; a duplicate writes its decision only.
// Every way in (the Kafka loop, POST /v1/vouchers, the SIE inbox) calls Decide and produces the
// outputs in one Kafka transaction, so lines, rejection and decision become visible together.
// Pure: no I/O; thread-safe as far as the VoucherChecker is.
#include <string>
#include <string_view>
#include <vector>

#include "bfu/contracts/ledger.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/ingest/voucher_checker.hpp"
#include "bfu/kafka/config.hpp"
#include "bfu/kafka/message.hpp"

namespace bfu::ingest {

// The full names (with the topic prefix) of the topics ingest writes.
struct IngestTopics {
    std::string lines;
    std::string rejected;
    std::string decisions;
    // bfu.erp.vouchers: POST /v1/vouchers hands a voucher it would accept to the partition's
    // owner through it (http_ingest.hpp).
    std::string vouchers;
};

// Lets a producer of `config` write a rejection of any size Decide makes (up to
// kRejectedRecordMaxBytes, the max.message.bytes of bfu.ledger.rejected in topics.tsv); the
// librdkafka default (1 000 000 bytes) failed the whole batch with MSG_SIZE_TOO_LARGE.
void AllowLargestRejection(kafka::KafkaConfig& config);

// The envelope source of everything ingest writes.
inline constexpr std::string_view kIngestSource = "bfu/ingest";

// The header `bfu import sie` and the inbox put on a voucher taken from an SIE file (with
// bfu-origin-line); a record carrying it came in by the way sie-file.
inline constexpr std::string_view kOriginFileHeader = "bfu-origin-file";

// The header POST /v1/vouchers puts on a voucher it hands to the partition's owner through
// bfu.erp.vouchers: the request's origin id ("r-…-N:index"), so the owner's decision carries
// the HTTP origin the request waits for.
inline constexpr std::string_view kOriginHttpHeader = "bfu-origin-http";

// The way a record of bfu.erp.vouchers came in by: http when it carries kOriginHttpHeader,
// sie-file when it carries kOriginFileHeader, else kafka.
[[nodiscard]] contracts::IngestWay WayOfRecord(const kafka::Headers& headers);

// The origin of a record of bfu.erp.vouchers: the HTTP request's (kOriginHttpHeader), else its
// Kafka position. The SIE file's records keep the Kafka position: that is what makes a record
// read again the same delivery, and a file published twice two deliveries; an HTTP request's
// id is unique, so the same holds for a handed-over voucher.
[[nodiscard]] contracts::Origin OriginOfRecord(const kafka::Message& m);

struct DecidedVoucher {
    CheckResult check;
    contracts::IngestDecision decision;
    std::vector<kafka::OutMessage> outputs;  // lines or rejection first, the decision last
};

[[nodiscard]] contracts::IngestDecision MakeDecision(const CheckResult& check,
                                                     contracts::IngestWay way,
                                                     const contracts::Origin& origin,
                                                     core::TimePoint now);

[[nodiscard]] std::vector<kafka::OutMessage> VoucherOutputs(
    const CheckResult& check, const contracts::IngestDecision& decision, const IngestTopics& topics,
    core::TimePoint now);

// Checks `payload`, and builds its decision and outputs.
[[nodiscard]] DecidedVoucher Decide(VoucherChecker& checker, std::string_view payload,
                                    contracts::IngestWay way, const contracts::Origin& origin,
                                    const IngestTopics& topics, core::TimePoint now);

}  // namespace bfu::ingest
