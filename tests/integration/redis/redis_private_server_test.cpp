// Against a private redis-server this test starts and stops itself (never the shared stack's),
// for what cannot be done to a shared server: a real server restart, an outage longer than the
// reconnect budget, and FLUSHDB.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "bfu/redis/redis.hpp"
#include "support/ports.hpp"

namespace bfu::redis {
namespace {

using namespace std::chrono_literals;
using bfu::testing::FreePort;
using ::testing::HasSubstr;

// A redis-server child process on a given port, without persistence.
class PrivateRedis {
public:
    explicit PrivateRedis(int port) : port_(port) {}
    ~PrivateRedis() { Stop(); }

    // Starts the server and waits (polling, with a deadline) until it answers.
    bool Start() {
        pid_ = ::fork();
        if (pid_ == 0) {
            const std::string port = std::to_string(port_);
            ::execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1",
                     "--save", "", "--appendonly", "no", "--loglevel", "warning",
                     static_cast<char*>(nullptr));
            ::_exit(127);
        }
        if (pid_ < 0) return false;
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (std::chrono::steady_clock::now() < deadline) {
            RedisUrl url;
            url.port = port_;
            Options o;
            o.connect_timeout = 200ms;
            if (Connection::Open(url, o).ok()) return true;
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return false;  // exited: not installed, or the port is taken
            }
            std::this_thread::sleep_for(20ms);
        }
        return false;
    }
    void Stop() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }
    [[nodiscard]] RedisUrl Url() const {
        RedisUrl url;
        url.port = port_;
        return url;
    }

private:
    int port_;
    pid_t pid_ = -1;
};

TEST(RedisPrivateServer, CommandSucceedsAfterTheServerRestarts) {
    PrivateRedis server(FreePort());
    ASSERT_TRUE(server.Start()) << "redis-server did not start (ops/setup installs it)";
    auto conn = Connection::Open(server.Url());
    ASSERT_TRUE(conn.ok()) << conn.error().ToString();
    ASSERT_TRUE(conn.value()->Set("k", "before").ok());
    server.Stop();
    ASSERT_TRUE(server.Start());
    // The data is gone (no persistence) but the connection is back.
    ASSERT_TRUE(conn.value()->Set("k", "after").ok());
    EXPECT_EQ(conn.value()->reconnects(), 1U);
    auto v = conn.value()->Get("k");
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v->value_or(""), "after");
}

TEST(RedisPrivateServer, OutageLongerThanTheBackoffBudgetIsUnavailable) {
    PrivateRedis server(FreePort());
    ASSERT_TRUE(server.Start());
    Options o;
    o.reconnect_attempts = 3;
    o.backoff_initial = 10ms;
    o.backoff_max = 40ms;
    auto conn = Connection::Open(server.Url(), o);
    ASSERT_TRUE(conn.ok());
    server.Stop();
    auto r = conn.value()->Ping();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::Errc::kUnavailable);
    EXPECT_TRUE(r.error().IsRetryable());
    EXPECT_THAT(r.error().message, HasSubstr("cannot connect"));
    // Once the server is back, the same connection object works again.
    ASSERT_TRUE(server.Start());
    EXPECT_TRUE(conn.value()->Ping().ok());
}

TEST(RedisPrivateServer, UnreachableServerFailsAtOpen) {
    RedisUrl url;
    url.port = FreePort();
    auto conn = Connection::Open(url);
    ASSERT_FALSE(conn.ok());
    EXPECT_EQ(conn.error().code, core::Errc::kUnavailable);
    EXPECT_THAT(conn.error().message, HasSubstr("ops/stack up"));
    auto pool = Pool::Create(url.ToString());
    ASSERT_FALSE(pool.ok());
    EXPECT_EQ(pool.error().code, core::Errc::kUnavailable);
}

TEST(RedisPrivateServer, FlushDbEmptiesOnlyTheSelectedDatabase) {
    PrivateRedis server(FreePort());
    ASSERT_TRUE(server.Start());
    auto db0 = Connection::Open(server.Url());
    RedisUrl url3 = server.Url();
    url3.db = 3;
    auto db3 = Connection::Open(url3);
    ASSERT_TRUE(db0.ok());
    ASSERT_TRUE(db3.ok());
    ASSERT_TRUE(db0.value()->Set("keep", "0").ok());
    ASSERT_TRUE(db3.value()->Set("drop", "3").ok());
    ASSERT_TRUE(db3.value()->FlushDb().ok());
    auto dropped = db3.value()->Get("drop");
    ASSERT_TRUE(dropped.ok());
    EXPECT_FALSE(dropped->has_value());
    auto kept = db0.value()->Get("keep");
    ASSERT_TRUE(kept.ok());
    EXPECT_EQ(kept->value_or(""), "0");
}

}  // namespace
}  // namespace bfu::redis
