#include "stack_support.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "bfu/config/config.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/http/client.hpp"
#include "bfu/kafka/transaction.hpp"
#include "bfu/redis/redis.hpp"

extern char** environ;

namespace bfu::bench {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string Env(const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr ? v : "";
}

fs::path SelfDir() {
    std::error_code ec;
    auto exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::current_path() : exe.parent_path();
}

template <typename T>
T Must(core::Result<T> r, std::string_view what) {
    if (!r.ok()) throw std::runtime_error(std::string(what) + ": " + r.error().ToString());
    return std::move(r).value();
}

void Must(const core::Status& s, std::string_view what) {
    if (!s.ok()) throw std::runtime_error(std::string(what) + ": " + s.error().ToString());
}

}  // namespace

Stack FindStack() {
    Stack s;
    s.brokers = Env("BFU_KAFKA_BROKERS");
    s.redis_url = Env("BFU_REDIS_URL");
    if (!s.brokers.empty() && !s.redis_url.empty()) return s;
    std::string file = Env("BFU_STACK_ENV");
    if (file.empty()) {
        // <source>/build/<dir>/bench/<bench>: the env file is in an ancestor's .bfu/.
        for (fs::path p = SelfDir(); !p.empty() && p != p.root_path(); p = p.parent_path()) {
            if (fs::exists(p / ".bfu" / "stack.env")) {
                file = (p / ".bfu" / "stack.env").string();
                break;
            }
        }
    }
    if (file.empty()) {
        throw std::runtime_error(
            "no stack: set BFU_KAFKA_BROKERS and BFU_REDIS_URL, or BFU_STACK_ENV, or run "
            "`ops/stack up` (it writes .bfu/stack.env)");
    }
    const auto vars = config::LoadEnvFile(file);
    auto get = [&](const char* key) {
        auto it = vars.find(key);
        if (it == vars.end() || it->second.empty()) {
            throw std::runtime_error(file + " has no " + key + "=; run `ops/stack up`");
        }
        return it->second;
    };
    if (s.brokers.empty()) s.brokers = get("BFU_KAFKA_BROKERS");
    if (s.redis_url.empty()) s.redis_url = get("BFU_REDIS_URL");
    s.env_file = file;
    return s;
}

std::string BinaryDir() {
    if (auto d = Env("BFU_BINARY_DIR"); !d.empty()) return d;
    return SelfDir().parent_path().string();
}

std::string ServiceBinary(std::string_view service) {
    const std::string name(service);
    const std::string path = BinaryDir() + "/services/" + name + "/bfu-" + name;
    if (!fs::exists(path)) {
        throw std::runtime_error(path + " does not exist; build the target bfu-" + name +
                                 " in this build dir, or set BFU_BINARY_DIR");
    }
    return path;
}

std::string UniquePrefix() {
    std::mt19937_64 rng{std::random_device{}()};
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "b" + std::to_string(::getpid()) + "_";
    std::uint64_t bits = rng();
    for (int i = 0; i < 8; ++i) {
        out.push_back(kHex[bits & 0xFU]);
        bits >>= 4U;
    }
    out.push_back('_');
    return out;
}

RunTopics::RunTopics(const Stack& stack, std::string prefix, std::vector<kafka::TopicSpec> extra)
    : stack_(stack), prefix_(std::move(prefix)) {
    kafka::KafkaConfig cfg;
    cfg.brokers = stack_.brokers;
    admin_ = Must(kafka::Admin::Create(cfg), "Kafka admin");
    std::vector<kafka::TopicSpec> specs;
    for (const auto& t : contracts::topics::kAll) {
        specs.push_back({prefix_ + std::string(t.name),
                         t.partitions,
                         1,
                         {{"cleanup.policy", std::string(t.cleanup_policy)}}});
    }
    for (auto& e : extra) {
        e.name = prefix_ + e.name;
        specs.push_back(std::move(e));
    }
    if (auto s = admin_->CreateTopics(specs, 60s); !s.ok()) {
        DeleteRun(stack_, prefix_);  // what was created before the failure
        throw std::runtime_error("create the run's topics: " + s.error().ToString());
    }
}

