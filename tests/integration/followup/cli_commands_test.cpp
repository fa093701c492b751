// The bfu CLI's commands against a ZeroMQ endpoint on loopback that records each request and
// answers as the services do (analysis: deviation ack; casework: measure, comment, plan,
// decision; forecasting: forecast submit): what the CLI sends, what it prints, and its exit
// codes. And `bfu status UNIT` against the real Redis: its casework section, read from the
// summary the casework service writes (<prefix>casework:<unit>, built here by casework's own
// UnitView).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>

#include "bfu/casework/book.hpp"
#include "bfu/casework/views.hpp"
#include "bfu/cli/cli.hpp"
#include "bfu/redis/redis.hpp"
#include "bfu/service/deviation_table.hpp"
#include "bfu/service/status_keys.hpp"
#include "bfu/text/swedish.hpp"
#include "bfu/zmq/zmq.hpp"
#include "support/stack_env.hpp"
#include "unit/services/test_master.hpp"

namespace bfu {
namespace {

using nlohmann::json;

// The casework service's answers (services/casework/src/commands.cpp), in short.
core::Result<json> CaseworkReply(const json& r) {
    const std::string op = r.value("op", "");
    if (r.value("commandId", "") == "repeat-me") {
        return json{{"op", op}, {"applied", false}, {"commandId", "repeat-me"}};
    }
    if (op == "measure.propose") {
        const std::string unit = r.contains("deviation") ? "ENH1" : r.value("unit", "");
        return json{{"op", op},
                    {"applied", true},
                    {"measure",
                     {{"id", r.value("measure", "m-3f2a1b0c9d8e")},
                      {"status", "foreslagen"},
                      {"unit", unit},
                      {"area", r.value("area", unit)},
                      {"effectOrePerMonth", -4'000'000}}}};
    }
    if (op == "measure.status") {
        return json{{"op", op},
                    {"applied", true},
                    {"measure",
                     {{"id", r["measure"]},
                      {"status", r["status"]},
                      {"unit", "ENH1"},
                      {"area", "ENH1"},
                      {"effectOrePerMonth", -4'000'000}}}};
    }
    if (op == "comment.add") {
        return json{{"op", op},
                    {"applied", true},
                    {"comment", "c-0a1b2c3d4e5f"},
                    {"unit", r.value("unit", "ENH1")},
                    {"period", r.contains("period") ? r["period"] : json("202603")}};
    }
    if (op == "plan.draft") {
        return json{{"op", op},
                    {"applied", true},
                    {"plan", r.value("plan", "plan-9c8b7a6f5e4d")},
                    {"state", "utkast"},
                    {"body", "NAM"}};
    }
    if (op == "plan.change") {
        return json{{"op", op}, {"applied", true}, {"plan", r["plan"]}, {"version", 2}};
    }
    if (op == "plan.propose") {
        return json{{"op", op}, {"applied", true}, {"plan", r["plan"]}, {"state", "foreslagen"}};
    }
    if (op == "decision.record") {
        json j{{"op", op},
               {"applied", true},
               {"decision", "NAM-45-2026"},
               {"ref", r["ref"]},
               {"subject", r["subject"]},
               {"outcome", r.value("outcome", "bifall")}};
        if (r.contains("budget")) j["revision"] = 1;
        return j;
    }
    return core::Error(core::Errc::kNotFound, "op", "unknown operation '" + op + "'");
}

class CliCommands : public ::testing::Test {
protected:
    void SetUp() override {
        server_ = std::make_unique<zmq::JsonServer>(
            zctx_, "tcp://127.0.0.1:0", [this](const json& r) -> core::Result<json> {
                std::lock_guard lock(mu_);
                requests_.push_back(r);
                if (r.value("by", "") == "outsider@ex.se") {
                    if (r.value("op", "") == "deviation.ack") {
                        return core::Error(core::Errc::kPermissionDenied, "by",
                                           "outsider@ex.se is not the manager of ENH1");
                    }
                    return core::Error(core::Errc::kPermissionDenied, "by",
                                       "outsider@ex.se är inte chef för ENH1 eller för någon "
                                       "enhet ovanför i linjen");
                }
                if (r["op"] == "forecast.submit") {
                    return json{{"year", 2026},
                                {"unit", r["unit"]},
                                {"round", 2},
                                {"amountOre", 130'000'000},
                                {"by", {{"name", "Maja Öberg"}, {"role", "enhetschef"}}},
                                {"submittedAt", "2026-04-11T08:00:00.000Z"}};
                }
                if (r["op"] == "deviation.ack") {
                    return json{{"deviation", r["deviation"]},
                                {"event", "acknowledged"},
                                {"seq", 3},
                                {"applied", true}};
                }
                return CaseworkReply(r);
            });
        server_->Start();
        ::setenv("BFU_ANALYSIS_ZMQ", server_->endpoint().c_str(), 1);
        ::setenv("BFU_FORECASTING_ZMQ", server_->endpoint().c_str(), 1);
        ::setenv("BFU_CASEWORK_ZMQ", server_->endpoint().c_str(), 1);
    }
    void TearDown() override {
        server_->Stop();
        ::unsetenv("BFU_ANALYSIS_ZMQ");
        ::unsetenv("BFU_FORECASTING_ZMQ");
        ::unsetenv("BFU_CASEWORK_ZMQ");
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
    std::size_t Requests() {
        std::lock_guard lock(mu_);
        return requests_.size();
    }
    // A fresh command id of the CLI's own: "cli-" and 16 hex digits.
    static bool IsFreshCommandId(const json& id) {
        return id.is_string() &&
               std::regex_match(id.get<std::string>(), std::regex("cli-[0-9a-f]{16}"));
    }

    ::zmq::context_t zctx_{1};
    std::unique_ptr<zmq::JsonServer> server_;
    std::mutex mu_;
    std::vector<json> requests_;
    std::ostringstream out_;
    std::ostringstream err_;
};

TEST_F(CliCommands, AckSendsTheDeviationThePersonAndACommandId) {
    ASSERT_EQ(
        Run({"deviation", "ack", "budget:2026:ENH1", "--by", "maja@ex.se", "--comment", "Tagen"}),
        0)
        << err_.str();
    const auto r = LastRequest();
    EXPECT_EQ(r["op"], "deviation.ack");
    EXPECT_EQ(r["deviation"], "budget:2026:ENH1");
    EXPECT_EQ(r["by"], "maja@ex.se");
    EXPECT_EQ(r["comment"], "Tagen");
    EXPECT_TRUE(IsFreshCommandId(r["commandId"])) << r.dump();
    EXPECT_EQ(out_.str(), "kvitterad: budget:2026:ENH1 (händelse 3)\n");
    ASSERT_EQ(Run({"deviation", "ack", "budget:2026:ENH1", "--by", "maja@ex.se", "--command-id",
                   "link:1:ack"}),
              0);
    EXPECT_EQ(LastRequest()["commandId"], "link:1:ack");
}

TEST_F(CliCommands, MeasureAddProposesAMeasureToCaseworkWithAFreshCommandId) {
    ASSERT_EQ(Run({"measure", "add", "budget:2026:ENH1", "--text", "Färre vikarier i helgerna",
                   "--effect-per-month", "-40000", "--from", "2026-04", "--to", "2026-12", "--area",
                   "VER", "--who", "Maja Öberg", "--plan", "plan-1", "--by", "maja@ex.se"}),
              0)
        << err_.str();
    const auto r = LastRequest();
    EXPECT_EQ(r["op"], "measure.propose");
    EXPECT_EQ(r["deviation"], "budget:2026:ENH1");
    EXPECT_FALSE(r.contains("unit"));
    EXPECT_EQ(r["text"], "Färre vikarier i helgerna");
    EXPECT_EQ(r["effectSekPerMonth"], "-40000");
    EXPECT_EQ(r["from"], "2026-04");
    EXPECT_EQ(r["to"], "2026-12");
    EXPECT_EQ(r["area"], "VER");
    EXPECT_EQ(r["who"], "Maja Öberg");
    EXPECT_EQ(r["plan"], "plan-1");
    EXPECT_EQ(r["by"], "maja@ex.se");
    EXPECT_FALSE(r.contains("measure")) << "casework names the measure from the command id";
    EXPECT_TRUE(IsFreshCommandId(r["commandId"])) << r.dump();
    EXPECT_EQ(out_.str(),
              "åtgärd föreslagen: m-3f2a1b0c9d8e för ENH1, avvikelse budget:2026:ENH1, "
              "åtgärdsplan plan-1 [föreslagen]\n"
              "  Färre vikarier i helgerna\n"
              "  förväntad effekt " +
                  text::Kr(-4'000'000) + " i månaden från april 2026 till december 2026; " +
                  "verkar i VER\n");

    // Every run is a new command: another id.
    const auto first_id = r["commandId"];
    ASSERT_EQ(Run({"measure", "add", "--unit", "ENH1", "--text", "Se över scheman",
                   "--effect-per-month", "-10 000", "--from", "2026-05", "--id", "m-scheman",
                   "--command-id", "cli.7f3a", "--by", "maja@ex.se"}),
              0)
        << err_.str();
    const auto u = LastRequest();
    EXPECT_EQ(u["unit"], "ENH1");
    EXPECT_FALSE(u.contains("deviation"));
    EXPECT_FALSE(u.contains("to"));
    EXPECT_FALSE(u.contains("area"));
    EXPECT_EQ(u["measure"], "m-scheman");
    EXPECT_EQ(u["commandId"], "cli.7f3a");
    EXPECT_NE(out_.str().find("åtgärd föreslagen: m-scheman för ENH1 [föreslagen]\n"),
              std::string::npos)
        << out_.str();
    ASSERT_EQ(Run({"measure", "add", "--unit", "ENH1", "--text", "x", "--effect-per-month", "-1",
                   "--from", "2026-05", "--by", "maja@ex.se"}),
              0);
    EXPECT_TRUE(IsFreshCommandId(LastRequest()["commandId"]));
    EXPECT_NE(LastRequest()["commandId"], first_id);
}

TEST_F(CliCommands, MeasureAddUsageErrorsSendNothing) {
    const auto before = Requests();
    // Both a deviation and --unit, or neither.
    EXPECT_EQ(Run({"measure", "add", "budget:2026:ENH1", "--unit", "ENH1", "--text", "x",
                   "--effect-per-month", "-1", "--from", "2026-05", "--by", "maja@ex.se"}),
              2);
    EXPECT_EQ(Run({"measure", "add", "--text", "x", "--effect-per-month", "-1", "--from", "2026-05",
                   "--by", "maja@ex.se"}),
              2);
    EXPECT_EQ(Run({"measure", "add", "budget:2026:ENH1", "--text", "x", "--from", "2026-05", "--by",
                   "maja@ex.se"}),
              2);
    EXPECT_NE(err_.str().find("--effect-per-month is required"), std::string::npos) << err_.str();
    // The analysis-era form points at the new one.
    EXPECT_EQ(Run({"measure", "add", "budget:2026:ENH1", "--what", "x", "--who", "y", "--due",
                   "2026-06-30", "--effect", "-50000", "--by", "maja@ex.se"}),
              2);
    EXPECT_NE(err_.str().find("--what is --text"), std::string::npos) << err_.str();
    EXPECT_EQ(Requests(), before);
}

TEST_F(CliCommands, MeasureStatusAndDone) {
    ASSERT_EQ(Run({"measure", "status", "m-1", "pagar", "--by", "maja@ex.se", "--comment",
                   "Startade 1 april"}),
              0)
        << err_.str();
    auto r = LastRequest();
    EXPECT_EQ(r["op"], "measure.status");
    EXPECT_EQ(r["measure"], "m-1");
    EXPECT_EQ(r["status"], "pagar");
    EXPECT_EQ(r["comment"], "Startade 1 april");
    EXPECT_TRUE(IsFreshCommandId(r["commandId"]));
    EXPECT_EQ(out_.str(), "åtgärd m-1: pågår\n");

    ASSERT_EQ(Run({"measure", "done", "m-1", "--by", "maja@ex.se"}), 0) << err_.str();
    r = LastRequest();
    EXPECT_EQ(r["op"], "measure.status");
    EXPECT_EQ(r["status"], "genomford");
    EXPECT_EQ(out_.str(), "åtgärd m-1: genomförd\n");

    ASSERT_EQ(Run({"measure", "status", "m-1", "avbruten", "--by", "maja@ex.se"}), 0);
    EXPECT_EQ(out_.str(), "åtgärd m-1: avbruten\n");

    const auto before = Requests();
    EXPECT_EQ(Run({"measure", "status", "m-1", "beslutad", "--by", "maja@ex.se"}), 2);
    EXPECT_NE(err_.str().find("bfu decision record"), std::string::npos) << err_.str();
    EXPECT_EQ(Run({"measure", "status", "m-1", "--by", "maja@ex.se"}), 2);
    // The analysis-era form named the deviation too.
    EXPECT_EQ(Run({"measure", "done", "budget:2026:ENH1", "m-1", "--by", "maja@ex.se"}), 2);
    EXPECT_EQ(Run({"measure", "done", "m-1"}), 2);
    EXPECT_EQ(Requests(), before);
}

TEST_F(CliCommands, CommentAddOnAUnitOrADeviation) {
    ASSERT_EQ(Run({"comment", "add", "--unit", "ENH1", "--period", "2026-04", "--subject", "hr",
                   "--text", "Sjukfrånvaron sjunker", "--by", "maja@ex.se"}),
              0)
        << err_.str();
    auto r = LastRequest();
    EXPECT_EQ(r["op"], "comment.add");
    EXPECT_EQ(r["unit"], "ENH1");
    EXPECT_EQ(r["period"], "2026-04");
    EXPECT_EQ(r["subject"], "hr");
    EXPECT_EQ(r["text"], "Sjukfrånvaron sjunker");
    EXPECT_FALSE(r.contains("deviation"));
    EXPECT_TRUE(IsFreshCommandId(r["commandId"]));
    EXPECT_EQ(out_.str(), "kommentar sparad: c-0a1b2c3d4e5f om ENH1, april 2026\n");

    ASSERT_EQ(Run({"comment", "add", "--unit", "ENH1", "--period", "2026-04", "--goal", "G-1",
                   "--text", "Målet nås", "--by", "maja@ex.se"}),
              0);
    EXPECT_EQ(LastRequest()["subject"], "goal");
    EXPECT_EQ(LastRequest()["goal"], "G-1");

    ASSERT_EQ(Run({"comment", "add", "--deviation", "budget:2026:ENH1", "--text",
                   "Sektorn följer upp i maj", "--by", "sara@ex.se"}),
              0)
        << err_.str();
    r = LastRequest();
    EXPECT_EQ(r["deviation"], "budget:2026:ENH1");
    EXPECT_FALSE(r.contains("unit"));
    EXPECT_EQ(out_.str(),
              "kommentar sparad: c-0a1b2c3d4e5f om ENH1, mars 2026 (avvikelse "
              "budget:2026:ENH1)\n");

    // The notifier-era form: the same comment.add, to casework.
    ASSERT_EQ(Run({"deviation", "comment", "budget:2026:ENH1", "--text", "Vi ser över schemat",
                   "--by", "olof@ex.se"}),
              0)
        << err_.str();
    r = LastRequest();
    EXPECT_EQ(r["op"], "comment.add");
    EXPECT_EQ(r["deviation"], "budget:2026:ENH1");
    EXPECT_EQ(r["text"], "Vi ser över schemat");
    EXPECT_TRUE(IsFreshCommandId(r["commandId"]));

    const auto before = Requests();
    EXPECT_EQ(Run({"comment", "add", "--unit", "ENH1", "--text", "x", "--by", "maja@ex.se"}), 2);
    EXPECT_NE(err_.str().find("--period is required"), std::string::npos) << err_.str();
    EXPECT_EQ(Run({"comment", "add", "--text", "x", "--by", "maja@ex.se"}), 2);
    EXPECT_EQ(Run({"comment", "add", "--unit", "ENH1", "--deviation", "d", "--text", "x", "--by",
                   "maja@ex.se"}),
              2);
    EXPECT_EQ(Requests(), before);
}

TEST_F(CliCommands, PlanDraftChangeAndProposeCollectRepeatedOptions) {
    ASSERT_EQ(Run({"plan", "draft", "--sektor", "SEK", "--title", "Hemtjänsten i balans", "--text",
                   "Färre vikarier i Hemtjänst", "--deviation", "budget:2026:ENH1", "--deviation",
                   "budget:2026:ENH2,budget:2026:VER", "--measure", "m-1", "--measure", "m-2",
                   "--by", "sara@ex.se"}),
              0)
        << err_.str();
    auto r = LastRequest();
    EXPECT_EQ(r["op"], "plan.draft");
    EXPECT_EQ(r["sektor"], "SEK");
    EXPECT_EQ(r["title"], "Hemtjänsten i balans");
    EXPECT_EQ(r["text"], "Färre vikarier i Hemtjänst");
    EXPECT_EQ(r["deviations"],
              json::array({"budget:2026:ENH1", "budget:2026:ENH2", "budget:2026:VER"}));
    EXPECT_EQ(r["measures"], json::array({"m-1", "m-2"}));
    EXPECT_FALSE(r.contains("plan"));
    EXPECT_TRUE(IsFreshCommandId(r["commandId"]));
    EXPECT_EQ(out_.str(), "åtgärdsplan upprättad: plan-9c8b7a6f5e4d [utkast], beslutas av NAM\n");

    ASSERT_EQ(Run({"plan", "draft", "--sektor", "SEK", "--title", "T", "--text", "T", "--deviation",
                   "budget:2026:ENH1", "--id", "plan-1", "--by", "sara@ex.se"}),
              0);
    EXPECT_EQ(LastRequest()["plan"], "plan-1");
    EXPECT_FALSE(LastRequest().contains("measures"));

    ASSERT_EQ(Run({"plan", "change", "plan-1", "--title", "Ny rubrik", "--measure", "m-1",
                   "--measure", "m-3", "--by", "sara@ex.se"}),
              0)
        << err_.str();
    r = LastRequest();
    EXPECT_EQ(r["op"], "plan.change");
    EXPECT_EQ(r["plan"], "plan-1");
    EXPECT_EQ(r["title"], "Ny rubrik");
    EXPECT_FALSE(r.contains("text"));
    EXPECT_FALSE(r.contains("deviations"));
    EXPECT_EQ(r["measures"], json::array({"m-1", "m-3"}));
    EXPECT_EQ(out_.str(), "åtgärdsplan ändrad: plan-1, version 2\n");

    ASSERT_EQ(Run({"plan", "propose", "plan-1", "--by", "sara@ex.se"}), 0) << err_.str();
    EXPECT_EQ(LastRequest()["op"], "plan.propose");
    EXPECT_EQ(LastRequest()["plan"], "plan-1");
    EXPECT_EQ(out_.str(), "åtgärdsplan föreslagen för beslut: plan-1 [föreslagen]\n");

    const auto before = Requests();
    EXPECT_EQ(Run({"plan", "draft", "--sektor", "SEK", "--title", "T", "--text", "T", "--by",
                   "sara@ex.se"}),
              2);
    EXPECT_NE(err_.str().find("--deviation is required"), std::string::npos) << err_.str();
    EXPECT_EQ(Run({"plan", "change", "plan-1", "--by", "sara@ex.se"}), 2);
    EXPECT_EQ(Run({"plan", "propose", "--by", "sara@ex.se"}), 2);
    EXPECT_EQ(Requests(), before);
}

TEST_F(CliCommands, DecisionRecordOnPlansMeasuresOrABudgetRevision) {
    ASSERT_EQ(
        Run({"decision", "record", "--ref", "§ 45/2026", "--body", "NAM", "--date", "2026-04-20",
             "--text", "Nämnden antar åtgärdsplanen", "--plan", "plan-1", "--plan", "plan-2",
             "--meeting", "Omsorgsnämnden 20 april", "--by", "per@ex.se"}),
        0)
        << err_.str();
    auto r = LastRequest();
    EXPECT_EQ(r["op"], "decision.record");
    EXPECT_EQ(r["ref"], "§ 45/2026");
    EXPECT_EQ(r["body"], "NAM");
    EXPECT_EQ(r["date"], "2026-04-20");
    EXPECT_EQ(r["text"], "Nämnden antar åtgärdsplanen");
    EXPECT_EQ(r["subject"], "plan");
    EXPECT_EQ(r["ids"], json::array({"plan-1", "plan-2"}));
    EXPECT_EQ(r["meeting"], "Omsorgsnämnden 20 april");
    EXPECT_FALSE(r.contains("outcome"));  // casework's default: bifall
    EXPECT_TRUE(IsFreshCommandId(r["commandId"]));
    EXPECT_EQ(out_.str(),
              "beslut registrerat: § 45/2026 i NAM (NAM-45-2026): bifall, åtgärdsplan plan-1, "
              "plan-2\n");

    ASSERT_EQ(Run({"decision", "record", "--ref", "§ 46/2026", "--body", "NAM", "--date",
                   "2026-04-20", "--text", "Återremiss", "--measure", "m-1", "--outcome",
                   "återremiss", "--by", "per@ex.se"}),
              0)
        << err_.str();
    r = LastRequest();
    EXPECT_EQ(r["subject"], "measure");
    EXPECT_EQ(r["ids"], json::array({"m-1"}));
    EXPECT_EQ(r["outcome"], "aterremiss");
    EXPECT_NE(out_.str().find(": återremiss, åtgärd m-1\n"), std::string::npos) << out_.str();

    const auto file =
        std::filesystem::temp_directory_path() / ("bfu-budget-" + std::to_string(::getpid()));
    std::ofstream(file) << R"([{"unit": "ENH1", "accountGroup": "50", "annualSek": "1 300 000"},
 {"unit": "ENH2", "accountGroup": "50", "annualSek": 2300000}])";
    ASSERT_EQ(Run({"decision", "record", "--ref", "KF § 12/2026", "--body", "KF", "--date",
                   "2026-05-02", "--text", "Ny ram", "--budget", file.string(), "--year", "2026",
                   "--by", "karin@ex.se"}),
              0)
        << err_.str();
    r = LastRequest();
    EXPECT_EQ(r["subject"], "budget_revision");
    EXPECT_EQ(r["year"], 2026);
    ASSERT_EQ(r["budget"].size(), 2U);
    EXPECT_EQ(r["budget"][0]["annualSek"], "1 300 000");
    EXPECT_EQ(r["budget"][1]["unit"], "ENH2");
    EXPECT_FALSE(r.contains("ids"));
    EXPECT_NE(out_.str().find("budgetrevision 1 för 2026\n"), std::string::npos) << out_.str();

