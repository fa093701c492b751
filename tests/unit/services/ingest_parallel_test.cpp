// Checking a batch on several threads (the Kafka loop of ingest): ParallelFor runs every index
// once, and Prepare on any thread followed by Finish in arrival order decides every voucher as
// Check one after the other does, duplicates inside the batch included; BatchClaims takes back
// the acceptances of a batch whose outputs were dropped, so it is decided again the same way.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "bfu/ingest/parallel_for.hpp"
#include "bfu/ingest/voucher_checker.hpp"
#include "test_master.hpp"

namespace bfu::ingest {
namespace {

using nlohmann::json;
using Kind = CheckResult::Kind;

TEST(ParallelFor, EveryIndexRunsExactlyOnceWhateverTheHelpersAndSizes) {
    for (const unsigned helpers : {0U, 1U, 3U}) {
        ParallelFor pool(helpers);
        EXPECT_EQ(pool.helpers(), helpers);
        for (int round = 0; round < 50; ++round) {
            for (const std::size_t n :
                 {std::size_t{0}, std::size_t{1}, std::size_t{17}, std::size_t{1000}}) {
                std::vector<std::atomic<int>> hits(n);
                pool.Run(n, [&](std::size_t i) { hits[i].fetch_add(1); });
                for (std::size_t i = 0; i < n; ++i) {
                    ASSERT_EQ(hits[i].load(), 1) << helpers << " helpers, n " << n << ", i " << i;
                }
            }
        }
    }
}

TEST(ParallelFor, AnExceptionIsRethrownAfterEveryThreadStoppedAndThePoolStaysUsable) {
    ParallelFor pool(2);
    std::atomic<int> ran{0};
    EXPECT_THROW(pool.Run(500,
                          [&](std::size_t i) {
                              ran.fetch_add(1);
                              if (i == 250) throw std::runtime_error("voucher 250");
                          }),
                 std::runtime_error);
    EXPECT_GT(ran.load(), 0);
    std::atomic<int> again{0};
    pool.Run(300, [&](std::size_t) { again.fetch_add(1); });
    EXPECT_EQ(again.load(), 300);
}

json Voucher(const std::string& id, const std::string& account = "5011") {
    return json{{"source", "visma"},
                {"voucherId", id},
                {"date", "2026-03-02"},
                {"lines", json::array({
                              {{"account", account}, {"unit", "ENH1"}, {"amount", "1200.00"}},
                              {{"account", "1930"}, {"unit", "ENH1"}, {"amount", "-1200.00"}},
                          })}};
}

contracts::Origin At(std::int64_t offset) {
    return contracts::Origin::Kafka("p.bfu.erp.vouchers", 0, offset);
}

// A batch with every case: new vouchers, copies inside the batch, a copy of one accepted
// before the batch, rejections (and a rejected voucher's corrected copy), unreadable payloads.
std::vector<std::string> MixedBatch() {
    std::vector<std::string> batch;
    for (int i = 0; i < 400; ++i) {
        const std::string id = "B-" + std::to_string(i % 150);  // ids 0..149 come 2-3 times
        if (i % 37 == 5) {
            batch.push_back("{not json");
        } else if (i % 11 == 3) {
            batch.push_back(Voucher(id, "4999").dump());  // unknown account: rejected
        } else {
            batch.push_back(Voucher(id).dump());
        }
    }
    batch.push_back(Voucher("EARLIER").dump());
    return batch;
}

TEST(ParallelCheck, PrepareOnManyThreadsThenFinishInOrderDecidesAsCheckInOrder) {
    const auto batch = MixedBatch();
    VoucherChecker sequential(CheckRules{{2026}, {}});
    VoucherChecker parallel(CheckRules{{2026}, {}});
    for (auto* c : {&sequential, &parallel}) {
        c->SetMaster(test::StandardMaster());
        ASSERT_TRUE(c->Remember("visma:EARLIER", At(-5)));
    }
    std::vector<CheckResult> expected;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        expected.push_back(
            sequential.Check(batch[i], At(static_cast<std::int64_t>(i)), test::TestNow()));
    }
    ParallelFor pool(3);
    std::vector<CheckResult> got(batch.size());
    pool.Run(batch.size(), [&](std::size_t i) {
        got[i] = parallel.Prepare(batch[i], At(static_cast<std::int64_t>(i)), test::TestNow());
    });
    for (std::size_t i = 0; i < batch.size(); ++i) {
        got[i] = parallel.Finish(std::move(got[i]), At(static_cast<std::int64_t>(i)));
    }
    int accepted = 0, rejected = 0, duplicates = 0;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        SCOPED_TRACE("voucher " + std::to_string(i));
        ASSERT_EQ(got[i].kind, expected[i].kind);
        EXPECT_EQ(got[i].voucher_key, expected[i].voucher_key);
        EXPECT_EQ(got[i].lines, expected[i].lines);
        EXPECT_EQ(got[i].rejected, expected[i].rejected);
        EXPECT_EQ(got[i].first_origin, expected[i].first_origin);
        EXPECT_EQ(got[i].amount_ore, expected[i].amount_ore);
        EXPECT_EQ(got[i].line_count, expected[i].line_count);
        accepted += got[i].kind == Kind::kAccepted;
        rejected += got[i].kind == Kind::kRejected;
        duplicates += got[i].kind == Kind::kDuplicate;
    }
    // The batch exercised every path: the first good copy of each id accepted, later copies
    // duplicates of it, EARLIER a duplicate of its acceptance before the batch.
    EXPECT_GT(accepted, 100);
    EXPECT_GT(rejected, 20);
    EXPECT_GT(duplicates, 100);
    EXPECT_EQ(got.back().kind, Kind::kDuplicate);
    EXPECT_EQ(got.back().first_origin, At(-5));
    EXPECT_EQ(parallel.Remembered(), sequential.Remembered());
    // The batch's outputs dropped (its transaction aborted): its acceptances are taken back
    // and the same batch decided again comes out exactly as the first time, rejections of a
    // voucher whose later copy was accepted included.
    BatchClaims claims;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        claims.Note(got[i], At(static_cast<std::int64_t>(i)));
    }
    EXPECT_EQ(claims.size(), static_cast<std::size_t>(accepted));
    EXPECT_EQ(claims.TakeBackAll(parallel), static_cast<std::size_t>(accepted));
    EXPECT_EQ(parallel.Remembered(), 1U);  // EARLIER, from before the batch
    int rejected_before_a_later_acceptance = 0;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        const auto again = parallel.Finish(
            parallel.Prepare(batch[i], At(static_cast<std::int64_t>(i)), test::TestNow()),
            At(static_cast<std::int64_t>(i)));
        EXPECT_EQ(again.kind, got[i].kind) << "voucher " << i;
        EXPECT_EQ(again.first_origin, got[i].first_origin) << "voucher " << i;
        EXPECT_EQ(again.rejected, got[i].rejected) << "voucher " << i;
    }
    for (const auto& g : got) {
        if (g.kind == Kind::kRejected && parallel.Knows(g.voucher_key)) {
            ++rejected_before_a_later_acceptance;
        }
    }
    // The case that needed the take-back is in the batch.
    EXPECT_GT(rejected_before_a_later_acceptance, 5);
}

