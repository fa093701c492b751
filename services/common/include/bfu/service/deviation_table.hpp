#pragma once
// The latest state of every deviation, folded from bfu.deviations (S13: a deviation is
// recorded with its causes and the measures taken).
//
// DeviationFold is the pure part: it applies decoded deviation events, in topic order, to a
// map of DeviationRecord. Rules (every one idempotent, so reading an event twice - e.g. once
// applied locally by the writer and once read back from Kafka - changes nothing):
//   - status events (opened, changed, closed) replace `latest` unless their seq is lower than
//     the latest status event's; `open` is false after closed and true again after opened;
//   - acknowledged sets the acknowledgement (the first one stands);
//   - measure_added adds the measure, or replaces the one with the same id;
//   - measure_done marks the measure with that id done (adding it from the event if missing);
//   - escalated, action_plan and decision are kept, one per target unit / plan id / ref;
//   - commented adds a comment (once per seq);
//   - the escalation episode (EscalationEpisode) restarts at an opened event with a higher seq
//     than the episode's; escalated events after it move its deadline and responsible unit;
//     acknowledgements after it are listed;
//   - every event's commandId is remembered (HasCommand);
//   - before any status event is seen (e.g. the opened event aged out of the topic) the
//     first event of any kind gives `latest`, since every event copies the deviation's fields.
// `last_seq` is the highest seq seen, so a writer appends the next one as last_seq + 1.
//
// DeviationTable is the Kafka part: a runtime::Component every instance runs. It reads
// bfu.deviations from the beginning without a consumer group (FollowTopics: all partitions,
// read_committed, never committing), continuously, and folds every event. Ready() (and
// WaitCaughtUp) turn true once it has read everything committed before it started (exact,
// transaction markers included).
// Records that do not decode are counted (bfu_deviation_table_bad_records_total) and logged.
//
// Lifecycle: made with Add(ctx, service) in a service's wire function (or constructed
// directly); Start starts the reader thread, Stop joins it.
// Thread-safety: every query and Apply may be called from any thread; `on_event` runs on the
// reader thread.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bfu/contracts/analysis.hpp"
#include "bfu/kafka/catch_up.hpp"
#include "bfu/kafka/config.hpp"
#include "bfu/runtime/app.hpp"

namespace bfu::service {

struct Acknowledgement {
    contracts::Person by;
    std::string at;  // RFC 3339
    std::optional<std::string> comment;

    bool operator==(const Acknowledgement&) const = default;
};

struct MeasureState {
    contracts::Measure measure;  // id, what, who, due, expected effect (öre)
    std::optional<contracts::Person> added_by;
    std::string added_at;
    bool done = false;
    std::optional<contracts::Person> done_by;
    std::string done_at;  // empty while not done

    bool operator==(const MeasureState&) const = default;
};

// A comment on the deviation (a `commented` event).
struct DeviationComment {
    contracts::Person by;
    std::string at;  // RFC 3339
    std::string text;
    std::int64_t seq = 0;

    bool operator==(const DeviationComment&) const = default;
};

// The deviation's escalation in its current episode: since its latest `opened` event (a
// deviation that closes and opens again starts over). Set from the opened event and each
// `escalated` event after it: by when the responsible level must acknowledge and which unit is
// responsible (the deviation's own unit when no event named another); the acknowledgements
// given in the episode, with their seq.
struct EscalationEpisode {
    std::int64_t opened_seq = 0;
    std::optional<std::string> opened_at;  // RFC 3339 of the opened event
    std::int64_t step_seq = 0;             // the event that set respond_by / responsible_unit
    std::optional<std::string> respond_by;
    std::optional<core::UnitId> responsible_unit;
    int steps = 0;  // escalated events in the episode
    std::vector<std::pair<std::int64_t, contracts::Person>> acks;

