#pragma once
// Internal to the generator: the catalogue of activities, the random numbers and the plan of
// every enhet's year that the vouchers, HR figures, goal outcomes and the script are made from.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/generator/municipality.hpp"

namespace bfu::generator {

__extension__ using Int128 = __int128;

// splitmix64: small, fast and the same everywhere.
class Random {
public:
    explicit Random(std::uint64_t seed) : state_(seed) {}
    std::uint64_t Next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    // lo..hi inclusive (lo <= hi).
    std::int64_t Between(std::int64_t lo, std::int64_t hi) {
        if (hi <= lo) return lo;
        return lo + static_cast<std::int64_t>(Next() % static_cast<std::uint64_t>(hi - lo + 1));
    }
    bool Chance(int percent) { return Between(0, 99) < percent; }

private:
    std::uint64_t state_;
};

// A seed for one purpose, from the year's seed and up to three numbers.
[[nodiscard]] std::uint64_t Mix(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0,
                                std::uint64_t c = 0);

// The account groups of Exempelkommun's chart, in the order budgets and plans keep them.
enum Group : int { kIntakter, kPersonal, kMaterial, kLokaler, kEnergi, kOvrigt, kGroupCount };
[[nodiscard]] const char* GroupId(int group) noexcept;

// What an enhet does: decides its staff, customers, purchases, premises and goals.
enum class Kind : std::uint8_t {
    kForskola,
    kPedOmsorg,
    kGrundskola,
    kGymnasium,
    kVuxenutbildning,
    kElevhalsa,
    kHemtjanst,
    kSarskiltBoende,
    kHemsjukvard,
    kDagverksamhet,
    kLssBoende,
    kDagligVerksamhet,
    kPersonligAssistans,
    kIfoBarn,
    kIfoVuxen,
    kBistand,
    kArbetsmarknad,
    kSocialpsykiatri,
    kHvb,
    kBibliotek,
    kFritidsgard,
    kIdrott,
    kKulturskola,
    kKultur,
    kGataPark,
    kPlanBygg,
    kMiljo,
    kFastighet,
    kKost,
    kLokalvard,
    kRaddning,
};

struct GoalTemplate {
    const char* key;   // part of the goal id
    const char* name;  // Swedish
    const char* measure_unit;
    int target_x10;  // the target ×10
    bool higher_is_better;
};

struct KindInfo {
    Kind kind;
    int emp_lo, emp_hi;    // employees
    int wage_kr;           // average monthly wage
    bool care;             // round-the-clock care: OB, holiday pay and summer substitutes in July
    bool school_year;      // the school year: holiday pay in June, the summer dip in July
    int cust_lo, cust_hi;  // customers billed a month (0: no fees)
    int fee_kr;
    const char* fee_account;
    int purchases_kr_per_emp;      // material a month per employee
    int fixed_lo_kr, fixed_hi_kr;  // the activity's own main purchase a month (placements …)
    const char* fixed_account;
    int invoices_lo, invoices_hi;      // supplier invoices a month
    int rent_lo_kr, rent_hi_kr;        // premises a month
    int energy_lo_tkr, energy_hi_tkr;  // energy a year (property and sports facilities)
    int ovrigt_kr;                     // other costs a month
    int depreciation_kr;               // a month
    int grant_pct;  // state grants as a share of the personnel cost (personlig assistans …)
    int payments_lo, payments_hi;  // payments to households a month (ekonomiskt bistånd)
    int sick_x10;                  // normal sick leave, per mille
    int overtime_x10;              // overtime hours a month per employee ×10
    GoalTemplate goals[2];
};

[[nodiscard]] const KindInfo& Info(Kind kind);

// Story flags on an enhet.
enum StoryFlag : std::uint32_t {
    kStoryNone = 0,
    kStoryOvertime = 1U << 0,      // hemtjänst: overtime and substitutes from March
    kStoryGoodSchool = 1U << 1,    // under budget all year
    kStoryColdFebruary = 1U << 2,  // energy in February
    kStoryFees = 1U << 3,          // building-permit fees fall from March
    kStoryPlacements = 1U << 4,    // external placements from May
    kStoryMoved = 1U << 5,         // under the verksamhet that moves on 1 September
    kStoryVacancies = 1U << 6,     // plan och bygg leaves posts vacant from September
};

// One extra amount of a month on an account (a story or an incident), beside the normal cost.
struct Extra {
    int group = kPersonal;
    const char* account = "";
    std::int64_t ore = 0;
    const char* text = "";
};

struct MonthPlan {
    std::array<std::int64_t, kGroupCount> normal{};  // öre, intakter negative
    std::vector<Extra> extras;
    [[nodiscard]] std::int64_t Group(int g) const {
        std::int64_t s = normal[static_cast<std::size_t>(g)];
        for (const auto& e : extras) {
            if (e.group == g) s += e.ore;
        }
        return s;
    }
    [[nodiscard]] std::int64_t Net() const {
        std::int64_t s = 0;
        for (int g = 0; g < kGroupCount; ++g) s += Group(g);
        return s;
    }
};

struct EnhetPlan {
    std::size_t unit = 0;  // index into Impl::org
    Kind kind = Kind::kForskola;
    int employees = 0;
    int customers = 0;
    int invoices = 0;
    int payments = 0;
    std::int64_t wage_ore = 0;
    std::int64_t fee_ore = 0;
    std::int64_t fixed_ore = 0;  // the main purchase a month
    int bias_permille = 0;       // the unit's own lean over the year
    int sick_x10 = 0;
    std::uint32_t stories = kStoryNone;
    int incident_month = 0;  // 0: none
    int incident_group = kMaterial;
    int incident_permille = 0;
    std::array<std::int64_t, kGroupCount> annual{};                  // the budget, öre
    std::array<std::array<std::int64_t, 12>, kGroupCount> budget{};  // by month, öre
    std::array<bool, kGroupCount> has{};
    int goal_count = 0;
    int goal_offset_permille[2] = {0, 0};  // how the unit does against its goals
};

struct Municipality::Impl {
    int year = 0;
    Size size = Size::kMedium;
    std::uint64_t seed = 0;
    std::int64_t inhabitants = 0;
    std::vector<contracts::OrgUnit> org;
    std::vector<contracts::OrgUnit> reorganisation;
    std::vector<contracts::Account> accounts;
    std::vector<contracts::Budget> budgets;
    std::vector<contracts::Goal> goals;
    std::vector<Story> stories;
    std::vector<EnhetPlan> enheter;
    std::vector<Action> script;
    std::vector<Feed> feeds;
    std::map<std::string, std::string> budget_files;
    // Story units by role.
    std::vector<std::size_t> overtime_units;  // enheter (indexes into enheter)
    std::size_t good_school = 0;
    std::vector<std::size_t> energy_units;
    std::vector<std::size_t> fee_units;
    std::size_t placements_unit = 0;
    std::string hemtjanst_verksamhet, hemtjanst_sektor, hemtjanst_namnd;
    std::string plan_verksamhet, plan_sektor, plan_namnd;
    std::string ifo_verksamhet, ifo_sektor, ifo_namnd;
    std::string energy_verksamhet;
    std::string moved_verksamhet, moved_from, moved_to;

