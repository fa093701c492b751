// The service lifecycle, run in a forked child so that the signal mask and SIGTERM affect only
// the child: components start in order and stop in reverse on SIGTERM; a failing start stops
// what had started and exits 1; configuration errors exit 2 naming the key.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <functional>
#include <sstream>
#include <thread>

#include "bfu/runtime/app.hpp"
#include "http_client.hpp"

namespace bfu::runtime {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Writes one line per lifecycle event to a pipe the parent reads.
class Recorder : public Component {
public:
    Recorder(std::string name, int fd, Context* ctx = nullptr, bool fail_start = false,
             bool ready = true)
        : name_(std::move(name)), fd_(fd), ctx_(ctx), fail_start_(fail_start), ready_(ready) {}
    std::string Name() const override { return name_; }
    void Start() override {
        if (fail_start_) throw std::runtime_error(name_ + " cannot start");
        Write("start:" + name_);
        if (ctx_ != nullptr) Write("port:" + std::to_string(ctx_->http().port()));
    }
    void Stop() override { Write("stop:" + name_); }
    bool Ready() const override { return ready_; }

private:
    void Write(const std::string& s) const {
        const std::string line = s + "\n";
        [[maybe_unused]] auto n = ::write(fd_, line.data(), line.size());
    }
    std::string name_;
    int fd_;
    Context* ctx_;
    bool fail_start_;
    bool ready_;
};

struct Child {
    pid_t pid = -1;
    int read_fd = -1;
    std::string buffered;

    // Next line from the child, or "" when the deadline passes or the pipe closes.
    std::string ReadLine(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (true) {
            if (auto nl = buffered.find('\n'); nl != std::string::npos) {
                auto line = buffered.substr(0, nl);
                buffered.erase(0, nl + 1);
                return line;
            }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return "";
            pollfd p{read_fd, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return "";
            char buf[256];
            const auto n = ::read(read_fd, buf, sizeof buf);
            if (n <= 0) return "";
            buffered.append(buf, static_cast<std::size_t>(n));
        }
    }
    std::vector<std::string> ReadAll() {
        std::vector<std::string> out;
        for (auto line = ReadLine(); !line.empty(); line = ReadLine()) out.push_back(line);
        return out;
    }
    int Wait() {
        int status = 0;
        ::waitpid(pid, &status, 0);
        ::close(read_fd);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
};

// Forks; the child builds App from `make(write_fd)` and _exits with Run's result.
Child Spawn(const std::function<AppOptions(int write_fd)>& make, std::vector<std::string> args) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe");
    const pid_t pid = ::fork();
    // Never go on with pid -1: kill(-1, ...) would signal every process we may signal.
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::close(fds[0]);
        int code = 99;
        try {
            App app(make(fds[1]));
            code = app.Run(args);
        } catch (...) {
            code = 98;
        }
        ::close(fds[1]);
        ::_exit(code);
    }
    ::close(fds[1]);
    return Child{pid, fds[0], {}};
}

// Polls until `path` answers `status`, within a deadline.
bool PollStatus(std::uint16_t port, const std::string& path, int status) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        if (testing::Get(port, path).status == status) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}

AppOptions Base(std::ostream* sink) {
    AppOptions o;
    o.service = "lifecycle";
    o.out = sink;
    o.err = sink;
    o.env = config::MapEnv({{"BFU_LOG_LEVEL", "error"}});
    return o;
}

