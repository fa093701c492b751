#pragma once
// What the benchmarks that run against the real stack share: finding the broker and Redis,
// a fresh prefix per run, the topics of that prefix (deleted again at the end), a service
// binary as a child process, its /metrics and its resident memory, a consumer group's progress
// seen from outside, and the pass-through baseline every throughput figure is divided by.
//
// Not a test helper: the benches print figures, they assert nothing about time. Everything here
// throws std::runtime_error on a broken set-up (no stack, a binary missing), which ends the
// bench with the message; nothing of it is on a per-message path.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bfu/kafka/admin.hpp"
#include "bfu/kafka/config.hpp"
#include "bfu/kafka/consumer.hpp"
#include "bfu/kafka/loop.hpp"
#include "support/ports.hpp"

namespace bfu::bench {

using SteadyClock = std::chrono::steady_clock;

struct Stack {
    std::string brokers;
    std::string redis_url;
    std::string env_file;  // where they were found ("" = the environment)
};

// BFU_KAFKA_BROKERS and BFU_REDIS_URL from the environment, else from the env file named by
// BFU_STACK_ENV, else from <source>/.bfu/stack.env found by walking up from the build dir.
[[nodiscard]] Stack FindStack();

// The build directory whose services/<name>/bfu-<name> binaries are run: BFU_BINARY_DIR, else
// the directory two levels above this executable (<build>/bench/<bench>).
[[nodiscard]] std::string BinaryDir();
[[nodiscard]] std::string ServiceBinary(std::string_view service);

// "b<pid>_<random hex>_": topic, group, transactional-id and Redis key prefix of one run.
[[nodiscard]] std::string UniquePrefix();

// The topics of one run: every topic of contracts::topics::kAll under the prefix, plus any
// extra ones, created at construction; at destruction every topic under the prefix (also those
// a service created for itself) and the run's Redis keys are deleted.
class RunTopics {
public:
    RunTopics(const Stack& stack, std::string prefix, std::vector<kafka::TopicSpec> extra = {});
    RunTopics(const RunTopics&) = delete;
    RunTopics& operator=(const RunTopics&) = delete;
    ~RunTopics();

    [[nodiscard]] std::string Name(std::string_view base) const;
    [[nodiscard]] const std::string& prefix() const { return prefix_; }
    [[nodiscard]] kafka::Admin& admin() { return *admin_; }
    // Sum of the high watermarks of every partition: the offsets a group has to commit.
    [[nodiscard]] std::int64_t EndOffset(const std::string& topic);

private:
    Stack stack_;
    std::string prefix_;
    std::unique_ptr<kafka::Admin> admin_;
};

// Whether `prefix` is one UniquePrefix makes (b<pid>_<8 hex>_).
[[nodiscard]] bool IsRunPrefix(std::string_view prefix);
// Deletes every topic whose name starts with `prefix` and every Redis key under it: what a
// run leaves behind when it was killed (`<bench> --cleanup PREFIX`). Throws
// std::invalid_argument unless IsRunPrefix(prefix), so it never touches the stack's own data.
void DeleteRun(const Stack& stack, const std::string& prefix);

// A service binary run as a child process with the current environment plus `env`; its output
// goes to `log`. SIGTERM (then SIGKILL after 20 s) at destruction, and SIGTERM from the kernel
// when the bench dies without destructing it.
class Child {
public:
    Child(const std::string& path, const std::map<std::string, std::string>& env, std::string log);
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    ~Child();

    [[nodiscard]] pid_t pid() const { return pid_; }
    [[nodiscard]] const std::string& log() const { return log_; }
    [[nodiscard]] bool Running();
    // The exit code, or nullopt if it had to be killed.
    std::optional<int> Terminate(std::chrono::milliseconds timeout);

private:
    std::string log_;
    pid_t pid_ = -1;
    std::optional<int> exit_code_;
};

// A loopback port for a service the bench starts (tests/support/ports.hpp).
using testing::FreePort;
// Status and body of GET http://127.0.0.1:<port><path>; status 0 when nothing answers.
[[nodiscard]] std::pair<int, std::string> HttpGet(int port, const std::string& path);
// The value of one series on /metrics, e.g. "bfu_analysis_lines_total" or
// "bfu_ingest_vouchers_total{result=\"accepted\"}"; nullopt when absent.
[[nodiscard]] std::optional<double> Metric(int port, std::string_view series);

// Polls `pred` every `step` until true or `timeout`; the last answer.
bool WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout,
             std::chrono::milliseconds step = std::chrono::milliseconds(50));

