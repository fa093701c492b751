#pragma once
// The id of a deviation event on bfu.deviations: the CloudEvents id it is written with, what
// the notifier plans its alerts by and what `bfu reconcile` counts. Every copy of an event has
// the same id, so a consumer de-duplicates by it.
//
// `<deviation id>:<seq>` - for what the deviation's own writer appends (analysis's owner of the
// unit, forecasting for forecast deviations): opened, changed, closed, escalated.
// `<deviation id>:<seq>:<command id>` - for an acknowledgement, which whichever analysis
// instance takes the command writes beside the deviation's writer: the two may give two events
// one seq (each numbers on from what it has read), never one id. Analysis gives every
// acknowledgement a command id (the client's, or one of its own).
#include <string>

#include "bfu/contracts/analysis.hpp"

namespace bfu::contracts {

inline std::string DeviationEventId(const DeviationEvent& e) {
    std::string id = e.deviation_id.value() + ":" + std::to_string(e.seq);
    if (e.event == DeviationEventKind::kAcknowledged && e.command_id) id += ":" + *e.command_id;
    return id;
}

}  // namespace bfu::contracts
