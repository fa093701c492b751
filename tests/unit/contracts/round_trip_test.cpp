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
    RoundTripAll<ClockTick>("clock-tick");
    RoundTripAll<MeasureEvent>("measure-event");
    RoundTripAll<CommentEvent>("comment-event");
    RoundTripAll<PlanEvent>("plan-event");
    RoundTripAll<DecisionEvent>("decision-event");
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
            // The envelope's own attribute (data may have a "subject" of its own: decisions do).
            EXPECT_EQ(nlohmann::json::parse(copied).contains("subject"), !e.subject.empty());
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
    EXPECT_EQ(keys::Budget(2026, "HT-NORR", "50", 0), "2026:HT-NORR:50:0");
    EXPECT_EQ(keys::Budget(2026, "HT-NORR", "50", 12), "2026:HT-NORR:50:12");

    RejectedVoucher r;
    r.origin = Origin::Http("req-1");
    EXPECT_EQ(r.Key(), "http:req-1");
    r.origin = Origin::Kafka("bfu.erp.vouchers", 2, 17);
    EXPECT_EQ(r.Key(), "kafka:bfu.erp.vouchers:2:17");
    r.source = core::SourceId("visma");
    r.voucher_id = core::VoucherId("A-9");
    EXPECT_EQ(r.Key(), "visma:A-9");
}

// Every field the notifier work added, set in C++, survives encode -> schema -> decode.
TEST(ContractsRoundTrip, AlertWithEveryNewField) {
    Alert a;
    a.alert_id = "digest:2026-04-10:per.ek";
    a.unit = core::UnitId("HEMTJANST");
    a.recipient = {"Per Ek", "verksamhetschef", "per.ek@kommun.example"};
    a.channel = AlertChannel::kWebhook;
    a.sent_at = "2026-04-10T06:00:01Z";
    a.status = AlertStatus::kPending;
    a.attempt = 0;
    a.about = AlertAbout::kPlanDue;
    a.event_id = "budget:2026:HT-SODER:3";
    a.message_id = "<digest.1@bfu.kommun.se>";
    a.in_reply_to = "<digest.0@bfu.kommun.se>";
    a.content = AlertContent{"Ämne", "Text", "<p>Text</p>",
                             nlohmann::json{{"text", "Text"}, {"n", {1, 2.5, nullptr}}}};
    a.webhook = Webhook{"https://hooks.kommun.example/x", WebhookFormat::kChat, "BFU_KEY_1"};
    a.next_attempt_at = "2026-04-10T06:05:00+02:00";
    a.digest_id = "digest:2026-04-09:per.ek";
    a.items = {"budget:2026:HT-SODER:3:email:0", "budget:2026:HT-OST:1:email:0"};

    const nlohmann::json j = a.ToJson();
    EXPECT_FALSE(j.contains("deviationId"));
    EXPECT_EQ(j["about"], "plan_due");
    EXPECT_EQ(j["status"], "pending");
    EXPECT_EQ(j["attempt"], 0);
    EXPECT_EQ(j["eventId"], "budget:2026:HT-SODER:3");
    EXPECT_EQ(j["messageId"], "<digest.1@bfu.kommun.se>");
    EXPECT_EQ(j["inReplyTo"], "<digest.0@bfu.kommun.se>");
    EXPECT_EQ(j["content"]["json"]["n"][1], 2.5);
    EXPECT_EQ(j["webhook"], (nlohmann::json{{"url", "https://hooks.kommun.example/x"},
                                            {"format", "chat"},
                                            {"secretEnv", "BFU_KEY_1"}}));
    EXPECT_EQ(j["nextAttemptAt"], "2026-04-10T06:05:00+02:00");
    EXPECT_EQ(j["digestId"], "digest:2026-04-09:per.ek");
    EXPECT_EQ(j["items"].size(), 2U);
    test::SchemaValidator schema("alert");
    EXPECT_EQ(schema.Validate(j), "");
    auto back = Alert::FromJson(j);
    ASSERT_TRUE(back.ok()) << back.error().ToString();
    EXPECT_EQ(back.value(), a);

    // Optional pieces absent: no deviation id, no items, no html/json in the content.
    Alert b = a;
    b.items.clear();
    b.content = AlertContent{"s", "t", std::nullopt, std::nullopt};
    b.deviation_id = core::DeviationId("budget:2026:HT-SODER");
    const nlohmann::json jb = b.ToJson();
    EXPECT_FALSE(jb.contains("items"));
    EXPECT_EQ(jb["content"], (nlohmann::json{{"subject", "s"}, {"text", "t"}}));
    EXPECT_EQ(jb["deviationId"], "budget:2026:HT-SODER");
    EXPECT_EQ(schema.Validate(jb), "");
    auto back_b = Alert::FromJson(jb);
    ASSERT_TRUE(back_b.ok()) << back_b.error().ToString();
    EXPECT_EQ(back_b.value(), b);
}

