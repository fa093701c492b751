// App's start-up paths that end before any component runs: command line, config errors,
// --print-config and --help. (The full lifecycle with signals is in tests/integration/runtime.)
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "bfu/runtime/app.hpp"

namespace bfu::runtime {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Harness {
    std::ostringstream out;
    std::ostringstream err;
    bool wired = false;

    App Make(std::map<std::string, std::string> env) {
        config::Schema schema;
        schema.Required("redis.url", config::FieldType::kString, "Redis URL")
            .Secret("smtp.password", "SMTP password");
        AppOptions o;
        o.service = "analysis";
        o.description = "finds deviations";
        o.schema = schema;
        o.wire = [this](Context&) { wired = true; };
        o.out = &out;
        o.err = &err;
        o.env = config::MapEnv(std::move(env));
        return App(std::move(o));
    }
};

TEST(AppConfig, MissingRequiredValueExitsTwoNamingTheKey) {
    Harness h;
    EXPECT_EQ(h.Make({}).Run(std::vector<std::string>{}), kExitConfig);
    EXPECT_THAT(h.err.str(), HasSubstr("redis.url"));
    EXPECT_THAT(h.err.str(), HasSubstr("BFU_REDIS_URL"));
    EXPECT_FALSE(h.wired);
}

TEST(AppConfig, BadLogLevelExitsTwo) {
    Harness h;
    EXPECT_EQ(h.Make({{"BFU_REDIS_URL", "redis://h:1"}, {"BFU_LOG_LEVEL", "loud"}})
                  .Run(std::vector<std::string>{}),
              kExitConfig);
    EXPECT_THAT(h.err.str(), HasSubstr("log.level"));
}

TEST(AppConfig, MissingConfigFileExitsTwoNamingTheFile) {
    Harness h;
    EXPECT_EQ(h.Make({{"BFU_REDIS_URL", "r"}})
                  .Run(std::vector<std::string>{"--config", "/nonexistent/analysis.json"}),
              kExitConfig);
    EXPECT_THAT(h.err.str(), HasSubstr("/nonexistent/analysis.json"));
}

TEST(AppConfig, UnknownArgumentExitsTwoWithUsage) {
    Harness h;
    EXPECT_EQ(h.Make({}).Run(std::vector<std::string>{"--frobnicate"}), kExitConfig);
    EXPECT_THAT(h.err.str(), HasSubstr("--frobnicate"));
    EXPECT_THAT(h.err.str(), HasSubstr("usage: analysis"));
    Harness h2;
    EXPECT_EQ(h2.Make({}).Run(std::vector<std::string>{"--config"}), kExitConfig);
}

TEST(AppConfig, PrintConfigShowsEffectiveValuesWithSecretsMasked) {
    Harness h;
    EXPECT_EQ(h.Make({{"BFU_REDIS_URL", "redis://127.0.0.1:16379"},
                      {"BFU_SMTP_PASSWORD", "hunter2"},
                      {"BFU_HTTP_PORT", "18080"}})
                  .Run(std::vector<std::string>{"--print-config"}),
              kExitOk);
    EXPECT_THAT(h.out.str(), HasSubstr("redis.url = redis://127.0.0.1:16379  (env BFU_REDIS_URL)"));
    EXPECT_THAT(h.out.str(), HasSubstr("http.port = 18080"));
    EXPECT_THAT(h.out.str(), HasSubstr("smtp.password = ***"));
    EXPECT_THAT(h.out.str(), Not(HasSubstr("hunter2")));
    EXPECT_FALSE(h.wired);
}

TEST(AppConfig, HelpListsFieldsAndRuntimeDefaults) {
    Harness h;
    EXPECT_EQ(h.Make({}).Run(std::vector<std::string>{"--help"}), kExitOk);
    EXPECT_THAT(h.out.str(), HasSubstr("usage: analysis [--config FILE]"));
    EXPECT_THAT(h.out.str(), HasSubstr("BFU_REDIS_URL"));
    EXPECT_THAT(h.out.str(), HasSubstr("BFU_LOG_LEVEL"));
    EXPECT_THAT(h.out.str(), HasSubstr("BFU_HTTP_PORT"));
}

}  // namespace
}  // namespace bfu::runtime
