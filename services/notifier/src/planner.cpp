#include "bfu/notifier/planner.hpp"

#include <openssl/sha.h>

#include <algorithm>
#include <set>

#include "bfu/contracts/deviation_event_id.hpp"
#include "bfu/domain/escalation.hpp"
#include "bfu/domain/workdays.hpp"
#include "bfu/notifier/mime.hpp"
#include "bfu/service/deviation_wire.hpp"
#include "bfu/service/escalator.hpp"
#include "bfu/text/swedish.hpp"

namespace bfu::notifier {

namespace {

using contracts::AlertAbout;
using contracts::AlertChannel;
using contracts::AlertStatus;
using contracts::DeviationEventKind;
using nlohmann::json;

bool Alerted(DeviationEventKind e) {
    return e == DeviationEventKind::kOpened || e == DeviationEventKind::kChanged ||
           e == DeviationEventKind::kEscalated || e == DeviationEventKind::kClosed;
}

AlertAbout AboutOf(DeviationEventKind e) {
    switch (e) {
        case DeviationEventKind::kOpened:
            return AlertAbout::kOpened;
        case DeviationEventKind::kClosed:
            return AlertAbout::kClosed;
        case DeviationEventKind::kEscalated:
            return AlertAbout::kEscalated;
        default:
            return AlertAbout::kChanged;
    }
}

std::string Lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

struct Target {
    contracts::Person person;
    Role role = Role::kSuperior;
    std::optional<contracts::Webhook> webhook;  // a webhook target instead of an e-mail
    contracts::Person link_person;              // whose identity the links carry
};

std::string EventId(const contracts::DeviationEvent& e) { return contracts::DeviationEventId(e); }

// A webhook is named by a hash of its URL: URLs of chat services are long and carry their
// credential, which must not end up in alert ids, link tokens and logs.
std::string WebhookRef(const std::string& url) {
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(url.data()), url.size(), d);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "hook-";
    for (int i = 0; i < 8; ++i) {
        out += kHex[d[i] >> 4];
        out += kHex[d[i] & 15];
    }
    return out;
}

std::string TargetRef(const Target& t) {
    if (t.webhook) return WebhookRef(t.webhook->url);
    return RefSafe(Lower(t.person.email.value_or(t.person.name)));
}

std::string AlertIdFor(const contracts::DeviationEvent& e, AlertChannel channel,
                       const std::string& ref) {
    return EventId(e) + ":" + std::string(contracts::ToString(channel)) + ":" + ref;
}

// Units of the deviation's reporting line whose manager is one of `people`.
std::vector<domain::UnitIndex> UnitsOf(const domain::Organisation& org, domain::UnitIndex unit,
                                       const std::vector<contracts::Person>& people,
                                       domain::Date day) {
    std::vector<domain::UnitIndex> out;
    const auto rings = domain::RingsOf(unit, org, day);
    std::set<domain::UnitIndex> line;
    for (const auto& r : rings) line.insert(r.begin(), r.end());
    for (const auto& p : people) {
        for (auto u : service::UnitsManagedBy(org, p.email.value_or(""))) {
            if (line.count(u) != 0 && std::find(out.begin(), out.end(), u) == out.end()) {
                out.push_back(u);
            }
        }
    }
    return out;
}

// Everyone an open, changed or escalated event goes to, in order, without duplicates.
std::vector<Target> TargetsFor(const contracts::DeviationEvent& e,
                               const service::MasterData* master, core::TimePoint now) {
    std::vector<Target> out;
    std::set<std::string> seen;
    auto add_person = [&](const contracts::Person& p, Role role) {
        if (!p.email || p.email->empty()) return false;
        if (!seen.insert(Lower(*p.email)).second) return false;
        out.push_back({p, role, std::nullopt, p});
        return true;
    };
    const bool escalated = e.event == DeviationEventKind::kEscalated;
    if (!escalated) add_person(e.responsible, Role::kResponsible);
    for (const auto& p : e.notified) add_person(p, Role::kSuperior);
    if (master == nullptr) return out;
    auto unit = master->org.Find(e.unit);
    if (!unit) return out;
    const domain::Date day = domain::StockholmDate(now);
    if (escalated && e.escalation) {
        // The level that did not answer gets a reminder: the ring below the new one.
        const auto rings = domain::RingsOf(*unit, master->org, day);
        if (auto to = master->org.Find(e.escalation->to_unit)) {
            const int r = domain::RingIndexOf(rings, *to);
            if (r >= 1) {
                for (auto u : rings[static_cast<std::size_t>(r - 1)]) {
                    add_person(service::ToWire(master->org.unit(u).manager), Role::kReminded);
                }
            }
        }
    }
    // Units involved: the deviation's own (unless escalated past it) and those of the people
    // told; their registered addresses and webhooks.
    std::vector<contracts::Person> told = e.notified;
    if (!escalated) told.push_back(e.responsible);
    std::vector<domain::UnitIndex> units = UnitsOf(master->org, *unit, told, day);
    if (!escalated && std::find(units.begin(), units.end(), *unit) == units.end()) {
        units.insert(units.begin(), *unit);
    }
    std::set<std::string> hooks;
    for (auto u : units) {
        const auto& spec = master->org.unit(u);
        auto rec = master->org_units.find(spec.id.value());
        if (rec == master->org_units.end()) continue;
        const contracts::Person manager = service::ToWire(spec.manager);
        if (rec->second.mailbox &&
            add_person(contracts::Person{spec.name, "registrator", rec->second.mailbox},
                       Role::kMailbox)) {
            // Links in the registrator's copy act as the unit's manager.
            out.back().link_person = manager;
        }
        for (const auto& w : rec->second.webhooks) {
            if (!hooks.insert(w.url).second) continue;
            out.push_back({contracts::Person{spec.name, "webhook", std::nullopt}, Role::kWebhook, w,
                           manager});
        }
    }
    return out;
}

bool IsDigestible(const contracts::DeviationEvent& e) {
    return e.event == DeviationEventKind::kChanged && e.severity == contracts::Severity::kMinor &&
           e.within_mandate;
}

}  // namespace

