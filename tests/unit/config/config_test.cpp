#include "bfu/config/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bfu::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Schema ServiceSchema() {
    Schema s;
    s.List("kafka.brokers", {"127.0.0.1:9092"}, "bootstrap servers")
        .String("kafka.group-id", "ingest", "consumer group")
        .Int("http.port", 8080, "HTTP port")
        .Bool("log.json", true, "JSON logs")
        .DurationMs("kafka.poll_timeout", std::chrono::milliseconds(500), "poll timeout")
        .Required("redis.url", FieldType::kString, "Redis URL")
        .Secret("smtp.password", "SMTP password");
    return s;
}

std::string MessageOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(no ConfigError)";
}

TEST(EnvVarName, UpperSnakeOfDottedPath) {
    EXPECT_EQ(EnvVarName("kafka.brokers"), "BFU_KAFKA_BROKERS");
    EXPECT_EQ(EnvVarName("kafka.group-id"), "BFU_KAFKA_GROUP_ID");
    EXPECT_EQ(EnvVarName("redis.url"), "BFU_REDIS_URL");
}

TEST(Config, DefaultsApplyWhenNothingElseIsSet) {
    auto cfg = LoadFromText(ServiceSchema(), R"({"redis": {"url": "redis://h:1"}})", "svc.json",
                            MapEnv({}));
    EXPECT_EQ(cfg.GetList("kafka.brokers"), std::vector<std::string>{"127.0.0.1:9092"});
    EXPECT_EQ(cfg.GetInt("http.port"), 8080);
    EXPECT_TRUE(cfg.GetBool("log.json"));
    EXPECT_EQ(cfg.GetDuration("kafka.poll_timeout"), std::chrono::milliseconds(500));
    EXPECT_EQ(cfg.GetString("redis.url"), "redis://h:1");
    EXPECT_EQ(cfg.OriginOf("http.port"), Origin::kDefault);
    EXPECT_EQ(cfg.OriginOf("redis.url"), Origin::kFile);
    EXPECT_FALSE(cfg.Has("smtp.password"));
}

TEST(Config, EnvironmentOverridesFileWhichOverridesDefault) {
    auto cfg = LoadFromText(ServiceSchema(),
                            R"({"http": {"port": 9000}, "kafka": {"poll_timeout": "2s"},
                                "redis": {"url": "redis://file:1"}})",
                            "svc.json",
                            MapEnv({{"BFU_REDIS_URL", "redis://env:2/3"},
                                    {"BFU_KAFKA_BROKERS", "a:1, b:2,,c:3"},
                                    {"BFU_LOG_JSON", "false"},
                                    {"BFU_SMTP_PASSWORD", "hunter2"}}));
    EXPECT_EQ(cfg.GetInt("http.port"), 9000);
    EXPECT_EQ(cfg.GetDuration("kafka.poll_timeout"), std::chrono::milliseconds(2000));
    EXPECT_EQ(cfg.GetString("redis.url"), "redis://env:2/3");
    EXPECT_EQ(cfg.OriginOf("redis.url"), Origin::kEnv);
    EXPECT_EQ(cfg.GetList("kafka.brokers"), (std::vector<std::string>{"a:1", "b:2", "c:3"}));
    EXPECT_FALSE(cfg.GetBool("log.json"));
    EXPECT_EQ(cfg.GetString("smtp.password"), "hunter2");
}

TEST(Config, UnknownKeyInFileNamesTheKeyAndTheFile) {
    const auto msg = MessageOf([] {
        (void)LoadFromText(ServiceSchema(), R"({"kafka": {"brokerz": ["x"]}})", "/etc/ingest.json",
                           MapEnv({{"BFU_REDIS_URL", "redis://h:1"}}));
    });
    EXPECT_THAT(msg, HasSubstr("kafka.brokerz"));
    EXPECT_THAT(msg, HasSubstr("unknown key"));
    EXPECT_THAT(msg, HasSubstr("/etc/ingest.json"));
}

TEST(Config, UnknownTopLevelSectionIsRefused) {
    try {
        (void)LoadFromText(ServiceSchema(), R"({"kafak": {"brokers": ["x"]}})", "f.json",
                           MapEnv({{"BFU_REDIS_URL", "redis://h:1"}}));
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.key(), "kafak");
        EXPECT_EQ(e.source(), "f.json");
    }
}

