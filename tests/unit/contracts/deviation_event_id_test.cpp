// The id of a deviation event (contracts/deviation_event_id.hpp). Two writers number a
// deviation's events: its owner (opened, changed, closed, escalated) and whichever analysis
// instance takes an acknowledgement. Each numbers on from what it has read, so both can give
// their event the same seq; before, both then had the id `<deviation>:<seq>` and a consumer
// that de-duplicates by id (the contract tells every consumer to) kept only one of them, and
// `bfu reconcile` called the pair conflicting.
#include "bfu/contracts/deviation_event_id.hpp"

#include <gtest/gtest.h>

namespace bfu::contracts {
namespace {

DeviationEvent Event(DeviationEventKind kind, std::int64_t seq) {
    DeviationEvent e;
    e.deviation_id = core::DeviationId("ENH1:budget:2026");
    e.seq = seq;
    e.event = kind;
    return e;
}

TEST(ContractsDeviationEventId, AnAcknowledgementSharingItsSeqWithTheOwnersEventHasItsOwnId) {
    const auto changed = Event(DeviationEventKind::kChanged, 5);
    auto ack = Event(DeviationEventKind::kAcknowledged, 5);
    ack.command_id = "ack-1";
    EXPECT_EQ(DeviationEventId(changed), "ENH1:budget:2026:5");
    EXPECT_EQ(DeviationEventId(ack), "ENH1:budget:2026:5:ack-1");
    EXPECT_NE(DeviationEventId(changed), DeviationEventId(ack));

    // Two acknowledgements by two instances at once: two commands, two ids.
    auto other = ack;
    other.command_id = "ack-2";
    EXPECT_NE(DeviationEventId(ack), DeviationEventId(other));
    // A copy of one (written again after a restart) keeps its id: de-duplicated.
    EXPECT_EQ(DeviationEventId(ack), DeviationEventId(DeviationEvent(ack)));
}

TEST(ContractsDeviationEventId, TheOwnersEventsKeepTheirIdCommandIdOrNot) {
    auto escalated = Event(DeviationEventKind::kEscalated, 7);
    escalated.command_id = "escalation:1:2";
    EXPECT_EQ(DeviationEventId(escalated), "ENH1:budget:2026:7");
    // An acknowledgement written before command ids were given to all keeps its old id.
    EXPECT_EQ(DeviationEventId(Event(DeviationEventKind::kAcknowledged, 3)), "ENH1:budget:2026:3");
}

}  // namespace
}  // namespace bfu::contracts
