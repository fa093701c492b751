#pragma once
// Shared data for the notifier and escalator unit tests: the standard test municipality
// (tests/unit/services/test_master.hpp) with a nämnd mailbox, webhooks on the sektor and the
// verksamhet and a goal; the default templates; deviation events made the way their owners
// make them (service::ToWire from a domain event, indicators as IndicatorTracker adjusts
// them).
//
//   KF ── KS ── FORV (kommundirektör Maria Lind, mandate 5 000 000 kr)
//    └── NAM Omsorgsnämnden (Per Holm, 3 000 000 kr, mailbox registrator.omsorg@ex.se)
//         └── SEK Sektor omsorg (Sara Nord, 1 000 000 kr; webhooks: generic + chat)
//              └── VER Hemtjänst (Olof Björk, 500 000 kr; webhook: generic)
//                   ├── ENH1 Hemtjänst Öst (Maja Öberg, 100 000 kr)
//                   └── ENH2 Hemtjänst Väst (Emil Åkesson, 10 000 kr)
// Escalation rings of ENH1: [ENH1], [VER], [SEK], [NAM, FORV] (the sektor's line to the
// kommundirektör), [KS], [KF].
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/master.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/domain/deviation.hpp"
#include "bfu/notifier/templates.hpp"
#include "bfu/service/deviation_wire.hpp"
#include "bfu/service/master_data.hpp"
#include "bfu/text/templates.hpp"
#include "services/test_master.hpp"

namespace bfu::test {

inline constexpr const char* kMailbox = "registrator.omsorg@ex.se";
inline constexpr const char* kSektorHook = "https://hooks.ex.se/sektor-omsorg";
inline constexpr const char* kSektorChat = "https://chatt.ex.se/omsorg";
inline constexpr const char* kVerksamhetHook = "https://hooks.ex.se/hemtjanst";
inline constexpr const char* kGoal = "vantetid";

inline contracts::OrgUnit UnitRecord(const std::string& id, std::optional<std::string> parent,
                                     contracts::OrgLevel level, const std::string& name,
                                     const std::string& manager, const std::string& role,
                                     const std::string& email, std::int64_t mandate_ore) {
    contracts::OrgUnit u;
    u.id = core::UnitId(id);
    if (parent) u.parent = core::UnitId(*parent);
    u.level = level;
    u.name = name;
    u.manager = {manager, role, email};
    u.mandate_ore = mandate_ore;
    u.valid_from = "2026-01-01";
    return u;
}

// Replaces (or adds) a unit of the builder's snapshot with `u`, encoded as SnapshotBuilder
// encodes its units.
inline void PutUnit(SnapshotBuilder& b, const contracts::OrgUnit& u) {
    b.Raw(contracts::topics::kMasterOrg, u.Key(),
          contracts::EncodeMessage(u, {"test-" + u.Key(), "bfu/test", TestNow(), u.Key()}));
}

inline SnapshotBuilder NotifierBuilder() {
    using L = contracts::OrgLevel;
    SnapshotBuilder b = StandardBuilder();
    auto nam = UnitRecord("NAM", "KF", L::kNamnd, "Omsorgsnämnden", "Per Holm", "ordförande",
                          "per@ex.se", 300'000'000);
    nam.mailbox = kMailbox;
    PutUnit(b, nam);
    auto sek = UnitRecord("SEK", "NAM", L::kSektor, "Sektor omsorg", "Sara Nord", "sektorchef",
                          "sara@ex.se", 100'000'000);
    sek.webhooks = {
        contracts::Webhook{kSektorHook, contracts::WebhookFormat::kGeneric, "BFU_OMSORG_HEMLIG"},
        contracts::Webhook{kSektorChat, contracts::WebhookFormat::kChat, std::nullopt}};
    PutUnit(b, sek);
    auto ver = UnitRecord("VER", "SEK", L::kVerksamhet, "Hemtjänst", "Olof Björk",
                          "verksamhetschef", "olof@ex.se", 50'000'000);
    ver.webhooks = {
        contracts::Webhook{kVerksamhetHook, contracts::WebhookFormat::kGeneric, std::nullopt}};
    PutUnit(b, ver);
    contracts::Goal g;
    g.id = kGoal;
    g.unit = core::UnitId("ENH1");
    g.year = kYear;
    g.name = "Väntetid till hemtjänst";
    g.target = 10;
    g.direction = contracts::GoalDirection::kLowerIsBetter;
    g.measure_unit = "dagar";
    b.Raw(contracts::topics::kMasterGoals, g.Key(),
          contracts::EncodeMessage(g, {"test-" + g.Key(), "bfu/test", TestNow(), g.Key()}));
    return b;
}

inline std::shared_ptr<const service::MasterData> NotifierMaster(
    SnapshotBuilder b = NotifierBuilder()) {
    auto md = service::MasterData::Build(b.snapshot(), "", kYear);
    EXPECT_TRUE(md.ok()) << (md.ok() ? "" : md.error().message);
    if (!md.ok()) return nullptr;
    EXPECT_TRUE((*md)->problems.empty()) << (*md)->problems.front();
    return md.value();
}

inline std::shared_ptr<const text::Templates> DefaultNotifierTemplates() {
    auto t = text::Templates::Load(notifier::DefaultTemplates());
    EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().ToString());
    return t.ok() ? std::make_shared<const text::Templates>(std::move(t).value()) : nullptr;
}

