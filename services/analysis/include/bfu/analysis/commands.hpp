#pragma once
// Deviation commands (issue #5 point 3, S13/S7): a person acknowledges a deviation, adds a
// measure (åtgärd) or marks one done, through analysis's ZeroMQ endpoint. Analysis owns
// bfu.deviations for budget kinds, so an accepted command becomes an event there, keyed by the
// deviation id, with the next seq, produced and flushed before the reply.
//
// Operations (JSON requests; every one names "deviation" and "by", the acting person's e-mail):
//   {"op":"deviation.ack","deviation":ID,"by":EMAIL[,"comment":TEXT]}
//   {"op":"measure.add","deviation":ID,"by":EMAIL,"what":TEXT,"who":TEXT,"due":"YYYY-MM-DD",
//    "effectSek":"-25000" (or a number; SEK with at most two decimals, negative lowers the
//    cost)[,"measure":ID chosen by the client so that a retried request is not added twice]}
//   {"op":"measure.done","deviation":ID,"measure":ID,"by":EMAIL[,"comment":TEXT]}
//   {"op":"deviation.comment","deviation":ID,"by":EMAIL,"comment":TEXT}
// Every command may carry "commandId" (^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$), chosen by the
// client: the event it makes records it, and the same id sent again is applied once (reply
// "applied": false, "event": "repeated"). The notifier's answer links send one per link.
// Reply: {"deviation","event","seq","applied"} plus "measure" for measure ops; "applied" is
// false when the command had already taken effect (a retry: acknowledging twice, adding the
// same measure id again, marking a done measure done), which appends nothing.
//
// Refusals (core::Error: code, field = the reason, message):
//   invalid_argument    field named (deviation, by, what, who, due, effectSek, measure, comment)
//   not_found           "deviation": unknown deviation id; "measure": unknown measure id
//   failed_precondition "deviation": the deviation is closed (ack and measure.add)
//   permission_denied   "by": not the manager of the deviation's unit nor of a unit above it
//                       in its reporting line (service::FindLineManager, on the command's
//                       date)
//   already_exists      "measure": the client's measure id is taken by a different measure
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

// Wires the commands into a service: registers the three operations with the QueryServer
// already added to ctx (call after it), uses the DeviationTable in ctx or adds one, and adds a
// component owning the producer to bfu.deviations. Throws std::logic_error without a
// QueryServer (a wiring mistake).
void AddDeviationCommands(runtime::Context& ctx, std::shared_ptr<service::MasterFeed> master);

}  // namespace bfu::analysis
