// A scripted year end to end: bfu-ingest, bfu-analysis and bfu-forecasting against the real
// broker and Redis, driven only through topics, config and Redis keys. A small organisation
// (KF -> nämnd NAM -> sektor SEK -> enheter E1, E2) gets a flat budget and, month by month, one
// salary voucher per enhet, and once ingest has accepted them the finance unit closes the month
// (bfu.calendar), so the whole organisation is judged through it. After every month the test
// waits for the outputs and compares them with figures it computes itself from its own script:
//   - every unit's status hash in Redis (judged month, outcome and budget to date, deviation,
//     share, light, open deviations, annual budget, outcome of the year);
//   - the budget deviation events on bfu.deviations: E1's deviation opens in February,
//     escalates to major in March, stays put in April (a move below the threshold is no
//     event) and closes in May exactly at the hysteresis limit; E2 lands exactly on the
//     opening threshold and never opens;
//   - E1's full-year forecasts on bfu.forecasts (profile + trend, written when they move
//     materially).
//
// Why one voucher per enhet and month with a single cost line: analysis may evaluate between
// any two lines it reads. With one cost line per unit and month every state it can see is
// either "this unit's month is in" or "not yet", so the events are the same however the lines
// are batched. The ancestors (sektor 1 Mkr, nämnd and KF 2 Mkr thresholds) never come near
// their thresholds, so their evaluations in between produce no events either.
//
// Amounts in the script are kronor; everything compared is öre.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "bfu/contracts/analysis.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/master.hpp"
#include "bfu/contracts/outputs.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/kafka/admin.hpp"
#include "bfu/kafka/consumer.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/redis/redis.hpp"
#include "e2e/prefixed_stack.hpp"
#include "e2e/process.hpp"
#include "support/stack_env.hpp"

