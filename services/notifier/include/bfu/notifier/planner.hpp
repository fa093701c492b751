#pragma once
// Who is told what about a deviation event (S7), as alert records to write to bfu.alerts
// before anything is sent. Pure: no I/O.
//
// Who:
//   - opened, changed, escalated: the responsible manager and everyone the event's owner
//     named in `notified` (the superior always, further up the line as far as the amount
//     passes the mandates, and the responsible level's superiors: domain::DecideOpening; after
//     an escalation the new responsible level and its superiors); the registered address
//     (`mailbox`) of every unit among them, such as a nämnd's registrator; every webhook of
//     those units. After an escalation, a reminder to the level that did not answer.
//   - closed: exactly those alerted before about the deviation (from the alert log, so also
//     after a restart), so that they know it is over.
//   - favourable money deviations are good examples for the report (S3), not alerts;
//     acknowledgements, measures, comments and decisions are recorded events, not alerts.
// When:
//   - at once (status pending), except a minor change within the mandate, which waits for the
//     recipient's daily digest (status queued; e-mail only, webhooks skip it). An opening, a
//     critical or a beyond-mandate event always goes at once.
// What: subject, text and HTML from the templates (message.hpp), a Message-ID threading every
// message of a deviation to one recipient into one conversation, and signed links to answer
// (links.hpp) while the deviation is open.
//
// Alert ids are deterministic — "<deviation id>:<seq>:<channel>:<recipient>" — so a planned
// alert is recognised when the same event is read again.
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bfu/contracts/analysis.hpp"
#include "bfu/contracts/outputs.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/core/result.hpp"
#include "bfu/notifier/alert_log.hpp"
#include "bfu/notifier/links.hpp"
#include "bfu/notifier/message.hpp"
#include "bfu/service/master_data.hpp"
#include "bfu/text/templates.hpp"

namespace bfu::notifier {

struct PlannerOptions {
    std::string from = "bfu <bfu@kommun.invalid>";  // its domain names the Message-IDs
    std::string links_base;                         // "http://host:port"; empty: no links
    core::Duration link_ttl = std::chrono::hours(24 * 14);
    bool digest = true;  // false: minor changes go at once too
};

// The live message for bfu watch (ZeroMQ PUB), one per event, on the topic
// "alert/<unit path>/" so that a subscriber to a unit's path gets its whole subtree.
struct LiveAlert {
    std::string topic;
    nlohmann::json body;
    contracts::Alert record;  // recorded as sent once published
};

class Planner {
public:
    Planner(std::shared_ptr<const text::Templates> templates,
            std::shared_ptr<const LinkSigner> signer, PlannerOptions options);

    // The alerts for one event. `earlier`: what the log (and the batch so far) holds about
    // this deviation, for closing messages and threading. `casework`: the measures and action
    // plans answering the deviation (CaseworkData), shown in the message; null: none.
    [[nodiscard]] core::Result<std::vector<contracts::Alert>> ForEvent(
        const contracts::DeviationEvent& event, const service::MasterData* master,
        const std::vector<AlertState>& earlier, core::TimePoint now,
        const nlohmann::json* casework = nullptr) const;

    // The live message of an event that is alerted at all (nullopt otherwise).
    [[nodiscard]] std::optional<LiveAlert> Live(const contracts::DeviationEvent& event,
                                                const service::MasterData* master,
                                                core::TimePoint now) const;

    // The daily digest to `email` of its queued alerts: the digest (pending) and one
    // `digested` record per item. Its id "digest.<date>:<email>" is one a day per recipient.
    [[nodiscard]] core::Result<std::vector<contracts::Alert>> Digest(
        const std::vector<AlertState>& items, core::TimePoint now) const;

    // A message about the timetable or a report made (reminders.hpp) to one recipient, from
    // the template set `base` ("tidplan", "rapport").
    [[nodiscard]] core::Result<contracts::Alert> Timetable(
        const std::string& alert_id, contracts::AlertAbout about, const contracts::Person& to,
        const core::UnitId& unit, const nlohmann::json& data, core::TimePoint now,
        std::string_view base = "tidplan") const;

    [[nodiscard]] const PlannerOptions& options() const noexcept { return options_; }
    [[nodiscard]] const text::Templates& templates() const noexcept { return *templates_; }

private:
    [[nodiscard]] Links LinksFor(const contracts::DeviationEvent& event,
                                 const contracts::Person& to, const std::string& alert_id,
                                 core::TimePoint now) const;

    std::shared_ptr<const text::Templates> templates_;
    std::shared_ptr<const LinkSigner> signer_;
    PlannerOptions options_;
    std::string domain_;
};

// The PUB topic of a unit's live alerts: "alert/" and the unit's path in the tree from KF, so
// that a subscriber to a unit's topic receives its whole subtree.
[[nodiscard]] std::string LiveTopic(const service::MasterData* master, std::string_view unit,
                                    core::TimePoint now);

// Whether an event is alerted at all (see the file comment); `alerted_before` for closed.
[[nodiscard]] bool ShouldAlert(const contracts::DeviationEvent& event, bool alerted_before);

// Letters, digits and '_', '.', '-' (the ref pattern's safe part); anything else becomes '-'.
[[nodiscard]] std::string RefSafe(std::string_view s);

// The generic webhook body (schemas/http/webhook-alert.schema.json).
[[nodiscard]] nlohmann::json WebhookBody(const contracts::Alert& alert,
                                         const contracts::DeviationEvent* event,
                                         const service::MasterData* master, const Links& links);

}  // namespace bfu::notifier
