// Against the real Redis that `ops/stack up` started (BFU_REDIS_URL, or .bfu/stack.env). Every
// key carries a fresh prefix and is deleted afterwards; nothing here flushes or stops the
// shared server, and connections are killed only by their own CLIENT ID.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "bfu/redis/redis.hpp"
#include "support/stack_env.hpp"

namespace bfu::redis {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class RedisStackTest : public ::testing::Test {
protected:
    void SetUp() override {
        BFU_ASSERT_STACK_VALUE(url_text, "BFU_REDIS_URL");
        auto url = RedisUrl::Parse(url_text);
        ASSERT_TRUE(url.ok()) << url.error().ToString();
        url_ = url.value();
        prefix_ = "bfu:test:" + bfu::testing::UniquePrefix();
        auto conn = Connection::Open(url_);
        ASSERT_TRUE(conn.ok()) << conn.error().ToString();
        conn_ = std::move(conn).value();
    }
    void TearDown() override {
        if (!conn_) return;
        auto keys = conn_->Scan(prefix_ + "*");
        if (keys.ok()) (void)conn_->Del(keys.value());
    }
    std::string Key(const std::string& name) const { return prefix_ + name; }

    // Kills one connection by its id from a separate connection (never TYPE normal: other
    // engineers' tests share this server).
    void Kill(std::int64_t id) {
        auto killer = Connection::Open(url_);
        ASSERT_TRUE(killer.ok());
        auto r = killer.value()->Command({"CLIENT", "KILL", "ID", std::to_string(id)});
        ASSERT_TRUE(r.ok()) << r.error().ToString();
        EXPECT_EQ(r->integer, 1);
    }

    RedisUrl url_;
    std::string prefix_;
    std::unique_ptr<Connection> conn_;
};

TEST_F(RedisStackTest, PingAndAbsoluteHashWrites) {
    ASSERT_TRUE(conn_->Ping().ok());
    const auto key = Key("unit:1100");
    ASSERT_TRUE(conn_->HSet(key, {{"status", "green"}, {"outcome", "100"}}).ok());
    ASSERT_TRUE(conn_->HSet(key, {{"status", "red"}}).ok());
    auto h = conn_->HGetAll(key);
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->at("status"), "red");
    EXPECT_EQ(h->at("outcome"), "100");
    // ReplaceHash leaves no stale field behind.
    ASSERT_TRUE(conn_->ReplaceHash(key, {{"status", "yellow"}}).ok());
    h = conn_->HGetAll(key);
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->size(), 1U);
    EXPECT_EQ(h->at("status"), "yellow");
}

TEST_F(RedisStackTest, ValuesAreBinarySafe) {
    const std::string value("a\0b\r\n$3\r\nxyz\xff", 14);
    ASSERT_TRUE(conn_->Set(Key("bin"), value).ok());
    auto got = conn_->Get(Key("bin"));
    ASSERT_TRUE(got.ok());
    ASSERT_TRUE(got->has_value());
    EXPECT_EQ(**got, value);
    auto missing = conn_->Get(Key("nope"));
    ASSERT_TRUE(missing.ok());
    EXPECT_FALSE(missing->has_value());
}

TEST_F(RedisStackTest, SetsDelAndTtl) {
    const auto key = Key("units");
    auto added = conn_->SAdd(key, {"1100", "1200", "1100"});
    ASSERT_TRUE(added.ok());
    EXPECT_EQ(*added, 2);
    auto members = conn_->SMembers(key);
    ASSERT_TRUE(members.ok());
    std::sort(members->begin(), members->end());
    EXPECT_THAT(*members, ElementsAre("1100", "1200"));
    ASSERT_TRUE(conn_->Set(Key("ttl"), "x", 60s).ok());
    auto pttl = conn_->Command({"PTTL", Key("ttl")});
    ASSERT_TRUE(pttl.ok());
    EXPECT_GT(pttl->integer, 0);
    EXPECT_LE(pttl->integer, 60000);
    auto deleted = conn_->Del({key, Key("ttl"), Key("never-existed")});
    ASSERT_TRUE(deleted.ok());
    EXPECT_EQ(*deleted, 2);
}

