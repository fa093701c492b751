// No I/O: URL parsing, backoff, error classes, and the helpers' commands and reply decoding
// against a scripted Executor.
#include "bfu/redis/redis.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>

namespace bfu::redis {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;

TEST(RedisUrl, ParsesHostPortAndDb) {
    auto u = RedisUrl::Parse("redis://127.0.0.1:16379/2");
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u->host, "127.0.0.1");
    EXPECT_EQ(u->port, 16379);
    EXPECT_EQ(u->db, 2);
    EXPECT_EQ(u->ToString(), "redis://127.0.0.1:16379/2");
}

TEST(RedisUrl, DefaultsPortAndDb) {
    auto u = RedisUrl::Parse("redis://cache.local");
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u->port, 6379);
    EXPECT_EQ(u->db, 0);
}

TEST(RedisUrl, PasswordIsParsedButNeverPrinted) {
    auto u = RedisUrl::Parse("redis://:s3cret@h:1");
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u->password, "s3cret");
    EXPECT_EQ(u->ToString().find("s3cret"), std::string::npos);
    auto with_user = RedisUrl::Parse("redis://default:pw@h:1/0");
    ASSERT_TRUE(with_user.ok());
    EXPECT_EQ(with_user->password, "pw");
}

TEST(RedisUrl, MalformedUrlsAreConfigErrors) {
    for (const char* bad : {"http://h:1", "redis://", "redis://h:0", "redis://h:70000",
                            "redis://h:port", "redis://h:1/x", "redis://:1"}) {
        auto u = RedisUrl::Parse(bad);
        ASSERT_FALSE(u.ok()) << bad;
        EXPECT_EQ(u.error().code, core::Errc::kConfig) << bad;
        EXPECT_EQ(u.error().field, "redis.url");
    }
}

TEST(Backoff, DoublesAndCaps) {
    EXPECT_EQ(BackoffDelay(0, 50ms, 2000ms), 50ms);
    EXPECT_EQ(BackoffDelay(1, 50ms, 2000ms), 100ms);
    EXPECT_EQ(BackoffDelay(3, 50ms, 2000ms), 400ms);
    EXPECT_EQ(BackoffDelay(6, 50ms, 2000ms), 2000ms);
    EXPECT_EQ(BackoffDelay(60, 50ms, 2000ms), 2000ms);
}

TEST(Reply, ErrorRepliesAreClassed) {
    EXPECT_TRUE(Reply::StringReply("x").AsStatus().ok());
    auto wrongtype =
        Reply::ErrorReply("WRONGTYPE Operation against a key holding the wrong kind of value")
            .AsStatus();
    ASSERT_FALSE(wrongtype.ok());
    EXPECT_EQ(wrongtype.error().code, core::Errc::kInvalidArgument);
    EXPECT_TRUE(wrongtype.error().IsPoison());
    auto loading = Reply::ErrorReply("LOADING Redis is loading the dataset").AsStatus();
    ASSERT_FALSE(loading.ok());
    EXPECT_TRUE(loading.error().IsRetryable());
}

// Records every command and answers from a script.
class ScriptedExecutor : public Executor {
public:
    std::vector<Argv> sent;
    std::deque<Reply> replies;

    Result<Reply> Command(const Argv& argv) override {
        sent.push_back(argv);
        Reply r = Next();
        if (r.IsError()) return r.AsStatus().error();
        return r;
    }
    Result<std::vector<Reply>> Pipeline(const std::vector<Argv>& commands) override {
        std::vector<Reply> out;
        for (const auto& c : commands) {
            sent.push_back(c);
            out.push_back(Next());
        }
        return out;
    }

private:
    Reply Next() {
        if (replies.empty()) return Reply::ErrorReply("ERR script exhausted");
        Reply r = std::move(replies.front());
        replies.pop_front();
        return r;
    }
};

TEST(Helpers, HSetSendsFieldValuePairs) {
    ScriptedExecutor ex;
    ex.replies.push_back(Reply::IntegerReply(2));
    auto r = ex.HSet("bfu:unit:1100", {{"status", "red"}, {"outcome", "123400"}});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, 2);
    EXPECT_THAT(ex.sent,
                ElementsAre(Argv{"HSET", "bfu:unit:1100", "status", "red", "outcome", "123400"}));
    auto none = ex.HSet("k", {});
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(ex.sent.size(), 1U);  // nothing sent for no fields
}

