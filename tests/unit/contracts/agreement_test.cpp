// The agreement test: for every example in schemas/examples/, the JSON Schema (checked by
// valijson) and the C++ decoder must give the same verdict, and it must be the one the file
// name promises (valid-* or invalid-*).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/registry.hpp"
#include "test_support.hpp"

namespace bfu::contracts {
namespace {

using test::ExampleFiles;
using test::ExampleMessages;
using test::ReadJson;
using test::SchemasDir;
using test::SchemaValidator;

// The C++ verdict: every error the decoder finds (empty when valid).
std::vector<core::Error> CppErrors(const std::string& message, const nlohmann::json& value) {
    std::vector<core::Error> errors;
    if (message == "envelope") {
        (void)Envelope::FromJson(value, &errors);
    } else {
        const MessageInfo* info = FindMessageByName(message);
        if (info == nullptr) {
            return {core::Error(core::Errc::kInternal, "no C++ decoder registered for " + message)};
        }
        errors = info->check(value);
    }
    return errors;
}

std::string Parent(const std::string& pointer) {
    const auto slash = pointer.find_last_of('/');
    return slash == std::string::npos ? std::string{} : pointer.substr(0, slash);
}

// Both must point at the same place: the decoder's pointer is one valijson names, or (for a
// missing or unknown property, which valijson reports on the object) its parent is.
bool SamePlace(const std::string& cpp_pointer, const std::vector<std::string>& schema_pointers) {
    for (const auto& p : schema_pointers) {
        if (p == cpp_pointer || p == Parent(cpp_pointer)) return true;
    }
    return false;
}

TEST(ContractsAgreement, EverySchemaHasADecoderAndExamples) {
    std::set<std::string> schema_names;
    for (const auto& entry : test::fs::directory_iterator(SchemasDir() / "json")) {
        const std::string file = entry.path().filename().string();
        const std::string suffix = ".schema.json";
        ASSERT_GT(file.size(), suffix.size()) << file;
        ASSERT_EQ(file.substr(file.size() - suffix.size()), suffix) << file;
        schema_names.insert(file.substr(0, file.size() - suffix.size()));
    }
    std::set<std::string> expected = {"common", "envelope"};
    for (const auto& m : AllMessages()) expected.insert(std::string(m.name));
    EXPECT_EQ(schema_names, expected);

    std::set<std::string> example_names;
    for (const auto& name : ExampleMessages()) example_names.insert(name);
    expected.erase("common");
    EXPECT_EQ(example_names, expected);

    for (const auto& name : example_names) {
        EXPECT_GE(ExampleFiles(name, "valid-").size(), 1U) << name;
        EXPECT_GE(ExampleFiles(name, "invalid-").size(), 2U) << name;
    }
}

TEST(ContractsAgreement, SchemaAndDecoderAgreeOnEveryExample) {
    int checked = 0;
    for (const auto& message : ExampleMessages()) {
        SchemaValidator schema(message);
        for (const std::string prefix : {"valid-", "invalid-"}) {
            const bool expect_valid = prefix == "valid-";
            for (const auto& file : ExampleFiles(message, prefix)) {
                SCOPED_TRACE(message + "/" + file.filename().string());
                const nlohmann::json value = ReadJson(file);
                const auto schema_says = schema.Check(value);
                const auto cpp_errors = CppErrors(message, value);
                if (expect_valid) {
                    EXPECT_EQ(schema_says.text, "") << "the schema rejects a valid example";
                    EXPECT_TRUE(cpp_errors.empty())
                        << "the decoder rejects a valid example: " << cpp_errors.front().ToString();
                } else {
                    EXPECT_NE(schema_says.text, "") << "the schema accepts an invalid example";
                    ASSERT_FALSE(cpp_errors.empty()) << "the decoder accepts an invalid example";
                    EXPECT_TRUE(SamePlace(cpp_errors.front().field, schema_says.pointers))
                        << "the decoder says " << cpp_errors.front().ToString()
                        << " but the schema says " << schema_says.text;
                    EXPECT_EQ(cpp_errors.front().code, core::Errc::kInvalidArgument);
                }
                ++checked;
            }
        }
    }
    EXPECT_GE(checked, 100);
}

// An envelope example's data must also be a valid message of the envelope's type, by both.
TEST(ContractsAgreement, ValidEnvelopesCarryValidData) {
    for (const auto& file : ExampleFiles("envelope", "valid-")) {
        SCOPED_TRACE(file.filename().string());
        const nlohmann::json value = ReadJson(file);
        const MessageInfo* info = FindMessageByType(value.at("type").get<std::string>());
        ASSERT_NE(info, nullptr) << "unknown type " << value.at("type");
        SchemaValidator schema{std::string(info->name)};
        EXPECT_EQ(schema.Validate(value.at("data")), "");
        EXPECT_TRUE(info->check(value.at("data")).empty());
    }
}

// What the encoder writes must itself pass the schema (canonical form of every valid example).
TEST(ContractsAgreement, EncoderOutputPassesTheSchema) {
    for (const auto& m : AllMessages()) {
        const std::string name(m.name);
        SchemaValidator schema(name);
        for (const auto& file : ExampleFiles(name, "valid-")) {
            SCOPED_TRACE(name + "/" + file.filename().string());
            auto canonical = m.canonical(ReadJson(file));
            ASSERT_TRUE(canonical.ok()) << canonical.error().ToString();
            EXPECT_EQ(schema.Validate(canonical.value()), "");
        }
    }
}

}  // namespace
}  // namespace bfu::contracts