RunTopics::~RunTopics() {
    try {
        DeleteRun(stack_, prefix_);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "could not clean up %s: %s\n", prefix_.c_str(), e.what());
    }
}

bool IsRunPrefix(std::string_view p) {
    // b<pid>_<8 hex>_, as UniquePrefix makes them.
    if (p.size() < 12 || p.front() != 'b' || p.back() != '_') return false;
    const auto sep = p.find('_');
    if (sep < 2 || p.size() - sep != 10) return false;
    for (std::size_t i = 1; i < sep; ++i) {
        if (p[i] < '0' || p[i] > '9') return false;
    }
    for (std::size_t i = sep + 1; i + 1 < p.size(); ++i) {
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f'))) return false;
    }
    return true;
}

void DeleteRun(const Stack& stack, const std::string& prefix) {
    // Only a bench's own prefix: "bfu." or "" would take the stack's real topics with it.
    if (!IsRunPrefix(prefix)) {
        throw std::invalid_argument("'" + prefix +
                                    "' is not a bench run prefix like b12345_0123abcd_");
    }
    kafka::KafkaConfig cfg;
    cfg.brokers = stack.brokers;
    if (auto admin = kafka::Admin::Create(cfg); admin.ok()) {
        // Every topic under the prefix, also those a service made for itself (e.g. analysis's
        // changelog).
        std::vector<std::string> names;
        if (auto all = (*admin)->ListTopics(30s); all.ok()) {
            for (auto& t : *all) {
                if (t.rfind(prefix, 0) == 0) names.push_back(std::move(t));
            }
        }
        if (auto s = (*admin)->DeleteTopics(names, 60s); !s.ok()) {
            std::fprintf(stderr, "could not delete the topics %s*: %s\n", prefix.c_str(),
                         s.error().ToString().c_str());
        }
    }
    if (auto redis = redis::Pool::Create(stack.redis_url); redis.ok()) {
        if (auto keys = (*redis)->Scan(prefix + "*"); keys.ok()) {
            // In slices: one DEL with a hundred thousand arguments is one long blocking command.
            for (std::size_t i = 0; i < keys->size(); i += 1000) {
                std::vector<std::string> slice(
                    keys->begin() + static_cast<std::ptrdiff_t>(i),
                    keys->begin() + static_cast<std::ptrdiff_t>(std::min(i + 1000, keys->size())));
                (void)(*redis)->Del(slice);
            }
        }
    }
}

std::string RunTopics::Name(std::string_view base) const { return prefix_ + std::string(base); }

std::int64_t RunTopics::EndOffset(const std::string& topic) {
    const auto partitions = Must(admin_->PartitionCount(topic, 10s), "partitions of " + topic);
    std::int64_t sum = 0;
    for (std::int32_t p = 0; p < partitions; ++p) {
        sum += Must(admin_->QueryWatermarks(topic, p, 10s), "watermarks of " + topic).high;
    }
    return sum;
}

Child::Child(const std::string& path, const std::map<std::string, std::string>& env,
             std::string log)
    : log_(std::move(log)) {
    std::vector<std::string> vars;
    for (char** e = environ; *e != nullptr; ++e) {
        std::string v(*e);
        const auto eq = v.find('=');
        if (eq != std::string::npos && env.count(v.substr(0, eq)) != 0) continue;
        vars.push_back(std::move(v));
    }
    for (const auto& [k, v] : env) vars.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& v : vars) envp.push_back(v.data());
    envp.push_back(nullptr);
    std::string program = path;
    std::vector<char*> argv{program.data(), nullptr};
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed for " + path);
    if (pid_ == 0) {
        // The service goes when the bench goes, also when the bench crashes or is killed.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        FILE* f = std::fopen(log_.c_str(), "w");
        if (f != nullptr) {
            ::dup2(::fileno(f), 1);
            ::dup2(::fileno(f), 2);
        }
        ::execve(path.c_str(), argv.data(), envp.data());
        std::_Exit(127);
    }
}