TEST_F(RedisStackTest, PipelineSendsManyAndReadsMany) {
    std::vector<Argv> sets;
    std::vector<Argv> gets;
    for (int i = 0; i < 1000; ++i) {
        sets.push_back({"SET", Key("p:" + std::to_string(i)), "v" + std::to_string(i)});
        gets.push_back({"GET", Key("p:" + std::to_string(i))});
    }
    auto set_replies = conn_->Pipeline(sets);
    ASSERT_TRUE(set_replies.ok()) << set_replies.error().ToString();
    ASSERT_EQ(set_replies->size(), 1000U);
    for (const auto& r : *set_replies) EXPECT_EQ(r.str, "OK");
    auto get_replies = conn_->Pipeline(gets);
    ASSERT_TRUE(get_replies.ok());
    ASSERT_EQ(get_replies->size(), 1000U);
    for (int i = 0; i < 1000; ++i) {
        EXPECT_EQ((*get_replies)[static_cast<std::size_t>(i)].str, "v" + std::to_string(i));
    }
}

TEST_F(RedisStackTest, ErrorReplyInAPipelineStaysWithItsCommand) {
    ASSERT_TRUE(conn_->Set(Key("str"), "x").ok());
    auto r = conn_->Pipeline({{"GET", Key("str")}, {"HGETALL", Key("str")}, {"PING"}});
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->size(), 3U);
    EXPECT_EQ((*r)[0].str, "x");
    EXPECT_TRUE((*r)[1].IsError());
    EXPECT_EQ((*r)[2].str, "PONG");
}

TEST_F(RedisStackTest, WrongTypeIsPoisonNotRetryable) {
    ASSERT_TRUE(conn_->Set(Key("str"), "x").ok());
    auto r = conn_->HGetAll(Key("str"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::Errc::kInvalidArgument);
    EXPECT_TRUE(r.error().IsPoison());
    EXPECT_THAT(r.error().message, HasSubstr("WRONGTYPE"));
    // The connection is still good after an error reply.
    EXPECT_TRUE(conn_->Ping().ok());
    EXPECT_EQ(conn_->reconnects(), 0U);
}

TEST_F(RedisStackTest, TransactionAppliesAllOrReportsWhy) {
    auto r = conn_->Transaction({{"SET", Key("a"), "1"}, {"INCR", Key("a")}, {"GET", Key("a")}});
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    ASSERT_EQ(r->size(), 3U);
    EXPECT_EQ((*r)[1].integer, 2);
    EXPECT_EQ((*r)[2].str, "2");
    auto bad = conn_->Transaction({{"SET", Key("b"), "1"}, {"NOSUCHCOMMAND"}});
    ASSERT_FALSE(bad.ok());
    EXPECT_TRUE(bad.error().IsPoison());
    auto b = conn_->Get(Key("b"));
    ASSERT_TRUE(b.ok());
    EXPECT_FALSE(b->has_value()) << "an aborted transaction must not apply any command";
}

TEST_F(RedisStackTest, ScanFindsExactlyThePattern) {
    std::vector<Argv> sets;
    for (int i = 0; i < 120; ++i) sets.push_back({"SET", Key("scan:" + std::to_string(i)), "x"});
    sets.push_back({"SET", Key("other:1"), "x"});
    ASSERT_TRUE(conn_->Pipeline(sets).ok());
    auto keys = conn_->Scan(Key("scan:*"), 10);
    ASSERT_TRUE(keys.ok());
    EXPECT_EQ(keys->size(), 120U);
    for (const auto& k : *keys) EXPECT_EQ(k.rfind(Key("scan:"), 0), 0U) << k;
}

TEST_F(RedisStackTest, NextCommandSucceedsAfterTheConnectionIsKilled) {
    auto id = conn_->Command({"CLIENT", "ID"});
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(conn_->Set(Key("before"), "1").ok());
    Kill(id->integer);
    // The client learns of the loss only on its next command, which it re-sends after
    // reconnecting.
    ASSERT_TRUE(conn_->Set(Key("after"), "2").ok());
    EXPECT_EQ(conn_->reconnects(), 1U);
    auto new_id = conn_->Command({"CLIENT", "ID"});
    ASSERT_TRUE(new_id.ok());
    EXPECT_NE(new_id->integer, id->integer);
    auto after = conn_->Get(Key("after"));
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after->value_or(""), "2");
}