// VmRSS and VmHWM of a process, in KiB (0 when unreadable).
struct Memory {
    std::int64_t rss_kib = 0;
    std::int64_t hwm_kib = 0;
};
[[nodiscard]] Memory ReadMemory(pid_t pid);

// A consumer group's progress on one topic as the broker holds it: the sum of its committed
// offsets. With the exactly-once loop those commit in the same transaction as the outputs, so
// a committed offset means the outputs of everything before it are visible read_committed.
class GroupProgress {
public:
    GroupProgress(const Stack& stack, std::string group, std::string topic,
                  std::int32_t partitions);
    [[nodiscard]] std::int64_t Committed();

private:
    std::unique_ptr<kafka::Consumer> consumer_;
    std::vector<kafka::TopicPartition> partitions_;
};

// How fast a group went through `total` records: timed from the first commit the broker
// shows to the commit of the last record, both observed by polling every 5 ms, so a consumer's
// start-up (joining the group, loading master data) is left out and every side is timed alike.
struct Throughput {
    std::int64_t records = 0;  // records committed between the two observations
    double seconds = 0;
    bool complete = false;  // the group reached `total` before the timeout
    [[nodiscard]] double PerSecond() const {
        return seconds > 0 ? static_cast<double>(records) / seconds : 0;
    }
};
// `alive`, when given, is asked on every poll: false (the consumer's process exited) ends the
// wait early, incomplete.
[[nodiscard]] Throughput TimeGroup(GroupProgress& progress, std::int64_t total,
                                   std::chrono::milliseconds timeout,
                                   const std::function<bool()>& alive = {});

// The baseline: the exactly-once consume-process-produce loop every service runs (RunLoop with
// a TransactionalProducer, default LoopOptions but `max_batch` records a transaction, as the
// service measured beside it) copying each record unchanged from `in` to `out`, or, with
// `expand`, writing for each record what expand returns (records made before the timing, so
// that the loop does the Kafka work of a service without its processing). Runs on its own
// thread until destroyed. `producer_properties` and `consumer_properties` are librdkafka
// properties set on its two clients besides bfu's defaults (none by default: the services'
// settings), for a bench that shows what one of them changes.
class PassThrough {
public:
    using Expand = std::function<std::vector<kafka::OutMessage>(const kafka::Message&)>;
    using Properties = std::map<std::string, std::string>;
    PassThrough(const Stack& stack, const std::string& prefix, std::string in, std::string out,
                std::size_t max_batch = kafka::LoopOptions{}.max_batch, Expand expand = {},
                const Properties& producer_properties = {},
                const Properties& consumer_properties = {});
    PassThrough(const PassThrough&) = delete;
    PassThrough& operator=(const PassThrough&) = delete;
    ~PassThrough();

    [[nodiscard]] const std::string& group() const { return group_; }

private:
    std::string group_;
    std::unique_ptr<kafka::Consumer> consumer_;
    std::unique_ptr<kafka::TransactionalProducer> producer_;
    std::jthread thread_;
};

// Records read read_committed from the start of `topic` until `expected` have come (or
// `timeout`); each is passed to `on_record` when given.
std::int64_t CountRecords(const Stack& stack, const std::string& topic, std::int64_t expected,
                          std::chrono::milliseconds timeout,
                          const std::function<void(const kafka::Message&)>& on_record = {});

// p in [0, 100] of `samples` (sorted inside), nearest rank.
[[nodiscard]] double Percentile(std::vector<double> samples, double p);

// "12 345.6" style: thin-spaced thousands, one decimal, so the figures read at a glance.
[[nodiscard]] std::string Fmt(double value, int decimals = 0);
[[nodiscard]] std::string Hostname();
// The 1-minute load average: other work on the machine moves every figure; print it beside.
[[nodiscard]] std::string LoadAverage();
[[nodiscard]] std::string UtcNow();

}  // namespace bfu::bench