Child::~Child() { Terminate(20s); }

bool Child::Running() {
    if (exit_code_ || pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return false;
    }
    return true;
}

std::optional<int> Child::Terminate(std::chrono::milliseconds timeout) {
    if (!Running()) return exit_code_;
    ::kill(pid_, SIGTERM);
    if (WaitFor([this] { return !Running(); }, timeout, 20ms)) return exit_code_;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    exit_code_ = 128 + SIGKILL;
    return std::nullopt;
}

std::pair<int, std::string> HttpGet(int port, const std::string& path) {
    auto r = http::Client().Get("http://127.0.0.1:" + std::to_string(port) + path);
    if (!r.ok()) return {0, {}};
    return {r->status, std::move(r->body)};
}

std::optional<double> Metric(int port, std::string_view series) {
    const auto [status, body] = HttpGet(port, "/metrics");
    if (status != 200) return std::nullopt;
    std::istringstream lines(body);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
            line[series.size()] == ' ') {
            return std::strtod(line.c_str() + series.size() + 1, nullptr);
        }
    }
    return std::nullopt;
}

bool WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout,
             std::chrono::milliseconds step) {
    const auto deadline = SteadyClock::now() + timeout;
    while (SteadyClock::now() < deadline) {
        if (pred()) return true;
        std::this_thread::sleep_for(step);
    }
    return pred();
}

Memory ReadMemory(pid_t pid) {
    Memory m;
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) m.rss_kib = std::atoll(line.c_str() + 6);
        if (line.rfind("VmHWM:", 0) == 0) m.hwm_kib = std::atoll(line.c_str() + 6);
    }
    return m;
}

GroupProgress::GroupProgress(const Stack& stack, std::string group, std::string topic,
                             std::int32_t partitions) {
    // Never subscribes, so it never joins the group it watches; committed() only asks the
    // group coordinator.
    kafka::KafkaConfig cfg;
    cfg.brokers = stack.brokers;
    cfg.group_id = std::move(group);
    cfg.client_id = "bfu-bench-watch";
    consumer_ = Must(kafka::Consumer::Create(cfg), "progress consumer");
    for (std::int32_t p = 0; p < partitions; ++p) partitions_.push_back({topic, p});
}

std::int64_t GroupProgress::Committed() {
    auto offsets = consumer_->Committed(partitions_, 5s);
    if (!offsets.ok()) return -1;
    std::int64_t sum = 0;
    for (const auto& o : *offsets) sum += std::max<std::int64_t>(o.offset, 0);
    return sum;
}

Throughput TimeGroup(GroupProgress& progress, std::int64_t total, std::chrono::milliseconds timeout,
                     const std::function<bool()>& alive) {
    Throughput t;
    const auto deadline = SteadyClock::now() + timeout;
    std::optional<SteadyClock::time_point> first_at;
    std::int64_t first = 0;
    while (SteadyClock::now() < deadline) {
        const std::int64_t c = progress.Committed();
        const auto now = SteadyClock::now();
        if (c > 0 && !first_at) {
            first_at = now;
            first = c;
        }
        if (c >= total) {
            t.complete = true;
            t.records = total - first;
            t.seconds = std::chrono::duration<double>(now - *first_at).count();
            return t;
        }
        if (alive && !alive()) return t;
        std::this_thread::sleep_for(5ms);
    }
    return t;
}