TEST(BatchClaims, TakesBackOnlyTheAcceptancesOfDroppedRecords) {
    VoucherChecker checker(CheckRules{{2026}, {}});
    checker.SetMaster(test::StandardMaster());
    // Partition 0 offsets 0..3: A rejected, A accepted, B accepted, A duplicate of offset 1.
    const std::vector<std::string> batch = {Voucher("A", "4999").dump(), Voucher("A").dump(),
                                            Voucher("B").dump(), Voucher("A").dump()};
    BatchClaims claims;
    std::vector<CheckResult> first;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        const auto at = At(static_cast<std::int64_t>(i));
        first.push_back(checker.Check(batch[i], at, test::TestNow()));
        claims.Note(first.back(), at);
    }
    ASSERT_EQ(first[0].kind, Kind::kRejected);
    ASSERT_EQ(first[1].kind, Kind::kAccepted);
    ASSERT_EQ(first[2].kind, Kind::kAccepted);
    ASSERT_EQ(first[3].kind, Kind::kDuplicate);
    EXPECT_EQ(claims.size(), 2U);
    // Offsets 2 and 3 dropped (a retryable outcome at 2): B is taken back, A stays claimed.
    EXPECT_EQ(claims.TakeBack(checker, {At(2), At(3)}), 1U);
    EXPECT_TRUE(checker.Knows("visma:A"));
    EXPECT_FALSE(checker.Knows("visma:B"));
    EXPECT_EQ(claims.size(), 1U);
    // A record of another partition at the same offset is another record.
    EXPECT_EQ(claims.TakeBack(checker, {contracts::Origin::Kafka("p.bfu.erp.vouchers", 1, 1)}), 0U);
    EXPECT_TRUE(checker.Knows("visma:A"));
    // Read again from offset 2: decided as before.
    EXPECT_EQ(checker.Check(batch[2], At(2), test::TestNow()).kind, Kind::kAccepted);
    const auto dup = checker.Check(batch[3], At(3), test::TestNow());
    EXPECT_EQ(dup.kind, Kind::kDuplicate);
    EXPECT_EQ(dup.first_origin, At(1));
    // Everything dropped: the rejection of offset 0 comes back as a rejection.
    EXPECT_EQ(claims.TakeBackAll(checker), 1U);
    EXPECT_EQ(checker.Check(batch[0], At(0), test::TestNow()).kind, Kind::kRejected);
}

}  // namespace
}  // namespace bfu::ingest
