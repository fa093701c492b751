// The SIE way in, end to end: the bfu-ingest binary with its inbox folder, the example
// municipality's master data on the broker, and an SIE 4 file of its vouchers dropped into the
// folder. Every converted voucher is decided by ingest (way "sie-file"), the accepted ones become
// ledger lines, the file ends in done/ with its report; the same file dropped again is taken
// again and every voucher it had accepted is a duplicate (no new ledger line).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bfu/cli/example_municipality.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/kafka/admin.hpp"
#include "bfu/kafka/consumer.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/sie/model.hpp"
#include "bfu/sie/writer.hpp"
#include "e2e/prefixed_stack.hpp"
#include "e2e/process.hpp"
#include "support/stack_env.hpp"

namespace bfu {
namespace {

using namespace std::chrono_literals;
using bfu::testing::ChildProcess;
using bfu::testing::Eventually;
using bfu::testing::Slurp;
namespace fs = std::filesystem;

constexpr int kYear = 2026;

// The example vouchers as one SIE 4E file: series "V", the ERP number's digits as number, each
// line's unit as its dimension-1 object (project as dimension 6).
std::string ExampleSie(const std::vector<contracts::Voucher>& vouchers) {
    std::string out =
        "#FLAGGA 0\n#PROGRAM \"bfu e2e\" 1\n#FORMAT PC8\n#SIETYP 4\n#FNAMN \"Exempelkommunen\"\n"
        "#ORGNR 212000-0000\n#RAR 0 20260101 20261231\n#DIM 1 \"Ansvar\"\n#DIM 6 \"Projekt\"\n";
    int n = 0;
    for (const auto& cv : vouchers) {
        sie::Voucher v;
        v.series = "V";
        v.number = std::to_string(++n);
        auto date =
            sie::Date::Parse(cv.date.substr(0, 4) + cv.date.substr(5, 2) + cv.date.substr(8, 2));
        if (!date) continue;
        v.date = *date;
        v.text = cv.text.value_or("");
        for (const auto& cl : cv.lines) {
            sie::VoucherLine l;
            l.account = cl.account.value();
            l.objects.push_back({1, cl.unit.value()});
            if (cl.project) l.objects.push_back({6, *cl.project});
            l.amount = core::Money::FromOre(cl.amount_ore);
            l.date = v.date;
            v.lines.push_back(std::move(l));
        }
        sie::AppendVoucher(out, v);
    }
    return out;
}

TEST(SieInbox, FileDroppedIntoTheInboxIsCheckedByIngestAndAReDropIsDuplicates) {
    BFU_ASSERT_STACK_VALUE(brokers, "BFU_KAFKA_BROKERS");
    const std::string prefix = bfu::testing::UniquePrefix();
    const fs::path dir = fs::temp_directory_path() / ("bfu-e2e-sie-" + prefix);
    const fs::path inbox = dir / "inbox";
    fs::create_directories(inbox);
    const auto topic = [&](std::string_view base) { return prefix + std::string(base); };

    auto created = bfu::testing::CreatePrefixedTopics(brokers, prefix);
    ASSERT_TRUE(created.ok()) << created.error().ToString();

    // Master data first, so that ingest can judge the vouchers.
    const auto m = cli::MakeExampleMunicipality(kYear);
    {
        kafka::KafkaConfig pc;
        pc.brokers = brokers;
        auto producer = kafka::Producer::Create(pc);
        ASSERT_TRUE(producer.ok()) << producer.error().ToString();
        core::WallClock clock;
        for (const auto& u : m.org) {
            ASSERT_TRUE((*producer)
                            ->Produce(topic(contracts::OrgUnit::kTopic), u.Key(),
                                      contracts::EncodeMessage(
                                          u, {contracts::NewEventId(), "bfu/e2e", clock.Now(), {}}))
                            .ok());
        }
        for (const auto& a : m.accounts) {
            ASSERT_TRUE((*producer)
                            ->Produce(topic(contracts::Account::kTopic), a.Key(),
                                      contracts::EncodeMessage(
                                          a, {contracts::NewEventId(), "bfu/e2e", clock.Now(), {}}))
                            .ok());
        }
        ASSERT_TRUE((*producer)->Flush(30s).ok());
    }

    const int http = bfu::testing::FreePort();
    std::map<std::string, std::string> env = {
        {"BFU_KAFKA_BROKERS", brokers},
        {"BFU_KAFKA_TOPIC_PREFIX", prefix},
        {"BFU_KAFKA_GROUP_ID", prefix + "ingest"},
        {"BFU_FOLLOWUP_YEAR", std::to_string(kYear)},
        {"BFU_HTTP_PORT", std::to_string(http)},
        {"BFU_INGEST_INBOX_DIR", inbox.string()},
        {"BFU_INGEST_INBOX_POLL_MS", "50"},
    };
    const char* bin_dir = std::getenv("BFU_BINARY_DIR");
    const std::string bin = std::string(bin_dir ? bin_dir : ".") + "/services/ingest/bfu-ingest";
    ASSERT_TRUE(fs::exists(bin)) << bin;
    auto ingest = std::make_unique<ChildProcess>(bin, env, (dir / "ingest.log").string());
    ASSERT_TRUE(
        Eventually([&] { return bfu::testing::HttpGet(http, "/readyz").status == 200; }, 60s))
        << Slurp(dir / "ingest.log");

    // The file, written under a hidden name and renamed in as an ERP should.
    const std::string sie_text = ExampleSie(m.vouchers);
    std::ofstream(inbox / ".export.se.part", std::ios::binary) << sie_text;
    fs::rename(inbox / ".export.se.part", inbox / "export.se");
    ASSERT_TRUE(
        Eventually([&] { return fs::exists(inbox / "done" / "export.se.report.json"); }, 60s))
        << Slurp(dir / "ingest.log");
    const auto report = nlohmann::json::parse(Slurp(inbox / "done" / "export.se.report.json"));
    const std::size_t sent = report["import"]["vouchers"].get<std::size_t>();
    ASSERT_GT(sent, 0u);
    EXPECT_EQ(report["import"]["published"]["vouchers"], sent);

    // Every voucher sent is decided once, as coming from an SIE file.
    auto decisions =
        bfu::testing::ReadTopic(brokers, topic(contracts::topics::kIngestDecisions), sent, 60s);
    ASSERT_EQ(decisions.size(), sent);
    std::size_t accepted = 0;
    std::int64_t accepted_lines = 0;
    for (const auto& msg : decisions) {
        auto d = contracts::DecodeMessage<contracts::IngestDecision>(msg.value);
        ASSERT_TRUE(d.ok()) << d.error().ToString();
        EXPECT_EQ(d->way, contracts::IngestWay::kSieFile);
        ASSERT_TRUE(d->source.has_value());
        EXPECT_EQ(d->source->value(), "sie-212000-0000");
        if (d->result == contracts::IngestResult::kAccepted) {
            ++accepted;
            accepted_lines += d->line_count;
        }
    }
    ASSERT_GT(accepted, 0u);
    auto lines = bfu::testing::ReadTopic(brokers, topic(contracts::topics::kLedgerLines),
                                         static_cast<std::size_t>(accepted_lines), 60s);
    EXPECT_EQ(static_cast<std::int64_t>(lines.size()), accepted_lines);

    // The same file again: taken, published again, and each voucher accepted before is now a
    // duplicate; no ledger line is added.
    std::ofstream(inbox / ".again.se.part", std::ios::binary) << sie_text;
    fs::rename(inbox / ".again.se.part", inbox / "again.se");
    ASSERT_TRUE(
        Eventually([&] { return fs::exists(inbox / "done" / "again.se.report.json"); }, 60s));
    decisions =
        bfu::testing::ReadTopic(brokers, topic(contracts::topics::kIngestDecisions), 2 * sent, 60s);
    ASSERT_EQ(decisions.size(), 2 * sent);
    std::size_t duplicates = 0;
    for (const auto& msg : decisions) {
        auto d = contracts::DecodeMessage<contracts::IngestDecision>(msg.value);
        ASSERT_TRUE(d.ok());
        if (d->result == contracts::IngestResult::kDuplicate) ++duplicates;
    }
    EXPECT_EQ(duplicates, accepted);
    lines = bfu::testing::ReadTopic(brokers, topic(contracts::topics::kLedgerLines),
                                    static_cast<std::size_t>(accepted_lines), 20s);
    EXPECT_EQ(static_cast<std::int64_t>(lines.size()), accepted_lines);

    EXPECT_EQ(ingest->Terminate(10s), 0);
    bfu::testing::RemovePrefixed(brokers, {}, prefix);
    if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace bfu
