#include "bfu/runtime/logger.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>
#include <vector>

namespace bfu::runtime {
namespace {

TEST(Logger, WritesOneJsonObjectPerLineWithFixedKeysFirst) {
    std::ostringstream out;
    core::SimulatedClock clock(core::FromUnixMillis(1774958400000));  // 2026-03-31T12:00:00Z
    Logger log("ingest", LogLevel::kInfo, &out, &clock);
    log.Info("voucher accepted", {{"voucher", "V-1"}, {"lines", 3}});
    const auto line = out.str();
    ASSERT_FALSE(line.empty());
    EXPECT_EQ(line.back(), '\n');
    EXPECT_EQ(line.rfind("{\"ts\":\"2026-03-31T12:00:00.000Z\",\"level\":\"info\","
                         "\"service\":\"ingest\",\"msg\":\"voucher accepted\"",
                         0),
              0U)
        << line;
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["voucher"], "V-1");
    EXPECT_EQ(j["lines"], 3);
}

TEST(Logger, DropsLinesBelowTheLevel) {
    std::ostringstream out;
    Logger log("svc", LogLevel::kWarn, &out);
    log.Info("hidden");
    log.Debug("hidden");
    log.Warn("shown");
    log.SetLevel(LogLevel::kDebug);
    log.Debug("now shown");
    const auto text = out.str();
    EXPECT_EQ(text.find("hidden"), std::string::npos);
    EXPECT_NE(text.find("\"msg\":\"shown\""), std::string::npos);
    EXPECT_NE(text.find("now shown"), std::string::npos);
}

TEST(Logger, FieldsCannotOverwriteFixedKeys) {
    std::ostringstream out;
    Logger log("svc", LogLevel::kInfo, &out);
    log.Error("boom", {{"level", "fake"}, {"msg", "fake"}});
    const auto j = nlohmann::json::parse(out.str());
    EXPECT_EQ(j["level"], "error");
    EXPECT_EQ(j["msg"], "boom");
    EXPECT_EQ(j["field.level"], "fake");
}

TEST(Logger, InvalidUtf8DoesNotThrow) {
    std::ostringstream out;
    Logger log("svc", LogLevel::kInfo, &out);
    log.Info("bad \xff bytes", {{"raw", std::string("\xfe\xfe")}});
    EXPECT_TRUE(nlohmann::json::accept(out.str())) << out.str();
}

TEST(Logger, ConcurrentLinesDoNotInterleave) {
    std::ostringstream out;
    Logger log("svc", LogLevel::kInfo, &out);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&log, t] {
            for (int i = 0; i < 200; ++i) log.Info("line", {{"t", t}, {"i", i}});
        });
    }
    for (auto& t : threads) t.join();
    std::istringstream in(out.str());
    std::string line;
    int count = 0;
    while (std::getline(in, line)) {
        EXPECT_TRUE(nlohmann::json::accept(line)) << line;
        ++count;
    }
    EXPECT_EQ(count, 800);
}

TEST(ParseLogLevel, KnownNamesOnly) {
    EXPECT_EQ(ParseLogLevel("DEBUG"), LogLevel::kDebug);
    EXPECT_EQ(ParseLogLevel("warning"), LogLevel::kWarn);
    EXPECT_EQ(ParseLogLevel("error"), LogLevel::kError);
    EXPECT_FALSE(ParseLogLevel("verbose"));
}

}  // namespace
}  // namespace bfu::runtime
