// AnalysisEngine over the year's lifecycle: one judged month for the whole organisation, every
// unit judged again when it moves, two years at once across New Year, closed years left, and
// reorganisations by date - checked as properties over a generated municipality.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "bfu/analysis/engine.hpp"
#include "support/generated_municipality.hpp"
#include "test_master.hpp"

namespace bfu::analysis {
namespace {

domain::Date D(const char* s) { return domain::Date::Parse(s).value(); }

// Noon, Stockholm time, on a date: the business date of a Flush.
core::TimePoint At(const char* date) { return domain::FromStockholm(D(date), 12, 0); }

std::string AccountOf(const std::string& group) {
    if (group == "personal") return "5011";
    if (group == "material") return "4010";
    if (group == "lokaler") return "6110";
    return "3510";
}

// Cells as the changelog carries them: one per (year, unit, account, period), absolute.
class Cells {
public:
    void Set(const std::string& unit, const std::string& group, const std::string& period,
             std::int64_t ore) {
        CellRecord c;
        c.year = std::stoi(period.substr(0, 4));
        c.unit = unit;
        c.account = AccountOf(group);
        c.period = period;
        c.group = group;
        c.ore = ore;
        c.last = {0, ++offset_, offset_ * 1000, "visma", "V" + std::to_string(offset_)};
        cells_.push_back(c);
    }
    void Into(AnalysisEngine& engine) {
        for (const auto& c : cells_) ASSERT_TRUE(engine.SetCell(c).ok());
        cells_.clear();
    }

private:
    std::vector<CellRecord> cells_;
    std::int64_t offset_ = 0;
};

template <typename T>
std::map<std::string, T> ByUnit(const std::vector<T>& items, int year) {
    std::map<std::string, T> out;
    for (const auto& i : items) {
        if constexpr (std::is_same_v<T, UnitStatus>) {
            if (i.year == year) out.emplace(i.unit, i);
        } else {
            if (i.year == year) out.emplace(i.unit.value(), i);
        }
    }
    return out;
}

std::shared_ptr<const service::MasterData> Build(const test::SnapshotBuilder& b) {
    auto md = service::MasterData::Build(b.snapshot(), "", test::kYear);
    EXPECT_TRUE(md.ok()) << (md.ok() ? "" : md.error().ToString());
    return md.ok() ? *md : nullptr;
}

// January to March on budget for everyone, except that ENH1 books 80 000 kr too much for
// personnel in March.
void OnBudgetThenOverInMarch(Cells& cells) {
    for (const char* p : {"202601", "202602", "202603"}) {
        cells.Set("ENH1", "personal", p, std::string(p) == "202603" ? 18'000'000 : 10'000'000);
        cells.Set("ENH1", "material", p, 1'000'000);
        cells.Set("ENH2", "personal", p, 20'000'000);
    }
}

TEST(AnalysisLifecycle, EveryUnitIsJudgedThroughTheSameMonth) {
    AnalysisEngine engine;
    engine.SetMaster(test::StandardMaster());
    Cells cells;
    OnBudgetThenOverInMarch(cells);
    cells.Into(engine);
    // 31 March: February is complete (its close day was 6 March), March is still being booked.
    // ENH1's overspend in March is not judged yet - it shows in outcome_year_ore only.
    auto out = engine.Flush(At("2026-03-31"));
    EXPECT_TRUE(out.deviations.empty());
    const auto status = ByUnit(out.statuses, 2026);
    ASSERT_EQ(status.size(), 8u);
    for (const auto& [unit, s] : status) {
        EXPECT_EQ(s.through_period, "202602") << unit;
        EXPECT_TRUE(s.current);
    }
    EXPECT_EQ(status.at("ENH1").outcome_to_date_ore, 22'000'000);
    EXPECT_EQ(status.at("ENH1").outcome_year_ore, 41'000'000);
    // Every level is the sum of its children at the same month.
    EXPECT_EQ(status.at("VER").outcome_to_date_ore,
              status.at("ENH1").outcome_to_date_ore + status.at("ENH2").outcome_to_date_ore);
    EXPECT_EQ(status.at("VER").budget_to_date_ore,
              status.at("ENH1").budget_to_date_ore + status.at("ENH2").budget_to_date_ore);
    EXPECT_EQ(status.at("KF").outcome_to_date_ore, status.at("VER").outcome_to_date_ore);
    for (const auto& [unit, a] : ByUnit(out.aggregates, 2026)) {
        EXPECT_EQ(a.through_period, "202602") << unit;
    }
}

TEST(AnalysisLifecycle, WhenTheJudgedMonthMovesEveryUnitIsJudgedAgain) {
    AnalysisEngine engine;
    engine.SetMaster(test::StandardMaster());
    Cells cells;
    OnBudgetThenOverInMarch(cells);
    cells.Into(engine);
    (void)engine.Flush(At("2026-03-31"));
    // Nothing new is booked, but on 10 April March is complete (its close day was 9 April).
    // April is not booked at all: on 9 May it is complete and every unit looks underspent
    // (favourable deviations), so this test keeps to March.
    auto out = engine.Flush(At("2026-04-10"));
    EXPECT_EQ(engine.JudgedMonth(2026), 2);
    EXPECT_EQ(ByUnit(out.statuses, 2026).size(), 8u) << "every unit, not only touched ones";
    ASSERT_EQ(out.deviations.size(), 1u);
    EXPECT_EQ(out.deviations[0].deviation_id.value(), "budget:2026:ENH1");
    EXPECT_EQ(out.deviations[0].event, contracts::DeviationEventKind::kOpened);
    EXPECT_EQ(out.deviations[0].period, "202603");
    // ENH1 books a credit for March that brings it back to budget; the deviation closes with
    // the next evaluation, and a later move of the judged month finds nothing left to do.
    cells.Set("ENH1", "personal", "202603", 10'000'000);
    cells.Into(engine);
    out = engine.Flush(At("2026-04-10"));
    ASSERT_EQ(out.deviations.size(), 1u);
    EXPECT_EQ(out.deviations[0].event, contracts::DeviationEventKind::kClosed);
    for (const char* unit : {"ENH1", "ENH2"}) {
        cells.Set(unit, "personal", "202604",
                  unit == std::string("ENH1") ? 10'000'000 : 20'000'000);
    }
    cells.Set("ENH1", "material", "202604", 1'000'000);
    cells.Into(engine);
    out = engine.Flush(At("2026-04-30"));  // April booked, not yet complete: nothing to judge
    EXPECT_TRUE(out.deviations.empty());
    out = engine.Flush(At("2026-05-09"));  // April complete: judged again, nothing opens
    EXPECT_EQ(engine.JudgedMonth(2026), 3);
    EXPECT_EQ(ByUnit(out.statuses, 2026).size(), 8u);
    EXPECT_TRUE(out.deviations.empty());
}

TEST(AnalysisLifecycle, AClosedPeriodIsJudgedBeforeItsCloseDay) {
    using K = contracts::CalendarKind;
    auto b = test::StandardBuilder();
    b.Closing(K::kPeriodClosed, 2026, "202603", "202603", "2026-04-02", "ekonomi@ex.se");
    AnalysisEngine engine;
    engine.SetMaster(Build(b));
    Cells cells;
    OnBudgetThenOverInMarch(cells);
    cells.Into(engine);
    auto out = engine.Flush(At("2026-04-02"));
    EXPECT_EQ(engine.JudgedMonth(2026), 2);
    ASSERT_EQ(out.deviations.size(), 1u);
    EXPECT_EQ(out.deviations[0].period, "202603");
}

TEST(AnalysisLifecycle, FollowsTwoYearsAcrossNewYearAndLeavesAClosedOne) {
    auto b = test::StandardBuilder();
    b.Budget("ENH1", "personal", 2027, 132'000'000).Budget("ENH2", "personal", 2027, 240'000'000);
    AnalysisEngine engine;
    engine.SetMaster(Build(b));
    Cells cells;
    cells.Set("ENH1", "personal", "202612", 10'000'000);
    cells.Set("ENH2", "personal", "202612", 20'000'000);
    cells.Into(engine);
    // Before 1 December only 2026 is followed.
    (void)engine.Flush(At("2026-11-30"));
    EXPECT_EQ(engine.Years(), std::vector<int>{2026});
    // From 1 December the new year is followed too; a January voucher reaches it before the
    // clock does.
    cells.Set("ENH1", "personal", "202701", 11'000'000);
    cells.Into(engine);
    auto out = engine.Flush(At("2026-12-15"));
    EXPECT_EQ(engine.Years(), (std::vector<int>{2026, 2027}));
    auto y27 = ByUnit(out.statuses, 2027);
    ASSERT_EQ(y27.size(), 8u);
    EXPECT_FALSE(y27.at("KF").current) << "the clock is still in 2026";
    EXPECT_EQ(y27.at("ENH1").through_period, "") << "no month of 2027 is complete";
    EXPECT_EQ(y27.at("ENH1").outcome_year_ore, 11'000'000);
    EXPECT_EQ(y27.at("ENH1").annual_budget_ore, 132'000'000);
    EXPECT_TRUE(ByUnit(out.aggregates, 2027).empty());
    // In January the clock's year is 2027: its statuses become the current ones, and 2026 is
    // judged through December (complete from 12 January) while it takes adjustments.
    out = engine.Flush(At("2027-01-20"));
    EXPECT_TRUE(ByUnit(out.statuses, 2027).at("KF").current);
    EXPECT_FALSE(ByUnit(out.statuses, 2026).at("KF").current);
    EXPECT_EQ(engine.JudgedMonth(2026), 11);
    EXPECT_EQ(ByUnit(out.statuses, 2026).at("KF").through_period, "202612");
    cells.Set("ENH1", "personal", "202612", 10'500'000);  // a closing adjustment in February
    cells.Into(engine);
    out = engine.Flush(At("2027-02-10"));
    EXPECT_EQ(ByUnit(out.statuses, 2026).at("ENH1").outcome_year_ore, 10'500'000);
    EXPECT_EQ(ByUnit(out.aggregates, 2026).at("KF").totals.months[11].outcome_ore, 30'500'000);
    // After arsbokslut (26 February 2027) 2026 is no longer followed: nothing of it is written.
    (void)engine.Flush(At("2027-03-01"));
    EXPECT_EQ(engine.Years(), std::vector<int>{2027});
    const auto ignored = engine.stats().ignored;
    cells.Set("ENH2", "personal", "202612", 99);
    cells.Into(engine);
    EXPECT_EQ(engine.stats().ignored, ignored + 1);
    out = engine.Flush(At("2027-03-01"));
    EXPECT_TRUE(ByUnit(out.statuses, 2026).empty());
}

TEST(AnalysisLifecycle, ADeviationRestoredBeforeItsYearStartsContinuesItsSequence) {
    AnalysisEngine engine;
    engine.SetMaster(test::StandardMaster());
    contracts::DeviationEvent opened;
    opened.deviation_id = core::DeviationId("budget:2026:ENH1");
    opened.seq = 1;
    opened.unit = core::UnitId("ENH1");
    opened.kind = contracts::DeviationKind::kBudget;
    opened.year = 2026;
    opened.period = "202602";
    opened.event = contracts::DeviationEventKind::kOpened;
    opened.budget_ore = 22'000'000;
    opened.outcome_ore = 30'000'000;
    opened.deviation_ore = 8'000'000;
    // Restored at start, before the first Flush knows which years are followed.
    EXPECT_TRUE(engine.RestoreDeviation({opened, 2, true}));
    Cells cells;
    OnBudgetThenOverInMarch(cells);
    cells.Into(engine);
    auto out = engine.Flush(At("2026-03-31"));
    ASSERT_EQ(out.deviations.size(), 1u);
    EXPECT_EQ(out.deviations[0].event, contracts::DeviationEventKind::kClosed);
    EXPECT_EQ(out.deviations[0].seq, 3);
}

TEST(AnalysisLifecycle, APinnedYearIsFollowedWhateverTheDate) {
    domain::LifecycleRules pinned;
    pinned.pinned_years = {2026};
    AnalysisEngine engine(domain::DeviationRules::Defaults(), pinned);
    engine.SetMaster(test::StandardMaster());
    auto out = engine.Flush(At("2031-06-01"));
    EXPECT_EQ(engine.Years(), std::vector<int>{2026});
    EXPECT_EQ(engine.JudgedMonth(2026), 11);
    EXPECT_TRUE(ByUnit(out.statuses, 2026).at("KF").current);
}

// ---- Properties over a generated municipality ----

contracts::OrgLevel WireLevel(const std::string& level) {
    using L = contracts::OrgLevel;
    if (level == "KF") return L::kKf;
    if (level == "KS") return L::kKs;
    if (level == "förvaltning") return L::kForvaltning;
    if (level == "nämnd") return L::kNamnd;
    if (level == "sektor") return L::kSektor;
    if (level == "verksamhet") return L::kVerksamhet;
    return L::kEnhet;
}

std::string Period(int year, int month) { return std::to_string(year * 100 + month); }

test::SnapshotBuilder SnapshotOf(const bfu::testing::GeneratedMunicipality& m, bool with_moves) {
    test::SnapshotBuilder b;
    for (const auto& u : m.units) {
        contracts::OrgUnit o;
        o.id = core::UnitId(u.id);
        if (!u.parent.empty()) o.parent = core::UnitId(u.parent);
        o.level = WireLevel(u.level);
        o.name = u.name;
        o.manager.name = "Chef " + u.id;
        o.manager.role = "chef";
        o.mandate_ore = u.mandate_ore;
        o.valid_from = "2020-01-01";
        if (with_moves) {
            for (const auto& mv : m.moves) {
                if (mv.unit != u.id) continue;
                // The record as a reorganisation publishes it: the new parent from the move's
                // date, the earlier placement kept in its history.
                o.history = {{core::UnitId(mv.from_parent), "2020-01-01", std::nullopt}};
                o.parent = core::UnitId(mv.to_parent);
                char date[16];
                std::snprintf(date, sizeof date, "%04d-%02d-%02d", m.year, mv.month, mv.day);
                o.valid_from = date;
                o.decision_ref = "KS § 12/2026";
            }
        }
        b.Org(o);
    }
    b.Account("3510", 3, "intakter")
        .Account("4010", 4, "material")
        .Account("5011", 5, "personal")
        .Account("6110", 6, "lokaler");
    for (const auto& x : m.budgets) b.Budget(x.unit, x.group, m.year, x.annual_ore);
    return b;
}

EngineOutput RunYear(const bfu::testing::GeneratedMunicipality& m, bool with_moves,
                     const char* today) {
    AnalysisEngine engine;
    engine.SetMaster(Build(SnapshotOf(m, with_moves)));
    Cells cells;
    for (const auto& l : m.lines) cells.Set(l.unit, l.group, Period(m.year, l.month), l.ore);
    cells.Into(engine);
    return engine.Flush(At(today));
}

class GeneratedMunicipality : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(GeneratedMunicipality, EveryLevelIsTheSumOfItsChildrenAtTheSameJudgedMonth) {
    const auto m = bfu::testing::GenerateMunicipality(GetParam(), 2026);
    ASSERT_FALSE(m.moves.empty());
    auto parent_in = [&](const std::string& unit, int month) {
        // The structure on the month's first day (a move on the 15th counts from the next).
        std::string p;
        for (const auto& u : m.units) {
            if (u.id == unit) p = u.parent;
        }
        for (const auto& mv : m.moves) {
            const int from = mv.day == 1 ? mv.month : mv.month + 1;
            if (mv.unit == unit && month >= from) p = mv.to_parent;
        }
        return p;
    };
    // Every month-end of the year: the judged month moves month by month.
    for (const char* today : {"2026-02-09", "2026-05-11", "2026-09-08", "2026-12-08"}) {
        SCOPED_TRACE(today);
        const auto out = RunYear(m, true, today);
        const auto status = ByUnit(out.statuses, 2026);
        const auto agg = ByUnit(out.aggregates, 2026);
        ASSERT_EQ(status.size(), m.units.size());
        ASSERT_EQ(agg.size(), m.units.size());
        const std::string through = status.at("KF").through_period;
        ASSERT_FALSE(through.empty());
        const int judged = std::stoi(through.substr(4)) - 1;
        for (const auto& u : m.units) {
            SCOPED_TRACE(u.id);
            EXPECT_EQ(status.at(u.id).through_period, through);
            EXPECT_EQ(agg.at(u.id).through_period, through);
            // Month by month: a unit with children is the sum of those under it that month.
            std::int64_t to_date = 0;
            for (int month = 1; month <= 12; ++month) {
                std::int64_t outcome = 0, budget = 0;
                bool any_child = false;
                for (const auto& c : m.units) {
                    if (parent_in(c.id, month) != u.id) continue;
                    any_child = true;
                    const auto& cm =
                        agg.at(c.id).totals.months[static_cast<std::size_t>(month - 1)];
                    outcome += cm.outcome_ore;
                    budget += cm.budget_ore;
                }
                const auto& own = agg.at(u.id).totals.months[static_cast<std::size_t>(month - 1)];
                if (any_child) {
                    EXPECT_EQ(own.outcome_ore, outcome) << "month " << month;
                    EXPECT_EQ(own.budget_ore, budget) << "month " << month;
                }
                if (month - 1 <= judged) to_date += own.outcome_ore;
            }
            // To date is through the judged month, in status and aggregate alike.
            EXPECT_EQ(status.at(u.id).outcome_to_date_ore, to_date);
            EXPECT_EQ(agg.at(u.id).totals.outcome_to_date_ore, to_date);
        }
        // Where no child moved, the statuses add up directly.
        for (const auto& u : m.units) {
            std::vector<std::string> children = status.at(u.id).children;
            bool moved = false;
            for (const auto& mv : m.moves) {
                moved = moved || mv.from_parent == u.id || mv.to_parent == u.id;
            }
            if (children.empty() || moved) continue;
            std::int64_t sum = 0, budget = 0;
            for (const auto& c : children) {
                sum += status.at(c).outcome_to_date_ore;
                budget += status.at(c).budget_to_date_ore;
            }
            EXPECT_EQ(status.at(u.id).outcome_to_date_ore, sum) << u.id;
            EXPECT_EQ(status.at(u.id).budget_to_date_ore, budget) << u.id;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Seeds, GeneratedMunicipality, ::testing::Values(1u, 5u, 2026u));

TEST(GeneratedMunicipality, AReorganisationOnTheFirstOfSeptemberMovesNoMoney) {
    bfu::testing::GenOptions options;
    options.moves = 1;
    const auto m = bfu::testing::GenerateMunicipality(7, 2026, options);
    ASSERT_EQ(m.moves.size(), 1u);
    const auto& mv = m.moves[0];
    ASSERT_EQ(mv.month, 9);
    ASSERT_EQ(mv.day, 1);
    const auto before = RunYear(m, false, "2026-12-08");
    const auto after = RunYear(m, true, "2026-12-08");
    const auto b = ByUnit(before.aggregates, 2026);
    const auto a = ByUnit(after.aggregates, 2026);
    const auto sa = ByUnit(after.statuses, 2026);
    // The municipality's totals agree before and after, month by month.
    for (std::size_t month = 0; month < 12; ++month) {
        EXPECT_EQ(a.at("KF").totals.months[month], b.at("KF").totals.months[month]);
    }
    EXPECT_EQ(ByUnit(after.statuses, 2026).at("KF").outcome_to_date_ore,
              ByUnit(before.statuses, 2026).at("KF").outcome_to_date_ore);
    // The moved unit keeps its own history.
    EXPECT_EQ(a.at(mv.unit).totals.months, b.at(mv.unit).totals.months);
    // January-August stay with the old parent, September-December go to the new one.
    const auto& unit_months = a.at(mv.unit).totals.months;
    for (std::size_t month = 0; month < 12; ++month) {
        const auto moved = unit_months[month].outcome_ore;
        const auto from_delta = b.at(mv.from_parent).totals.months[month].outcome_ore -
                                a.at(mv.from_parent).totals.months[month].outcome_ore;
        const auto to_delta = a.at(mv.to_parent).totals.months[month].outcome_ore -
                              b.at(mv.to_parent).totals.months[month].outcome_ore;
        EXPECT_EQ(from_delta, month >= 8 ? moved : 0) << "month " << month;
        EXPECT_EQ(to_delta, month >= 8 ? moved : 0) << "month " << month;
    }
    // The status names the parent in force on the business date.
    EXPECT_EQ(sa.at(mv.unit).parent, mv.to_parent);
}

}  // namespace
}  // namespace bfu::analysis
