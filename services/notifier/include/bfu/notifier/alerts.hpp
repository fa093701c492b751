#pragma once
// Who is told about a deviation event, and what they are told (S7): pure functions.
//
// An opened, changed or escalated deviation goes at once to the superiors in the reporting
// line that analysis resolved into the event (`notified`: the tree parent's manager plus the
// extra lines, e.g. a sektorchef's nämnd and kommundirektör), and to the responsible manager.
// A closed deviation goes to the same people so that they know it is over. Acknowledgements,
// measures and decisions are recorded events, not alerts.
//
// The message is Swedish (the users are Swedish managers): a subject line and a plain-text
// body with the amounts in kronor, the share, the causes and what is expected of the reader.
#include <optional>
#include <string>
#include <vector>

#include "bfu/contracts/analysis.hpp"
#include "bfu/contracts/outputs.hpp"
#include "bfu/core/clock.hpp"

namespace bfu::notifier {

struct AlertMessage {
    contracts::Alert alert;  // the audit record for bfu.alerts
    std::string subject;
    std::string body;  // plain text, UTF-8
};

// Whether the event is alerted at all: unfavourable money deviations and every goal or HR
// deviation when they open, change or escalate; a closing only when its opening was alerted
// (`alerted_before`). Favourable money deviations are reported as good examples instead.
[[nodiscard]] bool ShouldAlert(const contracts::DeviationEvent& event, bool alerted_before);

// A deterministic alert id: deviation, event sequence, channel and recipient, so a repeated
// delivery after a crash has the same id in the audit trail.
[[nodiscard]] std::string AlertId(const contracts::DeviationEvent& event,
                                  contracts::AlertChannel channel,
                                  const contracts::Person& recipient);

// The alerts for one deviation event (empty when the event is not alerted).
// `unit_name` is the unit's name from the organisation (may be empty: the id is used).
[[nodiscard]] std::vector<AlertMessage> AlertsFor(const contracts::DeviationEvent& event,
                                                  contracts::AlertChannel channel,
                                                  core::TimePoint now,
                                                  const std::string& unit_name = {});

// An RFC 5322 message (with MIME headers for UTF-8 text) of the alert, for the outbox folder
// and, later, SMTP.
[[nodiscard]] std::string ToEmail(const AlertMessage& message, const std::string& from);

}  // namespace bfu::notifier
