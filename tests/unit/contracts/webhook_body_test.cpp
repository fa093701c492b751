// The generic webhook body (schemas/http/webhook-alert.schema.json) is not a Kafka message and
// has no C++ decoder, so it sits outside schemas/json and the agreement test. Here: its examples
// in schemas/examples-http/webhook-alert/ get the verdict their names promise from valijson, and
// its enums are the same words as the C++ enums the notifier fills it from.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "bfu/contracts/analysis.hpp"
#include "bfu/contracts/common.hpp"
#include "bfu/contracts/outputs.hpp"
#include "test_support.hpp"

namespace bfu::contracts {
namespace {

using test::SchemasDir;

test::fs::path BodySchema() { return SchemasDir() / "http" / "webhook-alert.schema.json"; }
test::fs::path BodyExamples() { return SchemasDir() / "examples-http" / "webhook-alert"; }

template <WireEnum E>
std::set<std::string> Names() {
    std::set<std::string> out;
    for (auto n : EnumNames<E>::kNames) out.emplace(n);
    return out;
}

std::set<std::string> SchemaEnum(const nlohmann::json& node) {
    std::set<std::string> out;
    for (const auto& v : node.at("enum")) out.insert(v.get<std::string>());
    return out;
}

TEST(ContractsWebhookBody, ExamplesGetTheVerdictTheirNamesPromise) {
    test::SchemaValidator schema(test::SchemaFile{BodySchema()});
    const auto valid = test::ExampleFilesIn(BodyExamples(), "valid-");
    const auto invalid = test::ExampleFilesIn(BodyExamples(), "invalid-");
    EXPECT_GE(valid.size(), 1U);
    EXPECT_GE(invalid.size(), 2U);
    for (const auto& file : valid) {
        SCOPED_TRACE(file.filename().string());
        EXPECT_EQ(schema.Validate(test::ReadJson(file)), "");
    }
    for (const auto& file : invalid) {
        SCOPED_TRACE(file.filename().string());
        EXPECT_NE(schema.Validate(test::ReadJson(file)), "") << "the schema accepts it";
    }
}

TEST(ContractsWebhookBody, IsClosedDraft07WithTheRequiredFields) {
    const nlohmann::json doc = test::ReadJson(BodySchema());
    EXPECT_EQ(doc.at("$schema"), "http://json-schema.org/draft-07/schema#");
    EXPECT_EQ(doc.at("additionalProperties"), false);
    EXPECT_EQ(doc.at("properties").at("type").at("const"), "se.bfu.webhook.alert.v1");
    std::set<std::string> required;
    for (const auto& r : doc.at("required")) required.insert(r.get<std::string>());
    EXPECT_EQ(required, (std::set<std::string>{"type", "alertId", "about", "sentAt", "recipient",
                                               "unit", "subject", "text"}));
    for (const char* nested : {"unit", "deviation", "links"}) {
        EXPECT_EQ(doc.at("properties").at(nested).at("additionalProperties"), false) << nested;
    }
}

TEST(ContractsWebhookBody, EnumsMatchTheCppEnums) {
    const nlohmann::json body = test::ReadJson(BodySchema());
    const nlohmann::json& props = body.at("properties");
    EXPECT_EQ(SchemaEnum(props.at("about")), Names<AlertAbout>());
    EXPECT_EQ(SchemaEnum(props.at("deviation").at("properties").at("kind")),
              Names<DeviationKind>());
    EXPECT_EQ(SchemaEnum(props.at("deviation").at("properties").at("severity")), Names<Severity>());

    // And the Kafka schemas name the same words as the C++ enums they were extended with.
    const nlohmann::json alert = test::ReadJson(SchemasDir() / "json" / "alert.schema.json");
    EXPECT_EQ(SchemaEnum(alert.at("properties").at("about")), Names<AlertAbout>());
    EXPECT_EQ(SchemaEnum(alert.at("properties").at("status")), Names<AlertStatus>());
    const nlohmann::json common = test::ReadJson(SchemasDir() / "json" / "common.schema.json");
    EXPECT_EQ(SchemaEnum(common.at("definitions").at("webhook").at("properties").at("format")),
              Names<WebhookFormat>());
    const nlohmann::json dev =
        test::ReadJson(SchemasDir() / "json" / "deviation-event.schema.json");
    EXPECT_EQ(SchemaEnum(dev.at("properties").at("event")), Names<DeviationEventKind>());
}

}  // namespace
}  // namespace bfu::contracts