TEST(Config, WrongTypeInFileNamesKeyAndExpectedType) {
    const auto msg = MessageOf([] {
        (void)LoadFromText(ServiceSchema(), R"({"http": {"port": "eighty"}})", "f.json",
                           MapEnv({{"BFU_REDIS_URL", "redis://h:1"}}));
    });
    EXPECT_THAT(msg, HasSubstr("http.port"));
    EXPECT_THAT(msg, HasSubstr("expected int"));
}

TEST(Config, ListMustBeArrayOfStrings) {
    const auto msg = MessageOf([] {
        (void)LoadFromText(ServiceSchema(), R"({"kafka": {"brokers": ["a", 3]}})", "f.json",
                           MapEnv({{"BFU_REDIS_URL", "redis://h:1"}}));
    });
    EXPECT_THAT(msg, HasSubstr("kafka.brokers"));
    EXPECT_THAT(msg, HasSubstr("expected list"));
}

TEST(Config, WrongTypeInEnvironmentNamesTheVariable) {
    const auto msg = MessageOf([] {
        (void)LoadFromText(ServiceSchema(), "{}", "f.json",
                           MapEnv({{"BFU_REDIS_URL", "redis://h:1"}, {"BFU_HTTP_PORT", "80x"}}));
    });
    EXPECT_THAT(msg, HasSubstr("http.port"));
    EXPECT_THAT(msg, HasSubstr("BFU_HTTP_PORT"));
}

TEST(Config, BadDurationInEnvironmentIsRefused) {
    EXPECT_THROW(
        (void)LoadFromText(ServiceSchema(), "{}", "f.json",
                           MapEnv({{"BFU_REDIS_URL", "r"}, {"BFU_KAFKA_POLL_TIMEOUT", "5 days"}})),
        ConfigError);
}

TEST(Config, MissingRequiredValueNamesKeyAndVariable) {
    try {
        (void)LoadFromText(ServiceSchema(), "{}", "f.json", MapEnv({}));
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.key(), "redis.url");
        EXPECT_THAT(std::string(e.what()), HasSubstr("BFU_REDIS_URL"));
        EXPECT_THAT(std::string(e.what()), HasSubstr("required"));
    }
}

TEST(Config, SecretInFileIsRefused) {
    const auto msg = MessageOf([] {
        (void)LoadFromText(ServiceSchema(), R"({"smtp": {"password": "x"}})", "f.json",
                           MapEnv({{"BFU_REDIS_URL", "redis://h:1"}}));
    });
    EXPECT_THAT(msg, HasSubstr("smtp.password"));
    EXPECT_THAT(msg, HasSubstr("secret"));
    EXPECT_THAT(msg, HasSubstr("BFU_SMTP_PASSWORD"));
}

TEST(Config, RequiredSecretMissingIsAnError) {
    Schema s;
    s.Secret("api.token", "token", /*required=*/true);
    EXPECT_THROW((void)Load(s, std::nullopt, MapEnv({})), ConfigError);
    auto cfg = Load(s, std::nullopt, MapEnv({{"BFU_API_TOKEN", "t"}}));
    EXPECT_EQ(cfg.GetString("api.token"), "t");
}

TEST(Config, DumpMasksSecretsAndShowsOrigins) {
    auto cfg =
        LoadFromText(ServiceSchema(), R"({"http": {"port": 9000}})", "svc.json",
                     MapEnv({{"BFU_REDIS_URL", "redis://h:1"}, {"BFU_SMTP_PASSWORD", "hunter2"}}));
    const auto dump = cfg.Dump();
    EXPECT_THAT(dump, Not(HasSubstr("hunter2")));
    EXPECT_THAT(dump, HasSubstr("smtp.password = ***"));
    EXPECT_THAT(dump, HasSubstr("http.port = 9000  (file)"));
    EXPECT_THAT(dump, HasSubstr("redis.url = redis://h:1  (env BFU_REDIS_URL)"));
    EXPECT_THAT(dump, HasSubstr("kafka.poll_timeout = 500ms  (default)"));
    const auto j = cfg.DumpJson();
    EXPECT_EQ(j["smtp"]["password"], "***");
    EXPECT_EQ(j["http"]["port"], 9000);
    EXPECT_THAT(j.dump(), Not(HasSubstr("hunter2")));
}

