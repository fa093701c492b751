#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "bfu/config/config.hpp"

namespace bfu::config {
namespace {

TEST(ParseEnvText, ReadsKeyValueLinesAndSkipsComments) {
    const auto vars = ParseEnvText(
        "# written by ops/stack\n"
        "\n"
        "BFU_REDIS_URL=redis://127.0.0.1:16379\n"
        "export BFU_KAFKA_BROKERS = 127.0.0.1:19092\n"
        "QUOTED=\"a b\"\n"
        "EMPTY=\n"
        "WITH_EQ=x=y\n",
        "stack.env");
    ASSERT_EQ(vars.size(), 5U);
    EXPECT_EQ(vars.at("BFU_REDIS_URL"), "redis://127.0.0.1:16379");
    EXPECT_EQ(vars.at("BFU_KAFKA_BROKERS"), "127.0.0.1:19092");
    EXPECT_EQ(vars.at("QUOTED"), "a b");
    EXPECT_EQ(vars.at("EMPTY"), "");
    EXPECT_EQ(vars.at("WITH_EQ"), "x=y");
}

TEST(ParseEnvText, MalformedLineNamesFileAndLine) {
    try {
        (void)ParseEnvText("A=1\nthis is not a pair\n", "stack.env");
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.source(), "stack.env:2");
    }
    EXPECT_THROW((void)ParseEnvText("BAD KEY=1\n", "s"), ConfigError);
}

TEST(LoadEnvFile, MissingFileSaysToRunOpsStack) {
    try {
        (void)LoadEnvFile("/nonexistent/.bfu/stack.env");
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_THAT(std::string(e.what()), ::testing::HasSubstr("ops/stack up"));
    }
}

TEST(LoadEnvFile, EnvFileLayersUnderTheProcessEnvironment) {
    auto file_vars = ParseEnvText("BFU_REDIS_URL=redis://file:1\n", "stack.env");
    Schema s;
    s.Required("redis.url", FieldType::kString, "Redis");
    auto from_file = Load(s, std::nullopt, LayeredEnv({MapEnv({}), MapEnv(file_vars)}));
    EXPECT_EQ(from_file.GetString("redis.url"), "redis://file:1");
    auto overridden =
        Load(s, std::nullopt,
             LayeredEnv({MapEnv({{"BFU_REDIS_URL", "redis://proc:2"}}), MapEnv(file_vars)}));
    EXPECT_EQ(overridden.GetString("redis.url"), "redis://proc:2");
}

}  // namespace
}  // namespace bfu::config
