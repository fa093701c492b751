// The generator behind `bfu demo generate --size` and `bfu demo run`: Exempelkommun's year is
// deterministic, of the sizes promised, balanced to the öre, passes ingest's checks except for
// the planted faults, and its stories, feeds and script are what the demo relies on.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/domain/workdays.hpp"
#include "bfu/generator/municipality.hpp"
#include "bfu/ingest/voucher_checker.hpp"
#include "bfu/service/master_data.hpp"

namespace bfu::generator {
namespace {

constexpr int kYear = 2026;

const Municipality& Small() {
    static const Municipality m = Generate(Size::kSmall, kYear);
    return m;
}

const Municipality& Medium() {
    static const Municipality m = Generate(Size::kMedium, kYear);
    return m;
}

std::size_t CountLevel(const Municipality& m, contracts::OrgLevel level) {
    std::size_t n = 0;
    for (const auto& u : m.org()) n += u.level == level ? 1 : 0;
    return n;
}

service::MasterSnapshot SnapshotOf(const Municipality& m) {
    service::MasterSnapshot s;
    const contracts::EventMeta meta{"id", "bfu/test", core::FromUnixMillis(0), ""};
    for (const auto& u : m.org()) {
        s[std::string(contracts::topics::kMasterOrg)][u.Key()] = contracts::EncodeMessage(u, meta);
    }
    for (const auto& a : m.accounts()) {
        s[std::string(contracts::topics::kMasterAccounts)][a.Key()] =
            contracts::EncodeMessage(a, meta);
    }
    for (const auto& b : m.budgets()) {
        s[std::string(contracts::topics::kMasterBudget)][b.Key()] =
            contracts::EncodeMessage(b, meta);
    }
    for (const auto& g : m.goals()) {
        s[std::string(contracts::topics::kMasterGoals)][g.Key()] =
            contracts::EncodeMessage(g, meta);
    }
    return s;
}

// Sum per (unit, group-of-account) of a month's vouchers, without the copies sent again and the
// planted faults.
std::map<std::pair<std::string, char>, std::int64_t> Outcome(const std::vector<DayVouchers>& days) {
    std::map<std::pair<std::string, char>, std::int64_t> out;
    std::set<std::string> seen;
    for (const auto& d : days) {
        for (const auto* list : {&d.kafka, &d.http}) {
            for (const auto& v : *list) {
                if (!seen.insert(v.Key()).second) continue;
                const auto& id = v.voucher_id.value();
                if (id.find("-QA") != std::string::npos && id.size() > 2 &&
                    id.substr(id.size() - 2) != "-K") {
                    continue;
                }
                for (const auto& l : v.lines)
                    out[{l.unit.value(), l.account.value()[0]}] += l.amount_ore;
            }
        }
    }
    return out;
}

TEST(Generator, IsTheSameOnEveryCall) {
    const auto a = Generate(Size::kSmall, kYear);
    const auto b = Generate(Size::kSmall, kYear);
    EXPECT_EQ(a.org(), b.org());
    EXPECT_EQ(a.accounts(), b.accounts());
    EXPECT_EQ(a.budgets(), b.budgets());
    EXPECT_EQ(a.goals(), b.goals());
    EXPECT_EQ(a.Script(), b.Script());
    EXPECT_EQ(a.Feeds(), b.Feeds());
    const auto va = a.VouchersOf(3);
    const auto vb = b.VouchersOf(3);
    ASSERT_EQ(va.size(), vb.size());
    for (std::size_t i = 0; i < va.size(); ++i) {
        EXPECT_EQ(va[i].kafka, vb[i].kafka);
        EXPECT_EQ(va[i].http, vb[i].http);
    }
    EXPECT_EQ(a.HrOf(5), b.HrOf(5));
    EXPECT_EQ(a.GoalOutcomesOf(8), b.GoalOutcomesOf(8));
    // The year is a parameter, not baked in.
    const auto next = Generate(Size::kSmall, kYear + 1);
    EXPECT_EQ(next.budgets().front().year, kYear + 1);
    EXPECT_EQ(next.VouchersOf(1).front().date.year(), kYear + 1);
}

TEST(Generator, MediumIsAMunicipalityOfAboutAHundredThousand) {
    const auto& m = Medium();
    const auto t = m.totals();
    EXPECT_EQ(t.namnder, 5u);
    EXPECT_EQ(t.sektorer, 6u);
    EXPECT_GE(t.verksamheter, 36u);
    EXPECT_LE(t.verksamheter, 44u);
    EXPECT_GE(t.enheter, 380u);
    EXPECT_LE(t.enheter, 420u);
    EXPECT_GE(t.inhabitants, 80'000);
    EXPECT_LE(t.inhabitants, 130'000);
    EXPECT_EQ(CountLevel(m, contracts::OrgLevel::kKf), 1u);
    EXPECT_EQ(CountLevel(m, contracts::OrgLevel::kKs), 1u);
    EXPECT_EQ(CountLevel(m, contracts::OrgLevel::kForvaltning), 1u);
    // Every enhet has a budget for personnel, every nämnd a secretary and a mailbox, every
    // manager an address of their own.
    std::set<std::string> personnel;
    for (const auto& b : m.budgets()) {
        if (b.account_group == "personal") personnel.insert(b.unit.value());
    }
    std::set<std::string> emails;
    for (const auto& u : m.org()) {
        ASSERT_TRUE(u.manager.email.has_value());
        EXPECT_TRUE(emails.insert(*u.manager.email).second) << *u.manager.email;
        if (u.level == contracts::OrgLevel::kEnhet) {
            EXPECT_EQ(personnel.count(u.id.value()), 1u);
        }
        if (u.level == contracts::OrgLevel::kNamnd) {
            EXPECT_TRUE(u.secretary.has_value()) << u.id.value();
            EXPECT_TRUE(u.mailbox.has_value()) << u.id.value();
        }
    }
    EXPECT_FALSE(m.goals().empty());
}

TEST(Generator, MediumBooksAboutTwoMillionLinesAYear) {
    const auto& m = Medium();
    std::size_t lines = 0;
    std::size_t vouchers = 0;
    for (const int month : {1, 7}) {
        for (const auto& d : m.VouchersOf(month)) {
            for (const auto* list : {&d.kafka, &d.http}) {
                vouchers += list->size();
                for (const auto& v : *list) lines += v.lines.size();
            }
        }
    }
    // Two months of twelve; July is the lighter one.
    EXPECT_GE(lines * 6, 1'700'000u);
    EXPECT_LE(lines * 6, 2'400'000u);
    EXPECT_GE(vouchers * 6, 100'000u);
}

TEST(Generator, EveryVoucherBalancesAndPassesIngestExceptThePlantedFaults) {
    const auto& m = Small();
    auto md = service::MasterData::Build(SnapshotOf(m), "", kYear);
    ASSERT_TRUE(md.ok()) << md.error().message;
    EXPECT_TRUE(md.value()->problems.empty());
    ingest::VoucherChecker checker(ingest::CheckRules{{kYear}, {}});
    checker.SetMaster(md.value());
    std::map<std::string, int> outcomes;  // "accepted", "duplicate" or the first reason's code
    std::int64_t offset = 0;
    for (int month = 1; month <= 12; ++month) {
        for (const auto& d : m.VouchersOf(month)) {
            for (const auto* list : {&d.kafka, &d.http}) {
                for (const auto& v : *list) {
                    SCOPED_TRACE(v.voucher_id.value());
                    // A batch sent again keeps its vouchers' dates.
                    EXPECT_LE(v.date, d.date.ToString());
                    EXPECT_EQ(v.date.substr(0, 7), d.date.ToString().substr(0, 7));
                    auto r = checker.Check(
                        VoucherJson(v), contracts::Origin::Kafka("bfu.erp.vouchers", 0, offset++),
                        core::FromUnixMillis(0));
                    if (r.kind == ingest::CheckResult::Kind::kAccepted) {
                        ++outcomes["accepted"];
                    } else if (r.kind == ingest::CheckResult::Kind::kDuplicate) {
                        ++outcomes["duplicate"];
                    } else {
                        ASSERT_FALSE(r.rejected.reasons.empty());
                        ++outcomes[r.rejected.reasons.front().code];
                        EXPECT_NE(v.voucher_id.value().find("-QA"), std::string::npos);
                    }
                }
            }
        }
    }
    EXPECT_EQ(outcomes["unknown_account"], 1);
    EXPECT_EQ(outcomes["unknown_unit"], 1);
    EXPECT_EQ(outcomes["unbalanced"], 1);
    // The first voucher of the year (sent again over HTTP), a batch the ERP sent twice in June
    // and an e-commerce batch posted twice in October.
    EXPECT_GE(outcomes["duplicate"], 3);
    EXPECT_GT(outcomes["accepted"], 5000);
    EXPECT_EQ(outcomes.size(), 5u);
}

TEST(Generator, WritesVouchersAsTheContractDoes) {
    const auto& m = Small();
    for (const auto& d : m.VouchersOf(6)) {
        for (const auto* list : {&d.kafka, &d.http}) {
            for (const auto& v : *list) {
                ASSERT_EQ(VoucherJson(v), v.ToJson().dump()) << v.voucher_id.value();
            }
        }
    }
    contracts::Voucher odd;
    odd.source = core::SourceId("x");
    odd.voucher_id = core::VoucherId("a\"b\\c\n\x01");
    odd.date = "2026-01-01";
    odd.text = "åäö \t";
    contracts::VoucherLine l;
    l.account = core::AccountNo("4010");
    l.unit = core::UnitId("E1");
    l.amount_ore = -5;
    odd.lines = {l};
    EXPECT_EQ(VoucherJson(odd), odd.ToJson().dump());
}

TEST(Generator, PostsVouchersOnWorkingDaysOnly) {
    const auto& m = Small();
    for (int month = 1; month <= 12; ++month) {
        for (const auto& d : m.VouchersOf(month)) {
            if (!domain::IsWorkingDay(d.date, {})) {
                EXPECT_TRUE(d.kafka.empty()) << d.date.ToString();
                EXPECT_TRUE(d.http.empty()) << d.date.ToString();
            }
        }
    }
}

TEST(Generator, TheHrFiguresCarryThePersonnelCostOfTheLedger) {
    const auto& m = Small();
    for (const int month : {2, 7}) {
        const auto outcome = Outcome(m.VouchersOf(month));
        for (const auto& h : m.HrOf(month)) {
            SCOPED_TRACE(h.unit.value());
            ASSERT_TRUE(h.personnel_cost_ore.has_value());
            const auto it = outcome.find({h.unit.value(), '5'});
            ASSERT_NE(it, outcome.end());
            EXPECT_EQ(it->second, *h.personnel_cost_ore);
            EXPECT_GT(h.headcount, 0);
            EXPECT_GE(h.sick_leave_pct, 0.5);
            EXPECT_LE(h.sick_leave_pct, 15.0);
        }
    }
}

// The budget of a unit and group for a month (1..12), spread as analysis spreads it.
std::int64_t MonthBudget(const Municipality& m, const std::string& unit, const std::string& group,
                         int month) {
    for (const auto& b : m.budgets()) {
        if (b.unit.value() != unit || b.account_group != group) continue;
        if (b.profile.kind == contracts::ProfileKind::kExplicit) {
            return b.profile.months[static_cast<std::size_t>(month - 1)];
        }
        domain::Profile p = domain::Profile::Even();
        if (b.profile.kind == contracts::ProfileKind::kPersonnel) p = domain::Profile::Personnel();
        if (b.profile.kind == contracts::ProfileKind::kHeating) p = domain::Profile::Heating();
        return domain::Spread(
            core::Money::FromOre(b.annual_ore), p,
            domain::FiscalYear::Calendar(m.year()))[static_cast<std::size_t>(month - 1)];
    }
    return 0;
}

const Story& StoryOf(const Municipality& m, const std::string& key) {
    for (const auto& s : m.stories()) {
        if (s.key == key) return s;
    }
    throw std::runtime_error("no story " + key);
}

TEST(Generator, PlantsTheStories) {
    const auto& m = Medium();
    // Overtime in hemtjänst: the story's enheter are 15-19 % over on personnel from March.
    const auto& overtime = StoryOf(m, "hemtjanst-overtid");
    ASSERT_GE(overtime.units.size(), 5u);
    const auto march = Outcome(m.VouchersOf(3));
    const auto february = Outcome(m.VouchersOf(2));
    for (std::size_t i = 0; i + 1 < overtime.units.size(); ++i) {
        const auto& u = overtime.units[i];
        const auto budget = MonthBudget(m, u, "personal", 3);
        EXPECT_GT(march.at({u, '5'}) * 100, budget * 112) << u;
        EXPECT_LT(february.at({u, '5'}) * 100, MonthBudget(m, u, "personal", 2) * 103) << u;
    }
    // The school under budget all year: 6.5 % under on every cost.
    const auto& school = StoryOf(m, "skola-gott-exempel").units.front();
    EXPECT_LT(march.at({school, '5'}) * 1000, MonthBudget(m, school, "personal", 3) * 940);
    // Energy in a cold February: 45 % over the heating profile.
    const auto& energy = StoryOf(m, "kall-februari").units.front();
    const auto e_budget = MonthBudget(m, energy, "energi", 2);
    std::int64_t e_outcome = 0;
    for (const auto& [key, ore] : february) {
        if (key.first == energy && key.second == '6') e_outcome += ore;
    }
    EXPECT_GT(e_outcome, e_budget * 14 / 10);
    // Building-permit fees fall by 45 % from March (revenue is negative).
    const auto& fees = StoryOf(m, "bygglov-intakter").units.front();
    EXPECT_GT(march.at({fees, '3'}), MonthBudget(m, fees, "intakter", 3) * 6 / 10);
    // The heating profile puts more of the year's energy in February than in July, care puts
    // holiday pay in July.
    EXPECT_GT(MonthBudget(m, energy, "energi", 2), 4 * MonthBudget(m, energy, "energi", 7));
    const auto& ht = overtime.units.front();
    EXPECT_GT(MonthBudget(m, ht, "personal", 7), MonthBudget(m, ht, "personal", 6));
    // The reorganisation: the verksamhet moves on 1 September with its placement before.
    ASSERT_EQ(m.reorganisation().size(), 1u);
    const auto& moved = m.reorganisation().front();
    EXPECT_EQ(moved.valid_from, "2026-09-01");
    ASSERT_EQ(moved.history.size(), 1u);
    EXPECT_EQ(moved.history.front().valid_from, "2026-01-01");
    EXPECT_NE(moved.history.front().parent, *moved.parent);
    EXPECT_TRUE(moved.decision_ref.has_value());
}

TEST(Generator, TheScriptIsTheManagersCommandsInTimeOrder) {
    const auto& m = Medium();
    const auto& script = m.Script();
    ASSERT_FALSE(script.empty());
    std::map<std::string, int> commands;
    for (std::size_t i = 0; i < script.size(); ++i) {
        const auto& a = script[i];
        if (i > 0) {
            EXPECT_LE(script[i - 1].at, a.at);
        }
        ASSERT_GE(a.command.size(), 2u);
        ++commands[a.command[0] + " " + a.command[1]];
        EXPECT_FALSE(a.actor.empty());
        EXPECT_FALSE(a.description.empty());
        // Every command names who acts.
        const auto by = std::find(a.command.begin(), a.command.end(), "--by");
        ASSERT_NE(by, a.command.end());
        ASSERT_NE(by + 1, a.command.end());
        EXPECT_NE((by + 1)->find("@exempelkommun.se"), std::string::npos);
        for (const auto& arg : a.command) {
            if (!arg.empty() && arg[0] == '@') {
                EXPECT_EQ(m.Files().count(arg.substr(1)), 1u);
            }
        }
    }
    EXPECT_GT(commands["forecast submit"], 1000);
    EXPECT_GT(commands["comment add"], 150);
    EXPECT_EQ(commands["plan draft"], 1);
    EXPECT_EQ(commands["plan propose"], 1);
    EXPECT_EQ(commands["decision record"], 4);  // the plan, two measures, the budget revision
    EXPECT_GE(commands["measure add"], 4);
    EXPECT_GE(commands["deviation comment"], 5);
    // Goals named by comments exist.
    std::set<std::string> goals;
    for (const auto& g : m.goals()) goals.insert(g.id);
    for (const auto& a : script) {
        const auto it = std::find(a.command.begin(), a.command.end(), "--goal");
        if (it != a.command.end()) {
            EXPECT_EQ(goals.count(*(it + 1)), 1u) << *(it + 1);
        }
    }
}

TEST(Generator, FeedsTheHrFiguresGoalOutcomesAndTheReorganisation) {
    const auto& m = Small();
    std::map<std::string, int> kinds;
    for (const auto& f : m.Feeds()) {
        ++kinds[f.kind];
        const auto json = nlohmann::json::parse(m.FeedFile(f));
        ASSERT_TRUE(json.is_array()) << f.file;
        EXPECT_FALSE(json.empty()) << f.file;
        if (f.kind == "hr") {
            for (const auto& r : json) {
                EXPECT_TRUE(contracts::HrFigure::FromJson(r).ok());
            }
        }
        if (f.kind == "goal-outcomes") {
            for (const auto& r : json) {
                EXPECT_TRUE(contracts::GoalOutcome::FromJson(r).ok());
            }
        }
        if (f.kind == "org") {
            for (const auto& r : json) {
                auto u = contracts::OrgUnit::FromJson(r);
                EXPECT_TRUE(u.ok()) << (u.ok() ? "" : u.error().ToString());
            }
        }
    }
    EXPECT_EQ(kinds["hr"], 12);
    EXPECT_EQ(kinds["goal-outcomes"], 3);
    EXPECT_EQ(kinds["org"], 1);
}

}  // namespace
}  // namespace bfu::generator