TEST(AppLifecycle, SigtermStopsComponentsInReverseOrderAndExitsZero) {
    std::ostringstream sink;
    auto child = Spawn(
        [&](int fd) {
            auto o = Base(&sink);
            o.wire = [fd](Context& ctx) {
                ctx.Emplace<Recorder>("a", fd, &ctx);
                ctx.Emplace<Recorder>("b", fd);
                ctx.Emplace<Recorder>("c", fd);
            };
            return o;
        },
        {});
    std::vector<std::string> events;
    events.push_back(child.ReadLine());
    const auto port_line = child.ReadLine();
    ASSERT_EQ(port_line.rfind("port:", 0), 0U) << port_line;
    const auto port = static_cast<std::uint16_t>(std::stoi(port_line.substr(5)));
    events.push_back(child.ReadLine());
    events.push_back(child.ReadLine());
    // Every component has started; the service answers on its HTTP port and becomes ready
    // (a component reports its start just before App counts it as started, hence the poll).
    EXPECT_EQ(testing::Get(port, "/healthz").status, 200);
    EXPECT_TRUE(PollStatus(port, "/readyz", 200));
    ASSERT_GT(child.pid, 0);
    ASSERT_EQ(::kill(child.pid, SIGTERM), 0);
    for (auto& e : child.ReadAll()) events.push_back(e);
    EXPECT_EQ(child.Wait(), kExitOk);
    EXPECT_THAT(events, ElementsAre("start:a", "start:b", "start:c", "stop:c", "stop:b", "stop:a"));
}

TEST(AppLifecycle, SigintAlsoShutsDownCleanly) {
    std::ostringstream sink;
    auto child = Spawn(
        [&](int fd) {
            auto o = Base(&sink);
            o.wire = [fd](Context& ctx) { ctx.Emplace<Recorder>("only", fd); };
            return o;
        },
        {});
    ASSERT_EQ(child.ReadLine(), "start:only");
    ::kill(child.pid, SIGINT);
    EXPECT_THAT(child.ReadAll(), ElementsAre("stop:only"));
    EXPECT_EQ(child.Wait(), kExitOk);
}

TEST(AppLifecycle, NotReadyComponentIsNamedByReadyz) {
    std::ostringstream sink;
    auto child = Spawn(
        [&](int fd) {
            auto o = Base(&sink);
            o.wire = [fd](Context& ctx) {
                ctx.Emplace<Recorder>("web", fd, &ctx);
                ctx.Emplace<Recorder>("kafka-consumer", fd, nullptr, false, /*ready=*/false);
            };
            return o;
        },
        {});
    ASSERT_EQ(child.ReadLine(), "start:web");
    const auto port = static_cast<std::uint16_t>(std::stoi(child.ReadLine().substr(5)));
    ASSERT_EQ(child.ReadLine(), "start:kafka-consumer");
    // /readyz stays 503 for as long as kafka-consumer is not ready.
    ASSERT_TRUE(PollStatus(port, "/healthz", 200));
    auto r = testing::Get(port, "/readyz");
    EXPECT_EQ(r.status, 503);
    EXPECT_THAT(r.body, HasSubstr("kafka-consumer"));
    EXPECT_THAT(r.body, ::testing::Not(HasSubstr("web")));
    ::kill(child.pid, SIGTERM);
    (void)child.ReadAll();
    EXPECT_EQ(child.Wait(), kExitOk);
}

TEST(AppLifecycle, FailingStartStopsWhatStartedAndExitsOne) {
    std::ostringstream sink;
    auto child = Spawn(
        [&](int fd) {
            auto o = Base(&sink);
            o.wire = [fd](Context& ctx) {
                ctx.Emplace<Recorder>("a", fd);
                ctx.Emplace<Recorder>("b", fd, nullptr, /*fail_start=*/true);
                ctx.Emplace<Recorder>("c", fd);
            };
            return o;
        },
        {});
    EXPECT_THAT(child.ReadAll(), ElementsAre("start:a", "stop:a"));
    EXPECT_EQ(child.Wait(), kExitFatal);
}

class FatalWorker : public Component {
public:
    explicit FatalWorker(Context& ctx) : ctx_(ctx) {}
    std::string Name() const override { return "worker"; }
    void Start() override {
        thread_ = std::thread([this] { ctx_.RequestShutdown(kExitFatal, "broker fenced us"); });
    }
    void Stop() override {
        if (thread_.joinable()) thread_.join();
    }

private:
    Context& ctx_;
    std::thread thread_;
};

TEST(AppLifecycle, FatalErrorOnAComponentThreadExitsOne) {
    std::ostringstream sink;
    auto child = Spawn(
        [&](int fd) {
            auto o = Base(&sink);
            o.wire = [fd](Context& ctx) {
                ctx.Emplace<Recorder>("first", fd);
                ctx.Emplace<FatalWorker>(ctx);
            };
            return o;
        },
        {});
    EXPECT_THAT(child.ReadAll(), ElementsAre("start:first", "stop:first"));
    EXPECT_EQ(child.Wait(), kExitFatal);
}