TEST(Config, InvalidJsonNamesTheFile) {
    const auto msg = MessageOf(
        [] { (void)LoadFromText(ServiceSchema(), "{ not json", "broken.json", MapEnv({})); });
    EXPECT_THAT(msg, HasSubstr("broken.json"));
    EXPECT_THAT(msg, HasSubstr("not valid JSON"));
}

// Found by tests/fuzz/config_fuzz.cpp: a number beyond a double is nlohmann's out_of_range, not
// its parse_error, and escaped as that instead of a ConfigError naming the file.
TEST(Config, ANumberTooLargeForJsonIsInvalidJsonNamingTheFile) {
    const auto msg = MessageOf([] {
        (void)LoadFromText(ServiceSchema(), R"({"http": {"port": 1e999}})", "big.json", MapEnv({}));
    });
    EXPECT_THAT(msg, HasSubstr("big.json"));
    EXPECT_THAT(msg, HasSubstr("not valid JSON"));
}

TEST(Config, MissingFileNamesThePath) {
    const auto msg =
        MessageOf([] { (void)Load(ServiceSchema(), "/nonexistent/bfu/x.json", MapEnv({})); });
    EXPECT_THAT(msg, HasSubstr("/nonexistent/bfu/x.json"));
}

TEST(Config, ReadingWithWrongTypeOrUnknownPathThrows) {
    auto cfg = LoadFromText(ServiceSchema(), "{}", "f", MapEnv({{"BFU_REDIS_URL", "r"}}));
    EXPECT_THROW((void)cfg.GetInt("kafka.brokers"), ConfigError);
    EXPECT_THROW((void)cfg.GetString("no.such"), ConfigError);
    EXPECT_THROW((void)cfg.GetString("smtp.password"), ConfigError);
}

TEST(Schema, RejectsClashingAndMistypedFields) {
    Schema s;
    s.Int("a.b", 1, "x");
    EXPECT_THROW(s.Int("a.b", 2, "dup"), std::invalid_argument);
    EXPECT_THROW(s.Int("a.b.c", 2, "nested under a leaf"), std::invalid_argument);
    EXPECT_THROW(s.Add({"a.c", FieldType::kInt, "d", nlohmann::json("x"), false, false}),
                 std::invalid_argument);
    EXPECT_THROW(s.Int("Bad.Path", 1, "upper case"), std::invalid_argument);
}

TEST(Schema, DescribeListsEnvVarsAndDefaults) {
    const auto text = ServiceSchema().Describe();
    EXPECT_THAT(text, HasSubstr("BFU_KAFKA_BROKERS"));
    EXPECT_THAT(text, HasSubstr("default 8080"));
    EXPECT_THAT(text, HasSubstr("secret: environment only"));
}

TEST(ParseDuration, AcceptsUnitsAndRejectsGarbage) {
    EXPECT_EQ(ParseDuration("1500"), std::chrono::milliseconds(1500));
    EXPECT_EQ(ParseDuration("1500ms"), std::chrono::milliseconds(1500));
    EXPECT_EQ(ParseDuration("30s"), std::chrono::milliseconds(30000));
    EXPECT_EQ(ParseDuration("5m"), std::chrono::milliseconds(300000));
    EXPECT_EQ(ParseDuration("1h"), std::chrono::milliseconds(3600000));
    EXPECT_FALSE(ParseDuration(""));
    EXPECT_FALSE(ParseDuration("-5"));
    EXPECT_FALSE(ParseDuration("5d"));
    EXPECT_FALSE(ParseDuration("s"));
}

TEST(LayeredEnv, FirstLayerWins) {
    auto env = LayeredEnv({MapEnv({{"A", "1"}}), MapEnv({{"A", "2"}, {"B", "3"}})});
    EXPECT_EQ(env("A"), "1");
    EXPECT_EQ(env("B"), "3");
    EXPECT_FALSE(env("C"));
}

}  // namespace
}  // namespace bfu::config