namespace bfu {
namespace {

using namespace std::chrono_literals;
using bfu::testing::Eventually;
using bfu::testing::Slurp;

constexpr int kYear = 2026;
constexpr int kMonths = 12;
constexpr std::int64_t kOre = 100;
// Forecasting's business date: 10 March lies after round 1 (last weekday of February) and
// before round 2 (last weekday of April), so every forecast belongs to round 2 and no round
// date falls inside the test; forecasts are written only because outcome changed.
constexpr const char* kBusinessDate = "2026-03-10";
constexpr int kRound = 2;

// The enheter's script. Budget: flat (even profile) personnel and material budgets, annual
// amounts divisible by 12 so that every month's budget is exactly a twelfth. Outcome: one
// salary line a month (account 5011, group personal); material is budgeted but never booked,
// so the material group always pushes towards an underspend and can never be a cause of an
// overspend.
struct Enhet {
    const char* id;
    std::int64_t personal_month_kr;
    std::int64_t material_month_kr;
    std::array<std::int64_t, kMonths> salaries_kr;
};

// E1: budget 100 + 10 = 110 tkr a month. Outcome to date minus budget to date, in tkr:
//   Jan 110 -> 0; Feb 170 -> 60; Mar 210 -> 160; Apr 70 -> 120; May 30 -> 40; then 110 a
//   month -> stays 40.
// E2: budget 200 + 20 = 220 tkr a month.
//   Jan 220 -> 0; Feb 270 -> 50 (exactly the enhet's 50 tkr threshold: no deviation);
//   Mar-Jun 220 -> 50; Jul 100 -> -70; then 220 a month -> stays -70 (-4.5 %: under 5 %).
constexpr Enhet kEnheter[] = {
    {"E1",
     100'000,
     10'000,
     {110'000, 170'000, 210'000, 70'000, 30'000, 110'000, 110'000, 110'000, 110'000, 110'000,
      110'000, 110'000}},
    {"E2",
     200'000,
     20'000,
     {220'000, 270'000, 220'000, 220'000, 220'000, 220'000, 100'000, 220'000, 220'000, 220'000,
      220'000, 220'000}},
};

struct UnitDef {
    const char* id;
    const char* parent;  // nullptr for KF
    contracts::OrgLevel level;
    const char* level_name;  // as in Redis
    const char* name;
    std::vector<std::string> children;
    std::vector<std::size_t> enheter;  // indexes into kEnheter of the subtree
};

const std::vector<UnitDef>& Units() {
    static const std::vector<UnitDef> units = {
        {"KF", nullptr, contracts::OrgLevel::kKf, "KF", "Kommunfullmäktige", {"NAM"}, {0, 1}},
        {"NAM", "KF", contracts::OrgLevel::kNamnd, "nämnd", "Nämnden", {"SEK"}, {0, 1}},
        {"SEK", "NAM", contracts::OrgLevel::kSektor, "sektor", "Sektorn", {"E1", "E2"}, {0, 1}},
        {"E1", "SEK", contracts::OrgLevel::kEnhet, "enhet", "Enhet ett", {}, {0}},
        {"E2", "SEK", contracts::OrgLevel::kEnhet, "enhet", "Enhet två", {}, {1}},
    };
    return units;
}

std::string PeriodOf(int month_index) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d%02d", kYear, month_index + 1);
    return buf;
}

// Outcome and budget of a subtree through month t (0-based, inclusive), öre.
std::int64_t OutcomeThrough(const UnitDef& u, int t) {
    std::int64_t sum = 0;
    for (auto e : u.enheter) {
        for (int m = 0; m <= t; ++m) sum += kEnheter[e].salaries_kr[static_cast<std::size_t>(m)];
    }
    return sum * kOre;
}
std::int64_t BudgetThrough(const UnitDef& u, int t) {
    std::int64_t month = 0;
    for (auto e : u.enheter) month += kEnheter[e].personal_month_kr + kEnheter[e].material_month_kr;
    return month * (t + 1) * kOre;
}

// The month a unit is judged through once month m has been fed and the finance unit has
// closed it (docs/architecture.md, "the judged month"): one month for the whole organisation,
// the closed month m, so every level is the sum of the levels under it. The business clock
// stands in mid-January, so no month is complete by the timetable's close days: only the
// decisions move the judged month.
int JudgedMonth(const UnitDef& /*u*/, int m) { return m; }

// E1's budget deviation, by hand from the script and the domain's rules (enhet threshold
// 50 tkr AND 5 %, both strictly; hysteresis 80 % = 40 tkr AND 4 %; a change event when the
// severity changes or d moved by more than the threshold; severity factor = the smaller of
// d/50 tkr and share/5 %, >= 200 % major, >= 400 % critical):
//   Feb: d = 280 - 220 = 60 tkr (27 %): passes -> opened; factor min(120 %, 545 %) -> minor.
//        Causes: personal 280 - 200 = +80 tkr (material 0 - 20 = -20 tkr favours, not listed).
//   Mar: d = 490 - 330 = 160 tkr (48 %): factor min(320 %, 969 %) -> major: changed.
//        Causes: personal 490 - 300 = +190 tkr.
//   Apr: d = 560 - 440 = 120 tkr: still major, moved 40 tkr (< 50 tkr) -> no event.
//   May: d = 590 - 550 = 40 tkr: not > 40 tkr (the hysteresis amount, strictly) -> closed;
//        severity of 40 tkr is minor.
// E2 reaches d = 50 tkr exactly in February: not > 50 tkr, so nothing opens; from August it
// is -70 tkr of 1 540 tkr = -4.5 %, not beyond 5 %: nothing opens.
struct ExpectedEvent {
    int fed_month;  // the month whose vouchers bring it
    contracts::DeviationEventKind kind;
    std::int64_t seq;
    std::string period;
    std::int64_t budget_kr, outcome_kr;
    contracts::Severity severity;
    std::optional<std::pair<std::string, std::int64_t>> first_cause;  // group, tkr
};

const std::vector<ExpectedEvent>& ExpectedE1Events() {
    static const std::vector<ExpectedEvent> events = {
        {1, contracts::DeviationEventKind::kOpened, 1, PeriodOf(1), 220'000, 280'000,
         contracts::Severity::kMinor, std::make_pair(std::string("personal"), 80'000)},
        {2, contracts::DeviationEventKind::kChanged, 2, PeriodOf(2), 330'000, 490'000,
         contracts::Severity::kMajor, std::make_pair(std::string("personal"), 190'000)},
        {4, contracts::DeviationEventKind::kClosed, 3, PeriodOf(4), 550'000, 590'000,
         contracts::Severity::kMinor, std::nullopt},
    };
    return events;
}

// E1's deviation is open after the months that opened it and before the one that closed it.
bool E1OpenAfter(int m) { return m >= 1 && m < 4; }

// Basis points rounded half away from zero (core::Share::BasisPoints, used on the events).
std::int64_t RoundedBp(std::int64_t part, std::int64_t whole) {
    const std::int64_t w = whole < 0 ? -whole : whole;
    const std::int64_t p = part * 10000;
    std::int64_t q = p / w;
    const std::int64_t r = p % w;
    if ((r < 0 ? -r : r) * 2 >= w) q += p < 0 ? -1 : 1;
    return q;
}

// a * num / den rounded half away from zero (den > 0); fits in 64 bits for these amounts.
std::int64_t RoundedDiv(std::int64_t num, std::int64_t den) {
    std::int64_t q = num / den;
    const std::int64_t r = num % den;
    if ((r < 0 ? -r : r) * 2 >= den) q += num < 0 ? -1 : 1;
    return q;
}

// Profile + trend for one group (docs/services/forecasting.md, domain forecast.hpp):
// closed months 0..t with outcome O and budget Btd, remaining budget Brest;
// forecast = O + Brest + 50 % * Brest * (O - Btd) / Btd.
std::int64_t ProfileTrend(std::int64_t o, std::int64_t btd, std::int64_t brest) {
    return o + brest + RoundedDiv(brest * (o - btd) * 50, btd * 100);
}

// E1's full-year forecast from the aggregate analysis writes after month m is fed and closed:
// the aggregate's "through" is the judged month m.
struct ExpectedForecast {
    std::int64_t total_ore;
    std::int64_t personal_ore;
    std::int64_t material_ore;
    std::int64_t outcome_to_date_ore;
    std::string through_period;
};
ExpectedForecast E1ForecastAfter(int m) {
    const auto& e = kEnheter[0];
    const int t = m;
    std::int64_t o = 0;
    for (int k = 0; k <= t; ++k) o += e.salaries_kr[static_cast<std::size_t>(k)] * kOre;
    const std::int64_t closed = t + 1;
    const std::int64_t open = kMonths - closed;
    const std::int64_t personal =
        ProfileTrend(o, e.personal_month_kr * kOre * closed, e.personal_month_kr * kOre * open);
    // Material: nothing booked, so O = 0 and the rest is half the remaining budget.
    const std::int64_t material =
        ProfileTrend(0, e.material_month_kr * kOre * closed, e.material_month_kr * kOre * open);
    return {personal + material, personal, material, o, PeriodOf(t)};
}

// A consumer that reads a topic from the beginning and keeps what it has read.
class TopicReader {
public:
    TopicReader(const std::string& brokers, const std::string& topic) {
        kafka::KafkaConfig cfg;
        cfg.brokers = brokers;
        cfg.group_id = bfu::testing::UniquePrefix() + "reader";
        cfg.properties["auto.offset.reset"] = "earliest";
        auto c = kafka::Consumer::Create(cfg);
        EXPECT_TRUE(c.ok()) << c.error().ToString();
        if (!c.ok()) return;
        consumer_ = std::move(*c);
        EXPECT_TRUE(consumer_->Subscribe({topic}).ok());
    }
    ~TopicReader() {
        if (consumer_) (void)consumer_->Close();
    }
    TopicReader(const TopicReader&) = delete;
    TopicReader& operator=(const TopicReader&) = delete;

    // Reads what is there now (one poll).
    void Drain() {
        if (!consumer_) return;
        auto batch = consumer_->Poll(1000, 100ms);
        if (!batch.ok()) return;
        for (auto& m : *batch) values_.push_back(std::move(m.value));
    }
    [[nodiscard]] const std::vector<std::string>& values() const { return values_; }

private:
    std::unique_ptr<kafka::Consumer> consumer_;
    std::vector<std::string> values_;
};

class ScriptedYear : public bfu::testing::PrefixedStackTest {
protected:
    void SetUp() override { ASSERT_NO_FATAL_FAILURE(OpenRun("e2e")); }

    void TearDown() override { CloseRun(); }

    void StartServices() {
        for (const std::string name : {"ingest", "analysis", "forecasting"}) {
            auto env = ServiceEnv(name, kYear, bfu::testing::FreePort());
            if (name == "forecasting") env["BFU_FOLLOWUP_BUSINESS_DATE"] = kBusinessDate;
            // The year is pinned (followup.year): only the finance unit's decisions close its
            // periods, and on this date none is complete by the timetable.
            env["BFU_CLOCK_MODE"] = "simulated";
            env["BFU_CLOCK_START"] = "2026-01-15T09:00:00+01:00";
            ASSERT_NO_FATAL_FAILURE(StartService(name, env));
        }
        ASSERT_NO_FATAL_FAILURE(WaitReady());
    }
};

// The fields of a unit's Redis hash the script decides, as strings (docs/redis.md).
std::map<std::string, std::string> ExpectedStatus(const UnitDef& u, int m) {
    const int j = JudgedMonth(u, m);
    const std::int64_t outcome = OutcomeThrough(u, j);
    const std::int64_t budget = BudgetThrough(u, j);
    const std::int64_t deviation = outcome - budget;
    const bool e1_open = std::string(u.id) == "E1" && E1OpenAfter(m);
    std::string children;
    for (const auto& c : u.children) children += (children.empty() ? "" : ",") + c;
    return {
        {"unit", u.id},
        {"level", u.level_name},
        {"parent", u.parent != nullptr ? u.parent : ""},
        {"children", children},
        {"year", std::to_string(kYear)},
        {"through_period", PeriodOf(j)},
        {"outcome_to_date_ore", std::to_string(outcome)},
        {"budget_to_date_ore", std::to_string(budget)},
        {"annual_budget_ore", std::to_string(BudgetThrough(u, kMonths - 1))},
        {"outcome_year_ore", std::to_string(OutcomeThrough(u, m))},
        {"deviation_ore", std::to_string(deviation)},
        // Truncated toward zero, as docs/redis.md specifies for the hash.
        {"share_bp", std::to_string(budget == 0 ? 0 : deviation * 10000 / std::llabs(budget))},
        // E1's open deviation is an overspend: red.
        {"light", e1_open ? "red" : "green"},
        {"open_deviations", e1_open ? "budget:2026:E1" : ""},
    };
}

TEST_F(ScriptedYear, DeviationsCausesForecastsAndStatusesFollowTheScript) {
    // Master data first, so that every service starts from the whole of it.
    std::vector<contracts::OrgUnit> org;
    for (const auto& u : Units()) {
        contracts::OrgUnit o;
        o.id = core::UnitId(u.id);
        if (u.parent != nullptr) o.parent = core::UnitId(u.parent);
        o.level = u.level;
        o.name = u.name;
        o.manager.name = std::string("Chef ") + u.id;
        o.manager.role = "chef";
        o.manager.email = std::string("chef.") + u.id + "@skriptkommun.se";
        o.mandate_ore = 10'000 * kOre;
        o.valid_from = std::to_string(kYear) + "-01-01";
        org.push_back(std::move(o));
    }
    std::vector<contracts::Account> accounts;
    for (const auto& [number, name, cls, group] :
         std::vector<std::tuple<const char*, const char*, int, const char*>>{
             {"1930", "Bank", 1, "balansrakning"},
             {"4010", "Förbrukningsmaterial", 4, "material"},
             {"5011", "Månadslön", 5, "personal"}}) {
        contracts::Account a;
        a.number = core::AccountNo(number);
        a.name = name;
        a.account_class = cls;
        a.group = group;
        a.active = true;
        a.investment = false;
        accounts.push_back(std::move(a));
    }
    std::vector<contracts::Budget> budgets;
    for (const auto& e : kEnheter) {
        for (const auto& [group, month_kr] : {std::pair{"personal", e.personal_month_kr},
                                              std::pair{"material", e.material_month_kr}}) {
            contracts::Budget b;
            b.unit = core::UnitId(e.id);
            b.account_group = group;
            b.year = kYear;
            b.kind = contracts::BudgetKind::kOperating;
            b.annual_ore = month_kr * 12 * kOre;
            b.profile.kind = contracts::ProfileKind::kEven;
            b.revision.no = 0;
            b.revision.ref = "KF § 1/" + std::to_string(kYear - 1);
            b.revision.date = std::to_string(kYear - 1) + "-11-28";
            budgets.push_back(std::move(b));
        }
    }
    kafka::KafkaConfig pc;
    pc.brokers = brokers_;
    auto producer = kafka::Producer::Create(pc);
    ASSERT_TRUE(producer.ok()) << producer.error().ToString();
    ASSERT_NO_FATAL_FAILURE(Publish(**producer, org));
    ASSERT_NO_FATAL_FAILURE(Publish(**producer, accounts));
    ASSERT_NO_FATAL_FAILURE(Publish(**producer, budgets));

    ASSERT_NO_FATAL_FAILURE(StartServices());
    const double ingest_master = static_cast<double>(org.size() + accounts.size());
    const double analysis_master = ingest_master + static_cast<double>(budgets.size());
    ASSERT_TRUE(
        Eventually([&] { return Metric("ingest", "bfu_master_records") >= ingest_master; }, 30s));
    ASSERT_TRUE(Eventually(
        [&] { return Metric("analysis", "bfu_master_records") >= analysis_master; }, 30s));

    auto redis = redis::Pool::Create(redis_url_);
    ASSERT_TRUE(redis.ok()) << redis.error().ToString();
    TopicReader deviations(brokers_, Topic(contracts::topics::kDeviations));
    TopicReader forecasts(brokers_, Topic(contracts::topics::kForecasts));

    // The budget deviation events read so far, in order (each deviation's events share a key,
    // hence a partition, hence their order).
    auto budget_events = [&] {
        std::vector<contracts::DeviationEvent> out;
        for (const auto& v : deviations.values()) {
            auto d = contracts::DecodeMessage<contracts::DeviationEvent>(v);
            EXPECT_TRUE(d.ok()) << d.error().ToString();
            if (d.ok() && d->kind == contracts::DeviationKind::kBudget) out.push_back(*d);
        }
        return out;
    };
    // E1's forecasts computed from outcome (those from before any voucher, on an empty
    // aggregate, are not part of the script).
    auto e1_forecasts = [&] {
        std::vector<contracts::Forecast> out;
        for (const auto& v : forecasts.values()) {
            auto f = contracts::DecodeMessage<contracts::Forecast>(v);
            EXPECT_TRUE(f.ok()) << f.error().ToString();
            if (f.ok() && f->unit.value() == "E1" && f->inputs.outcome_to_date_ore != 0) {
                out.push_back(*f);
            }
        }
        return out;
    };

    // Forecasting writes a unit's forecast for the round again only when it moved by more than
    // 50 % of the level's threshold amount (enhet: 25 tkr). The test follows that rule over its
    // own forecasts to know which ones appear.
    constexpr std::int64_t kMaterial = 25'000 * kOre;
    std::vector<ExpectedForecast> written;
    std::size_t expected_events = 0;

    for (int m = 0; m < kMonths; ++m) {
        SCOPED_TRACE("month " + PeriodOf(m));
        // The ERP's vouchers of month m: one salary voucher per enhet, paid from the bank.
        for (const auto& e : kEnheter) {
            contracts::Voucher v;
            v.source = core::SourceId("skript-erp");
            char id[32];
            std::snprintf(id, sizeof id, "L-%s-%02d", e.id, m + 1);
            v.voucher_id = core::VoucherId(id);
            v.series = "L";
            char date[32];
            std::snprintf(date, sizeof date, "%04d-%02d-25", kYear, m + 1);
            v.date = date;
            v.text = std::string("Löner ") + e.id;
            const std::int64_t ore = e.salaries_kr[static_cast<std::size_t>(m)] * kOre;
            contracts::VoucherLine salary, bank;
            salary.account = core::AccountNo("5011");
            salary.unit = core::UnitId(e.id);
            salary.amount_ore = ore;
            salary.text = "Månadslön";
            bank.account = core::AccountNo("1930");
            bank.unit = core::UnitId(e.id);
            bank.amount_ore = -ore;
            bank.text = "Utbetalning";
            v.lines = {salary, bank};
            ASSERT_TRUE(
                (*producer)
                    ->Produce(Topic(contracts::topics::kErpVouchers), v.Key(), v.ToJson().dump())
                    .ok());
        }
        ASSERT_TRUE((*producer)->Flush(30s).ok());
        // Once ingest has accepted the month, the finance unit closes it (bfu period close):
        // the whole organisation is judged through it.
        const auto accepted = (static_cast<std::size_t>(m) + 1) * std::size(kEnheter);
        ASSERT_GE(bfu::testing::ReadTopic(brokers_, Topic(contracts::topics::kIngestDecisions),
                                          accepted, 30s)
                      .size(),
                  accepted);
        contracts::CalendarEvent close;
        close.date = "2026-01-15";
        close.kind = contracts::CalendarKind::kPeriodClosed;
        close.year = kYear;
        close.ref = PeriodOf(m);
        close.period = PeriodOf(m);
        close.by = "ekonomi@exempelkommun.se";
        ASSERT_NO_FATAL_FAILURE(Publish(**producer, std::vector<contracts::CalendarEvent>{close}));

        // Redis: every unit's status as the script says.
        std::map<std::string, std::map<std::string, std::string>> got;
        const bool statuses = Eventually(
            [&] {
                bool all = true;
                for (const auto& u : Units()) {
                    auto h = (*redis)->HGetAll(prefix_ + "unit:" + u.id);
                    got[u.id] = h.ok() ? *h : std::map<std::string, std::string>{};
                    for (const auto& [field, value] : ExpectedStatus(u, m)) {
                        if (got[u.id][field] != value) all = false;
                    }
                }
                return all;
            },
            20s, 50ms);
        for (const auto& u : Units()) {
            for (const auto& [field, value] : ExpectedStatus(u, m)) {
                EXPECT_EQ(got[u.id][field], value) << u.id << " " << field;
            }
        }
        ASSERT_TRUE(statuses) << "analysis log: " << Slurp(services_["analysis"]->log());

        // bfu.deviations: exactly the expected budget events so far.
        for (const auto& e : ExpectedE1Events()) {
            if (e.fed_month == m) ++expected_events;
        }
        Eventually(
            [&] {
                deviations.Drain();
                return budget_events().size() >= expected_events;
            },
            15s, 1ms);
        const auto events = budget_events();
        ASSERT_EQ(events.size(), expected_events);
        for (std::size_t i = 0; i < events.size(); ++i) {
            const auto& want = ExpectedE1Events()[i];
            const auto& ev = events[i];
            SCOPED_TRACE("event " + std::to_string(i));
            EXPECT_EQ(ev.deviation_id.value(), "budget:2026:E1");
            EXPECT_EQ(ev.unit.value(), "E1");
            EXPECT_EQ(ev.level, contracts::OrgLevel::kEnhet);
            EXPECT_EQ(ev.year, kYear);
            EXPECT_EQ(ev.event, want.kind);
            EXPECT_EQ(ev.seq, want.seq);
            EXPECT_EQ(ev.period, want.period);
            EXPECT_EQ(ev.budget_ore, want.budget_kr * kOre);
            EXPECT_EQ(ev.outcome_ore, want.outcome_kr * kOre);
            const std::int64_t d = (want.outcome_kr - want.budget_kr) * kOre;
            EXPECT_EQ(ev.deviation_ore, d);
            EXPECT_DOUBLE_EQ(ev.share,
                             static_cast<double>(RoundedBp(d, want.budget_kr * kOre)) / 10000.0);
            EXPECT_EQ(ev.severity, want.severity);
            EXPECT_EQ(ev.responsible.name, "Chef E1");
            if (want.first_cause) {
                ASSERT_FALSE(ev.causes.empty());
                EXPECT_EQ(ev.causes[0].dimension, contracts::CauseDimension::kGroup);
                EXPECT_EQ(ev.causes[0].key, want.first_cause->first);
                EXPECT_EQ(ev.causes[0].amount_ore, want.first_cause->second * kOre);
                for (const auto& c : ev.causes) {
                    // The underspent material group does not explain an overspend.
                    EXPECT_NE(c.key, "material");
                }
            }
        }

        // bfu.forecasts: E1's forecast after this month, when it moved materially.
        const auto f = E1ForecastAfter(m);
        if (written.empty() || std::llabs(f.total_ore - written.back().total_ore) > kMaterial) {
            written.push_back(f);
        }
        Eventually(
            [&] {
                forecasts.Drain();
                return e1_forecasts().size() >= written.size();
            },
            15s, 1ms);
        const auto got_f = e1_forecasts();
        ASSERT_EQ(got_f.size(), written.size());
        for (std::size_t i = 0; i < got_f.size(); ++i) {
            SCOPED_TRACE("forecast " + std::to_string(i));
            const auto& fc = got_f[i];
            EXPECT_EQ(fc.year, kYear);
            EXPECT_EQ(fc.round, kRound);
            EXPECT_EQ(fc.method, contracts::ForecastMethod::kBlend);
            EXPECT_EQ(fc.total_ore, written[i].total_ore);
            EXPECT_EQ(fc.budget_ore, 110'000 * 12 * kOre);
            EXPECT_EQ(fc.inputs.through_period, written[i].through_period);
            EXPECT_EQ(fc.inputs.outcome_to_date_ore, written[i].outcome_to_date_ore);
            EXPECT_EQ(fc.inputs.reason, contracts::ForecastReason::kOutcomeChanged);
            std::map<std::string, std::int64_t> groups;
            for (const auto& g : fc.groups) groups[g.account_group] = g.annual_ore;
            EXPECT_EQ(groups["personal"], written[i].personal_ore);
            EXPECT_EQ(groups["material"], written[i].material_ore);
        }
    }

    // Nothing more comes: no late budget event and no further forecast for E1.
    const auto quiet_until = std::chrono::steady_clock::now() + 1500ms;
    while (std::chrono::steady_clock::now() < quiet_until) {
        deviations.Drain();
        forecasts.Drain();
    }
    EXPECT_EQ(budget_events().size(), ExpectedE1Events().size());
    EXPECT_EQ(e1_forecasts().size(), written.size());
    // The script's forecasts: Jan 1 320, Mar 1 530, Apr 1 720, May 1 560, Jun 1 388 tkr, then
    // within 25 tkr of 1 388 until December's 1 361.8 tkr (26.2 tkr below it).
    ASSERT_EQ(written.size(), 6u);
    EXPECT_EQ(written.back().total_ore, 136'181'818);

    for (auto& [name, p] : services_) {
        auto code = p->Terminate(20s);
        ASSERT_TRUE(code.has_value()) << name << " did not stop on SIGTERM";
        EXPECT_EQ(*code, 0) << name << " log: " << Slurp(p->log());
    }
}

}  // namespace
}  // namespace bfu
