#pragma once
// DecisionLog: makes ingest's duplicate register durable. It reads bfu.ingest.decisions from
// the beginning (read_committed) and puts every accepted voucher back into the VoucherChecker
// (Remember), so a voucher accepted before, also before a restart or by another instance, is
// a duplicate. The consume loop and the HTTP endpoint wait for WaitLoaded before they decide
// anything; afterwards the log keeps following the topic, so acceptances by other instances
// reach this one's register too.
//
// Lifecycle: a runtime::Component; add it after the components that own the transactional
// producers writing the topic, so their Start (init_transactions) has aborted what a killed
// predecessor left open before this reads: an open transaction would hide every later record
// from a read_committed reader. Start() starts a thread reading every partition by manual
// assignment (kafka::PartitionReader, nothing committed); Ready() turns true once everything
// committed at start is in; Stop() joins.
//
// It also hands decisions to the requests waiting for them: POST /v1/vouchers hands each voucher
// it would accept to the owner of its partition of bfu.erp.vouchers and answers with the
// owner's decision (Expect before the hand-over is committed, then Await).
//
// And it is the barrier of a partition that changes owner: the consume loop calls CatchUp
// after partitions of bfu.erp.vouchers were assigned to it and before it decides their
// records, so the previous owner's last committed decisions are in the register first (else
// a voucher's second copy, read right after the move, was accepted a second time).
//
// Thread-safety: WaitLoaded, Ready, Loaded, Expect, Await, Forget and CatchUp may be called
// from any thread.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "bfu/contracts/ledger.hpp"
#include "bfu/ingest/voucher_checker.hpp"
#include "bfu/kafka/catch_up.hpp"
#include "bfu/kafka/config.hpp"
#include "bfu/kafka/message.hpp"
#include "bfu/runtime/app.hpp"

namespace bfu::ingest {

// Applies one record (Kafka key and value) of bfu.ingest.decisions to the register: an accepted
// decision is remembered. A record whose key (the voucher key) is already in the register is
// not read: it cannot change it. False when the value is not a decision (it is then left out).
bool ApplyDecision(VoucherChecker& checker, std::string_view key, std::string_view value);

// The decisions one request waits for: per voucher key, the HTTP origin ids ("r-…-N:index") it
// handed over, and the decision of each once read.
struct Expected {
    std::map<std::string, std::map<std::string, std::optional<contracts::IngestDecision>>> by_key;
    std::size_t missing = 0;
};

class DecisionLog final : public runtime::Component {
public:
    DecisionLog(kafka::KafkaConfig config, std::string topic,
                std::shared_ptr<VoucherChecker> checker, runtime::Context& ctx);
    ~DecisionLog() override;

    [[nodiscard]] std::string Name() const override { return "decision-log"; }
    void Start() override;
    void Stop() override;
    [[nodiscard]] bool Ready() const override { return loaded_.load(); }

    [[nodiscard]] bool Loaded() const { return loaded_.load(); }
    // Blocks until loaded or `stop` is requested (LoopSpec::before_start).
    void WaitLoaded(std::stop_token stop);

    // Registers the decisions a request waits for: pairs of voucher key and HTTP origin id.
    // Call before the records are committed, so none is read before it is expected.
    [[nodiscard]] std::shared_ptr<Expected> Expect(
        const std::vector<std::pair<std::string, std::string>>& wanted);
    // Waits until every expected decision is read or `deadline` passes, then forgets the
    // expectation; returns what was read (entries still empty were not decided in time).
    Expected Await(const std::shared_ptr<Expected>& expected,
                   std::chrono::steady_clock::time_point deadline);
    // Drops an expectation (its records were never committed).
    void Forget(const std::shared_ptr<Expected>& expected);

    // Waits until the log has read everything committed to the topic before this call, every
    // transaction open then having ended, or until `deadline`; false then. Call after Loaded.
    [[nodiscard]] bool CatchUp(std::chrono::steady_clock::time_point deadline);

private:
    void Run(std::stop_token stop);
    void MarkLoaded(std::uint64_t records);
    // Fills the expectations waiting for this record's decision.
    void Deliver(const kafka::Message& m);

    kafka::KafkaConfig config_;
    std::string topic_;
    std::shared_ptr<VoucherChecker> checker_;
    runtime::Context& ctx_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::atomic<bool> loaded_{false};
    // Expectations by voucher key (under mu_); expecting_ counts them, so the reading thread
    // looks a record up only while a request waits.
    std::multimap<std::string, std::shared_ptr<Expected>> expected_;
    std::atomic<std::size_t> expecting_{0};
    kafka::CatchUpBarrier catch_up_;
    std::jthread thread_;
};

}  // namespace bfu::ingest
