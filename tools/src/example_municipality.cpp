#include "bfu/cli/example_municipality.hpp"

#include <cstdint>
#include <cstdio>

namespace bfu::cli {

namespace {

struct UnitDef {
    const char* id;
    const char* parent;  // nullptr for KF
    contracts::OrgLevel level;
    const char* name;
    const char* manager;
    const char* role;
    const char* login;  // e-mail local part
    std::int64_t mandate_kr;
};

using L = contracts::OrgLevel;

// Exempelkommun: two nämnder with a sector each, two verksamheter per sector.
constexpr UnitDef kUnits[] = {
    {"KF", nullptr, L::kKf, "Kommunfullmäktige", "Karin Ek", "ordförande KF", "karin.ek", 0},
    {"KS", "KF", L::kKs, "Kommunstyrelsen", "Lars Berg", "ordförande KS", "lars.berg", 0},
    {"FORV", "KS", L::kForvaltning, "Kommunförvaltningen", "Maria Lind", "kommundirektör",
     "maria.lind", 10'000'000},
    {"BUN", "KF", L::kNamnd, "Barn- och utbildningsnämnden", "Per Holm", "ordförande nämnd",
     "per.holm", 5'000'000},
    {"ON", "KF", L::kNamnd, "Omsorgsnämnden", "Anna Sjö", "ordförande nämnd", "anna.sjo",
     5'000'000},
    {"S1", "BUN", L::kSektor, "Sektor utbildning", "Erik Dahl", "sektorchef", "erik.dahl",
     2'000'000},
    {"S2", "ON", L::kSektor, "Sektor omsorg", "Sara Nord", "sektorchef", "sara.nord", 2'000'000},
    {"V11", "S1", L::kVerksamhet, "Grundskola", "Johan Ås", "verksamhetschef", "johan.as", 500'000},
    {"V12", "S1", L::kVerksamhet, "Förskola", "Eva Strand", "verksamhetschef", "eva.strand",
     500'000},
    {"V21", "S2", L::kVerksamhet, "Hemtjänst", "Olof Björk", "verksamhetschef", "olof.bjork",
     500'000},
    {"V22", "S2", L::kVerksamhet, "Särskilt boende", "Lena Hed", "verksamhetschef", "lena.hed",
     500'000},
    {"E111", "V11", L::kEnhet, "Norrskolan", "Nils Gran", "enhetschef", "nils.gran", 100'000},
    {"E112", "V11", L::kEnhet, "Söderskolan", "Ida Falk", "enhetschef", "ida.falk", 100'000},
    {"E121", "V12", L::kEnhet, "Förskolan Solrosen", "Tove Lund", "enhetschef", "tove.lund",
     100'000},
    {"E122", "V12", L::kEnhet, "Förskolan Blåklinten", "Axel Ström", "enhetschef", "axel.strom",
     100'000},
    {"E211", "V21", L::kEnhet, "Hemtjänst Centrum", "Maja Öberg", "enhetschef", "maja.oberg",
     100'000},
    {"E212", "V21", L::kEnhet, "Hemtjänst Väster", "Emil Åkesson", "enhetschef", "emil.akesson",
     100'000},
    {"E221", "V22", L::kEnhet, "Äldreboendet Ekbacken", "Greta Wik", "enhetschef", "greta.wik",
     100'000},
};

struct AccountDef {
    const char* number;
    const char* name;
    int account_class;
    const char* group;
};

constexpr AccountDef kAccounts[] = {
    {"1510", "Kundfordringar", 1, "balansrakning"},
    {"1930", "Bank", 1, "balansrakning"},
    {"2440", "Leverantörsskulder", 2, "balansrakning"},
    {"3510", "Barnomsorgsavgifter", 3, "intakter"},
    {"3590", "Övriga avgifter", 3, "intakter"},
    {"4010", "Förbrukningsmaterial", 4, "material"},
    {"5011", "Månadslön", 5, "personal"},
    {"5411", "Sociala avgifter", 5, "personal"},
    {"6110", "Lokalhyra", 6, "lokaler"},
};

// Annual budget per enhet and group, in kronor.
struct EnhetBudget {
    const char* unit;
    std::int64_t personal;
    std::int64_t material;
    std::int64_t lokaler;
    std::int64_t intakter;  // negative: revenue
};

constexpr EnhetBudget kBudgets[] = {
    {"E111", 9'400'000, 520'000, 1'500'000, -60'000},
    {"E112", 8'200'000, 480'000, 1'320'000, -48'000},
    {"E121", 5'900'000, 300'000, 840'000, -720'000},
    {"E122", 5'300'000, 280'000, 780'000, -660'000},
    {"E211", 7'800'000, 240'000, 480'000, -120'000},
    {"E212", 7'100'000, 220'000, 420'000, -108'000},
    {"E221", 11'600'000, 600'000, 2'400'000, -1'800'000},
};

constexpr std::int64_t kOre = 100;
// Personnel profile weights (the domain core's): 100 a month, June 115, July 70, August 90.
constexpr std::int64_t kPersonnelJanuaryWeight = 100;
constexpr std::int64_t kPersonnelWeightSum = 100 * 9 + 115 + 70 + 90;

// A small deterministic generator for the ±2 % variation of ordinary months.
class Lcg {
public:
    explicit Lcg(std::uint64_t seed) : s_(seed) {}
    // Parts per thousand in [-20, 20].
    std::int64_t Permille() {
        s_ = s_ * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<std::int64_t>((s_ >> 33) % 41) - 20;
    }

private:
    std::uint64_t s_;
};

contracts::VoucherLine Line(const char* account, const std::string& unit, std::int64_t ore,
                            std::string text) {
    contracts::VoucherLine l;
    l.account = core::AccountNo(account);
    l.unit = core::UnitId(unit);
    l.amount_ore = ore;
    l.text = std::move(text);
    return l;
}

std::string Date(int year, int month, int day) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
    return buf;
}

}  // namespace

ExampleMunicipality MakeExampleMunicipality(int year) {
    ExampleMunicipality m;
    for (const auto& u : kUnits) {
        contracts::OrgUnit o;
        o.id = core::UnitId(u.id);
        if (u.parent) o.parent = core::UnitId(u.parent);
        o.level = u.level;
        o.name = u.name;
        o.manager.name = u.manager;
        o.manager.role = u.role;
        o.manager.email = std::string(u.login) + "@exempelkommun.se";
        o.mandate_ore = u.mandate_kr * kOre;
        o.valid_from = Date(year, 1, 1);
        m.org.push_back(std::move(o));
    }
    for (const auto& a : kAccounts) {
        contracts::Account acc;
        acc.number = core::AccountNo(a.number);
        acc.name = a.name;
        acc.account_class = a.account_class;
        acc.group = a.group;
        acc.active = true;
        acc.investment = false;
        m.accounts.push_back(std::move(acc));
    }
    auto budget = [&](const char* unit, const char* group, std::int64_t kr,
                      contracts::ProfileKind profile) {
        contracts::Budget b;
        b.unit = core::UnitId(unit);
        b.account_group = group;
        b.year = year;
        b.kind = contracts::BudgetKind::kOperating;
        b.annual_ore = kr * kOre;
        b.profile.kind = profile;
        b.revision.no = 0;
        b.revision.ref = "KF § 112/" + std::to_string(year - 1);
        b.revision.date = Date(year - 1, 11, 28);
        m.budgets.push_back(std::move(b));
    };
    for (const auto& b : kBudgets) {
        budget(b.unit, "personal", b.personal, contracts::ProfileKind::kPersonnel);
        budget(b.unit, "material", b.material, contracts::ProfileKind::kEven);
        budget(b.unit, "lokaler", b.lokaler, contracts::ProfileKind::kEven);
        budget(b.unit, "intakter", b.intakter, contracts::ProfileKind::kEven);
    }

    // January's vouchers: salaries (with social fees), purchases, rent, fees.
    int number = 1001;
    auto voucher = [&](int day, std::string text, std::vector<contracts::VoucherLine> lines) {
        contracts::Voucher v;
        v.source = core::SourceId("exempel-erp");
        v.voucher_id = core::VoucherId("V-" + std::to_string(number++));
        v.series = "A";
        v.date = Date(year, 1, day);
        v.text = std::move(text);
        v.lines = std::move(lines);
        m.vouchers.push_back(std::move(v));
    };
    std::uint64_t seed = 1;
    for (const auto& b : kBudgets) {
        Lcg lcg(seed++);
        const std::string unit = b.unit;
        const bool overspends = unit == kOverspendingUnit;
        // Personnel: January's share of the personnel profile; the overspending unit hires
        // substitutes for a long sick leave and pays 40 % more than planned.
        std::int64_t personal = b.personal * kOre * kPersonnelJanuaryWeight / kPersonnelWeightSum;
        personal = overspends ? personal * 140 / 100 : personal * (1000 + lcg.Permille()) / 1000;
        const std::int64_t salary = personal * 76 / 100;
        const std::int64_t fees = personal - salary;
        voucher(
            25, "Löner januari " + unit,
            {Line("5011", unit, salary, "Månadslön"), Line("5411", unit, fees, "Sociala avgifter"),
             Line("1930", unit, -personal, "Utbetalning")});
        const std::int64_t material = b.material * kOre / 12 * (1000 + lcg.Permille()) / 1000;
        const std::int64_t first = material * 3 / 5;
        voucher(12, "Inköp material " + unit,
                {Line("4010", unit, first, "Förbrukningsmaterial"),
                 Line("2440", unit, -first, "Leverantörsskuld")});
        voucher(20, "Inköp material " + unit,
                {Line("4010", unit, material - first, "Förbrukningsmaterial"),
                 Line("2440", unit, -(material - first), "Leverantörsskuld")});
        const std::int64_t rent = b.lokaler * kOre / 12;
        voucher(2, "Lokalhyra januari " + unit,
                {Line("6110", unit, rent, "Hyra"), Line("2440", unit, -rent, "Leverantörsskuld")});
        const std::int64_t income = -b.intakter * kOre / 12 * (1000 + lcg.Permille()) / 1000;
        voucher(28, "Avgifter januari " + unit,
                {Line(b.intakter == 0 ? "3590" : "3510", unit, -income, "Avgifter"),
                 Line("1510", unit, income, "Kundfordran")});
    }
    // February has begun: each unit's rent for February is booked, so January is complete.
    for (const auto& b : kBudgets) {
        const std::string unit = b.unit;
        const std::int64_t rent = b.lokaler * kOre / 12;
        contracts::Voucher v;
        v.source = core::SourceId("exempel-erp");
        v.voucher_id = core::VoucherId("V-" + std::to_string(number++));
        v.series = "A";
        v.date = Date(year, 2, 1);
        v.text = "Lokalhyra februari " + unit;
        v.lines = {Line("6110", unit, rent, "Hyra"), Line("2440", unit, -rent, "Leverantörsskuld")};
        m.vouchers.push_back(std::move(v));
    }
    // Quality assurance: a purchase coded to an account that does not exist...
    contracts::Voucher bad;
    bad.source = core::SourceId("exempel-erp");
    bad.voucher_id = core::VoucherId(std::string(kBadAccountVoucher));
    bad.series = "A";
    bad.date = Date(year, 1, 30);
    bad.text = "Inköp, felkonterat";
    bad.lines = {Line("4999", "E111", 1'250'000, "Okänt konto"),
                 Line("2440", "E111", -1'250'000, "Leverantörsskuld")};
    m.vouchers.push_back(std::move(bad));
    // ...and the first voucher sent again, as an ERP does after a timeout.
    m.vouchers.push_back(m.vouchers.front());
    return m;
}

}  // namespace bfu::cli
