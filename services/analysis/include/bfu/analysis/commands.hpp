#pragma once
// Deviation commands (issue #5 point 3, S7): a person acknowledges a deviation through
// analysis's ZeroMQ endpoint. Acknowledging belongs to the deviation's lifecycle and its
// escalation, which analysis owns for the budget kinds on bfu.deviations, so an accepted
// acknowledgement becomes an event there, keyed by the deviation id, with the next seq, produced
// and flushed before the reply. Measures (åtgärder) and comments belong to the casework service
// since the decide stage (#12: measure.propose, measure.status, comment.add;
// services/casework/include/bfu/casework/commands.hpp); analysis refuses the old measure.add,
// measure.done and deviation.comment, and the deviation fold still reads their events on
// bfu.deviations (old data).
//
// Operation (JSON request):
//   {"op":"deviation.ack","deviation":ID,"by":EMAIL[,"comment":TEXT][,"commandId":ID]}
// "commandId" (^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$) is chosen by the client (bfu sends a fresh
// one per command, the notifier one per answer link): the event records it, and the same id
// sent again is applied once (reply "applied": false, "event": "repeated", "commandId").
// Reply: {"deviation","event","seq","applied"}; "applied" is false when the acknowledgement had
// already taken effect (the same person in the same episode, since the deviation last opened,
// with "by"; a closed deviation acknowledged before, with "by" and "at"), which appends nothing.
//
// Refusals (core::Error: code, field = the reason, message):
//   invalid_argument    field named (op, deviation, by, comment, commandId); "op" also for
//                       measure.add, measure.done and deviation.comment (now casework's)
//   not_found           "deviation": unknown deviation id
//   failed_precondition "deviation": the deviation is closed and was never acknowledged
//   permission_denied   "by": not the manager of the deviation's unit nor of a unit above it
//                       in its reporting line (service::FindLineManager, on the command's
//                       date)
//   unavailable         master data or the deviation table not caught up yet, or the event
//                       could not be written (retry)
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "bfu/contracts/analysis.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/core/result.hpp"
#include "bfu/domain/org.hpp"
#include "bfu/runtime/app.hpp"
#include "bfu/service/deviation_table.hpp"
#include "bfu/service/master_feed.hpp"

namespace bfu::analysis {

struct CommandDecision {
    // The event to append; nullopt when the command had already taken effect.
    std::optional<contracts::DeviationEvent> event;
    nlohmann::json reply;
};

// The pure decision: checks the request against the deviation's state (`record`, nullptr when
// the id is unknown) and the organisation, and builds the event. No I/O.
[[nodiscard]] core::Result<CommandDecision> DecideCommand(const nlohmann::json& request,
                                                          const service::DeviationRecord* record,
                                                          const domain::Organisation& org,
                                                          core::TimePoint now);

// Wires the commands into a service: registers deviation.ack with the QueryServer
// already added to ctx (call after it), uses the DeviationTable in ctx or adds one, and adds a
// component owning the producer to bfu.deviations. Throws std::logic_error without a
// QueryServer (a wiring mistake).
void AddDeviationCommands(runtime::Context& ctx, std::shared_ptr<service::MasterFeed> master);

}  // namespace bfu::analysis