TEST_F(RedisStackTest, PipelineIsResentAfterTheConnectionIsKilled) {
    auto id = conn_->Command({"CLIENT", "ID"});
    ASSERT_TRUE(id.ok());
    Kill(id->integer);
    auto r = conn_->Pipeline({{"SET", Key("x"), "1"}, {"GET", Key("x")}});
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ((*r)[1].str, "1");
}

TEST_F(RedisStackTest, SlowReplyIsATimeout) {
    Options o;
    o.command_timeout = 200ms;
    auto conn = Connection::Open(url_, o);
    ASSERT_TRUE(conn.ok());
    // BLPOP on an empty list blocks this client (only) for one second.
    auto r = conn.value()->Command({"BLPOP", Key("empty-list"), "1"});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::Errc::kTimeout);
    EXPECT_TRUE(r.error().IsRetryable());
    // The connection was dropped (its stream is out of step) and comes back on next use.
    EXPECT_TRUE(conn.value()->broken());
    EXPECT_TRUE(conn.value()->Ping().ok());
}

TEST_F(RedisStackTest, PoolServesConcurrentThreads) {
    auto pool = Pool::Create(url_, {.size = 4, .connection = {}, .checkout_timeout = 10s});
    ASSERT_TRUE(pool.ok()) << pool.error().ToString();
    auto& p = *pool.value();
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 100; ++i) {
                const auto key = Key("pool:" + std::to_string(t) + ":" + std::to_string(i));
                if (!p.HSet(key, {{"t", std::to_string(t)}, {"i", std::to_string(i)}}).ok()) {
                    ++failures;
                    continue;
                }
                auto h = p.HGetAll(key);
                if (!h.ok() || h->at("i") != std::to_string(i)) ++failures;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(p.idle(), 4);
    auto keys = p.Scan(Key("pool:*"));
    ASSERT_TRUE(keys.ok());
    EXPECT_EQ(keys->size(), 800U);
}

TEST_F(RedisStackTest, PoolRecoversWhenEveryConnectionIsKilled) {
    auto pool = Pool::Create(url_, {.size = 3, .connection = {}, .checkout_timeout = 10s});
    ASSERT_TRUE(pool.ok());
    auto& p = *pool.value();
    {
        // Hold all three leases at once so each id belongs to a different connection.
        std::vector<Pool::Lease> leases;
        for (int i = 0; i < 3; ++i) {
            auto lease = p.Acquire();
            ASSERT_TRUE(lease.ok());
            leases.push_back(std::move(lease).value());
        }
        for (auto& lease : leases) {
            auto id = lease->Command({"CLIENT", "ID"});
            ASSERT_TRUE(id.ok());
            Kill(id->integer);
        }
    }
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 20; ++i) {
                if (!p.Set(Key("rk:" + std::to_string(t) + ":" + std::to_string(i)), "v").ok()) {
                    ++failures;
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
}

TEST_F(RedisStackTest, PoolCheckoutTimesOutWhenExhausted) {
    auto pool = Pool::Create(url_, {.size = 1, .connection = {}, .checkout_timeout = 100ms});
    ASSERT_TRUE(pool.ok());
    auto held = pool.value()->Acquire();
    ASSERT_TRUE(held.ok());
    auto r = pool.value()->Ping();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::Errc::kTimeout);
}

}  // namespace
}  // namespace bfu::redis