std::string RefSafe(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
        out += ok ? c : '-';
    }
    return out;
}

std::string LiveTopic(const service::MasterData* master, std::string_view unit,
                      core::TimePoint now) {
    std::string path = "alert/";
    if (master != nullptr) {
        if (auto u = master->org.Find(unit)) {
            auto line = master->org.AncestorsAt(*u, domain::StockholmDate(now));
            std::reverse(line.begin(), line.end());
            for (auto a : line) path += master->org.unit(a).id.value() + "/";
        }
    }
    path += std::string(unit) + "/";
    return path;
}

bool ShouldAlert(const contracts::DeviationEvent& event, bool alerted_before) {
    if (!Alerted(event.event)) return false;
    if (event.event == DeviationEventKind::kClosed) return alerted_before;
    return event.deviation_ore.value_or(0) > 0 || event.kind == contracts::DeviationKind::kGoal ||
           event.kind == contracts::DeviationKind::kHr ||
           event.event == DeviationEventKind::kEscalated;
}

Planner::Planner(std::shared_ptr<const text::Templates> templates,
                 std::shared_ptr<const LinkSigner> signer, PlannerOptions options)
    : templates_(std::move(templates)),
      signer_(std::move(signer)),
      options_(std::move(options)),
      domain_(MailDomain(options_.from)) {}

