// The bfu CLI's deviation, measure and forecast commands against a ZeroMQ endpoint on loopback
// that records each request and answers as the services do: what the CLI sends, what it
// prints, and its exit codes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <mutex>
#include <sstream>

#include "bfu/cli/cli.hpp"
#include "bfu/zmq/zmq.hpp"

namespace bfu {
namespace {

using nlohmann::json;

class CliCommands : public ::testing::Test {
protected:
    void SetUp() override {
        server_ = std::make_unique<zmq::JsonServer>(
            zctx_, "tcp://127.0.0.1:0", [this](const json& r) -> core::Result<json> {
                std::lock_guard lock(mu_);
                requests_.push_back(r);
                if (r.value("by", "") == "outsider@ex.se") {
                    return core::Error(core::Errc::kPermissionDenied, "by",
                                       "outsider@ex.se is not the manager of ENH1");
                }
                if (r["op"] == "measure.add") {
                    return json{{"deviation", r["deviation"]},
                                {"event", "measure_added"},
                                {"seq", 4},
                                {"applied", true},
                                {"measure",
                                 {{"id", r["measure"]},
                                  {"what", r["what"]},
                                  {"who", r["who"]},
                                  {"due", r["due"]},
                                  {"effectOre", -5'000'000}}}};
                }
                if (r["op"] == "forecast.submit") {
                    return json{{"year", 2026},
                                {"unit", r["unit"]},
                                {"round", 2},
                                {"amountOre", 130'000'000},
                                {"by", {{"name", "Maja Öberg"}, {"role", "enhetschef"}}},
                                {"submittedAt", "2026-04-11T08:00:00.000Z"}};
                }
                return json{{"deviation", r["deviation"]},
                            {"event", "acknowledged"},
                            {"seq", 3},
                            {"applied", true}};
            });
        server_->Start();
        ::setenv("BFU_ANALYSIS_ZMQ", server_->endpoint().c_str(), 1);
        ::setenv("BFU_FORECASTING_ZMQ", server_->endpoint().c_str(), 1);
    }
    void TearDown() override {
        server_->Stop();
        ::unsetenv("BFU_ANALYSIS_ZMQ");
        ::unsetenv("BFU_FORECASTING_ZMQ");
    }

    int Run(const std::vector<std::string>& args) {
        out_.str({});
        err_.str({});
        return cli::Run(args, out_, err_);
    }
    json LastRequest() {
        std::lock_guard lock(mu_);
        return requests_.empty() ? json() : requests_.back();
    }

    ::zmq::context_t zctx_{1};
    std::unique_ptr<zmq::JsonServer> server_;
    std::mutex mu_;
    std::vector<json> requests_;
    std::ostringstream out_;
    std::ostringstream err_;
};

TEST_F(CliCommands, AckSendsTheDeviationAndPerson) {
    ASSERT_EQ(
        Run({"deviation", "ack", "budget:2026:ENH1", "--by", "maja@ex.se", "--comment", "Tagen"}),
        0)
        << err_.str();
    const auto r = LastRequest();
    EXPECT_EQ(r["op"], "deviation.ack");
    EXPECT_EQ(r["deviation"], "budget:2026:ENH1");
    EXPECT_EQ(r["by"], "maja@ex.se");
    EXPECT_EQ(r["comment"], "Tagen");
    EXPECT_EQ(out_.str(), "kvitterad: budget:2026:ENH1 (händelse 3)\n");
}

TEST_F(CliCommands, MeasureAddSendsEveryFieldAndAClientChosenId) {
    ASSERT_EQ(
        Run({"measure", "add", "budget:2026:ENH1", "--what", "Färre vikarier", "--who",
             "Maja Öberg", "--due", "2026-06-30", "--effect", "-50000", "--by", "maja@ex.se"}),
        0)
        << err_.str();
    const auto r = LastRequest();
    EXPECT_EQ(r["op"], "measure.add");
    EXPECT_EQ(r["what"], "Färre vikarier");
    EXPECT_EQ(r["who"], "Maja Öberg");
    EXPECT_EQ(r["due"], "2026-06-30");
    EXPECT_EQ(r["effectSek"], "-50000");
    ASSERT_TRUE(r["measure"].is_string());
    EXPECT_EQ(r["measure"].get<std::string>().rfind("m-", 0), 0U);
    EXPECT_NE(out_.str().find("åtgärd tillagd: " + r["measure"].get<std::string>()),
              std::string::npos)
        << out_.str();
}

TEST_F(CliCommands, MeasureDoneAndForecastSubmit) {
    ASSERT_EQ(Run({"measure", "done", "budget:2026:ENH1", "m-1", "--by", "maja@ex.se"}), 0);
    EXPECT_EQ(LastRequest()["op"], "measure.done");
    EXPECT_EQ(LastRequest()["measure"], "m-1");

    ASSERT_EQ(Run({"forecast", "submit", "ENH1", "1300000", "--comment", "Vikarier", "--by",
                   "maja@ex.se", "--round", "2"}),
              0)
        << err_.str();
    const auto r = LastRequest();
    EXPECT_EQ(r["op"], "forecast.submit");
    EXPECT_EQ(r["unit"], "ENH1");
    EXPECT_EQ(r["amountSek"], "1300000");
    EXPECT_EQ(r["round"], 2);
    EXPECT_NE(out_.str().find("omgång 2"), std::string::npos) << out_.str();
}

TEST_F(CliCommands, ARefusalIsPrintedWithItsReasonAndExitsOne) {
    EXPECT_EQ(Run({"deviation", "ack", "budget:2026:ENH1", "--by", "outsider@ex.se"}), 1);
    EXPECT_NE(err_.str().find("permission_denied (by)"), std::string::npos) << err_.str();
    EXPECT_NE(err_.str().find("is not the manager of ENH1"), std::string::npos);
}

TEST_F(CliCommands, AMissingFieldIsAUsageError) {
    EXPECT_EQ(Run({"measure", "add", "budget:2026:ENH1", "--what", "x", "--by", "maja@ex.se"}), 2);
    EXPECT_NE(err_.str().find("--who is required"), std::string::npos) << err_.str();
    EXPECT_EQ(Run({"forecast", "submit", "ENH1", "1300000", "--by", "maja@ex.se"}), 2);
}

}  // namespace
}  // namespace bfu
