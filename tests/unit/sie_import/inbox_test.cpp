// The inbox's file handling with a fake publisher (the real broker: tests/integration).
#include "bfu/ingest/inbox.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace bfu::ingest {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kFile =
    "#FLAGGA 0\n#SIETYP 4\n#ORGNR 212000-0000\n#RAR 0 20260101 20261231\n"
    "#VER A 1 20260201 \"x\"\n{\n#TRANS 4010 {1 \"U1\"} 1.00\n#TRANS 1930 {1 \"U1\"} -1.00\n}\n"
    "#VER A 2 20260202 \"y\"\n{\n#TRANS 4010 {1 \"U1\"} 2.00\n#TRANS 1930 {} -2.00\n}\n";

// #KSUMMA opened, closed with a wrong value: a broken file.
constexpr const char* kBroken =
    "#FLAGGA 0\n#KSUMMA\n#SIETYP 4\n#RAR 0 20260101 20261231\n#KSUMMA 1\n";

class TempDir {
public:
    TempDir() {
        std::random_device rd;
        path_ = fs::temp_directory_path() /
                ("bfu-inbox-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    [[nodiscard]] const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

void Write(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
}

json ReadJson(const fs::path& p) {
    std::ifstream in(p);
    return json::parse(in);
}

struct Fixture {
    TempDir dir;
    core::SimulatedClock clock{core::TimePoint(std::chrono::seconds(1767225600))};
    std::vector<sie_import::Conversion> published;
    bool fail = false;
    Inbox inbox{{dir.path(), ""},
                [this](const sie_import::Conversion& c) -> core::Result<sie_import::Published> {
                    if (fail) return core::Error(core::Errc::kUnavailable, "broker away");
                    published.push_back(c);
                    return sie_import::Published{c.vouchers.size(), c.rejected.size(), 0};
                },
                clock};
};

TEST(Inbox, TakesAStableFileOnceAndFilesItUnderDoneWithAReport) {
    Fixture f;
    Write(f.dir.path() / "export.se", kFile);
    Write(f.dir.path() / "notes.txt", "not SIE");
    // First look: seen, not yet known to be complete.
    EXPECT_EQ(f.inbox.Poll().done, 0u);
    EXPECT_TRUE(fs::exists(f.dir.path() / "export.se"));
    // Second look, unchanged: taken.
    EXPECT_EQ(f.inbox.Poll().done, 1u);
    EXPECT_FALSE(fs::exists(f.dir.path() / "export.se"));
    EXPECT_TRUE(fs::exists(f.dir.path() / "done" / "export.se"));
    EXPECT_TRUE(fs::exists(f.dir.path() / "notes.txt"));
    ASSERT_EQ(f.published.size(), 1u);
    EXPECT_EQ(f.published[0].vouchers.size(), 1u);
    EXPECT_EQ(f.published[0].rejected.size(), 1u);  // A-2 has a row without a cost centre
    const json report = ReadJson(f.dir.path() / "done" / "export.se.report.json");
    EXPECT_EQ(report["inbox"]["result"], "done");
    EXPECT_EQ(report["dry_run"], false);
    EXPECT_EQ(report["import"]["vouchers"], 1);
    EXPECT_EQ(report["import"]["published"]["vouchers"], 1);
    ASSERT_EQ(report["import"]["rejected"].size(), 1u);
    EXPECT_EQ(report["import"]["rejected"][0]["line"], 10);
    EXPECT_EQ(report["import"]["rejected"][0]["reasons"][0]["code"], "missing_unit");
    EXPECT_EQ(report["import"]["rejected"][0]["reasons"][0]["line"], 13);
    // Nothing is taken twice.
    EXPECT_EQ(f.inbox.Poll().done, 0u);
    EXPECT_EQ(f.published.size(), 1u);
}

TEST(Inbox, AFileStillGrowingIsNotTaken) {
    Fixture f;
    const std::string text = kFile;
    Write(f.dir.path() / "growing.si", text.substr(0, 40));
    (void)f.inbox.Poll();
    Write(f.dir.path() / "growing.si", text.substr(0, 80));
    EXPECT_EQ(f.inbox.Poll().done, 0u);  // changed since the last look
    Write(f.dir.path() / "growing.si", text);
    EXPECT_EQ(f.inbox.Poll().done, 0u);
    EXPECT_EQ(f.inbox.Poll().done, 1u);
    ASSERT_EQ(f.published.size(), 1u);
    EXPECT_EQ(f.published[0].vouchers.size(), 1u);
}

TEST(Inbox, HiddenAndPartFilesAreNeverTaken) {
    EXPECT_TRUE(IsInboxFile("a.se"));
    EXPECT_TRUE(IsInboxFile("A.SI"));
    EXPECT_TRUE(IsInboxFile("x.Sie"));
    EXPECT_FALSE(IsInboxFile(".a.se"));
    EXPECT_FALSE(IsInboxFile("a.se.part"));
    EXPECT_FALSE(IsInboxFile("a.csv"));
    EXPECT_FALSE(IsInboxFile("se"));
}

TEST(Inbox, ABrokenFileGoesToFailedWithTheLineNamed) {
    Fixture f;
    Write(f.dir.path() / "bad.se", kBroken);
    (void)f.inbox.Poll();
    EXPECT_EQ(f.inbox.Poll().failed, 1u);
    EXPECT_TRUE(f.published.empty());
    EXPECT_TRUE(fs::exists(f.dir.path() / "failed" / "bad.se"));
    const json report = ReadJson(f.dir.path() / "failed" / "bad.se.report.json");
    EXPECT_EQ(report["inbox"]["result"], "failed");
    ASSERT_FALSE(report["inbox"]["errors"].empty());
    EXPECT_EQ(report["inbox"]["errors"][0]["code"], "checksum_mismatch");
    EXPECT_EQ(report["inbox"]["errors"][0]["file"], "bad.se");
    EXPECT_EQ(report["inbox"]["errors"][0]["line"], 5);
}

TEST(Inbox, PublishFailureLeavesTheFileInProcessingAndItIsRedoneLater) {
    Fixture f;
    Write(f.dir.path() / "export.se", kFile);
    f.fail = true;
    (void)f.inbox.Poll();
    const auto counts = f.inbox.Poll();
    EXPECT_EQ(counts.retried, 1u);
    EXPECT_TRUE(fs::exists(f.dir.path() / "processing" / "export.se"));
    f.fail = false;
    EXPECT_EQ(f.inbox.Poll().done, 1u);
    EXPECT_TRUE(fs::exists(f.dir.path() / "done" / "export.se"));
    EXPECT_FALSE(fs::exists(f.dir.path() / "processing" / "export.se"));
}

TEST(Inbox, AFileLeftInProcessingByACrashIsRedoneAtStart) {
    TempDir dir;
    fs::create_directories(dir.path() / "processing");
    Write(dir.path() / "processing" / "left.se", kFile);
    core::SimulatedClock clock{core::TimePoint(std::chrono::seconds(1767225600))};
    int calls = 0;
    Inbox inbox(
        {dir.path(), "EKO"},
        [&](const sie_import::Conversion& c) -> core::Result<sie_import::Published> {
            ++calls;
            EXPECT_EQ(c.vouchers.size(), 2u);  // the default unit takes A-2 too
            return sie_import::Published{c.vouchers.size(), 0, 0};
        },
        clock);
    EXPECT_EQ(inbox.Poll().done, 1u);
    EXPECT_EQ(calls, 1);
    EXPECT_TRUE(fs::exists(dir.path() / "done" / "left.se"));
}

TEST(Inbox, TheSameNameDroppedAgainIsKeptBesideTheFirst) {
    Fixture f;
    Write(f.dir.path() / "export.se", kFile);
    (void)f.inbox.Poll();
    (void)f.inbox.Poll();
    Write(f.dir.path() / "export.se", kFile);
    (void)f.inbox.Poll();
    EXPECT_EQ(f.inbox.Poll().done, 1u);
    EXPECT_TRUE(fs::exists(f.dir.path() / "done" / "export.se"));
    EXPECT_TRUE(fs::exists(f.dir.path() / "done" / "export-2.se"));
    EXPECT_TRUE(fs::exists(f.dir.path() / "done" / "export-2.se.report.json"));
}

}  // namespace
}  // namespace bfu::ingest