PassThrough::PassThrough(const Stack& stack, const std::string& prefix, std::string in,
                         std::string out, std::size_t max_batch, Expand expand,
                         const Properties& producer_properties,
                         const Properties& consumer_properties)
    : group_(prefix + (expand ? "expanded" : "passthrough")) {
    kafka::KafkaConfig cfg;
    cfg.brokers = stack.brokers;
    cfg.client_id = "bfu-bench-passthrough";
    cfg.group_id = group_;
    cfg.transactional_id = group_ + "-bfu-bench";
    kafka::KafkaConfig consumer_cfg = cfg;
    consumer_cfg.properties = consumer_properties;
    cfg.properties = producer_properties;
    consumer_ = Must(kafka::Consumer::Create(consumer_cfg), "pass-through consumer");
    producer_ = Must(kafka::TransactionalProducer::Create(cfg), "pass-through producer");
    Must(consumer_->Subscribe({in}), "subscribe " + in);
    thread_ = std::jthread([this, out = std::move(out), max_batch,
                            expand = std::move(expand)](std::stop_token stop) {
        const kafka::BatchHandler copy = [&out, &expand](const std::vector<kafka::Message>& batch) {
            std::vector<kafka::Outcome> outcomes(batch.size());
            for (std::size_t i = 0; i < batch.size(); ++i) {
                if (expand) {
                    outcomes[i].outputs = expand(batch[i]);
                } else {
                    outcomes[i].outputs.push_back(
                        {out, batch[i].key, batch[i].value, batch[i].headers});
                }
            }
            return outcomes;
        };
        kafka::LoopOptions options;
        options.max_batch = max_batch;
        options.source = "bfu/bench";
        options.log = [](std::string_view) {};
        if (auto s = kafka::RunLoop(*consumer_, *producer_, copy, stop, options); !s.ok()) {
            std::fprintf(stderr, "pass-through loop stopped: %s\n", s.error().ToString().c_str());
        }
        (void)consumer_->Close();
    });
}

PassThrough::~PassThrough() {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
}

std::int64_t CountRecords(const Stack& stack, const std::string& topic, std::int64_t expected,
                          std::chrono::milliseconds timeout,
                          const std::function<void(const kafka::Message&)>& on_record) {
    kafka::KafkaConfig cfg;
    cfg.brokers = stack.brokers;
    cfg.group_id = UniquePrefix() + "count";
    cfg.client_id = "bfu-bench-count";
    auto consumer = Must(kafka::Consumer::Create(cfg), "counting consumer");
    Must(consumer->Subscribe({topic}), "subscribe " + topic);
    std::int64_t n = 0;
    const auto deadline = SteadyClock::now() + timeout;
    while (n < expected && SteadyClock::now() < deadline) {
        auto batch = consumer->Poll(5000, 200ms);
        if (!batch.ok()) continue;
        for (const auto& m : *batch) {
            if (on_record) on_record(m);
            ++n;
        }
    }
    (void)consumer->Close();
    return n;
}

double Percentile(std::vector<double> samples, double p) {
    if (samples.empty()) return 0;
    std::sort(samples.begin(), samples.end());
    const double rank = std::ceil(p / 100.0 * static_cast<double>(samples.size()));
    const auto i = static_cast<std::size_t>(std::max(rank, 1.0)) - 1;
    return samples[std::min(i, samples.size() - 1)];
}

std::string Fmt(double value, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
    std::string s(buf);
    const auto dot = s.find('.');
    std::size_t int_end = dot == std::string::npos ? s.size() : dot;
    const std::size_t start = (!s.empty() && s[0] == '-') ? 1 : 0;
    std::string out = s.substr(int_end);
    int digits = 0;
    for (std::size_t i = int_end; i > start; --i) {
        if (digits > 0 && digits % 3 == 0) out.insert(0, " ");
        out.insert(0, 1, s[i - 1]);
        ++digits;
    }
    return s.substr(0, start) + out;
}

std::string Hostname() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
    std::string cpu;
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    int cores = 0;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) == 0 && cpu.empty()) cpu = line.substr(line.find(':') + 2);
        if (line.rfind("processor", 0) == 0) ++cores;
    }
    return std::string(buf) + " (" + std::to_string(cores) + " cores, " + cpu + ")";
}

std::string LoadAverage() {
    std::ifstream in("/proc/loadavg");
    std::string one;
    in >> one;
    return one.empty() ? "unknown" : one;
}

std::string UtcNow() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
    return buf;
}

}  // namespace bfu::bench
