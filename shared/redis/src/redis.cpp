#include "bfu/redis/redis.hpp"

#include <hiredis/hiredis.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <set>
#include <thread>

namespace bfu::redis {

namespace {

using core::Errc;
using core::Error;

timeval ToTimeval(std::chrono::milliseconds ms) {
    timeval tv{};
    tv.tv_sec = static_cast<decltype(tv.tv_sec)>(ms.count() / 1000);
    tv.tv_usec = static_cast<decltype(tv.tv_usec)>((ms.count() % 1000) * 1000);
    return tv;
}

std::optional<int> ParsePositiveInt(std::string_view s) {
    int v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || v < 0) return std::nullopt;
    return v;
}

Reply Convert(const redisReply* r) {
    Reply out;
    switch (r->type) {
        case REDIS_REPLY_STRING:
            out.type = Reply::Type::kString;
            out.str.assign(r->str, r->len);
            break;
        case REDIS_REPLY_STATUS:
            out.type = Reply::Type::kStatus;
            out.str.assign(r->str, r->len);
            break;
        case REDIS_REPLY_ERROR:
            out.type = Reply::Type::kError;
            out.str.assign(r->str, r->len);
            break;
        case REDIS_REPLY_INTEGER:
            out.type = Reply::Type::kInteger;
            out.integer = r->integer;
            break;
        case REDIS_REPLY_ARRAY:
            out.type = Reply::Type::kArray;
            out.elements.reserve(r->elements);
            for (std::size_t i = 0; i < r->elements; ++i)
                out.elements.push_back(Convert(r->element[i]));
            break;
        default:
            out.type = Reply::Type::kNil;
            break;
    }
    return out;
}

Error Unexpected(std::string_view what, const Reply& r) {
    if (r.IsError()) return r.AsStatus().error();
    return {Errc::kInvalidArgument, std::string(what),
            "unexpected Redis reply type " + std::to_string(static_cast<int>(r.type))};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// URL, reply, backoff

Result<RedisUrl> RedisUrl::Parse(std::string_view url) {
    constexpr std::string_view kScheme = "redis://";
    auto bad = [&](const std::string& why) {
        return Error(Errc::kConfig, "redis.url",
                     "'" + std::string(url) + "' is not redis://host:port[/db]: " + why);
    };
    if (url.rfind(kScheme, 0) != 0) return bad("it must start with redis://");
    std::string_view rest = url.substr(kScheme.size());
    RedisUrl out;
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
        const auto userinfo = rest.substr(0, at);
        const auto colon = userinfo.find(':');
        out.password =
            std::string(colon == std::string_view::npos ? userinfo : userinfo.substr(colon + 1));
        rest = rest.substr(at + 1);
    }
    std::string_view db_part;
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
        db_part = rest.substr(slash + 1);
        rest = rest.substr(0, slash);
    }
    std::string_view host = rest;
    if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
        host = rest.substr(0, colon);
        auto port = ParsePositiveInt(rest.substr(colon + 1));
        if (!port || *port == 0 || *port > 65535) return bad("the port must be 1..65535");
        out.port = *port;
    }
    if (host.empty()) return bad("the host is empty");
    out.host = std::string(host);
    if (!db_part.empty()) {
        auto db = ParsePositiveInt(db_part);
        if (!db) return bad("the database must be a number");
        out.db = *db;
    }
    return out;
}

std::string RedisUrl::ToString() const {
    std::string s = "redis://" + host + ":" + std::to_string(port);
    if (db != 0) s += "/" + std::to_string(db);
    return s;
}

Status Reply::AsStatus() const {
    if (type != Type::kError) return core::Ok();
    // Transient server states: worth retrying later. Everything else (WRONGTYPE, ERR syntax,
    // EXECABORT, ...) will fail the same way again.
    for (std::string_view transient :
         {"LOADING", "BUSY", "TRYAGAIN", "MASTERDOWN", "CLUSTERDOWN"}) {
        if (str.rfind(transient, 0) == 0) return Error(Errc::kUnavailable, "redis", str);
    }
    return Error(Errc::kInvalidArgument, "redis", str);
}

std::chrono::milliseconds BackoffDelay(int attempt, std::chrono::milliseconds initial,
                                       std::chrono::milliseconds max) noexcept {
    auto delay = initial;
    for (int i = 0; i < attempt && delay < max; ++i) delay *= 2;
    return std::min(delay, max);
}

// ---------------------------------------------------------------------------------------------
// Connection

Connection::Connection(RedisUrl url, Options options,
                       std::function<void(std::chrono::milliseconds)> sleep)
    : url_(std::move(url)), options_(options), sleep_(std::move(sleep)) {}