TEST(ContractsRoundTrip, EnumsKeepTheirOldIndices) {
    EXPECT_EQ(static_cast<int>(AlertStatus::kSent), 0);
    EXPECT_EQ(static_cast<int>(AlertStatus::kDelivered), 1);
    EXPECT_EQ(static_cast<int>(AlertStatus::kFailed), 2);
    EXPECT_EQ(ToString(AlertStatus::kPending), "pending");
    EXPECT_EQ(ToString(AlertStatus::kQueued), "queued");
    EXPECT_EQ(ToString(AlertStatus::kDigested), "digested");
    EXPECT_EQ(static_cast<int>(DeviationEventKind::kClosed), 8);
    EXPECT_EQ(ToString(DeviationEventKind::kCommented), "commented");
    EXPECT_EQ(EnumNames<DeviationEventKind>::kNames.size(), 10U);
    EXPECT_EQ(ToString(AlertAbout::kForecastRound), "forecast_round");
    EXPECT_EQ(ParseEnum<AlertAbout>("report_deadline"), AlertAbout::kReportDeadline);
    EXPECT_EQ(ParseEnum<WebhookFormat>("chat"), WebhookFormat::kChat);
}

TEST(ContractsRoundTrip, WebhookFormatDefaultsToGenericAndIsWritten) {
    nlohmann::json j =
        ReadJson(SchemasDir() / "examples/org-unit/valid-namnd-mailbox-webhooks.json");
    auto unit = OrgUnit::FromJson(j);
    ASSERT_TRUE(unit.ok()) << unit.error().ToString();
    EXPECT_EQ(unit->mailbox, "socialnamnden.registrator@kommun.example");
    ASSERT_EQ(unit->webhooks.size(), 3U);
    EXPECT_EQ(unit->webhooks[0].format, WebhookFormat::kChat);
    EXPECT_EQ(unit->webhooks[1].secret_env, "BFU_SON_WEBHOOK_KEY");
    EXPECT_EQ(unit->webhooks[2].format, WebhookFormat::kGeneric);  // absent on the wire
    EXPECT_FALSE(unit->webhooks[2].secret_env.has_value());
    EXPECT_EQ(unit->ToJson()["webhooks"][2],
              (nlohmann::json{{"url", "https://hooks.kommun.example/son?kanal=ekonomi"},
                              {"format", "generic"}}));

    // No webhooks and no mailbox: neither is written.
    OrgUnit plain = unit.value();
    plain.webhooks.clear();
    plain.mailbox.reset();
    const nlohmann::json pj = plain.ToJson();
    EXPECT_FALSE(pj.contains("webhooks"));
    EXPECT_FALSE(pj.contains("mailbox"));
}

TEST(ContractsRoundTrip, DeviationEventCommentedWithRespondByAndCommandId) {
    auto e = DeviationEvent::FromJson(
        ReadJson(SchemasDir() / "examples/deviation-event/valid-commented.json"));
    ASSERT_TRUE(e.ok()) << e.error().ToString();
    EXPECT_EQ(e->event, DeviationEventKind::kCommented);
    EXPECT_EQ(e->command_id, "web:7f3c2a10-5b1e-4c55-9d0e-3f1b2a4c5d6e");
    DeviationEvent ev = e.value();
    ev.respond_by = "2026-04-10T16:00:00Z";
    const nlohmann::json j = ev.ToJson();
    EXPECT_EQ(j["event"], "commented");
    EXPECT_EQ(j["respondBy"], "2026-04-10T16:00:00Z");
    EXPECT_EQ(j["commandId"], "web:7f3c2a10-5b1e-4c55-9d0e-3f1b2a4c5d6e");
    test::SchemaValidator schema("deviation-event");
    EXPECT_EQ(schema.Validate(j), "");
    auto back = DeviationEvent::FromJson(j);
    ASSERT_TRUE(back.ok()) << back.error().ToString();
    EXPECT_EQ(back.value(), ev);
}