Links Planner::LinksFor(const contracts::DeviationEvent& e, const contracts::Person& to,
                        const std::string& alert_id, core::TimePoint now) const {
    Links l;
    if (!signer_ || options_.links_base.empty() || e.event == DeviationEventKind::kClosed ||
        !to.email) {
        return l;
    }
    LinkClaims c;
    c.deviation_id = e.deviation_id.value();
    c.email = *to.email;
    c.name = to.name;
    c.expires = core::ToUnixMillis(now + options_.link_ttl) / 1000;
    c.alert_id = alert_id;
    auto url = [&](LinkAction a) {
        c.action = a;
        return options_.links_base + "/svar?t=" + signer_->Sign(c);
    };
    l.acknowledge = url(LinkAction::kAcknowledge);
    l.comment = url(LinkAction::kComment);
    l.measure = url(LinkAction::kMeasure);
    return l;
}

core::Result<std::vector<contracts::Alert>> Planner::ForEvent(
    const contracts::DeviationEvent& e, const service::MasterData* master,
    const std::vector<AlertState>& earlier, core::TimePoint now,
    const nlohmann::json* casework) const {
    std::vector<contracts::Alert> out;
    const bool alerted_before = std::any_of(earlier.begin(), earlier.end(), [](const auto& a) {
        return a.planned.channel != AlertChannel::kZmq;
    });
    if (!ShouldAlert(e, alerted_before)) return out;

    std::vector<Target> targets;
    if (e.event == DeviationEventKind::kClosed) {
        std::set<std::string> seen;
        for (const auto& a : earlier) {
            const auto& p = a.planned;
            if (p.channel == AlertChannel::kZmq || p.about == AlertAbout::kDigest) continue;
            Target t{p.recipient, Role::kSuperior, p.webhook, p.recipient};
            if (p.about == AlertAbout::kReminder) t.role = Role::kReminded;
            if (p.recipient.role == "registrator") t.role = Role::kMailbox;
            if (p.webhook) t.role = Role::kWebhook;
            if (p.recipient.email && e.responsible.email &&
                Lower(*p.recipient.email) == Lower(*e.responsible.email)) {
                t.role = Role::kResponsible;
            }
            if (!seen.insert(std::string(contracts::ToString(p.channel)) + TargetRef(t)).second) {
                continue;
            }
            targets.push_back(std::move(t));
        }
    } else {
        targets = TargetsFor(e, master, now);
    }
    const bool digest = options_.digest && IsDigestible(e);
    for (const auto& t : targets) {
        const AlertChannel channel = t.webhook ? AlertChannel::kWebhook : AlertChannel::kEmail;
        if (digest && channel == AlertChannel::kWebhook) continue;
        contracts::Alert a;
        a.alert_id = AlertIdFor(e, channel, TargetRef(t));
        a.deviation_id = e.deviation_id;
        a.unit = e.unit;
        a.recipient = t.person;
        a.channel = channel;
        a.sent_at = core::ToRfc3339(now);
        a.status = digest ? AlertStatus::kQueued : AlertStatus::kPending;
        a.attempt = 0;
        a.about = t.role == Role::kReminded && e.event == DeviationEventKind::kEscalated
                      ? AlertAbout::kReminder
                      : AboutOf(e.event);
        a.event_id = EventId(e);
        a.webhook = t.webhook;
        if (e.escalation && master != nullptr) {
            // Which ring of the reporting line is responsible now (0 = the unit itself).
            if (auto u = master->org.Find(e.unit); u) {
                if (auto to = master->org.Find(e.escalation->to_unit)) {
                    const auto rings = domain::RingsOf(*u, master->org, domain::StockholmDate(now));
                    a.escalation_level = std::max(0, domain::RingIndexOf(rings, *to));
                }
            }
        }
        const Links links = LinksFor(e, t.link_person, a.alert_id, now);
        json data = DeviationData(e, master, t.person, t.role, links);
        if (casework != nullptr && !casework->is_null()) data["arende"] = *casework;
        auto rendered = Render(*templates_,
                               a.about == AlertAbout::kReminder ? "paminnelse" : "avvikelse", data);
        if (!rendered.ok()) return std::move(rendered).error();
        a.subject = rendered->subject;
        contracts::AlertContent content;
        content.subject = rendered->subject;
        content.text = rendered->text;
        if (channel == AlertChannel::kEmail) {
            if (!rendered->html.empty()) content.html = rendered->html;
            const std::string email = t.person.email.value_or("");
            const std::string thread = ThreadMessageId(e.deviation_id.value(), email, domain_);
            const bool first = std::none_of(earlier.begin(), earlier.end(), [&](const auto& x) {
                return x.planned.channel == AlertChannel::kEmail && x.planned.recipient.email &&
                       Lower(*x.planned.recipient.email) == Lower(email);
            });
            if (first && e.event == DeviationEventKind::kOpened) {
                a.message_id = thread;
            } else {
                a.message_id = AlertMessageId(a.alert_id, domain_);
                a.in_reply_to = thread;
            }
        } else {
            if (t.webhook->format == contracts::WebhookFormat::kChat) {
                auto chat = templates_->Render("chatt.txt", data);
                if (!chat.ok()) return std::move(chat).error();
                content.json = json{{"text", *chat}};
            } else {
                content.json = WebhookBody(a, &e, master, links);
                (*content.json)["text"] = content.text;  // a.content is not set yet
            }
        }
        a.content = std::move(content);
        out.push_back(std::move(a));
    }
    return out;
}