TEST(Helpers, ReplaceHashIsOneTransaction) {
    ScriptedExecutor ex;
    ex.replies = {Reply::StatusReply("OK"), Reply::StatusReply("QUEUED"),
                  Reply::StatusReply("QUEUED"),
                  Reply::ArrayReply({Reply::IntegerReply(1), Reply::IntegerReply(1)})};
    ASSERT_TRUE(ex.ReplaceHash("h", {{"a", "1"}}).ok());
    EXPECT_THAT(ex.sent, ElementsAre(Argv{"MULTI"}, Argv{"DEL", "h"}, Argv{"HSET", "h", "a", "1"},
                                     Argv{"EXEC"}));
}

TEST(Helpers, HGetAllBuildsAMap) {
    ScriptedExecutor ex;
    ex.replies.push_back(
        Reply::ArrayReply({Reply::StringReply("status"), Reply::StringReply("red"),
                           Reply::StringReply("bin"), Reply::StringReply(std::string("a\0b", 3))}));
    auto r = ex.HGetAll("h");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->at("status"), "red");
    EXPECT_EQ(r->at("bin"), std::string("a\0b", 3));
}

TEST(Helpers, WrongReplyTypeIsPoison) {
    ScriptedExecutor ex;
    ex.replies.push_back(Reply::IntegerReply(7));
    auto r = ex.HGetAll("h");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::Errc::kInvalidArgument);
    ex.replies.push_back(
        Reply::ErrorReply("WRONGTYPE Operation against a key holding the wrong kind of value"));
    auto g = ex.Get("h");
    ASSERT_FALSE(g.ok());
    EXPECT_TRUE(g.error().IsPoison());
}

TEST(Helpers, GetDistinguishesNilFromEmpty) {
    ScriptedExecutor ex;
    ex.replies = {Reply::NilReply(), Reply::StringReply("")};
    auto missing = ex.Get("a");
    ASSERT_TRUE(missing.ok());
    EXPECT_FALSE(missing->has_value());
    auto empty = ex.Get("b");
    ASSERT_TRUE(empty.ok());
    ASSERT_TRUE(empty->has_value());
    EXPECT_EQ(**empty, "");
}

TEST(Helpers, SetWithTtlUsesPx) {
    ScriptedExecutor ex;
    ex.replies.push_back(Reply::StatusReply("OK"));
    ASSERT_TRUE(ex.Set("k", "v", 1500ms).ok());
    EXPECT_THAT(ex.sent, ElementsAre(Argv{"SET", "k", "v", "PX", "1500"}));
}

TEST(Helpers, ScanFollowsTheCursorAndDeduplicates) {
    ScriptedExecutor ex;
    ex.replies = {
        Reply::ArrayReply(
            {Reply::StringReply("17"),
             Reply::ArrayReply({Reply::StringReply("u:2"), Reply::StringReply("u:1")})}),
        Reply::ArrayReply(
            {Reply::StringReply("0"),
             Reply::ArrayReply({Reply::StringReply("u:1"), Reply::StringReply("u:3")})}),
    };
    auto r = ex.Scan("u:*", 10);
    ASSERT_TRUE(r.ok());
    EXPECT_THAT(*r, ElementsAre("u:1", "u:2", "u:3"));
    ASSERT_EQ(ex.sent.size(), 2U);
    EXPECT_EQ(ex.sent[0], (Argv{"SCAN", "0", "MATCH", "u:*", "COUNT", "10"}));
    EXPECT_EQ(ex.sent[1][1], "17");
}

TEST(Helpers, TransactionReportsTheQueuedErrorNotJustExecAbort) {
    ScriptedExecutor ex;
    ex.replies = {Reply::StatusReply("OK"), Reply::ErrorReply("ERR unknown command 'NOPE'"),
                  Reply::ErrorReply("EXECABORT Transaction discarded because of previous errors.")};
    auto r = ex.Transaction({{"NOPE"}});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::Errc::kInvalidArgument);
    EXPECT_THAT(r.error().message, ::testing::HasSubstr("unknown command"));
}

TEST(Helpers, EmptyInputsSendNothing) {
    ScriptedExecutor ex;
    ASSERT_TRUE(ex.SAdd("s", {}).ok());
    ASSERT_TRUE(ex.Del({}).ok());
    EXPECT_TRUE(ex.sent.empty());
}

}  // namespace
}  // namespace bfu::redis
