// Goal and HR deviations end to end (issue 5, point 2): the built bfu-analysis against the real
// broker. A goal of the example municipality and an outcome that misses it, and a sick-leave
// figure over the 6 % target, must come out on bfu.deviations as opened goal and hr events
// with target and actual and no money amounts.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "bfu/cli/example_municipality.hpp"
#include "bfu/contracts/analysis.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/master.hpp"
#include "bfu/contracts/ops.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/kafka/producer.hpp"
#include "e2e/prefixed_stack.hpp"
#include "e2e/process.hpp"
#include "support/stack_env.hpp"

namespace bfu {
namespace {

using namespace std::chrono_literals;

constexpr int kYear = 2026;

class AnalysisIndicators : public bfu::testing::PrefixedStackTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(OpenRun("e2e-ind"));
        log_ = (dir_ / "analysis.log").string();
        kafka::KafkaConfig pc;
        pc.brokers = brokers_;
        auto producer = kafka::Producer::Create(pc);
        ASSERT_TRUE(producer.ok()) << producer.error().ToString();
        producer_ = std::move(producer).value();
    }

    void TearDown() override {
        if (analysis_) analysis_->Terminate(10s);
        CloseRun();
    }

    std::string log_;
    std::unique_ptr<kafka::Producer> producer_;
    std::unique_ptr<bfu::testing::ChildProcess> analysis_;
};

TEST_F(AnalysisIndicators, MissedGoalAndHighSickLeaveOpenDeviations) {
    const auto m = cli::MakeExampleMunicipality(kYear);
    ASSERT_NO_FATAL_FAILURE(Publish(*producer_, m.org));
    ASSERT_NO_FATAL_FAILURE(Publish(*producer_, m.accounts));
    ASSERT_NO_FATAL_FAILURE(Publish(*producer_, m.budgets));
    std::string leaf;
    for (const auto& u : m.org) {
        if (u.level == contracts::OrgLevel::kEnhet) {
            leaf = u.id.value();
            break;
        }
    }
    ASSERT_FALSE(leaf.empty());

    contracts::Goal goal;
    goal.id = "e2e-nki";
    goal.unit = core::UnitId(leaf);
    goal.year = kYear;
    goal.name = "Nöjd kund-index";
    goal.target = 80;
    goal.direction = contracts::GoalDirection::kHigherIsBetter;
    goal.measure_unit = "index";
    ASSERT_NO_FATAL_FAILURE(Publish(*producer_, std::vector{goal}));
    contracts::GoalOutcome outcome;
    outcome.goal_id = goal.id;
    outcome.unit = goal.unit;
    outcome.period = "202603";
    outcome.value = 60;
    ASSERT_NO_FATAL_FAILURE(Publish(*producer_, std::vector{outcome}));
    contracts::HrFigure hr;
    hr.unit = core::UnitId(leaf);
    hr.period = "202603";
    hr.sick_leave_pct = 9.5;
    hr.overtime_hours = 12;
    hr.headcount = 14;
    ASSERT_NO_FATAL_FAILURE(Publish(*producer_, std::vector{hr}));

    const int http = bfu::testing::FreePort();
    std::map<std::string, std::string> env = {
        {"BFU_KAFKA_BROKERS", brokers_},
        {"BFU_KAFKA_TOPIC_PREFIX", prefix_},
        {"BFU_KAFKA_GROUP_ID", prefix_ + "analysis"},
        {"BFU_REDIS_URL", redis_url_},
        {"BFU_REDIS_PREFIX", prefix_},
        {"BFU_FOLLOWUP_YEAR", std::to_string(kYear)},
        {"BFU_HTTP_PORT", std::to_string(http)},
        {"BFU_ZMQ_ENDPOINT", "tcp://127.0.0.1:" + std::to_string(bfu::testing::FreePort())},
    };
    const char* bin_dir = std::getenv("BFU_BINARY_DIR");
    const auto bin =
        std::string(bin_dir != nullptr ? bin_dir : ".") + "/services/analysis/bfu-analysis";
    ASSERT_TRUE(std::filesystem::exists(bin)) << bin;
    analysis_ = std::make_unique<bfu::testing::ChildProcess>(bin, env, log_);

    std::optional<contracts::DeviationEvent> goal_event;
    std::optional<contracts::DeviationEvent> hr_event;
    const bool seen = bfu::testing::Eventually(
        [&] {
            for (const auto& msg : bfu::testing::ReadTopic(
                     brokers_, prefix_ + std::string(contracts::topics::kDeviations), 1, 5s)) {
                auto d = contracts::DecodeMessage<contracts::DeviationEvent>(msg.value);
                if (!d.ok()) continue;
                if (d->kind == contracts::DeviationKind::kGoal) goal_event = *d;
                if (d->kind == contracts::DeviationKind::kHr) hr_event = *d;
            }
            return goal_event && hr_event;
        },
        60s);
    ASSERT_TRUE(seen) << "goal " << goal_event.has_value() << " hr " << hr_event.has_value();
    EXPECT_EQ(goal_event->deviation_id.value(), "goal:2026:" + leaf + ":e2e-nki");
    EXPECT_EQ(goal_event->event, contracts::DeviationEventKind::kOpened);
    EXPECT_EQ(goal_event->seq, 1);
    EXPECT_EQ(goal_event->period, "202603");
    EXPECT_EQ(goal_event->target, 80.0);
    EXPECT_EQ(goal_event->actual, 60.0);
    EXPECT_FALSE(goal_event->deviation_ore.has_value());
    EXPECT_EQ(hr_event->deviation_id.value(), "hr:2026:" + leaf + ":sick_leave");
    EXPECT_EQ(hr_event->event, contracts::DeviationEventKind::kOpened);
    EXPECT_EQ(hr_event->actual, 9.5);
}

}  // namespace
}  // namespace bfu