std::optional<LiveAlert> Planner::Live(const contracts::DeviationEvent& e,
                                       const service::MasterData* master,
                                       core::TimePoint now) const {
    if (!ShouldAlert(e, /*alerted_before=*/true)) return std::nullopt;
    LiveAlert live;
    live.topic = LiveTopic(master, e.unit.value(), now);
    const json data = DeviationData(e, master, e.responsible, Role::kResponsible, Links{});
    auto rendered = Render(*templates_, "avvikelse", data);
    contracts::Alert& a = live.record;
    a.alert_id = AlertIdFor(e, AlertChannel::kZmq, "live");
    a.deviation_id = e.deviation_id;
    a.unit = e.unit;
    a.recipient = e.responsible;
    a.channel = AlertChannel::kZmq;
    a.sent_at = core::ToRfc3339(now);
    a.status = AlertStatus::kSent;
    a.attempt = 1;
    a.about = AboutOf(e.event);
    a.event_id = EventId(e);
    if (rendered.ok()) a.subject = rendered->subject;
    live.body = json{{"alert", a.ToJson()},
                     {"subject", rendered.ok() ? rendered->subject : e.deviation_id.value()},
                     {"body", rendered.ok() ? rendered->text : std::string()},
                     {"deviation", e.ToJson()}};
    return live;
}

core::Result<std::vector<contracts::Alert>> Planner::Digest(const std::vector<AlertState>& items,
                                                            core::TimePoint now) const {
    std::vector<contracts::Alert> out;
    if (items.empty()) return out;
    const contracts::Person to = items.front().planned.recipient;
    const std::string email = to.email.value_or("");
    const domain::Date day = domain::StockholmDate(now);
    contracts::Alert d;
    d.alert_id = "digest." + day.ToString() + ":" + RefSafe(Lower(email));
    d.unit = items.front().planned.unit;
    d.recipient = to;
    d.channel = AlertChannel::kEmail;
    d.sent_at = core::ToRfc3339(now);
    d.status = AlertStatus::kPending;
    d.attempt = 0;
    d.about = AlertAbout::kDigest;
    json posts = json::array();
    for (const auto& it : items) {
        d.items.push_back(it.planned.alert_id);
        json p{{"rubrik", it.planned.content ? it.planned.content->subject : std::string()},
               {"text", it.planned.content ? it.planned.content->text : std::string()}};
        posts.push_back(std::move(p));
    }
    const json data{{"mottagare", {{"namn", to.name}, {"roll", to.role}}},
                    {"datum", text::DateText(day)},
                    {"antal", std::to_string(items.size())},
                    {"poster", posts}};
    auto rendered = Render(*templates_, "sammanfattning", data);
    if (!rendered.ok()) return std::move(rendered).error();
    d.subject = rendered->subject;
    contracts::AlertContent content;
    content.subject = rendered->subject;
    content.text = rendered->text;
    if (!rendered->html.empty()) content.html = rendered->html;
    d.content = std::move(content);
    d.message_id = AlertMessageId(d.alert_id, domain_);
    out.push_back(d);
    for (const auto& it : items) {
        contracts::Alert x = it.planned;
        x.status = AlertStatus::kDigested;
        x.digest_id = d.alert_id;
        x.sent_at = d.sent_at;
        x.content.reset();
        out.push_back(std::move(x));
    }
    return out;
}

