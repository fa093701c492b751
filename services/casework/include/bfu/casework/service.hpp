#pragma once
// The casework service (ärendehantering): the one owner of the decide stage's events —
// measures, comments, action plans and decisions, with decided budget revisions — on
// bfu.casework.measures, .comments, .plans and .decisions (and the revised budgets on
// bfu.master.budget). It checks every command against the organisation, the deviations and its
// own book and appends the events; it rebuilds its book from those topics at start, and writes
// each unit's casework summary to Redis for bfu status. Commands over ZeroMQ (bfu measure,
// comment, plan, decision) and HTTP JSON (POST /v1/casework). docs/services/casework.md.
#include "bfu/runtime/app.hpp"

namespace bfu::casework {

[[nodiscard]] runtime::App MakeApp();

}  // namespace bfu::casework
