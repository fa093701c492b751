#pragma once
// A small Redis client over hiredis: URL parsing, connections that reconnect with exponential
// backoff, binary-safe argv commands, pipelining, a thread-safe pool, and helpers for the
// commands bfu uses. Redis is bfu's cache of unit status; values are written absolutely (HSET of
// the whole state, never HINCRBY), so repeating a write after a lost connection is safe, which
// is why a command whose connection dropped is re-sent once after reconnecting.
//
// Errors (bfu::core::Errc): kUnavailable (cannot connect, connection lost; retryable),
// kTimeout (no reply in time; retryable), kInvalidArgument (Redis answered with an error such
// as WRONGTYPE, or a reply of an unexpected type; poison: repeating will not help),
// kUnavailable also for LOADING/BUSY/MASTERDOWN/TRYAGAIN error replies (transient server state).
//
// Ownership and thread-safety: a Connection belongs to one thread at a time. A Pool owns N
// connections and may be used from any number of threads; each call checks one out.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bfu/core/result.hpp"

struct redisContext;
struct redisReply;

namespace bfu::redis {

using core::Result;
using core::Status;

struct RedisUrl {
    std::string host = "127.0.0.1";
    int port = 6379;
    int db = 0;
    std::string password;  // from "redis://:password@host:port"; never logged

    // redis://[[user]:password@]host[:port][/db]
    [[nodiscard]] static Result<RedisUrl> Parse(std::string_view url);
    // The URL without the password, for logs.
    [[nodiscard]] std::string ToString() const;
};

// One reply, copied out of hiredis so it outlives the connection.
struct Reply {
    enum class Type { kNil, kString, kStatus, kInteger, kArray, kError };
    Type type = Type::kNil;
    std::string str;  // kString, kStatus, kError
    std::int64_t integer = 0;
    std::vector<Reply> elements;  // kArray

    [[nodiscard]] bool IsNil() const noexcept { return type == Type::kNil; }
    [[nodiscard]] bool IsError() const noexcept { return type == Type::kError; }
    // The error class of an error reply (kInvalidArgument or, for transient states,
    // kUnavailable); Ok for every other reply.
    [[nodiscard]] Status AsStatus() const;

    static Reply StringReply(std::string s) { return {Type::kString, std::move(s), 0, {}}; }
    static Reply StatusReply(std::string s) { return {Type::kStatus, std::move(s), 0, {}}; }
    static Reply IntegerReply(std::int64_t v) { return {Type::kInteger, {}, v, {}}; }
    static Reply ArrayReply(std::vector<Reply> v) { return {Type::kArray, {}, 0, std::move(v)}; }
    static Reply ErrorReply(std::string s) { return {Type::kError, std::move(s), 0, {}}; }
    static Reply NilReply() { return {}; }
};

using Argv = std::vector<std::string>;

struct Options {
    std::chrono::milliseconds connect_timeout{2000};
    std::chrono::milliseconds command_timeout{2000};
    // Reconnect backoff: initial * 2^n, capped at max, for up to `reconnect_attempts` tries.
    std::chrono::milliseconds backoff_initial{50};
    std::chrono::milliseconds backoff_max{2000};
    int reconnect_attempts = 6;
    // Re-send a command (or a whole pipeline) once after the connection was lost under it.
    bool resend_after_reconnect = true;
};

// The delay before reconnect attempt `attempt` (0-based): initial * 2^attempt, capped.
[[nodiscard]] std::chrono::milliseconds BackoffDelay(int attempt, std::chrono::milliseconds initial,
                                                     std::chrono::milliseconds max) noexcept;

// The commands and helpers, over anything that can run a command and a pipeline.
class Executor {
public:
    virtual ~Executor() = default;

    // One command. An error reply is returned as an error (see the file comment).
    [[nodiscard]] virtual Result<Reply> Command(const Argv& argv) = 0;
    // Sends every command, then reads every reply, in one round trip. The outer result fails
    // only for connection problems; error replies are kept per command in the vector.
    [[nodiscard]] virtual Result<std::vector<Reply>> Pipeline(
        const std::vector<Argv>& commands) = 0;