core::Result<contracts::Alert> Planner::Timetable(const std::string& alert_id, AlertAbout about,
                                                  const contracts::Person& to,
                                                  const core::UnitId& unit, const json& data,
                                                  core::TimePoint now,
                                                  std::string_view base) const {
    contracts::Alert a;
    a.alert_id = alert_id;
    a.unit = unit;
    a.recipient = to;
    a.channel = AlertChannel::kEmail;
    a.sent_at = core::ToRfc3339(now);
    a.status = AlertStatus::kPending;
    a.attempt = 0;
    a.about = about;
    auto rendered = Render(*templates_, base, data);
    if (!rendered.ok()) return std::move(rendered).error();
    a.subject = rendered->subject;
    contracts::AlertContent content;
    content.subject = rendered->subject;
    content.text = rendered->text;
    if (!rendered->html.empty()) content.html = rendered->html;
    a.content = std::move(content);
    a.message_id = AlertMessageId(a.alert_id, domain_);
    return a;
}

json WebhookBody(const contracts::Alert& a, const contracts::DeviationEvent* e,
                 const service::MasterData* master, const Links& links) {
    json body{{"type", "se.bfu.webhook.alert.v1"},
              {"alertId", a.alert_id},
              {"about", std::string(contracts::ToString(a.about.value_or(AlertAbout::kOpened)))},
              {"sentAt", a.sent_at},
              {"recipient", a.recipient.ToJson()},
              {"subject", a.content ? a.content->subject : a.subject.value_or("")},
              {"text", a.content ? a.content->text : std::string()}};
    json unit{{"id", a.unit.value()}, {"name", UnitName(master, a.unit.value())}};
    if (e != nullptr) unit["level"] = std::string(contracts::ToString(e->level));
    body["unit"] = unit;
    if (e != nullptr) {
        json d{{"id", e->deviation_id.value()},
               {"kind", std::string(contracts::ToString(e->kind))},
               {"severity", std::string(contracts::ToString(e->severity))},
               {"period", e->period},
               {"share", e->share},
               {"withinMandate", e->within_mandate}};
        if (e->budget_ore) d["budgetOre"] = *e->budget_ore;
        if (e->outcome_ore) d["outcomeOre"] = *e->outcome_ore;
        if (e->deviation_ore) d["deviationOre"] = *e->deviation_ore;
        if (e->target) d["target"] = *e->target;
        if (e->actual) d["actual"] = *e->actual;
        if (e->kind == contracts::DeviationKind::kGoal ||
            e->kind == contracts::DeviationKind::kHr) {
            const std::string measure_unit = IndicatorOf(*e, master).measure_unit;
            if (!measure_unit.empty()) d["measureUnit"] = measure_unit;
        }
        if (e->respond_by) d["respondBy"] = *e->respond_by;
        body["deviation"] = d;
    }
    json l = json::object();
    if (!links.acknowledge.empty()) l["acknowledge"] = links.acknowledge;
    if (!links.comment.empty()) l["comment"] = links.comment;
    if (!links.measure.empty()) l["measure"] = links.measure;
    if (!l.empty()) body["links"] = l;
    return body;
}

}  // namespace bfu::notifier