    [[nodiscard]] MonthPlan PlanOf(const EnhetPlan& e, int month) const;
    [[nodiscard]] const contracts::OrgUnit& UnitAt(std::size_t i) const { return org[i]; }
    [[nodiscard]] std::size_t IndexOf(std::string_view id) const;
    [[nodiscard]] const EnhetPlan* PlanFor(std::string_view id) const;
};

// Fills m.script and m.feeds (script.cpp).
void BuildScript(Municipality::Impl& m);

// Swedish names (names.cpp).
struct PlaceName {
    std::string place;     // "Björkhagen"
    std::string compound;  // "Björkhags" (for "Björkhagsskolan")
};
// n distinct place names, in a fixed order for the seed.
[[nodiscard]] std::vector<PlaceName> PlaceNames(std::uint64_t seed, std::size_t n);
[[nodiscard]] const std::vector<std::string_view>& PreschoolNames();
// A person's name and an e-mail local part, distinct for every call on the same generator.
class People {
public:
    explicit People(std::uint64_t seed) : random_(seed) {}
    struct Person {
        std::string name;
        std::string login;
    };
    Person Next();

private:
    Random random_;
    std::vector<std::string> used_;
};
// "Åsa Öberg" -> "asa.oberg" (ASCII, lower case).
[[nodiscard]] std::string AsciiLogin(std::string_view name);

}  // namespace bfu::generator