Connection::~Connection() { Drop(); }

Result<std::unique_ptr<Connection>> Connection::Open(const RedisUrl& url, Options options) {
    std::unique_ptr<Connection> conn(new Connection(
        url, options, [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }));
    // The first connection is tried once: an unreachable server at start-up is reported at
    // once rather than after a round of backoff.
    BFU_TRY(conn->Connect());
    return conn;
}

void Connection::Drop() {
    if (ctx_ != nullptr) {
        redisFree(ctx_);
        ctx_ = nullptr;
    }
}

bool Connection::broken() const noexcept { return ctx_ == nullptr || ctx_->err != 0; }

Status Connection::Connect() {
    Drop();
    ctx_ =
        redisConnectWithTimeout(url_.host.c_str(), url_.port, ToTimeval(options_.connect_timeout));
    if (ctx_ == nullptr || ctx_->err != 0) {
        std::string why = ctx_ != nullptr ? ctx_->errstr : "out of memory";
        Drop();
        return Error(Errc::kUnavailable, "redis",
                     "cannot connect to " + url_.ToString() + ": " + why +
                         " (is Redis running? `ops/stack up` starts it)");
    }
    redisSetTimeout(ctx_, ToTimeval(options_.command_timeout));
    redisEnableKeepAlive(ctx_);
    std::vector<Argv> setup;
    if (!url_.password.empty()) setup.push_back({"AUTH", url_.password});
    if (url_.db != 0) setup.push_back({"SELECT", std::to_string(url_.db)});
    if (!setup.empty()) {
        auto replies = SendAndRead(setup);
        if (!replies.ok()) return std::move(replies).error();
        for (const auto& r : replies.value()) {
            if (r.IsError()) {
                Drop();
                return Error(Errc::kConfig, "redis.url",
                             "Redis refused AUTH/SELECT for " + url_.ToString() + ": " + r.str);
            }
        }
    }
    if (ever_connected_) ++reconnects_;
    ever_connected_ = true;
    return core::Ok();
}

Status Connection::EnsureConnected() {
    if (!broken()) return core::Ok();
    Status last = Error(Errc::kUnavailable, "redis", "not connected");
    for (int attempt = 0; attempt < options_.reconnect_attempts; ++attempt) {
        if (attempt > 0) {
            sleep_(BackoffDelay(attempt - 1, options_.backoff_initial, options_.backoff_max));
        }
        last = Connect();
        if (last.ok() || last.error().code == Errc::kConfig) return last;
    }
    return last;
}

Result<std::vector<Reply>> Connection::SendAndRead(const std::vector<Argv>& commands) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    for (const auto& cmd : commands) {
        argv.clear();
        lens.clear();
        for (const auto& a : cmd) {
            argv.push_back(a.data());
            lens.push_back(a.size());
        }
        if (redisAppendCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), lens.data()) !=
            REDIS_OK) {
            Drop();
            return Error(Errc::kInternal, "redis", "cannot encode command (out of memory)");
        }
    }
    std::vector<Reply> replies;
    replies.reserve(commands.size());
    for (std::size_t i = 0; i < commands.size(); ++i) {
        void* raw = nullptr;
        errno = 0;
        if (redisGetReply(ctx_, &raw) != REDIS_OK || raw == nullptr) {
            const int saved_errno = errno;
            const int err = ctx_->err;
            const std::string why = ctx_->errstr;
            // The stream is out of step with the commands now: never reuse it.
            Drop();
            if (err == REDIS_ERR_IO && (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK)) {
                return Error(Errc::kTimeout, "redis",
                             "no reply from " + url_.ToString() + " within " +
                                 std::to_string(options_.command_timeout.count()) + " ms");
            }
            return Error(Errc::kUnavailable, "redis",
                         "connection to " + url_.ToString() + " lost: " + why);
        }
        auto* reply = static_cast<redisReply*>(raw);
        replies.push_back(Convert(reply));
        freeReplyObject(reply);
    }
    return replies;
}

Result<std::vector<Reply>> Connection::RunWithReconnect(const std::vector<Argv>& commands) {
    BFU_TRY(EnsureConnected());
    auto result = SendAndRead(commands);
    // Lost under us (server restart, CLIENT KILL, idle timeout): reconnect and send again once.
    // A timeout is not re-sent: the server may still be working on it.
    if (!result.ok() && result.error().code == Errc::kUnavailable &&
        options_.resend_after_reconnect) {
        BFU_TRY(EnsureConnected());
        result = SendAndRead(commands);
    }
    return result;
}