    bool operator==(const EscalationEpisode&) const = default;
};

struct DeviationRecord {
    // The latest status event: unit, level, kind, year, period, amounts, severity, causes,
    // mandate, responsible, notified.
    contracts::DeviationEvent latest;
    bool has_status = false;  // latest came from an opened/changed/closed event
    bool open = true;
    std::int64_t last_seq = 0;
    std::optional<Acknowledgement> acknowledged;
    std::vector<MeasureState> measures;  // in the order added
    std::vector<contracts::Escalation> escalations;
    std::vector<contracts::ActionPlan> action_plans;
    std::vector<contracts::Decision> decisions;
    std::vector<DeviationComment> comments;  // in the order made
    EscalationEpisode episode;
    // The command ids of the events (commandId), so a command sent again is applied once.
    std::set<std::string, std::less<>> command_ids;

    [[nodiscard]] bool HasCommand(std::string_view command_id) const {
        return command_ids.find(command_id) != command_ids.end();
    }
    [[nodiscard]] const core::DeviationId& id() const { return latest.deviation_id; }
    [[nodiscard]] const MeasureState* FindMeasure(std::string_view measure_id) const;
    bool operator==(const DeviationRecord&) const = default;
};

// Pure fold (rules in the file comment). Not thread-safe.
class DeviationFold {
public:
    // Applies one event; true when the state changed.
    bool Apply(const contracts::DeviationEvent& event);

    [[nodiscard]] const DeviationRecord* Find(std::string_view id) const;
    [[nodiscard]] std::vector<DeviationRecord> ForUnit(std::string_view unit) const;
    [[nodiscard]] std::vector<DeviationRecord> Open() const;
    [[nodiscard]] std::vector<DeviationRecord> All() const;
    [[nodiscard]] std::size_t size() const noexcept { return records_.size(); }

private:
    std::map<std::string, DeviationRecord, std::less<>> records_;
};

class DeviationTable final : public runtime::Component {
public:
    using OnEvent = std::function<void(const contracts::DeviationEvent&)>;

    // `config`: brokers and client id (no group is joined: the group id is cleared); `topic`:
    // the full topic name (with any prefix).
    DeviationTable(kafka::KafkaConfig config, std::string topic, runtime::Context& ctx,
                   OnEvent on_event = {});
    ~DeviationTable() override;

    // Adds a table over the service's bfu.deviations (kafka.* settings and topic prefix from
    // the service's config) to ctx and returns it.
    static DeviationTable& Add(runtime::Context& ctx, std::string_view service);

    [[nodiscard]] std::string Name() const override { return "deviation-table"; }
    void Start() override;
    void Stop() override;
    [[nodiscard]] bool Ready() const override { return caught_up_.load(); }

    // Blocks until caught up; false if `stop` was requested / `timeout` passed first.
    bool WaitCaughtUp(std::stop_token stop) const;
    bool WaitCaughtUp(std::chrono::milliseconds timeout) const;

    // Copies of the current state.
    [[nodiscard]] std::optional<DeviationRecord> Find(std::string_view id) const;
    [[nodiscard]] std::vector<DeviationRecord> ForUnit(std::string_view unit) const;
    [[nodiscard]] std::vector<DeviationRecord> Open() const;
    [[nodiscard]] std::vector<DeviationRecord> All() const;

    // Blocks until the table has read everything committed to bfu.deviations before this call
    // (kafka::CatchUpBarrier), or until `deadline` (false); call once caught up. Analysis calls
    // it when units come to it: their previous owner's last events must be in first, so it
    // numbers on from them.
    [[nodiscard]] bool CatchUp(std::chrono::steady_clock::time_point deadline);

    // Folds an event this process has just written, so that its next command sees it before
    // the reader reads it back (the fold is idempotent).
    void Apply(const contracts::DeviationEvent& event);
    // Runs `change` on the fold under the table's lock (e.g. DueAfterRound: fold a round's
    // events and read what is due in one step). `change` must not call the table.
    void Update(const std::function<void(DeviationFold&)>& change);

private:
    void Run(std::stop_token stop);
    void MarkCaughtUp();

    kafka::KafkaConfig config_;
    std::string topic_;
    runtime::Context& ctx_;
    OnEvent on_event_;
    mutable std::mutex mu_;
    mutable std::condition_variable_any cv_;
    DeviationFold fold_;
    std::atomic<bool> caught_up_{false};
    kafka::CatchUpBarrier catch_up_;
    std::jthread thread_;
};

}  // namespace bfu::service
