// The inbox component, wired as the ingest service wires it (AddInboxFields / AddInbox), against
// the real broker: a real SIE export dropped into the folder ends in done/ with its report and
// its vouchers on the (prefixed) bfu.erp.vouchers; a broken file ends in failed/.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "bfu/config/config.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/ingest/inbox.hpp"
#include "bfu/kafka/message.hpp"
#include "bfu/runtime/app.hpp"
#include "bfu/runtime/http_server.hpp"
#include "bfu/runtime/logger.hpp"
#include "bfu/runtime/metrics.hpp"
#include "bfu/service/kafka_settings.hpp"
#include "bfu/sie_import/publish.hpp"
#include "import_test_util.hpp"

namespace bfu::ingest {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace sie_import::testing;

bool WaitFor(const fs::path& p, std::chrono::seconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (fs::exists(p)) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return fs::exists(p);
}

TEST(InboxIntegration, RealExportEndsInDoneWithReportAndVouchersOnTheTopic) {
    BFU_ASSERT_STACK_VALUE(brokers, "BFU_KAFKA_BROKERS");
    const std::string prefix = bfu::testing::UniquePrefix();
    PrefixedTopics topics(brokers, prefix);
    ASSERT_TRUE(topics.error().empty()) << topics.error();
    TempDir inbox;

    config::Schema schema;
    service::AddKafkaFields(schema, "ingest");
    AddInboxFields(schema);
    const json settings = {
        {"kafka", {{"brokers", brokers}, {"topic_prefix", prefix}}},
        {"ingest",
         {{"inbox",
           {{"dir", inbox.path().string()}, {"poll_ms", 50}, {"default_unit", "SIE-DEFAULT"}}}}}};
    const config::Config cfg =
        config::LoadFromText(schema, settings.dump(), "test", config::MapEnv({}));
    runtime::Logger logger("ingest-test");
    runtime::MetricsRegistry metrics;
    runtime::HttpServer http;
    runtime::ShutdownLatch latch;
    runtime::Context ctx(cfg, logger, metrics, http, latch);
    AddInbox(ctx);
    ASSERT_EQ(ctx.components().size(), 1u);
    auto& component = *ctx.components()[0];
    component.Start();

    // A real export, written under a hidden name and renamed in, as an ERP should.
    const std::string bytes = ReadAll(FixtureDir() + "magenta_sie4e.se");
    { std::ofstream(inbox.path() / ".magenta.se.part", std::ios::binary) << bytes; }
    fs::rename(inbox.path() / ".magenta.se.part", inbox.path() / "magenta.se");
    // A broken one: #KSUMMA opened and closed with a value that does not match.
    {
        std::ofstream(inbox.path() / "broken.se", std::ios::binary)
            << "#FLAGGA 0\n#KSUMMA\n#SIETYP 4\n#RAR 0 20260101 20261231\n#KSUMMA 1\n";
    }

    const fs::path done = inbox.path() / "done" / "magenta.se";
    ASSERT_TRUE(WaitFor(done, std::chrono::seconds(60)));
    ASSERT_TRUE(WaitFor(inbox.path() / "failed" / "broken.se", std::chrono::seconds(30)));
    component.Stop();

    EXPECT_FALSE(fs::exists(inbox.path() / "magenta.se"));
    EXPECT_TRUE(fs::is_empty(inbox.path() / "processing"));
    const json report = json::parse(ReadAll(done.string() + ".report.json"));
    EXPECT_EQ(report["inbox"]["result"], "done");
    EXPECT_EQ(report["counts"]["vouchers"], 19);
    EXPECT_EQ(report["import"]["vouchers"], 19);
    EXPECT_EQ(report["import"]["lines"], 84);
    EXPECT_EQ(report["import"]["published"]["vouchers"], 19);
    EXPECT_EQ(report["reconciliation"]["clean"], true);
    EXPECT_TRUE(report["import"]["rejected"].empty());

    const json failed =
        json::parse(ReadAll((inbox.path() / "failed" / "broken.se.report.json").string()));
    EXPECT_EQ(failed["inbox"]["result"], "failed");
    EXPECT_EQ(failed["inbox"]["errors"][0]["code"], "checksum_mismatch");
    EXPECT_EQ(failed["inbox"]["errors"][0]["line"], 5);

    // The 19 vouchers on bfu.erp.vouchers, each once, keyed source:voucherId, decodable as the
    // ERP's vouchers, with the file and #VER line in the headers.
    const auto messages = ReadAtLeast(brokers, topics.Name(contracts::topics::kErpVouchers), 19);
    ASSERT_EQ(messages.size(), 19u);
    std::set<std::string> keys;
    for (const auto& m : messages) {
        auto v = contracts::DecodeMessage<contracts::Voucher>(m.value);
        ASSERT_TRUE(v.ok()) << v.error().ToString();
        EXPECT_EQ(m.key, v->Key());
        EXPECT_EQ(v->source.value(), "sie-112233-4567");
        keys.insert(m.key);
        EXPECT_EQ(kafka::FindHeader(m.headers, sie_import::kOriginFileHeader), "magenta.se");
        EXPECT_TRUE(kafka::FindHeader(m.headers, sie_import::kOriginLineHeader).has_value());
    }
    EXPECT_EQ(keys.size(), 19u);
    EXPECT_EQ(topics.Count(contracts::topics::kErpVouchers), 19);
}

}  // namespace
}  // namespace bfu::ingest