    const auto before = Requests();
    // One kind of subject, and what a budget revision needs.
    EXPECT_EQ(
        Run({"decision", "record", "--ref", "§ 47/2026", "--body", "NAM", "--date", "2026-04-20",
             "--text", "x", "--plan", "plan-1", "--measure", "m-1", "--by", "per@ex.se"}),
        2);
    EXPECT_EQ(Run({"decision", "record", "--ref", "§ 47/2026", "--body", "NAM", "--date",
                   "2026-04-20", "--text", "x", "--by", "per@ex.se"}),
              2);
    EXPECT_EQ(Run({"decision", "record", "--ref", "KF § 13/2026", "--body", "KF", "--date",
                   "2026-05-02", "--text", "x", "--budget", file.string(), "--by", "karin@ex.se"}),
              2);
    EXPECT_NE(err_.str().find("--year is required"), std::string::npos) << err_.str();
    EXPECT_EQ(
        Run({"decision", "record", "--ref", "§ 47/2026", "--body", "NAM", "--date", "2026-04-20",
             "--text", "x", "--plan", "plan-1", "--outcome", "kanske", "--by", "per@ex.se"}),
        2);
    EXPECT_EQ(Requests(), before);
    std::filesystem::remove(file);
}

TEST_F(CliCommands, ARepeatedCommandSaysSoAndJsonPrintsTheReply) {
    ASSERT_EQ(Run({"measure", "status", "m-1", "pagar", "--by", "maja@ex.se", "--command-id",
                   "repeat-me"}),
              0)
        << err_.str();
    EXPECT_EQ(out_.str(),
              "redan utfört: kommandot repeat-me har tagits emot förut; inget ändrat\n");
    ASSERT_EQ(Run({"plan", "propose", "plan-1", "--by", "sara@ex.se", "--json"}), 0);
    const auto j = json::parse(out_.str(), nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << out_.str();
    EXPECT_EQ(j["op"], "plan.propose");
    EXPECT_EQ(j["state"], "foreslagen");
}

TEST_F(CliCommands, ARefusalIsPrintedWithItsReasonAndExitsOne) {
    EXPECT_EQ(Run({"deviation", "ack", "budget:2026:ENH1", "--by", "outsider@ex.se"}), 1);
    EXPECT_NE(err_.str().find("permission_denied (by)"), std::string::npos) << err_.str();
    EXPECT_NE(err_.str().find("is not the manager of ENH1"), std::string::npos);
    // Casework's refusals are Swedish; printed as they come.
    EXPECT_EQ(Run({"measure", "add", "budget:2026:ENH1", "--text", "x", "--effect-per-month", "-1",
                   "--from", "2026-05", "--by", "outsider@ex.se"}),
              1);
    EXPECT_EQ(err_.str(),
              "bfu: refused: permission_denied (by): outsider@ex.se är inte chef för ENH1 eller "
              "för någon enhet ovanför i linjen\n");
    EXPECT_EQ(out_.str(), "");
}

TEST_F(CliCommands, ForecastSubmit) {
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

TEST_F(CliCommands, AMissingFieldIsAUsageError) {
    EXPECT_EQ(Run({"deviation", "ack", "budget:2026:ENH1"}), 2);
    EXPECT_NE(err_.str().find("--by is required"), std::string::npos) << err_.str();
    EXPECT_EQ(Run({"forecast", "submit", "ENH1", "1300000", "--by", "maja@ex.se"}), 2);
    EXPECT_EQ(Run({"measure", "add", "budget:2026:ENH1", "--text", "x", "--effect-per-month", "-1",
                   "--from", "2026-05"}),
              2);
    EXPECT_NE(err_.str().find("--by is required"), std::string::npos) << err_.str();
    EXPECT_EQ(Run({"decision", "list"}), 2);
}

// bfu status UNIT against the real Redis, under a fresh key prefix (BFU_REDIS_PREFIX).
class CliStatus : public ::testing::Test {
protected:
    void SetUp() override {
        BFU_ASSERT_STACK_VALUE(url, "BFU_REDIS_URL");
        auto pool = redis::Pool::Create(url, redis::PoolOptions{1, {}, {}});
        ASSERT_TRUE(pool.ok()) << pool.error().ToString();
        redis_ = std::move(pool).value();
        prefix_ = "bfu:test:" + bfu::testing::UniquePrefix();
        ::setenv("BFU_REDIS_URL", url.c_str(), 1);
        ::setenv("BFU_REDIS_PREFIX", prefix_.c_str(), 1);
    }
    void TearDown() override {
        ::unsetenv("BFU_REDIS_PREFIX");
        if (!redis_) return;
        auto keys = redis_->Scan(prefix_ + "*");
        if (keys.ok() && !keys->empty()) (void)redis_->Del(*keys);
    }

    int Run(const std::vector<std::string>& args) {
        out_.str({});
        err_.str({});
        return cli::Run(args, out_, err_);
    }

    // The unit's status hash as analysis writes it (the fields bfu status prints).
    void WriteStatus(const std::string& unit, const std::string& name) {
        ASSERT_TRUE(redis_
                        ->HSet(service::status_keys::Unit(prefix_, unit),
                               {{"name", name},
                                {"level", "enhet"},
                                {"year", "2026"},
                                {"through_period", "202605"},
                                {"light", "red"},
                                {"manager", "Maja Öberg"},
                                {"manager_email", "maja@ex.se"},
                                {"outcome_to_date_ore", "5500000000"},
                                {"budget_to_date_ore", "5000000000"},
                                {"deviation_ore", "500000000"},
                                {"share_bp", "1000"},
                                {"annual_budget_ore", "12000000000"},
                                {"open_deviations", "budget:2026:ENH1"},
                                {"children", ""}})
                        .ok());
    }

    std::unique_ptr<redis::Pool> redis_;
    std::string prefix_;
    std::ostringstream out_;
    std::ostringstream err_;
};

contracts::Person Manager(const std::string& name, const std::string& role,
                          const std::string& email) {
    return {name, role, email};
}

// ENH1's casework as the casework service summarises it (casework::UnitView): a measure under
// way in a decided plan, the deviation it answers, the plan, two decisions, two comments.
json Enh1Casework() {
    auto master = test::StandardMaster();
    casework::CaseBook book;
    const auto maja = Manager("Maja Öberg", "enhetschef", "maja@ex.se");
    const auto per = Manager("Per Holm", "ordförande", "per@ex.se");

    contracts::CaseMeasure m;
    m.id = core::MeasureId("m-1");
    m.deviation_id = core::DeviationId("budget:2026:ENH1");
    m.unit = core::UnitId("ENH1");
    m.area = core::UnitId("ENH1");
    m.text = "Färre vikarier i helgerna";
    m.responsible = maja;
    m.effect_ore_per_month = -4'000'000;
    m.from_period = "202604";
    m.status = contracts::MeasureStatus::kOngoing;
    m.plan_id = "plan-1";
    m.decision_ref = "§ 45/2026";
    contracts::MeasureEvent me;
    me.event = contracts::MeasureEventKind::kStatus;
    me.measure = m;
    me.version = 3;
    me.by = maja;
    me.at = "2026-04-21T08:00:00.000Z";
    (void)book.Apply(me);

    contracts::CasePlan p;
    p.id = "plan-1";
    p.sektor = core::UnitId("SEK");
    p.body = core::UnitId("NAM");
    p.title = "Hemtjänstens ekonomi i balans";
    p.text = "Färre vikarier i Hemtjänst Öst";
    p.deviations = {core::DeviationId("budget:2026:ENH1")};
    p.measures = {core::MeasureId("m-1")};
    p.state = contracts::PlanState::kDecided;
    p.decision_ref = "§ 44/2026";
    contracts::PlanEvent pe;
    pe.event = contracts::PlanEventKind::kDecided;
    pe.plan = p;
    pe.version = 3;
    pe.by = per;
    pe.at = "2026-04-20T15:00:00.000Z";
    (void)book.Apply(pe);

    for (const auto& [id, ref, date, subject, what] :
         std::vector<std::tuple<std::string, std::string, std::string, contracts::DecisionSubject,
                                std::string>>{
             {"NAM-44-2026", "§ 44/2026", "2026-04-20", contracts::DecisionSubject::kMeasure,
              "Nämnden beslutar att åtgärden m-1 ska genomföras."},
             {"NAM-45-2026", "§ 45/2026", "2026-04-27", contracts::DecisionSubject::kMeasure,
              "Nämnden beslutar att åtgärden m-1 ska\ngälla året ut."}}) {
        contracts::DecisionEvent d;
        d.decision_id = id;
        d.ref = ref;
        d.body = core::UnitId("NAM");
        d.date = date;
        d.text = what;
        d.subject = subject;
        d.subject_ids = {"m-1"};
        d.by = per;
        d.at = date + "T15:00:00.000Z";
        (void)book.Apply(d);
    }
    for (const auto& [id, period, subject, who, what] :
         std::vector<std::tuple<std::string, std::string, contracts::CommentSubject,
                                contracts::Person, std::string>>{
             {"c-1", "202603", contracts::CommentSubject::kOutcome, maja,
              "Vikarier under sjukskrivningar"},
             {"c-2", "202604", contracts::CommentSubject::kDeviation,
              Manager("Olof Björk", "verksamhetschef", "olof@ex.se"),
              "Sektorn följer upp i maj"}}) {
        contracts::CommentEvent c;
        c.comment_id = id;
        c.unit = core::UnitId("ENH1");
        c.period = period;
        c.subject = subject;
        if (subject == contracts::CommentSubject::kDeviation) {
            c.deviation_id = core::DeviationId("budget:2026:ENH1");
        }
        c.text = what;
        c.by = who;
        c.at = "2026-04-22T08:00:00.000Z";
        (void)book.Apply(c);
    }

    // The deviation: 500 000 kr over through March.
    contracts::DeviationEvent e;
    e.deviation_id = core::DeviationId("budget:2026:ENH1");
    e.seq = 1;
    e.unit = core::UnitId("ENH1");
    e.year = 2026;
    e.period = "202603";
    e.event = contracts::DeviationEventKind::kOpened;
    e.at = "2026-03-31T12:00:00.000Z";
    e.budget_ore = 30'000'000;
    e.outcome_ore = 80'000'000;
    e.deviation_ore = 50'000'000;
    e.share = 1.6;
    e.severity = contracts::Severity::kCritical;
    e.responsible = maja;
    service::DeviationFold fold;
    (void)fold.Apply(e);

    casework::ViewInputs in;
    in.book = &book;
    in.master = master.get();
    in.deviations = [&fold](std::string_view unit) {
        std::vector<service::DeviationRecord> out;
        if (unit == "ENH1") out.push_back(*fold.Find("budget:2026:ENH1"));
        return out;
    };
    // 60 000 kr over a month in January-March, 25 000 kr in April and May.
    in.months = [](std::string_view) -> std::optional<casework::UnitMonths> {
        casework::UnitMonths months;
        months.deviation = {6'000'000, 6'000'000, 6'000'000, 2'500'000, 2'500'000};
        months.through = *domain::Period::Parse("202605");
        return months;
    };
    return casework::UnitView("ENH1", in);
}

TEST_F(CliStatus, PrintsTheCaseworkSectionFromRedis) {
    WriteStatus("ENH1", "Hemtjänst Öst");
    const json view = Enh1Casework();
    ASSERT_EQ(view["measures"].size(), 1U) << view.dump(2);
    ASSERT_TRUE(redis_->Set(service::status_keys::Casework(prefix_, "ENH1"), view.dump()).ok());

    ASSERT_EQ(Run({"status", "ENH1"}), 0) << err_.str();
    const std::string out = out_.str();
    // What it printed before comes first, unchanged.
    EXPECT_EQ(out.rfind("Hemtjänst Öst (ENH1, enhet) 2026 t.o.m. 202605  [red]\n", 0), 0U) << out;
    EXPECT_NE(out.find("  öppna avvikelser: budget:2026:ENH1\n"), std::string::npos) << out;
    const auto section = out.find("Åtgärder och beslut\n");
    ASSERT_NE(section, std::string::npos) << out;
    EXPECT_LT(out.find("  avvikelse:"), section);
    const std::string expected =
        "Åtgärder och beslut\n"
        "  åtgärder:\n"
        "    m-1  Färre vikarier i helgerna [pågår], Hemtjänst Öst (ENH1), åtgärdsplan plan-1, "
        "beslut § 45/2026\n"
        "      förväntat " +
        text::Kr(-4'000'000) + " i månaden från april 2026, " + text::Tkr(-36'000'000) +
        " under året\n"
        "      hittills " +
        text::Kr(-7'000'000) + " mot förväntat " + text::Kr(-8'000'000) +
        " (2 månader t.o.m. maj 2026)\n"
        "  avvikelser och åtgärdernas täckning:\n"
        "    budget:2026:ENH1 (budgetavvikelse, t.o.m. mars 2026): " +
        text::Kr(50'000'000) + ", åtgärdat " + text::Kr(36'000'000) + ", otäckt " +
        text::Kr(14'000'000) +
        "\n"
        "  åtgärdsplaner:\n"
        "    plan-1  Hemtjänstens ekonomi i balans [beslutad, version 3], Omsorgsnämnden, "
        "beslut § 44/2026\n"
        "  senaste beslut: § 45/2026, Omsorgsnämnden, 27 april 2026 (bifall, åtgärd): Nämnden "
        "beslutar att åtgärden m-1 ska gälla året ut.\n"
        "  senaste kommentarer:\n"
        "    april 2026, avvikelse budget:2026:ENH1, Olof Björk: Sektorn följer upp i maj\n"
        "    mars 2026, utfall, Maja Öberg: Vikarier under sjukskrivningar\n";
    EXPECT_EQ(out.substr(section), expected) << out;

    // --json: the hash with the casework object.
    ASSERT_EQ(Run({"status", "ENH1", "--json"}), 0) << err_.str();
    const auto j = json::parse(out_.str(), nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << out_.str();
    EXPECT_EQ(j["name"], "Hemtjänst Öst");
    EXPECT_EQ(j["casework"], view);
}

TEST_F(CliStatus, NoCaseworkKeyNoSection) {
    WriteStatus("ENH2", "Hemtjänst Väst");
    ASSERT_EQ(Run({"status", "ENH2"}), 0) << err_.str();
    EXPECT_EQ(out_.str().find("Åtgärder och beslut"), std::string::npos) << out_.str();
    EXPECT_NE(out_.str().find("Hemtjänst Väst (ENH2, enhet)"), std::string::npos) << out_.str();
    ASSERT_EQ(Run({"status", "ENH2", "--json"}), 0);
    EXPECT_FALSE(json::parse(out_.str()).contains("casework"));

    // A unit with a summary but nothing in it, and a summary that is not JSON.
    ASSERT_TRUE(redis_
                    ->Set(service::status_keys::Casework(prefix_, "ENH2"),
                          json{{"unit", "ENH2"},
                               {"measures", json::array()},
                               {"deviations", json::array()},
                               {"plans", json::array()},
                               {"decisions", json::array()},
                               {"comments", json::array()}}
                              .dump())
                    .ok());
    ASSERT_EQ(Run({"status", "ENH2"}), 0);
    EXPECT_NE(out_.str().find("Åtgärder och beslut\n  inga åtgärder, planer, beslut eller "
                              "kommentarer\n"),
              std::string::npos)
        << out_.str();
    ASSERT_TRUE(redis_->Set(service::status_keys::Casework(prefix_, "ENH2"), "{not json").ok());
    ASSERT_EQ(Run({"status", "ENH2"}), 0);
    EXPECT_EQ(out_.str().find("Åtgärder och beslut"), std::string::npos);
    EXPECT_NE(err_.str().find("not JSON"), std::string::npos) << err_.str();
}

}  // namespace
}  // namespace bfu
