// `bfu import ...` against the real broker: an SIE file (dry run publishes nothing, the import
// publishes every voucher), and each master-data example of docs/import.md.
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "bfu/cli/cli.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/master.hpp"
#include "bfu/contracts/ops.hpp"
#include "import_test_util.hpp"

namespace bfu::cli {
namespace {

using nlohmann::json;
using namespace sie_import::testing;

struct CliResult {
    int rc = 0;
    std::string out;
    std::string err;
};

CliResult RunCli(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    const int rc = Run(args, out, err);
    return {rc, out.str(), err.str()};
}

class ImportCli : public ::testing::Test {
protected:
    void SetUp() override {
        const auto b = bfu::testing::KafkaBrokers();
        ASSERT_TRUE(b.ok()) << b.error;
        brokers_ = b.value;
        prefix_ = bfu::testing::UniquePrefix();
        ::setenv("BFU_KAFKA_BROKERS", brokers_.c_str(), 1);
        ::setenv("BFU_KAFKA_TOPIC_PREFIX", prefix_.c_str(), 1);
        topics_ = std::make_unique<PrefixedTopics>(brokers_, prefix_);
        ASSERT_TRUE(topics_->error().empty()) << topics_->error();
    }
    void TearDown() override {
        topics_.reset();
        ::unsetenv("BFU_KAFKA_TOPIC_PREFIX");
    }
    std::string brokers_;
    std::string prefix_;
    std::unique_ptr<PrefixedTopics> topics_;
};

TEST_F(ImportCli, SieDryRunPublishesNothingAndTheImportPublishesEveryVoucher) {
    const std::string file = FixtureDir() + "bl-administration_typ4.se";
    const auto dry = RunCli({"import", "sie", file, "--dry-run", "--json", "--unit", "ADM"});
    ASSERT_EQ(dry.rc, 0) << dry.err;
    const json doc = json::parse(dry.out);
    EXPECT_EQ(doc["dry_run"], true);
    EXPECT_EQ(doc["import"]["vouchers"], 84);
    EXPECT_EQ(doc["import"]["lines"], 405);
    EXPECT_EQ(doc["reconciliation"]["clean"], true);
    EXPECT_EQ(doc["budget"].size(), 24u);
    EXPECT_EQ(topics_->Count(contracts::topics::kErpVouchers), 0);

    const auto run = RunCli({"import", "sie", file, "--unit", "ADM"});
    ASSERT_EQ(run.rc, 0) << run.err;
    EXPECT_NE(run.out.find("published: 84 vouchers"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("reconciliation: clean"), std::string::npos) << run.out;
    const auto messages = ReadAtLeast(brokers_, prefix_ + "bfu.erp.vouchers", 84);
    ASSERT_EQ(messages.size(), 84u);
    std::set<std::string> keys;
    for (const auto& m : messages) {
        auto v = contracts::DecodeMessage<contracts::Voucher>(m.value);
        ASSERT_TRUE(v.ok()) << v.error().ToString();
        keys.insert(v->Key());
    }
    EXPECT_EQ(keys.size(), 84u);  // BL's twelve "# 1" vouchers stay twelve
    EXPECT_EQ(topics_->Count(contracts::topics::kMasterBudget), 0);  // July-June: not mapped
}

TEST_F(ImportCli, BrokenSieFileNamesFileAndLineExitsTwoAndPublishesNothing) {
    TempDir dir;
    const auto path = (dir.path() / "cut.se").string();
    std::ofstream(path) << "#FLAGGA 0\n#KSUMMA\n#SIETYP 4\n#RAR 0 20260101 20261231\n";
    const auto r = RunCli({"import", "sie", path});
    EXPECT_EQ(r.rc, 2);
    EXPECT_NE(r.err.find(path + ":"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("nothing was published"), std::string::npos) << r.err;
    EXPECT_EQ(topics_->Count(contracts::topics::kErpVouchers), 0);
}

struct DocExample {
    const char* kind;
    const char* file;
    std::string_view topic;
    std::int64_t records;
};

TEST_F(ImportCli, EveryDocumentedExampleImportsAndIsQuotedInTheDocs) {
    const DocExample examples[] = {
        {"org", "org.csv", contracts::topics::kMasterOrg, 3},
        {"accounts", "accounts.csv", contracts::topics::kMasterAccounts, 3},
        {"budget", "budget.csv", contracts::topics::kMasterBudget, 2},
        {"goals", "goals.csv", contracts::topics::kMasterGoals, 2},
        {"hr", "hr.csv", contracts::topics::kOpsHr, 2},
        {"hr", "hr.ndjson", contracts::topics::kOpsHr, 4},
        {"goal-outcomes", "goal-outcomes.csv", contracts::topics::kOpsGoalOutcomes, 2},
    };
    const std::string docs = ReadAll(SourceDir() + "/docs/import.md");
    for (const auto& e : examples) {
        const std::string path = SourceDir() + "/docs/examples/import/" + e.file;
        const std::string text = ReadAll(path);
        ASSERT_FALSE(text.empty()) << path;
        // The page shows the file as it is.
        EXPECT_NE(docs.find(text), std::string::npos) << e.file << " is not quoted in import.md";
        const auto r = RunCli({"import", e.kind, path});
        ASSERT_EQ(r.rc, 0) << e.file << ": " << r.err;
        const auto got = topics_->Count(e.topic);
        EXPECT_EQ(got, e.records) << e.file;
    }
    // What arrived decodes, e.g. the HR figure with its optional fields.
    const auto hr = ReadAtLeast(brokers_, prefix_ + "bfu.ops.hr", 4);
    ASSERT_EQ(hr.size(), 4u);
    for (const auto& m : hr) {
        EXPECT_TRUE(contracts::DecodeMessage<contracts::HrFigure>(m.value).ok());
    }
}

TEST_F(ImportCli, ABadCsvRecordNamesFileLineAndFieldAndNothingIsPublished) {
    TempDir dir;
    const auto path = (dir.path() / "hr.csv").string();
    std::ofstream(path) << "unit,period,sickLeavePct,overtimeHours,headcount\n"
                           "HT-NORR,202603,7.4,112.5,38\n"
                           "SKOLA-1,202613,3,0,x\n";
    const auto r = RunCli({"import", "hr", path});
    EXPECT_EQ(r.rc, 2);
    EXPECT_NE(r.err.find(path + ":3: headcount: 'x' is not an integer"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("nothing was published"), std::string::npos) << r.err;
    EXPECT_EQ(topics_->Count(contracts::topics::kOpsHr), 0);
}

TEST_F(ImportCli, CsvWithBomSemicolonsAndQuotedLineBreaksImports) {
    TempDir dir;
    const auto path = (dir.path() / "goals.csv").string();
    std::ofstream(path, std::ios::binary)
        << "\xEF\xBB\xBFid;unit;year;name;description;target;direction;measureUnit\r\n"
           "G-1;HT-NORR;2026;\"N\u00f6jda; \"\"mycket\"\"\";\"rad ett\nrad tv\u00e5\";90;"
           "higherIsBetter;%\r\n";
    const auto r = RunCli({"import", "goals", path});
    ASSERT_EQ(r.rc, 0) << r.err;
    const auto messages = ReadAtLeast(brokers_, prefix_ + "bfu.master.goals", 1);
    ASSERT_EQ(messages.size(), 1u);
    auto goal = contracts::DecodeMessage<contracts::Goal>(messages[0].value);
    ASSERT_TRUE(goal.ok()) << goal.error().ToString();
    EXPECT_EQ(goal->id, "G-1");
    EXPECT_EQ(goal->name, "N\u00f6jda; \"mycket\"");
    EXPECT_EQ(goal->description, "rad ett\nrad tv\u00e5");
    EXPECT_EQ(goal->target, 90);
}

TEST_F(ImportCli, CsvShapeErrorsNameTheLine) {
    TempDir dir;
    const auto cells = (dir.path() / "accounts.csv").string();
    std::ofstream(cells) << "number,name,class,group,active,investment\n"
                            "5011,M\u00e5nadsl\u00f6n,5,personal,true\n"
                            "4010,Material,4,material,yes,false\n";
    const auto r = RunCli({"import", "accounts", cells});
    EXPECT_EQ(r.rc, 2);
    EXPECT_NE(r.err.find(cells + ":2: the row has 5 cells, the header 6"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find(cells + ":3: active: 'yes' is not true or false"), std::string::npos)
        << r.err;
    const auto quote = (dir.path() / "org.csv").string();
    std::ofstream(quote) << "id,name\nKF,\"Kommunfullm\u00e4ktige\n";
    const auto q = RunCli({"import", "org", quote});
    EXPECT_EQ(q.rc, 2);
    EXPECT_NE(q.err.find(quote + ":2: a quoted cell is not closed"), std::string::npos) << q.err;
    EXPECT_EQ(topics_->Count(contracts::topics::kMasterAccounts), 0);
    EXPECT_EQ(topics_->Count(contracts::topics::kMasterOrg), 0);
}

}  // namespace
}  // namespace bfu::cli