// A budget deviation of `unit` through March 2026 against 3 000 000 kr of budget, as analysis
// makes it: `deviation_ore` > 0 overspends (unfavourable).
inline domain::DeviationEvent BudgetEvent(domain::TransitionType type, std::int64_t deviation_ore,
                                          domain::Severity severity, std::uint32_t seq,
                                          const std::string& unit = "ENH1") {
    domain::DeviationEvent e;
    e.type = type;
    e.key = {core::UnitId(unit), domain::DeviationKind::kBudget,
             domain::FiscalYear::Calendar(kYear), ""};
    e.id = domain::MakeDeviationId(e.key);
    e.level = domain::Level::kEnhet;
    e.as_of = domain::Period::Of(kYear, 3).value();
    e.reference = 300'000'000;
    e.actual = e.reference + deviation_ore;
    e.deviation = deviation_ore;
    e.share_bp = deviation_ore * 10000 / e.reference;
    e.direction =
        deviation_ore > 0 ? domain::Direction::kUnfavourable : domain::Direction::kFavourable;
    e.severity = severity;
    e.sequence = seq;
    const auto amount = core::Money::FromOre(deviation_ore);
    e.root_cause.groups = {{"personal", "", amount, 10000}};
    e.root_cause.accounts = {{"5011", "", amount, 10000}};
    e.root_cause.months = {{"202603", "", amount, 10000}};
    return e;
}

// A goal or HR deviation as IndicatorTracker makes it: ToWire, then target and actual instead
// of money, always within the mandate.
inline contracts::DeviationEvent IndicatorEvent(const domain::Organisation& org,
                                                domain::DeviationKind kind,
                                                const std::string& subject, double target,
                                                double actual, core::TimePoint now,
                                                const std::string& unit = "ENH1") {
    domain::DeviationEvent e;
    e.type = domain::TransitionType::kOpened;
    e.key = {core::UnitId(unit), kind, domain::FiscalYear::Calendar(kYear), subject};
    e.id = domain::MakeDeviationId(e.key);
    e.level = domain::Level::kEnhet;
    e.as_of = domain::Period::Of(kYear, 3).value();
    e.actual = static_cast<std::int64_t>(actual * 1000);
    e.reference = static_cast<std::int64_t>(target * 1000);
    e.deviation = e.actual - e.reference;
    e.share_bp = e.deviation * 10000 / e.reference;
    e.direction = domain::Direction::kUnfavourable;
    e.severity = domain::Severity::kMajor;
    e.sequence = 1;
    auto d = service::ToWire(e, org, now, std::nullopt);
    d.budget_ore.reset();
    d.outcome_ore.reset();
    d.deviation_ore.reset();
    d.target = target;
    d.actual = actual;
    d.within_mandate = true;
    return d;
}

inline std::vector<std::string> Emails(const std::vector<contracts::Person>& people) {
    std::vector<std::string> out;
    for (const auto& p : people) out.push_back(p.email.value_or("(" + p.name + ")"));
    return out;
}

}  // namespace bfu::test
