// Decode -> encode -> decode gives the same value, for every valid example of every message,
// through the bare payload and through the envelope; and decoders report precise errors.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "bfu/contracts/contracts.hpp"
#include "bfu/core/clock.hpp"
#include "test_support.hpp"

namespace bfu::contracts {
namespace {

using test::ExampleFiles;
using test::ReadJson;
using test::SchemasDir;

template <typename T>
void RoundTripAll(const std::string& name) {
    const auto files = ExampleFiles(name, "valid-");
    ASSERT_FALSE(files.empty()) << name;
    for (const auto& file : files) {
        SCOPED_TRACE(name + "/" + file.filename().string());
        auto first = T::FromJson(ReadJson(file));
        ASSERT_TRUE(first.ok()) << first.error().ToString();
        const nlohmann::json encoded = first->ToJson();
        auto second = T::FromJson(encoded);
        ASSERT_TRUE(second.ok()) << second.error().ToString();
        EXPECT_EQ(first.value(), second.value());
        EXPECT_EQ(second->ToJson(), encoded);

        // Through the envelope and its text form as well.
        const std::string value = EncodeMessage(
            first.value(), {"id-1", "bfu/test", core::FromUnixMillis(1774958400000), "subject-1"});
        auto third = DecodeMessage<T>(value);
        ASSERT_TRUE(third.ok()) << third.error().ToString();
        EXPECT_EQ(first.value(), third.value());
    }
}

TEST(ContractsRoundTrip, EveryMessageType) {
    RoundTripAll<Voucher>("voucher");
    RoundTripAll<LedgerLine>("ledger-line");
    RoundTripAll<RejectedVoucher>("rejected-voucher");
    RoundTripAll<OrgUnit>("org-unit");
    RoundTripAll<Account>("account");
    RoundTripAll<Budget>("budget");
    RoundTripAll<Goal>("goal");
    RoundTripAll<HrFigure>("hr-figure");
    RoundTripAll<GoalOutcome>("goal-outcome");
    RoundTripAll<UnitAggregate>("unit-aggregate");
    RoundTripAll<Forecast>("forecast");
    RoundTripAll<ForecastSubmission>("forecast-submission");
    RoundTripAll<DeviationEvent>("deviation-event");
    RoundTripAll<Alert>("alert");
    RoundTripAll<ReportPublished>("report-published");
    RoundTripAll<CalendarEvent>("calendar-event");
    RoundTripAll<DeadLetter>("dead-letter");
    RoundTripAll<IngestDecision>("ingest-decision");
}

TEST(ContractsRoundTrip, EnvelopeExamples) {
    for (const auto& file : ExampleFiles("envelope", "valid-")) {
        SCOPED_TRACE(file.filename().string());
        auto first = Decode(test::ReadText(file));
        ASSERT_TRUE(first.ok()) << first.error().ToString();
        auto second = Decode(Encode(first.value()));
        ASSERT_TRUE(second.ok()) << second.error().ToString();
        EXPECT_EQ(first.value(), second.value());
    }
}

TEST(ContractsRoundTrip, EncodingAMovedEnvelopeGivesTheSameText) {
    int seen = 0;
    for (const auto& file : ExampleFiles("envelope", "valid-")) {
        SCOPED_TRACE(file.filename().string());
        auto decoded = Decode(test::ReadText(file));
        ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
        for (const bool with_subject : {true, false}) {
            Envelope e = decoded.value();
            if (!with_subject) e.subject.clear();
            ASSERT_FALSE(e.data.empty());
            const std::string copied = Encode(e);
            const std::string moved = Encode(Envelope(e));
            EXPECT_EQ(moved, copied);
            EXPECT_EQ(copied.find("\"subject\"") != std::string::npos, !e.subject.empty());
            ++seen;
        }
    }
    EXPECT_GT(seen, 0);
}

TEST(ContractsRoundTrip, VoucherAmountsBecomeExactOreAndCanonicalText) {
    auto v = Voucher::FromJson(ReadJson(SchemasDir() / "examples/voucher/valid-three-lines.json"));
    ASSERT_TRUE(v.ok()) << v.error().ToString();
    ASSERT_EQ(v->lines.size(), 3U);
    EXPECT_EQ(v->lines[0].amount_ore, 4825000);
    EXPECT_EQ(v->lines[1].amount_ore, 1200050);  // "12000.5"
    EXPECT_EQ(v->lines[2].amount_ore, -6025050);
    EXPECT_EQ(v->ToJson()["lines"][1]["amount"], "12000.50");
    EXPECT_EQ(v->Key(), "visma:A-1042");
}

TEST(ContractsDecode, ErrorFieldIsAJsonPointerToTheBadValue) {
    auto v = Voucher::FromJson(
        ReadJson(SchemasDir() / "examples/voucher/invalid-amount-three-decimals.json"));
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().field, "/lines/1/amount");
    EXPECT_EQ(v.error().code, core::Errc::kInvalidArgument);
    EXPECT_TRUE(v.error().IsPoison());
    EXPECT_NE(v.error().message.find("12000.505"), std::string::npos) << v.error().message;

    auto unknown = Voucher::FromJson(
        ReadJson(SchemasDir() / "examples/voucher/invalid-line-unknown-property.json"));
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().field, "/lines/0/costCentre");
}