Result<Reply> Connection::Command(const Argv& argv) {
    if (argv.empty()) return Error(Errc::kInvalidArgument, "redis", "empty command");
    auto replies = RunWithReconnect({argv});
    if (!replies.ok()) return std::move(replies).error();
    auto& reply = replies.value().front();
    if (reply.IsError()) {
        auto e = reply.AsStatus().error();
        e.message = argv.front() + ": " + e.message;
        return e;
    }
    return std::move(reply);
}

Result<std::vector<Reply>> Connection::Pipeline(const std::vector<Argv>& commands) {
    if (commands.empty()) return std::vector<Reply>{};
    for (const auto& c : commands) {
        if (c.empty()) return Error(Errc::kInvalidArgument, "redis", "empty command in pipeline");
    }
    return RunWithReconnect(commands);
}

// ---------------------------------------------------------------------------------------------
// Pool

Result<std::unique_ptr<Pool>> Pool::Create(std::string_view url, PoolOptions options) {
    auto parsed = RedisUrl::Parse(url);
    if (!parsed.ok()) return std::move(parsed).error();
    return Create(parsed.value(), options);
}

Result<std::unique_ptr<Pool>> Pool::Create(const RedisUrl& url, PoolOptions options) {
    if (options.size < 1) return Error(Errc::kConfig, "redis.pool_size", "must be at least 1");
    std::unique_ptr<Pool> pool(new Pool(options.size, options.checkout_timeout));
    for (int i = 0; i < options.size; ++i) {
        auto conn = Connection::Open(url, options.connection);
        if (!conn.ok()) return std::move(conn).error();
        pool->idle_.push_back(std::move(conn).value());
    }
    return pool;
}

Pool::Lease::~Lease() {
    if (conn_) pool_->Return(std::move(conn_));
}

void Pool::Return(std::unique_ptr<Connection> conn) {
    {
        std::lock_guard lock(mu_);
        idle_.push_back(std::move(conn));
    }
    cv_.notify_one();
}

int Pool::idle() const {
    std::lock_guard lock(mu_);
    return static_cast<int>(idle_.size());
}

Result<Pool::Lease> Pool::Acquire() {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, checkout_timeout_, [&] { return !idle_.empty(); })) {
        return Error(Errc::kTimeout, "redis",
                     "no free connection in the pool of " + std::to_string(size_) + " within " +
                         std::to_string(checkout_timeout_.count()) + " ms");
    }
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(conn));
}

Result<Reply> Pool::Command(const Argv& argv) {
    auto lease = Acquire();
    if (!lease.ok()) return std::move(lease).error();
    return lease.value()->Command(argv);
}

Result<std::vector<Reply>> Pool::Pipeline(const std::vector<Argv>& commands) {
    auto lease = Acquire();
    if (!lease.ok()) return std::move(lease).error();
    return lease.value()->Pipeline(commands);
}

// ---------------------------------------------------------------------------------------------
// Helpers

Result<std::int64_t> Executor::HSet(
    const std::string& key, const std::vector<std::pair<std::string, std::string>>& fields) {
    if (fields.empty()) return std::int64_t{0};
    Argv argv{"HSET", key};
    for (const auto& [f, v] : fields) {
        argv.push_back(f);
        argv.push_back(v);
    }
    auto r = Command(argv);
    if (!r.ok()) return std::move(r).error();
    if (r.value().type != Reply::Type::kInteger) return Unexpected("HSET", r.value());
    return r.value().integer;
}

Status Executor::ReplaceHash(const std::string& key,
                             const std::vector<std::pair<std::string, std::string>>& fields) {
    std::vector<Argv> cmds{{"DEL", key}};
    if (!fields.empty()) {
        Argv hset{"HSET", key};
        for (const auto& [f, v] : fields) {
            hset.push_back(f);
            hset.push_back(v);
        }
        cmds.push_back(std::move(hset));
    }
    auto r = Transaction(cmds);
    if (!r.ok()) return std::move(r).error();
    for (const auto& reply : r.value()) BFU_TRY(reply.AsStatus());
    return core::Ok();
}

Result<std::map<std::string, std::string>> Executor::HGetAll(const std::string& key) {
    auto r = Command({"HGETALL", key});
    if (!r.ok()) return std::move(r).error();
    const auto& reply = r.value();
    if (reply.type != Reply::Type::kArray || reply.elements.size() % 2 != 0) {
        return Unexpected("HGETALL", reply);
    }
    std::map<std::string, std::string> out;
    for (std::size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
        out[reply.elements[i].str] = reply.elements[i + 1].str;
    }
    return out;
}