TEST(AppLifecycle, ConfigErrorExitsTwoWithTheKeyInTheMessage) {
    // stderr goes to a pipe so the parent can read the message the child printed.
    int err_pipe[2];
    ASSERT_EQ(::pipe(err_pipe), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0) << "fork failed";
    if (pid == 0) {
        ::dup2(err_pipe[1], 2);
        ::close(err_pipe[0]);
        config::Schema schema;
        schema.Required("kafka.brokers", config::FieldType::kList, "bootstrap servers");
        AppOptions o;
        o.service = "ingest";
        o.schema = schema;
        o.wire = [](Context&) {};
        o.env = config::MapEnv({});
        ::_exit(App(std::move(o)).Run(std::vector<std::string>{}));
    }
    ::close(err_pipe[1]);
    std::string err;
    char buf[512];
    for (ssize_t n; (n = ::read(err_pipe[0], buf, sizeof buf)) > 0;) {
        err.append(buf, static_cast<std::size_t>(n));
    }
    ::close(err_pipe[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), kExitConfig);
    EXPECT_THAT(err, HasSubstr("kafka.brokers"));
    EXPECT_THAT(err, HasSubstr("BFU_KAFKA_BROKERS"));
}

TEST(AppLifecycle, ConfigErrorRaisedWhileWiringExitsTwo) {
    std::ostringstream sink;
    auto child = Spawn(
        [&](int) {
            auto o = Base(&sink);
            o.wire = [](Context&) {
                throw config::ConfigError("thresholds.enhet", "must be positive", "svc.json");
            };
            return o;
        },
        {});
    EXPECT_EQ(child.Wait(), kExitConfig);
}

TEST(AppLifecycle, EnvFileIsLayeredUnderTheEnvironment) {
    char path[] = "/tmp/bfu_env_XXXXXX";
    const int fd = ::mkstemp(path);
    ASSERT_GE(fd, 0);
    const std::string text = "# test\nBFU_REDIS_URL=redis://from-file:1\n";
    ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    ::close(fd);
    std::ostringstream out;
    config::Schema schema;
    schema.Required("redis.url", config::FieldType::kString, "Redis");
    AppOptions o;
    o.service = "svc";
    o.schema = schema;
    o.wire = [](Context&) {};
    o.out = &out;
    o.err = &out;
    o.env = config::MapEnv({{"BFU_ENV_FILE", path}});
    EXPECT_EQ(App(std::move(o)).Run(std::vector<std::string>{"--print-config"}), kExitOk);
    ::unlink(path);
    EXPECT_THAT(out.str(), HasSubstr("redis.url = redis://from-file:1"));
}

TEST(AppLifecycle, UnknownKeyInTheConfigFileExitsTwoNamingKeyAndFile) {
    char path[] = "/tmp/bfu_cfg_XXXXXX";
    const int fd = ::mkstemp(path);
    ASSERT_GE(fd, 0);
    const std::string text = R"({"http": {"port": 0}, "kafka": {"brokerz": "x"}})";
    ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    ::close(fd);
    std::ostringstream out;
    std::ostringstream err;
    config::Schema schema;
    schema.List("kafka.brokers", {"127.0.0.1:9092"}, "bootstrap servers");
    AppOptions o;
    o.service = "ingest";
    o.schema = schema;
    o.wire = [](Context&) {};
    o.out = &out;
    o.err = &err;
    o.env = config::MapEnv({});
    EXPECT_EQ(App(std::move(o)).Run(std::vector<std::string>{"--config", path}), kExitConfig);
    ::unlink(path);
    EXPECT_THAT(err.str(), HasSubstr("kafka.brokerz"));
    EXPECT_THAT(err.str(), HasSubstr("unknown key"));
    EXPECT_THAT(err.str(), HasSubstr(path));
}

}  // namespace
}  // namespace bfu::runtime
