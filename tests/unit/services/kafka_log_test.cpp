// KafkaLogRoute: librdkafka's own lines (a real client failing to reach a closed port) become
// JSON lines of the service's log, with their client and facility; once the route is gone they
// go back to stderr and the logger sees nothing more.
#include "bfu/service/kafka_log.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "bfu/kafka/log.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/runtime/logger.hpp"

namespace bfu::service {
namespace {

using namespace std::chrono_literals;

TEST(KafkaLogRoute, LibrdkafkasLinesBecomeJsonLinesOfTheServiceLog) {
    std::ostringstream out;
    runtime::Logger logger("test", runtime::LogLevel::kDebug, &out);
    {
        KafkaLogRoute route(logger);
        kafka::KafkaConfig c;
        c.brokers = "127.0.0.1:1";  // nothing listens: librdkafka logs its failed connects
        c.startup_timeout = 1500ms;
        auto p = kafka::Producer::Create(c);
        EXPECT_FALSE(p.ok());
        kafka::Log({4, "a-client", "TEST", "a line of ours"});
    }
    kafka::Log({4, "a-client", "TEST", "after the route"});

    std::istringstream lines(out.str());
    std::string line;
    int from_librdkafka = 0;
    bool ours = false;
    while (std::getline(lines, line)) {
        const auto j = nlohmann::json::parse(line, nullptr, false);
        ASSERT_FALSE(j.is_discarded()) << "not JSON: " << line;
        if (j.value("source", "") != "librdkafka") continue;
        const std::string msg = j.value("msg", "");
        EXPECT_NE(msg, "after the route");
        if (msg == "a line of ours") {
            ours = true;
            EXPECT_EQ(j.value("level", ""), "warn");
            EXPECT_EQ(j.value("client", ""), "a-client");
            EXPECT_EQ(j.value("facility", ""), "TEST");
        } else if (msg.find("127.0.0.1:1") != std::string::npos) {
            ++from_librdkafka;
            EXPECT_NE(j.value("client", "").find("producer"), std::string::npos) << line;
            EXPECT_FALSE(j.value("facility", "").empty()) << line;
        }
    }
    EXPECT_TRUE(ours) << out.str();
    EXPECT_GE(from_librdkafka, 1) << out.str();
}

}  // namespace
}  // namespace bfu::service