Status Executor::Set(const std::string& key, const std::string& value,
                     std::optional<std::chrono::milliseconds> ttl) {
    Argv argv{"SET", key, value};
    if (ttl) {
        argv.emplace_back("PX");
        argv.push_back(std::to_string(ttl->count()));
    }
    auto r = Command(argv);
    if (!r.ok()) return std::move(r).error();
    if (r.value().type != Reply::Type::kStatus) return Unexpected("SET", r.value());
    return core::Ok();
}

Result<std::optional<std::string>> Executor::Get(const std::string& key) {
    auto r = Command({"GET", key});
    if (!r.ok()) return std::move(r).error();
    if (r.value().IsNil()) return std::optional<std::string>();
    if (r.value().type != Reply::Type::kString) return Unexpected("GET", r.value());
    return std::optional<std::string>(std::move(r.value().str));
}

Result<std::int64_t> Executor::SAdd(const std::string& key,
                                    const std::vector<std::string>& members) {
    if (members.empty()) return std::int64_t{0};
    Argv argv{"SADD", key};
    argv.insert(argv.end(), members.begin(), members.end());
    auto r = Command(argv);
    if (!r.ok()) return std::move(r).error();
    if (r.value().type != Reply::Type::kInteger) return Unexpected("SADD", r.value());
    return r.value().integer;
}

Result<std::vector<std::string>> Executor::SMembers(const std::string& key) {
    auto r = Command({"SMEMBERS", key});
    if (!r.ok()) return std::move(r).error();
    if (r.value().type != Reply::Type::kArray) return Unexpected("SMEMBERS", r.value());
    std::vector<std::string> out;
    for (auto& e : r.value().elements) out.push_back(std::move(e.str));
    return out;
}

Result<std::int64_t> Executor::Del(const std::vector<std::string>& keys) {
    if (keys.empty()) return std::int64_t{0};
    Argv argv{"DEL"};
    argv.insert(argv.end(), keys.begin(), keys.end());
    auto r = Command(argv);
    if (!r.ok()) return std::move(r).error();
    if (r.value().type != Reply::Type::kInteger) return Unexpected("DEL", r.value());
    return r.value().integer;
}

Result<std::vector<std::string>> Executor::Scan(const std::string& pattern, int count_hint) {
    // SCAN may return a key more than once; a set keeps each once (and sorted).
    std::set<std::string> keys;
    std::string cursor = "0";
    do {
        auto r = Command({"SCAN", cursor, "MATCH", pattern, "COUNT", std::to_string(count_hint)});
        if (!r.ok()) return std::move(r).error();
        auto& reply = r.value();
        if (reply.type != Reply::Type::kArray || reply.elements.size() != 2 ||
            reply.elements[1].type != Reply::Type::kArray) {
            return Unexpected("SCAN", reply);
        }
        cursor = reply.elements[0].str;
        for (auto& k : reply.elements[1].elements) keys.insert(std::move(k.str));
    } while (cursor != "0");
    return std::vector<std::string>(keys.begin(), keys.end());
}

Result<std::vector<Reply>> Executor::Transaction(const std::vector<Argv>& commands) {
    std::vector<Argv> all;
    all.reserve(commands.size() + 2);
    all.push_back({"MULTI"});
    all.insert(all.end(), commands.begin(), commands.end());
    all.push_back({"EXEC"});
    auto r = Pipeline(all);
    if (!r.ok()) return std::move(r).error();
    auto& replies = r.value();
    if (replies.size() != all.size()) {
        return Error(Errc::kInternal, "redis", "MULTI/EXEC reply count mismatch");
    }
    // A command refused while queueing says why; EXEC then only says EXECABORT.
    for (std::size_t i = 0; i + 1 < replies.size(); ++i) {
        if (replies[i].IsError()) {
            auto e = replies[i].AsStatus().error();
            e.message = "transaction aborted: " + e.message;
            return e;
        }
    }
    auto& exec = replies.back();
    if (exec.IsError()) return exec.AsStatus().error();
    if (exec.IsNil()) {
        return Error(Errc::kFailedPrecondition, "redis", "transaction aborted by a WATCHed key");
    }
    if (exec.type != Reply::Type::kArray) return Unexpected("EXEC", exec);
    return std::move(exec.elements);
}

Status Executor::Ping() {
    auto r = Command({"PING"});
    if (!r.ok()) return std::move(r).error();
    if (r.value().str != "PONG") return Unexpected("PING", r.value());
    return core::Ok();
}

Status Executor::FlushDb() {
    auto r = Command({"FLUSHDB"});
    if (!r.ok()) return std::move(r).error();
    return core::Ok();
}

}  // namespace bfu::redis
