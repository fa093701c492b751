#include "bfu/ingest/decision.hpp"

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/hot_encode.hpp"

namespace bfu::ingest {

namespace {

contracts::IngestResult ResultOf(CheckResult::Kind kind) {
    switch (kind) {
        case CheckResult::Kind::kAccepted:
            return contracts::IngestResult::kAccepted;
        case CheckResult::Kind::kRejected:
            return contracts::IngestResult::kRejected;
        case CheckResult::Kind::kDuplicate:
            return contracts::IngestResult::kDuplicate;
    }
    return contracts::IngestResult::kRejected;
}

// An envelope id allows letters, digits and "_.:-"; voucher ids and file paths may hold more.
// The mapping is one to one, so two different vouchers never share an id ("A/1", "A 1" and
// "A_1" once all became "A_1"): '_' is written "__" and every other byte outside the set
// "_" and its two hex digits ("A/1" -> "A_2F1"). Deterministic: the same delivery decided
// again gets the same id, which is what consumers deduplicate on.
std::string EventId(std::string_view prefix, std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string id(prefix);
    id.reserve(prefix.size() + text.size());
    for (char c : text) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == ':' || c == '-';
        if (ok) {
            id.push_back(c);
        } else if (c == '_') {
            id.append("__");
        } else {
            const auto b = static_cast<unsigned char>(c);
            id.push_back('_');
            id.push_back(kHex[b >> 4]);
            id.push_back(kHex[b & 0xF]);
        }
    }
    return id;
}

}  // namespace

void AllowLargestRejection(kafka::KafkaConfig& config) {
    config.properties["message.max.bytes"] = std::to_string(kRejectedRecordMaxBytes);
}

contracts::IngestWay WayOfRecord(const kafka::Headers& headers) {
    if (auto id = kafka::FindHeader(headers, kOriginHttpHeader); id && !id->empty()) {
        return contracts::IngestWay::kHttp;
    }
    return kafka::FindHeader(headers, kOriginFileHeader) ? contracts::IngestWay::kSieFile
                                                         : contracts::IngestWay::kKafka;
}

contracts::Origin OriginOfRecord(const kafka::Message& m) {
    if (auto id = kafka::FindHeader(m.headers, kOriginHttpHeader); id && !id->empty()) {
        return contracts::Origin::Http(std::move(*id));
    }
    return contracts::Origin::Kafka(m.topic, m.partition, m.offset);
}

contracts::IngestDecision MakeDecision(const CheckResult& check, contracts::IngestWay way,
                                       const contracts::Origin& origin, core::TimePoint now) {
    contracts::IngestDecision d;
    d.way = way;
    d.origin = origin;
    d.source = check.rejected.source;
    d.voucher_id = check.rejected.voucher_id;
    d.result = ResultOf(check.kind);
    d.line_count = check.kind == CheckResult::Kind::kAccepted
                       ? static_cast<std::int64_t>(check.lines.size())
                       : check.line_count;
    d.gross_ore = check.amount_ore;
    if (check.kind == CheckResult::Kind::kRejected) {
        for (const auto& r : check.rejected.reasons) d.reasons.push_back(r.code);
    }
    if (check.kind == CheckResult::Kind::kDuplicate) d.first_origin = check.first_origin;
    d.decided_at = core::ToRfc3339(now);
    return d;
}

std::vector<kafka::OutMessage> VoucherOutputs(const CheckResult& check,
                                              const contracts::IngestDecision& decision,
                                              const IngestTopics& topics, core::TimePoint now) {
    std::vector<kafka::OutMessage> out;
    const std::string source(kIngestSource);
    switch (check.kind) {
        case CheckResult::Kind::kAccepted:
            out.reserve(check.lines.size() + 1);
            for (const auto& line : check.lines) {
                const std::string id =
                    EventId("", check.voucher_key + ":" + std::to_string(line.line_no));
                out.push_back(
                    {topics.lines,
                     line.Key(),
                     contracts::EncodeLedgerLine(line, {id, source, now, line.unit.value()}),
                     {}});
            }
            break;
        case CheckResult::Kind::kRejected: {
            const std::string key = check.rejected.Key();
            out.push_back(
                {topics.rejected,
                 key,
                 contracts::EncodeMessage(
                     check.rejected, {EventId("rejected:", key), source, now, check.voucher_key}),
                 {}});
            break;
        }
        case CheckResult::Kind::kDuplicate:
            break;
    }
    // One decision per delivery: the same record decided again has the same event id.
    const std::string key = decision.Key();
    out.push_back({topics.decisions,
                   key,
                   contracts::EncodeIngestDecision(
                       decision, {EventId("decision:", contracts::OriginKey(decision.origin)),
                                  source, now, key}),
                   {}});
    return out;
}

DecidedVoucher Decide(VoucherChecker& checker, std::string_view payload, contracts::IngestWay way,
                      const contracts::Origin& origin, const IngestTopics& topics,
                      core::TimePoint now) {
    DecidedVoucher d;
    d.check = checker.Check(payload, origin, now);
    d.decision = MakeDecision(d.check, way, origin, now);
    d.outputs = VoucherOutputs(d.check, d.decision, topics, now);
    return d;
}

}  // namespace bfu::ingest