TEST(ContractsDecode, AllErrorsAreCollectedInDocumentOrder) {
    nlohmann::json j = ReadJson(SchemasDir() / "examples/voucher/valid-three-lines.json");
    j["lines"][0]["amount"] = "1,5";
    j["lines"][2].erase("unit");
    j["extra"] = true;
    std::vector<core::Error> errors;
    auto v = Voucher::FromJson(j, &errors);
    ASSERT_FALSE(v.ok());
    ASSERT_EQ(errors.size(), 3U);
    EXPECT_EQ(errors[0].field, "/lines/0/amount");
    EXPECT_EQ(errors[1].field, "/lines/2/unit");
    EXPECT_EQ(errors[2].field, "/extra");
    EXPECT_EQ(v.error(), errors[0]);
}

TEST(ContractsDecode, DecodeMessagePointsIntoTheEnvelope) {
    nlohmann::json env = ReadJson(SchemasDir() / "examples/envelope/valid-erp-voucher.json");
    env["data"]["lines"][2]["amount"] = "-60250.505";
    auto v = DecodeMessage<Voucher>(env.dump());
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().field, "/data/lines/2/amount");
}

TEST(ContractsDecode, WrongTypeOrVersionOrNotJsonIsPoison) {
    const std::string value =
        test::ReadText(SchemasDir() / "examples/envelope/valid-ledger-line.json");
    auto wrong_type = DecodeMessage<Voucher>(value);
    ASSERT_FALSE(wrong_type.ok());
    EXPECT_EQ(wrong_type.error().field, "/type");

    nlohmann::json env = nlohmann::json::parse(value);
    env["schemaversion"] = 2;
    auto wrong_version = DecodeMessage<LedgerLine>(env.dump());
    ASSERT_FALSE(wrong_version.ok());
    EXPECT_EQ(wrong_version.error().field, "/schemaversion");

    auto garbage = Decode("{\"specversion\": \"1.0\", ");
    ASSERT_FALSE(garbage.ok());
    EXPECT_EQ(garbage.error().field, "");
    EXPECT_TRUE(garbage.error().IsPoison());

    auto not_object = Decode("[1,2]");
    ASSERT_FALSE(not_object.ok());
    EXPECT_EQ(not_object.error().field, "");
}

TEST(ContractsEnvelope, WrapFillsTheAttributes) {
    LedgerLine line;
    line.voucher = {core::SourceId("visma"), core::VoucherId("A-1"), std::nullopt, "2026-03-01"};
    line.unit = core::UnitId("HT-NORR");
    line.account = core::AccountNo("5011");
    line.account_class = 5;
    line.account_group = "50";
    line.period = "202603";
    line.fiscal_year = 2026;
    line.amount_ore = 100;
    const core::SimulatedClock clock(core::FromUnixMillis(1774958400123));
    const Envelope e = Wrap(line, {NewEventId(), "bfu/ingest", clock.Now(), line.Key()});
    EXPECT_EQ(e.type, "se.bfu.ledger.line.v1");
    EXPECT_EQ(e.schemaversion, 1);
    EXPECT_EQ(e.time, "2026-03-31T12:00:00.123Z");
    EXPECT_EQ(e.subject, "HT-NORR");
    EXPECT_TRUE(IsEventId(e.id));
    auto decoded = Decode(Encode(e));
    ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
    EXPECT_EQ(decoded.value(), e);
}

TEST(ContractsEnvelope, NewEventIdIsAUuidV4AndUnique) {
    const std::string a = NewEventId();
    const std::string b = NewEventId();
    EXPECT_NE(a, b);
    ASSERT_EQ(a.size(), 36U);
    EXPECT_EQ(a[14], '4');
    EXPECT_NE(std::string("89ab").find(a[19]), std::string::npos);
}

TEST(ContractsEnvelope, EncodeNeverThrowsOnInvalidUtf8) {
    Envelope e;
    e.id = "x";
    e.source = "bfu/test";
    e.type = "se.bfu.test.v1";
    e.time = "2026-01-01T00:00:00Z";
    e.data = {{"text", std::string("bad \xff byte")}};
    std::string out;
    EXPECT_NO_THROW(out = Encode(e));
    EXPECT_TRUE(IsValidUtf8(out));
}

TEST(ContractsPayload, KeepsBytesVerbatim) {
    const std::string text = "{\"å\": 1}";
    const Payload p = Payload::FromBytes(text);
    EXPECT_EQ(p.encoding, PayloadEncoding::kUtf8);
    EXPECT_EQ(p.Bytes().value(), text);
    const std::string binary("\x00\xff\x10", 3);
    const Payload b = Payload::FromBytes(binary);
    EXPECT_EQ(b.encoding, PayloadEncoding::kBase64);
    EXPECT_EQ(b.content, "AP8Q");
    EXPECT_EQ(b.Bytes().value(), binary);
    const Payload broken{PayloadEncoding::kBase64, "A*=="};
    EXPECT_FALSE(broken.Bytes().ok());
}

TEST(ContractsKeys, BuildersAndMessageKeys) {
    EXPECT_EQ(keys::Voucher("visma", "A-1"), "visma:A-1");
    EXPECT_EQ(keys::YearUnit(2026, "HT-NORR"), "2026:HT-NORR");
    EXPECT_EQ(keys::YearUnitRound(2026, "HT-NORR", 3), "2026:HT-NORR:3");
    EXPECT_EQ(keys::Budget(2026, "HT-NORR", "50"), "2026:HT-NORR:50");

    RejectedVoucher r;
    r.origin = Origin::Http("req-1");
    EXPECT_EQ(r.Key(), "http:req-1");
    r.origin = Origin::Kafka("bfu.erp.vouchers", 2, 17);
    EXPECT_EQ(r.Key(), "kafka:bfu.erp.vouchers:2:17");
    r.source = core::SourceId("visma");
    r.voucher_id = core::VoucherId("A-9");
    EXPECT_EQ(r.Key(), "visma:A-9");
}

}  // namespace
}  // namespace bfu::contracts