TEST(ContractsRoundTrip, ClockTick) {
    ClockTick t{"2026-04-30T06:00:00.000Z", "demo"};
    EXPECT_EQ(t.Key(), "clock");
    EXPECT_EQ(ClockTick::kTopic, "bfu.clock");
    EXPECT_EQ(t.ToJson(), (nlohmann::json{{"now", "2026-04-30T06:00:00.000Z"}, {"by", "demo"}}));
    const std::string value =
        EncodeMessage(t, {"id-1", "bfu/clock", core::FromUnixMillis(1774958400000), t.Key()});
    auto back = DecodeMessage<ClockTick>(value);
    ASSERT_TRUE(back.ok()) << back.error().ToString();
    EXPECT_EQ(back.value(), t);
    EXPECT_EQ((ClockTick{"2026-04-30T06:00:00Z", std::nullopt}.ToJson()),
              (nlohmann::json{{"now", "2026-04-30T06:00:00Z"}}));
}

TEST(ContractsDecode, ControlCharactersAreRefusedWithAPlainMessage) {
    const nlohmann::json unit = ReadJson(SchemasDir() / "examples/org-unit/valid-enhet.json");
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"/name", "Hemtj\xC3\xA4nst Norr\r\nBcc: x@y"},
        {"/manager/name", "Anna\nLind"},
        {"/manager/role", "enhets\tchef"},
        {"/manager/email", "anna@kommun.example\r\nBcc: x@y"},
        {"/mailbox", "registrator\x7F@kommun.example"},
    };
    for (const auto& [pointer, bad] : cases) {
        SCOPED_TRACE(pointer);
        nlohmann::json j = unit;
        j[nlohmann::json::json_pointer(pointer)] = bad;
        std::vector<core::Error> errors;
        auto decoded = OrgUnit::FromJson(j, &errors);
        ASSERT_FALSE(decoded.ok());
        ASSERT_EQ(errors.size(), 1U) << decoded.error().ToString();
        EXPECT_EQ(decoded.error().field, pointer);
        EXPECT_EQ(decoded.error().code, core::Errc::kInvalidArgument);
        EXPECT_NE(decoded.error().message.find("control characters (such as line breaks) are not "
                                               "allowed"),
                  std::string::npos)
            << decoded.error().message;
        // The bad value is shown escaped, so the message itself stays on one line.
        EXPECT_EQ(decoded.error().message.find_first_of("\r\n\t\x7F"), std::string::npos)
            << decoded.error().message;
    }

    // The same Person reader serves every message: a recipient, a submitter, a responsible.
    nlohmann::json sub =
        ReadJson(SchemasDir() / "examples/forecast-submission/valid-with-comment.json");
    sub["by"]["name"] = "Kim\r\nAhl";
    auto s = ForecastSubmission::FromJson(sub);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().field, "/by/name");

    // Non-ASCII text is not a control character.
    nlohmann::json ok = unit;
    ok["name"] =
        "\xC3\x96stra omr\xC3\xA5"
        "det \xE2\x80\x93 \xC3\xA4ldreboende";
    EXPECT_TRUE(OrgUnit::FromJson(ok).ok());
}

TEST(ContractsDecode, CommentedEventRequiresItsComment) {
    auto e = DeviationEvent::FromJson(
        ReadJson(SchemasDir() / "examples/deviation-event/invalid-commented-without-comment.json"));
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.error().field, "/comment");
    EXPECT_NE(e.error().message.find("commented"), std::string::npos) << e.error().message;

    // Other kinds may leave it out, as before.
    nlohmann::json j = ReadJson(SchemasDir() / "examples/deviation-event/valid-commented.json");
    j.erase("comment");
    j["event"] = "acknowledged";
    EXPECT_TRUE(DeviationEvent::FromJson(j).ok());
}

TEST(ContractsDecode, AlertAttemptZeroIsAllowedNegativeIsNot) {
    nlohmann::json j = ReadJson(SchemasDir() / "examples/alert/valid-queued-for-digest.json");
    auto a = Alert::FromJson(j);
    ASSERT_TRUE(a.ok()) << a.error().ToString();
    EXPECT_EQ(a->attempt, 0);
    EXPECT_EQ(a->status, AlertStatus::kQueued);
    EXPECT_EQ(a->deviation_id, core::DeviationId("budget:2026:HT-SODER"));
    j["attempt"] = -1;
    auto negative = Alert::FromJson(j);
    ASSERT_FALSE(negative.ok());
    EXPECT_EQ(negative.error().field, "/attempt");

    auto reminder =
        Alert::FromJson(ReadJson(SchemasDir() / "examples/alert/valid-pending-reminder.json"));
    ASSERT_TRUE(reminder.ok()) << reminder.error().ToString();
    EXPECT_FALSE(reminder->deviation_id.has_value());
    EXPECT_EQ(reminder->about, AlertAbout::kForecastRound);
}

}  // namespace
}  // namespace bfu::contracts