    // HSET key f1 v1 f2 v2 ... (absolute field writes); returns the number of new fields.
    Result<std::int64_t> HSet(const std::string& key,
                              const std::vector<std::pair<std::string, std::string>>& fields);
    // Replaces the whole hash atomically (MULTI, DEL, HSET, EXEC): no stale field survives.
    Status ReplaceHash(const std::string& key,
                       const std::vector<std::pair<std::string, std::string>>& fields);
    Result<std::map<std::string, std::string>> HGetAll(const std::string& key);
    Status Set(const std::string& key, const std::string& value,
               std::optional<std::chrono::milliseconds> ttl = std::nullopt);
    Result<std::optional<std::string>> Get(const std::string& key);
    Result<std::int64_t> SAdd(const std::string& key, const std::vector<std::string>& members);
    Result<std::vector<std::string>> SMembers(const std::string& key);
    Result<std::int64_t> Del(const std::vector<std::string>& keys);
    // Every key matching a glob pattern, by SCAN (never KEYS, which blocks the server).
    Result<std::vector<std::string>> Scan(const std::string& pattern, int count_hint = 500);
    // MULTI, the commands, EXEC in one pipeline; returns EXEC's replies. A command Redis refuses
    // when queued aborts the transaction (EXECABORT, kInvalidArgument).
    Result<std::vector<Reply>> Transaction(const std::vector<Argv>& commands);
    Status Ping();
    // Empties the selected database. For tests and the demo reset only.
    Status FlushDb();
};

class Connection final : public Executor {
public:
    // Connects (and AUTH/SELECT as the URL says); kUnavailable if the server cannot be reached.
    [[nodiscard]] static Result<std::unique_ptr<Connection>> Open(const RedisUrl& url,
                                                                  Options options = {});
    ~Connection() override;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    Result<Reply> Command(const Argv& argv) override;
    Result<std::vector<Reply>> Pipeline(const std::vector<Argv>& commands) override;

    // Whether the last operation left the connection unusable (it reconnects on next use).
    [[nodiscard]] bool broken() const noexcept;
    [[nodiscard]] std::uint64_t reconnects() const noexcept { return reconnects_; }
    [[nodiscard]] const RedisUrl& url() const noexcept { return url_; }

private:
    Connection(RedisUrl url, Options options, std::function<void(std::chrono::milliseconds)> sleep);
    Status Connect();
    Status EnsureConnected();
    Result<std::vector<Reply>> SendAndRead(const std::vector<Argv>& commands);
    Result<std::vector<Reply>> RunWithReconnect(const std::vector<Argv>& commands);
    void Drop();

    RedisUrl url_;
    Options options_;
    std::function<void(std::chrono::milliseconds)> sleep_;
    redisContext* ctx_ = nullptr;
    std::uint64_t reconnects_ = 0;
    bool ever_connected_ = false;
};

struct PoolOptions {
    int size = 4;
    Options connection;
    // How long a caller waits for a free connection before kTimeout.
    std::chrono::milliseconds checkout_timeout{5000};
};

class Pool final : public Executor {
public:
    // Opens every connection now, so a bad URL or an unreachable server fails at start-up.
    [[nodiscard]] static Result<std::unique_ptr<Pool>> Create(const RedisUrl& url,
                                                              PoolOptions options = {});
    [[nodiscard]] static Result<std::unique_ptr<Pool>> Create(std::string_view url,
                                                              PoolOptions options = {});

    // A checked-out connection, returned to the pool when the lease ends.
    class Lease {
    public:
        Lease(Pool* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
        Lease(Lease&&) noexcept = default;
        Lease& operator=(Lease&&) = delete;
        ~Lease();
        Connection* operator->() const noexcept { return conn_.get(); }
        Connection& operator*() const noexcept { return *conn_; }

    private:
        Pool* pool_;
        std::unique_ptr<Connection> conn_;
    };

    [[nodiscard]] Result<Lease> Acquire();

    Result<Reply> Command(const Argv& argv) override;
    Result<std::vector<Reply>> Pipeline(const std::vector<Argv>& commands) override;

    [[nodiscard]] int size() const noexcept { return size_; }
    [[nodiscard]] int idle() const;

private:
    Pool(int size, std::chrono::milliseconds checkout_timeout)
        : size_(size), checkout_timeout_(checkout_timeout) {}
    void Return(std::unique_ptr<Connection> conn);

    int size_;
    std::chrono::milliseconds checkout_timeout_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace bfu::redis
