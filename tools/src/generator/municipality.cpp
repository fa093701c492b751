// Exempelkommun: the organisation, chart of accounts, budgets, goals and stories of a year
// (municipality.hpp). Vouchers, HR figures and goal outcomes: ledger.cpp; the managers'
// script and the feeds: script.cpp.
#include <algorithm>
#include <array>
#include <stdexcept>

#include "bfu/domain/budget.hpp"
#include "bfu/domain/workdays.hpp"
#include "model.hpp"

namespace bfu::generator {

namespace {

using contracts::OrgLevel;

constexpr std::int64_t kOre = 100;

struct VerksamhetSpec {
    Kind kind;
    const char* name;
    int enheter;
};
struct SektorSpec {
    const char* name;
    std::vector<VerksamhetSpec> verksamheter;
};
struct NamndSpec {
    const char* id;
    const char* name;
    const char* short_name;  // for the mailbox: "von" -> von@exempelkommun.se
    std::vector<SektorSpec> sektorer;
};

std::vector<NamndSpec> SpecOf(Size size) {
    using K = Kind;
    if (size == Size::kSmall) {
        return {
            {"BUN",
             "Barn- och utbildningsnämnden",
             "bun",
             {{"Sektor utbildning",
               {{K::kForskola, "Förskola", 3}, {K::kGrundskola, "Grundskola", 3}}}}},
            {"SON",
             "Social- och omsorgsnämnden",
             "son",
             {{"Sektor omsorg och socialtjänst",
               {{K::kHemtjanst, "Hemtjänst", 4},
                {K::kSarskiltBoende, "Särskilt boende", 2},
                {K::kIfoBarn, "Barn och unga", 2}}}}},
            {"SBN",
             "Samhällsbyggnads- och fritidsnämnden",
             "sbn",
             {{"Sektor samhällsbyggnad och fritid",
               {{K::kFastighet, "Fastighet", 2},
                {K::kPlanBygg, "Plan och bygg", 1},
                {K::kFritidsgard, "Fritidsgårdar", 2}}}}},
        };
    }
    std::vector<NamndSpec> medium = {
        {"BUN",
         "Barn- och utbildningsnämnden",
         "bun",
         {{"Sektor förskola",
           {{K::kForskola, "Förskola norr", 19},
            {K::kForskola, "Förskola söder", 19},
            {K::kForskola, "Förskola öster", 18},
            {K::kForskola, "Förskola väster", 18},
            {K::kPedOmsorg, "Pedagogisk omsorg och öppen förskola", 5}}},
          {"Sektor grundskola och gymnasium",
           {{K::kGrundskola, "Grundskola norr", 15},
            {K::kGrundskola, "Grundskola söder", 15},
            {K::kGrundskola, "Grundskola öster", 14},
            {K::kGrundskola, "Grundskola väster", 14},
            {K::kGrundskola, "Grundskola centrum", 14},
            {K::kGymnasium, "Gymnasieskolan", 8},
            {K::kVuxenutbildning, "Vuxenutbildning", 4},
            {K::kElevhalsa, "Elevhälsa", 5}}}}},
        {"VON",
         "Vård- och omsorgsnämnden",
         "von",
         {{"Sektor vård och omsorg",
           {{K::kHemtjanst, "Hemtjänst", 18},
            {K::kSarskiltBoende, "Särskilt boende norr", 14},
            {K::kSarskiltBoende, "Särskilt boende söder", 14},
            {K::kHemsjukvard, "Hälso- och sjukvård", 8},
            {K::kDagverksamhet, "Dagverksamhet och anhörigstöd", 4},
            {K::kLssBoende, "LSS-boenden", 14},
            {K::kDagligVerksamhet, "Daglig verksamhet", 8},
            {K::kPersonligAssistans, "Personlig assistans", 6}}}}},
        {"SN",
         "Socialnämnden",
         "sn",
         {{"Sektor socialtjänst",
           {{K::kIfoBarn, "Barn och unga", 10},
            {K::kIfoVuxen, "Vuxen och beroende", 6},
            {K::kBistand, "Ekonomiskt bistånd", 4},
            {K::kArbetsmarknad, "Arbetsmarknad och integration", 7},
            {K::kSocialpsykiatri, "Socialpsykiatri", 6},
            {K::kHvb, "Stöd- och HVB-boenden", 5}}}}},
        {"KFN",
         "Kultur- och fritidsnämnden",
         "kfn",
         {{"Sektor kultur och fritid",
           {{K::kBibliotek, "Bibliotek", 10},
            {K::kFritidsgard, "Fritidsgårdar", 8},
            {K::kIdrott, "Idrott och anläggningar", 12},
            {K::kKulturskola, "Kulturskolan", 5},
            {K::kKultur, "Kultur och evenemang", 4}}}}},
        {"SBN",
         "Samhällsbyggnadsnämnden",
         "sbn",
         {{"Sektor samhällsbyggnad",
           {{K::kGataPark, "Gata och park", 10},
            {K::kPlanBygg, "Plan och bygg", 4},
            {K::kMiljo, "Miljö och hälsoskydd", 4},
            {K::kFastighet, "Fastighet", 10},
            {K::kKost, "Måltidsservice", 18},
            {K::kLokalvard, "Lokalvård", 12},
            {K::kRaddning, "Räddningstjänst", 6}}}}},
    };
    if (size == Size::kMedium) return medium;
    // Large: a city of about 300 000. Gymnasium and vuxenutbildning get their own nämnd, the
    // technical services theirs, care splits into äldreomsorg and funktionsstöd; three times
    // the enheter.
    auto triple = [](std::vector<VerksamhetSpec> v) {
        for (auto& x : v) x.enheter = std::min(99, x.enheter * 3);
        return v;
    };
    return {
        {"BUN",
         "Barn- och utbildningsnämnden",
         "bun",
         {{"Sektor förskola", triple(medium[0].sektorer[0].verksamheter)},
          {"Sektor grundskola", triple({{K::kGrundskola, "Grundskola norr", 15},
                                        {K::kGrundskola, "Grundskola söder", 15},
                                        {K::kGrundskola, "Grundskola öster", 14},
                                        {K::kGrundskola, "Grundskola väster", 14},
                                        {K::kGrundskola, "Grundskola centrum", 14},
                                        {K::kElevhalsa, "Elevhälsa", 5}})}}},
        {"GVN",
         "Gymnasie- och vuxenutbildningsnämnden",
         "gvn",
         {{"Sektor gymnasium och vuxenutbildning",
           triple({{K::kGymnasium, "Gymnasieskolan norr", 8},
                   {K::kGymnasium, "Gymnasieskolan söder", 8},
                   {K::kVuxenutbildning, "Vuxenutbildning", 6},
                   {K::kArbetsmarknad, "Arbetsmarknad och integration", 7}})}}},
        {"VON",
         "Vård- och omsorgsnämnden",
         "von",
         {{"Sektor äldreomsorg", triple({{K::kHemtjanst, "Hemtjänst", 18},
                                         {K::kSarskiltBoende, "Särskilt boende norr", 14},
                                         {K::kSarskiltBoende, "Särskilt boende söder", 14},
                                         {K::kHemsjukvard, "Hälso- och sjukvård", 8},
                                         {K::kDagverksamhet, "Dagverksamhet och anhörigstöd", 4}})},
          {"Sektor funktionsstöd", triple({{K::kLssBoende, "LSS-boenden", 14},
                                           {K::kDagligVerksamhet, "Daglig verksamhet", 8},
                                           {K::kPersonligAssistans, "Personlig assistans", 6}})}}},
        {"SN",
         "Socialnämnden",
         "sn",
         {{"Sektor socialtjänst", triple({{K::kIfoBarn, "Barn och unga", 10},
                                          {K::kIfoVuxen, "Vuxen och beroende", 6},
                                          {K::kBistand, "Ekonomiskt bistånd", 4},
                                          {K::kSocialpsykiatri, "Socialpsykiatri", 6},
                                          {K::kHvb, "Stöd- och HVB-boenden", 5}})}}},
        {"KFN",
         "Kultur- och fritidsnämnden",
         "kfn",
         {{"Sektor kultur och fritid", triple(medium[3].sektorer[0].verksamheter)}}},
        {"SBN",
         "Samhällsbyggnadsnämnden",
         "sbn",
         {{"Sektor samhällsbyggnad", triple({{K::kPlanBygg, "Plan och bygg", 4},
                                             {K::kMiljo, "Miljö och hälsoskydd", 4},
                                             {K::kFastighet, "Fastighet", 10}})}}},
        {"TN",
         "Tekniska nämnden",
         "tn",
         {{"Sektor teknik och service", triple({{K::kGataPark, "Gata och park", 10},
                                                {K::kKost, "Måltidsservice", 18},
                                                {K::kLokalvard, "Lokalvård", 12},
                                                {K::kRaddning, "Räddningstjänst", 6}})}}},
    };
}

struct Mandates {
    std::int64_t enhet, verksamhet, sektor, namnd, forvaltning;  // kronor
};

Mandates MandatesOf(Size size) {
    switch (size) {
        case Size::kSmall:
            return {100'000, 500'000, 2'000'000, 5'000'000, 10'000'000};
        case Size::kMedium:
            return {150'000, 750'000, 3'000'000, 10'000'000, 25'000'000};
        case Size::kLarge:
            return {200'000, 1'000'000, 5'000'000, 15'000'000, 40'000'000};
    }
    return {150'000, 750'000, 3'000'000, 10'000'000, 25'000'000};
}

std::string Two(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }

std::string DateText(int year, int month, int day) {
    return std::to_string(year) + "-" + Two(month) + "-" + Two(day);
}

// Names of an enhet by kind: the k-th enhet of that kind in the municipality.
class Namer {
public:
    explicit Namer(std::uint64_t seed) : places_(PlaceNames(seed, 500)) {}

    std::string Next(Kind kind, const std::string& verksamhet_name) {
        const int k = counters_[static_cast<std::size_t>(kind)]++;
        std::string name = Make(kind, k, verksamhet_name);
        std::string unique = name;
        for (int n = 2; std::find(used_.begin(), used_.end(), unique) != used_.end(); ++n) {
            unique = name + " " + std::to_string(n);
        }
        used_.push_back(unique);
        return unique;
    }

private:
    const PlaceName& Place() { return places_[next_place_++ % places_.size()]; }

    static std::string Pick(const std::vector<std::string_view>& list, int k) {
        const auto i = static_cast<std::size_t>(k) % list.size();
        std::string s(list[i]);
        if (static_cast<std::size_t>(k) >= list.size()) {
            s += " " + std::to_string(static_cast<std::size_t>(k) / list.size() + 1);
        }
        return s;
    }

    std::string Make(Kind kind, int k, const std::string& verksamhet_name) {
        using K = Kind;
        static const std::vector<std::string_view> kAreas = {
            "norr",    "söder",  "öster",     "väster",  "centrum", "nordost",
            "sydväst", "hamnen", "stationen", "kyrkbyn", "bruket",  "dalen"};
        switch (kind) {
            case K::kForskola:
                return "Förskolan " + Pick(PreschoolNames(), k);
            case K::kPedOmsorg:
                return (k == 0 ? "Öppna förskolan " : "Pedagogisk omsorg ") + Place().place;
            case K::kGrundskola:
                return Place().compound + "skolan";
            case K::kGymnasium:
                return Pick({"Naturvetenskapsprogrammet", "Samhällsvetenskapsprogrammet",
                             "Ekonomiprogrammet", "Teknikprogrammet", "Vård- och omsorgsprogrammet",
                             "Bygg- och anläggningsprogrammet", "El- och energiprogrammet",
                             "Barn- och fritidsprogrammet", "Introduktionsprogrammen",
                             "Fordons- och transportprogrammet", "Estetiska programmet",
                             "Hotell- och turismprogrammet"},
                            k);
            case K::kVuxenutbildning:
                return Pick({"Komvux grundläggande", "Komvux gymnasial", "Sfi", "Yrkesvux",
                             "Lärcentrum", "Särskild utbildning för vuxna"},
                            k);
            case K::kElevhalsa:
                return Pick({"Centrala elevhälsan", "Elevhälsan norr", "Elevhälsan söder",
                             "Modersmålsenheten", "Resursskolan", "Skolskjutsar"},
                            k);
            case K::kHemtjanst:
                return "Hemtjänst " + Place().place;
            case K::kSarskiltBoende:
                return Place().compound + "gården";
            case K::kHemsjukvard:
                return Pick({"Hemsjukvård norr", "Hemsjukvård söder", "Hemsjukvård öster",
                             "Hemsjukvård väster", "Rehab norr", "Rehab söder", "Nattpatrullen",
                             "Hjälpmedelsenheten", "Demensteamet"},
                            k);
            case K::kDagverksamhet:
                return k == 0 ? std::string("Anhörigstödet") : "Dagverksamheten " + Place().place;
            case K::kLssBoende:
                return "Gruppbostad " + Place().place;
            case K::kDagligVerksamhet:
                return "Daglig verksamhet " +
                       Pick({"Verkstan", "Caféet", "Trädgården", "Snickeriet", "Ateljén",
                             "Tvätteriet", "Butiken", "Återbruket", "Stallet"},
                            k);
            case K::kPersonligAssistans:
                return "Personlig assistans " + Pick(kAreas, k);
            case K::kIfoBarn:
                return Pick(
                    {"Placeringar barn och unga", "Barn och unga utredning", "Familjebehandling",
                     "Familjehemsenheten", "Barn och unga mottagning", "Ungdomsteamet", "Barnahus",
                     "Öppenvård barn", "Fältgruppen", "Familjerätten"},
                    k);
            case K::kIfoVuxen:
                return Pick({"Vuxen utredning", "Beroendeenheten", "Placeringar vuxna",
                             "Boendestöd vuxna", "Våld i nära relationer", "Mottagningen vuxna"},
                            k);
            case K::kBistand:
                return Pick({"Ekonomiskt bistånd mottagning", "Ekonomiskt bistånd utredning",
                             "Ekonomiskt bistånd uppföljning", "Budget- och skuldrådgivning"},
                            k);
            case K::kArbetsmarknad:
                return Pick({"Jobbcentrum", "Arbetsträning", "Feriearbete", "Integrationsenheten",
                             "Samhällsorientering", "Vägledningscentrum", "Extratjänster"},
                            k);
            case K::kSocialpsykiatri:
                return Pick(
                    {"Boendestöd norr", "Boendestöd söder", "Träffpunkten",
                     "Sysselsättning socialpsykiatri", "Gruppboendet Linden", "Gruppboendet Eken"},
                    k);
            case K::kHvb:
                return (k % 2 == 0 ? "Stödboendet " : "HVB ") + Place().place;
            case K::kBibliotek:
                return k == 0 ? std::string("Stadsbiblioteket") : Place().place + " bibliotek";
            case K::kFritidsgard:
                return "Fritidsgården " + Place().place;
            case K::kIdrott:
                return Pick(
                           {"Simhallen", "Ishallen", "Sporthallen", "Idrottsplatsen",
                            "Friidrottsarenan", "Ridanläggningen", "Motionsspåren", "Tennishallen"},
                           k) +
                       " " + Place().place;
            case K::kKulturskola:
                return Pick({"Kulturskolan musik", "Kulturskolan dans", "Kulturskolan teater",
                             "Kulturskolan bild och form", "Kulturskolan film och media"},
                            k);
            case K::kKultur:
                return Pick(
                    {"Kulturhuset", "Konsthallen", "Evenemang", "Kommunarkivet", "Musikhuset"}, k);
            case K::kGataPark:
                return Pick(
                    {"Gata norr", "Gata söder", "Park norr", "Park söder", "Vinterväghållning",
                     "Belysning", "Trafik och parkering", "Hamnen", "Skog och mark", "Lekplatser"},
                    k);
            case K::kPlanBygg:
                return Pick({"Bygglov", "Planenheten", "Kart och mätning", "Bygglov tillsyn",
                             "Bostadsanpassning"},
                            k);
            case K::kMiljo:
                return Pick({"Miljötillsyn", "Livsmedelskontroll", "Hälsoskydd", "Naturvård",
                             "Alkohol och tobak"},
                            k);
            case K::kFastighet:
                return "Fastighet " +
                       Pick({"skolor norr", "skolor söder", "förskolor", "äldreboenden",
                             "kultur och fritid", "förvaltningsbyggnader", "bostäder",
                             "skolor öster", "idrottsanläggningar", "drift och jour"},
                            k);
            case K::kKost:
                return "Tillagningskök " + Place().place;
            case K::kLokalvard:
                return "Lokalvård " + Pick(kAreas, k);
            case K::kRaddning:
                return k < 2 ? (k == 0 ? std::string("Förebyggande brandskydd")
                                       : std::string("Larm och ledning"))
                             : "Brandstation " + Place().place;
        }
        return verksamhet_name + " " + std::to_string(k + 1);
    }

    std::vector<PlaceName> places_;
    std::size_t next_place_ = 0;
    std::array<int, 64> counters_{};
    std::vector<std::string> used_;
};

struct AccountDef {
    const char* number;
    const char* name;
    int account_class;
    const char* group;
};

// Exempelkommun's chart: the Kommun-Bas classes (3 intäkter, 4 material and services, 5
// personnel, 6 premises and energy, 7 other costs) and the balance-sheet accounts vouchers
// balance on.
constexpr AccountDef kAccounts[] = {
    {"1229", "Ackumulerade avskrivningar inventarier", 1, "balansrakning"},
    {"1510", "Kundfordringar", 1, "balansrakning"},
    {"1930", "Bank", 1, "balansrakning"},
    {"2440", "Leverantörsskulder", 2, "balansrakning"},
    {"2641", "Debiterad ingående moms", 2, "balansrakning"},
    {"2710", "Personalens källskatt", 2, "balansrakning"},
    {"2731", "Avräkning lagstadgade sociala avgifter", 2, "balansrakning"},
    {"3410", "Barnomsorgs- och fritidshemsavgifter", 3, "intakter"},
    {"3420", "Avgifter äldre- och funktionshinderomsorg", 3, "intakter"},
    {"3430", "Plan-, bygglovs- och tillsynsavgifter", 3, "intakter"},
    {"3440", "Avgifter kultur och fritid", 3, "intakter"},
    {"3510", "Hyror och arrenden", 3, "intakter"},
    {"3610", "Statsbidrag och ersättningar", 3, "intakter"},
    {"3710", "Försäljning av verksamhet", 3, "intakter"},
    {"4010", "Förbrukningsmaterial", 4, "material"},
    {"4020", "Livsmedel", 4, "material"},
    {"4030", "Läromedel och media", 4, "material"},
    {"4040", "Köpta tjänster och entreprenader", 4, "material"},
    {"4050", "Köp av huvudverksamhet, placeringar", 4, "material"},
    {"4070", "Ekonomiskt bistånd", 4, "material"},
    {"4080", "IT-tjänster och licenser", 4, "material"},
    {"5011", "Månadslön", 5, "personal"},
    {"5021", "Timlön vikarier", 5, "personal"},
    {"5031", "OB-tillägg", 5, "personal"},
    {"5041", "Övertidsersättning", 5, "personal"},
    {"5111", "Sjuklön", 5, "personal"},
    {"5121", "Semesterlön och semestertillägg", 5, "personal"},
    {"5411", "Arbetsgivaravgifter", 5, "personal"},
    {"5511", "Avtalspension", 5, "personal"},
    {"6110", "Lokalhyra", 6, "lokaler"},
    {"6170", "Fastighetsunderhåll", 6, "lokaler"},
    {"6210", "El", 6, "energi"},
    {"6220", "Fjärrvärme", 6, "energi"},
    {"7110", "Kurser och konferenser", 7, "ovrigt"},
    {"7210", "Telefoni och data", 7, "ovrigt"},
    {"7310", "Leasing av fordon", 7, "ovrigt"},
    {"7810", "Avskrivningar inventarier", 7, "ovrigt"},
};

int GroupOfAccount(std::string_view account) {
    if (account.empty()) return kMaterial;
    switch (account[0]) {
        case '3':
            return kIntakter;
        case '4':
            return kMaterial;
        case '5':
            return kPersonal;
        case '6':
            return account.size() > 1 && account[1] == '2' ? kEnergi : kLokaler;
        case '7':
            return kOvrigt;
        default:
            return kMaterial;
    }
}

// Personnel in round-the-clock care: holiday pay and summer substitutes in July; the school
// year: holiday pay in June, the summer dip in July (the domain's personnel profile); other
// work: even.
constexpr std::array<std::int64_t, 12> kCareWeights = {100, 100, 100, 100, 100, 103,
                                                       116, 97,  100, 100, 100, 101};

std::int64_t RoundToThousandKr(std::int64_t ore) {
    const std::int64_t unit = 1000 * kOre;
    return (ore + unit / 2) / unit * unit;
}

contracts::Person PersonOf(const People::Person& p, const std::string& role) {
    return {p.name, role, p.login + "@" + std::string(kDomain)};
}

}  // namespace

std::optional<Size> ParseSize(std::string_view text) {
    if (text == "small" || text == "liten") return Size::kSmall;
    if (text == "medium" || text == "mellan") return Size::kMedium;
    if (text == "large" || text == "stor") return Size::kLarge;
    return std::nullopt;
}

std::string_view ToString(Size size) noexcept {
    switch (size) {
        case Size::kSmall:
            return "small";
        case Size::kMedium:
            return "medium";
        case Size::kLarge:
            return "large";
    }
    return "medium";
}

core::TimePoint At(domain::Date date, int hour, int minute) {
    return domain::FromStockholm(date, hour, minute);
}

std::size_t Municipality::Impl::IndexOf(std::string_view id) const {
    for (std::size_t i = 0; i < org.size(); ++i) {
        if (org[i].id.value() == id) return i;
    }
    return org.size();
}

const EnhetPlan* Municipality::Impl::PlanFor(std::string_view id) const {
    for (const auto& e : enheter) {
        if (org[e.unit].id.value() == id) return &e;
    }
    return nullptr;
}

Municipality::Municipality(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Municipality::~Municipality() = default;
Municipality::Municipality(Municipality&&) noexcept = default;
Municipality& Municipality::operator=(Municipality&&) noexcept = default;

int Municipality::year() const noexcept { return impl_->year; }
Size Municipality::size() const noexcept { return impl_->size; }
std::string_view Municipality::name() const noexcept { return "Exempelkommun"; }
const std::vector<contracts::OrgUnit>& Municipality::org() const { return impl_->org; }
const std::vector<contracts::OrgUnit>& Municipality::reorganisation() const {
    return impl_->reorganisation;
}
const std::vector<contracts::Account>& Municipality::accounts() const { return impl_->accounts; }
const std::vector<contracts::Budget>& Municipality::budgets() const { return impl_->budgets; }
const std::vector<contracts::Goal>& Municipality::goals() const { return impl_->goals; }
const std::vector<Story>& Municipality::stories() const { return impl_->stories; }
const std::vector<Action>& Municipality::Script() const { return impl_->script; }
const std::vector<Feed>& Municipality::Feeds() const { return impl_->feeds; }

const contracts::OrgUnit* Municipality::Unit(std::string_view id) const {
    const auto i = impl_->IndexOf(id);
    return i < impl_->org.size() ? &impl_->org[i] : nullptr;
}

Totals Municipality::totals() const {
    Totals t;
    t.units = impl_->org.size();
    for (const auto& u : impl_->org) {
        switch (u.level) {
            case OrgLevel::kNamnd:
                ++t.namnder;
                break;
            case OrgLevel::kSektor:
                ++t.sektorer;
                break;
            case OrgLevel::kVerksamhet:
                ++t.verksamheter;
                break;
            case OrgLevel::kEnhet:
                ++t.enheter;
                break;
            default:
                break;
        }
    }
    for (const auto& e : impl_->enheter) t.employees += static_cast<std::size_t>(e.employees);
    t.inhabitants = impl_->inhabitants;
    return t;
}

std::int64_t Municipality::PlannedYearOre(std::string_view unit) const {
    std::int64_t sum = 0;
    // The unit itself (an enhet) or every enhet under it.
    const auto root = impl_->IndexOf(unit);
    if (root >= impl_->org.size()) return 0;
    for (const auto& e : impl_->enheter) {
        // Walk up from the enhet as of 1 January.
        std::size_t i = e.unit;
        bool under = false;
        for (int guard = 0; guard < 12 && i < impl_->org.size(); ++guard) {
            if (i == root) {
                under = true;
                break;
            }
            if (!impl_->org[i].parent) break;
            i = impl_->IndexOf(impl_->org[i].parent->value());
        }
        if (!under) continue;
        for (int m = 1; m <= 12; ++m) sum += impl_->PlanOf(e, m).Net();
    }
    return sum;
}

MonthPlan Municipality::Impl::PlanOf(const EnhetPlan& e, int month) const {
    MonthPlan p;
    const auto mi = static_cast<std::size_t>(month - 1);
    for (int g = 0; g < kGroupCount; ++g) {
        const auto gi = static_cast<std::size_t>(g);
        if (!e.has[gi]) continue;
        Random r(Mix(seed, 11, e.unit * 16 + gi, mi));
        std::int64_t permille = 1000 + e.bias_permille + r.Between(-15, 15);
        if ((e.stories & kStoryGoodSchool) != 0 && g != kIntakter) permille = 935;
        if ((e.stories & kStoryColdFebruary) != 0 && g == kEnergi && month >= 10) permille -= 50;
        if ((e.stories & kStoryFees) != 0 && g == kIntakter && month >= 3) permille = 550;
        if ((e.stories & kStoryVacancies) != 0 && g == kPersonal && month >= 9) permille -= 120;
        if ((e.stories & kStoryOvertime) != 0 && g == kPersonal && month >= 10) permille -= 20;
        p.normal[gi] = e.budget[gi][mi] * permille / 1000;
    }
    const auto& personal = e.budget[kPersonal][mi];
    if ((e.stories & kStoryOvertime) != 0 && month >= 3 && month <= 9) {
        constexpr std::array<std::int64_t, 7> kExtra = {160, 185, 170, 120, 90, 50, 20};
        const std::int64_t extra = personal * kExtra[static_cast<std::size_t>(month - 3)] / 1000;
        p.extras.push_back({kPersonal, "5041", extra * 6 / 10, "Övertidsersättning"});
        p.extras.push_back({kPersonal, "5021", extra - extra * 6 / 10, "Timlön vikarier"});
    }
    if ((e.stories & kStoryColdFebruary) != 0 && (month == 2 || month == 3)) {
        const std::int64_t energy = e.budget[kEnergi][mi];
        const std::int64_t extra = energy * (month == 2 ? 450 : 80) / 1000;
        p.extras.push_back({kEnergi, "6220", extra, "Fjärrvärme, kall februari"});
    }
    if ((e.stories & kStoryPlacements) != 0 && month >= 5) {
        const std::int64_t extra = e.fixed_ore * (month >= 9 ? 150 : 350) / 1000;
        p.extras.push_back({kMaterial, "4050", extra, "Externa placeringar, ungdomar"});
    }
    if (e.incident_month == month) {
        std::int64_t base = 0;
        for (int g = kPersonal; g < kGroupCount; ++g)
            base += e.budget[static_cast<std::size_t>(g)][mi];
        const std::int64_t extra = base * e.incident_permille / 1000;
        if (e.incident_group == kPersonal) {
            p.extras.push_back({kPersonal, "5021", extra, "Vikarier vid långtidssjukskrivning"});
        } else if (e.incident_group == kLokaler) {
            p.extras.push_back({kLokaler, "6170", extra, "Sanering efter vattenskada"});
        } else {
            p.extras.push_back({kMaterial, "4040", extra, "Akut reparation och ersättningsinköp"});
        }
    }
    return p;
}

Municipality Generate(Size size, int year) {
    auto impl = std::make_unique<Municipality::Impl>();
    auto& m = *impl;
    m.year = year;
    m.size = size;
    m.seed = Mix(0xB0F0'2026'E8E4'0001ULL, static_cast<std::uint64_t>(size) + 1,
                 static_cast<std::uint64_t>(year));
    const Mandates mandates = MandatesOf(size);
    const std::string valid_from = DateText(year, 1, 1);
    People people(Mix(m.seed, 1));
    Namer namer(Mix(m.seed, 2));
    Random rnd(Mix(m.seed, 3));

    auto add = [&](std::string id, std::optional<std::string> parent, OrgLevel level,
                   std::string name, contracts::Person manager, std::int64_t mandate_kr) {
        contracts::OrgUnit u;
        u.id = core::UnitId(std::move(id));
        if (parent) u.parent = core::UnitId(std::move(*parent));
        u.level = level;
        u.name = std::move(name);
        u.manager = std::move(manager);
        u.mandate_ore = mandate_kr * kOre;
        u.valid_from = valid_from;
        m.org.push_back(std::move(u));
        return m.org.size() - 1;
    };

    const auto kf_chair = people.Next();
    const auto kf = add("KF", std::nullopt, OrgLevel::kKf, "Kommunfullmäktige",
                        PersonOf(kf_chair, "ordförande KF"), 0);
    m.org[kf].secretary = PersonOf(people.Next(), "kommunsekreterare");
    m.org[kf].mailbox = "kommunfullmaktige@" + std::string(kDomain);
    const auto ks = add("KS", std::string("KF"), OrgLevel::kKs, "Kommunstyrelsen",
                        PersonOf(people.Next(), "ordförande KS"), 0);
    m.org[ks].secretary = PersonOf(people.Next(), "kommunsekreterare");
    m.org[ks].mailbox = "kommunstyrelsen@" + std::string(kDomain);
    add("FORV", std::string("KS"), OrgLevel::kForvaltning, "Kommunförvaltningen",
        PersonOf(people.Next(), "kommundirektör"), mandates.forvaltning);

    const auto spec = SpecOf(size);
    int sektor_no = 0;
    for (const auto& n : spec) {
        const auto ni = add(n.id, std::string("KF"), OrgLevel::kNamnd, n.name,
                            PersonOf(people.Next(), "ordförande nämnd"), mandates.namnd);
        m.org[ni].secretary = PersonOf(people.Next(), "nämndsekreterare");
        m.org[ni].mailbox = std::string(n.short_name) + "@" + std::string(kDomain);
        for (const auto& s : n.sektorer) {
            ++sektor_no;
            const std::string sid = "S" + std::to_string(sektor_no);
            add(sid, std::string(n.id), OrgLevel::kSektor, s.name,
                PersonOf(people.Next(), "sektorchef"), mandates.sektor);
            int v_no = 0;
            for (const auto& v : s.verksamheter) {
                ++v_no;
                const std::string vid = "V" + std::to_string(sektor_no) + std::to_string(v_no);
                const auto vi =
                    add(vid, sid, OrgLevel::kVerksamhet, v.name,
                        PersonOf(people.Next(), "verksamhetschef"), mandates.verksamhet);
                (void)vi;
                for (int e = 1; e <= v.enheter; ++e) {
                    const std::string eid =
                        "E" + std::to_string(sektor_no) + std::to_string(v_no) + Two(e);
                    const auto ui = add(eid, vid, OrgLevel::kEnhet, namer.Next(v.kind, v.name),
                                        PersonOf(people.Next(), "enhetschef"), mandates.enhet);
                    EnhetPlan plan;
                    plan.unit = ui;
                    plan.kind = v.kind;
                    m.enheter.push_back(plan);
                }
            }
        }
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

    // Each enhet's staff, customers and purchases, then its budget.
    const auto fy = domain::FiscalYear::Calendar(year);
    std::int64_t children = 0;
    for (auto& e : m.enheter) {
        const KindInfo& k = Info(e.kind);
        Random r(Mix(m.seed, 5, e.unit));
        e.employees = static_cast<int>(r.Between(k.emp_lo, k.emp_hi));
        e.customers = k.cust_hi > 0 ? static_cast<int>(r.Between(k.cust_lo, k.cust_hi)) : 0;
        // Many small orders: e-commerce and framework agreements invoice each delivery.
        e.invoices = static_cast<int>(r.Between(k.invoices_lo, k.invoices_hi) * 17 / 10);
        e.payments =
            k.payments_hi > 0 ? static_cast<int>(r.Between(k.payments_lo, k.payments_hi)) : 0;
        e.wage_ore = static_cast<std::int64_t>(k.wage_kr) * kOre * r.Between(960, 1040) / 1000;
        e.fee_ore = static_cast<std::int64_t>(k.fee_kr) * kOre;
        e.fixed_ore = k.fixed_hi_kr > 0 ? r.Between(k.fixed_lo_kr, k.fixed_hi_kr) * kOre : 0;
        e.bias_permille = static_cast<int>(r.Between(-10, 10));
        e.sick_x10 = k.sick_x10 + static_cast<int>(r.Between(-9, 5));
        if (e.kind == Kind::kForskola || e.kind == Kind::kPedOmsorg) children += e.customers;
        // Now and then an incident: a long sick leave to cover, a water leak, an urgent repair.
        if (r.Chance(3)) {
            e.incident_month = static_cast<int>(r.Between(3, 11));
            e.incident_group = static_cast<int>(r.Between(0, 2)) == 0
                                   ? kPersonal
                                   : (r.Chance(50) ? kLokaler : kMaterial);
            e.incident_permille = static_cast<int>(r.Between(90, 150));
        }
        const auto emp = static_cast<std::int64_t>(e.employees);
        // Monthly amounts (öre) before the profile.
        const std::int64_t substitutes = k.care ? 70 : (k.school_year ? 45 : 20);  // per mille
        std::array<std::int64_t, kGroupCount> monthly{};
        monthly[kPersonal] = emp * e.wage_ore * (1000 + substitutes) / 1000 * 13742 / 10000;
        monthly[kMaterial] = emp * k.purchases_kr_per_emp * kOre +
                             (GroupOfAccount(k.fixed_account) == kMaterial ? e.fixed_ore : 0) +
                             static_cast<std::int64_t>(e.payments) * 9'400 * kOre;
        monthly[kLokaler] = r.Between(k.rent_lo_kr, k.rent_hi_kr) * kOre +
                            (GroupOfAccount(k.fixed_account) == kLokaler ? e.fixed_ore : 0);
        monthly[kOvrigt] = (static_cast<std::int64_t>(k.ovrigt_kr) + k.depreciation_kr) * kOre;
        monthly[kIntakter] = -(static_cast<std::int64_t>(e.customers) * e.fee_ore +
                               monthly[kPersonal] * k.grant_pct / 100);
        const std::int64_t energy_year =
            k.energy_hi_tkr > 0 ? r.Between(k.energy_lo_tkr, k.energy_hi_tkr) * 1000 * kOre : 0;
        for (int g = 0; g < kGroupCount; ++g) {
            const auto gi = static_cast<std::size_t>(g);
            const std::int64_t annual =
                g == kEnergi ? RoundToThousandKr(energy_year) : RoundToThousandKr(monthly[gi] * 12);
            if (annual == 0) continue;
            domain::Profile profile = domain::Profile::Even();
            contracts::BudgetProfile wire;
            if (g == kPersonal && k.care) {
                profile = *domain::Profile::Explicit(kCareWeights);
                wire.kind = contracts::ProfileKind::kExplicit;
            } else if (g == kPersonal && k.school_year) {
                profile = domain::Profile::Personnel();
                wire.kind = contracts::ProfileKind::kPersonnel;
            } else if (g == kEnergi) {
                profile = domain::Profile::Heating();
                wire.kind = contracts::ProfileKind::kHeating;
            }
            const auto months = domain::Spread(core::Money::FromOre(annual), profile, fy);
            for (std::size_t i = 0; i < 12; ++i) e.budget[gi][i] = months[i];
            if (wire.kind == contracts::ProfileKind::kExplicit) {
                for (std::size_t i = 0; i < 12; ++i) wire.months[i] = months[i];
            }
            e.annual[gi] = annual;
            e.has[gi] = true;
            contracts::Budget b;
            b.unit = m.org[e.unit].id;
            b.account_group = GroupId(g);
            b.year = year;
            b.kind = contracts::BudgetKind::kOperating;
            b.annual_ore = annual;
            b.profile = wire;
            b.revision.no = 0;
            b.revision.ref = "KF § 112/" + std::to_string(year - 1);
            b.revision.date = DateText(year - 1, 11, 24);
            m.budgets.push_back(std::move(b));
        }
        e.goal_count = k.goals[1].key != nullptr ? 2 : 1;
        for (int g = 0; g < e.goal_count; ++g) {
            // Most units meet their goals; about one in ten falls short of one.
            e.goal_offset_permille[g] = r.Chance(10) ? static_cast<int>(r.Between(-130, -70))
                                                     : static_cast<int>(r.Between(-20, 60));
            const GoalTemplate& t = k.goals[g];
            contracts::Goal goal;
            goal.id = "G-" + m.org[e.unit].id.value() + "-" + t.key;
            goal.unit = m.org[e.unit].id;
            goal.year = year;
            goal.name = t.name;
            goal.target = static_cast<double>(t.target_x10) / 10.0;
            goal.direction = t.higher_is_better ? contracts::GoalDirection::kHigherIsBetter
                                                : contracts::GoalDirection::kLowerIsBetter;
            goal.measure_unit = t.measure_unit;
            m.goals.push_back(std::move(goal));
        }
    }
    // About 18 inhabitants per preschool child: a rule of thumb for Swedish municipalities.
    m.inhabitants = children * 18 / 100 * 100;

    // The stories' units.
    auto first_verksamhet = [&](Kind kind) -> std::string {
        for (const auto& e : m.enheter) {
            if (e.kind == kind) return m.org[e.unit].parent->value();
        }
        return {};
    };
    auto parent_of = [&](const std::string& id) -> std::string {
        const auto i = m.IndexOf(id);
        return i < m.org.size() && m.org[i].parent ? m.org[i].parent->value() : std::string();
    };
    auto enheter_of = [&](const std::string& verksamhet) {
        std::vector<std::size_t> out;
        for (std::size_t i = 0; i < m.enheter.size(); ++i) {
            if (m.org[m.enheter[i].unit].parent->value() == verksamhet) out.push_back(i);
        }
        return out;
    };
    m.hemtjanst_verksamhet = first_verksamhet(Kind::kHemtjanst);
    m.hemtjanst_sektor = parent_of(m.hemtjanst_verksamhet);
    m.hemtjanst_namnd = parent_of(m.hemtjanst_sektor);
    {
        const auto ht = enheter_of(m.hemtjanst_verksamhet);
        const std::size_t n = size == Size::kSmall ? 2 : (size == Size::kMedium ? 5 : 12);
        for (std::size_t i = 0; i < ht.size() && m.overtime_units.size() < n; ++i) {
            m.overtime_units.push_back(ht[i]);
        }
    }
    {
        const auto schools = enheter_of(first_verksamhet(Kind::kGrundskola));
        m.good_school = schools[std::min<std::size_t>(2, schools.size() - 1)];
    }
    m.energy_verksamhet = first_verksamhet(Kind::kFastighet);
    for (std::size_t i = 0; i < m.enheter.size(); ++i) {
        const Kind k = m.enheter[i].kind;
        if (k == Kind::kFastighet || k == Kind::kIdrott) m.energy_units.push_back(i);
    }
    m.plan_verksamhet = first_verksamhet(Kind::kPlanBygg);
    m.plan_sektor = parent_of(m.plan_verksamhet);
    m.plan_namnd = parent_of(m.plan_sektor);
    for (auto i : enheter_of(m.plan_verksamhet)) {
        if (m.enheter[i].customers > 0) m.fee_units.push_back(i);
    }
    m.ifo_verksamhet = first_verksamhet(Kind::kIfoBarn);
    m.ifo_sektor = parent_of(m.ifo_verksamhet);
    m.ifo_namnd = parent_of(m.ifo_sektor);
    m.placements_unit = enheter_of(m.ifo_verksamhet).front();
    m.moved_verksamhet = first_verksamhet(Kind::kFritidsgard);
    m.moved_from = parent_of(m.moved_verksamhet);
    m.moved_to = m.ifo_sektor;

    for (auto i : m.overtime_units) m.enheter[i].stories |= kStoryOvertime;
    m.enheter[m.good_school].stories |= kStoryGoodSchool;
    for (auto i : m.energy_units) m.enheter[i].stories |= kStoryColdFebruary;
    for (auto i : m.fee_units) m.enheter[i].stories |= kStoryFees | kStoryVacancies;
    m.enheter[m.placements_unit].stories |= kStoryPlacements;
    for (auto i : enheter_of(m.moved_verksamhet)) m.enheter[i].stories |= kStoryMoved;
    for (auto& e : m.enheter) {
        // Story units keep to their story: no incident, no lean of their own.
        if (e.stories != kStoryNone && e.stories != kStoryMoved) {
            e.incident_month = 0;
            e.bias_permille = 0;
        }
        if ((e.stories & kStoryGoodSchool) != 0) e.sick_x10 = 31;
    }

    // The reorganisation: the verksamhet moves to the other sektor from 1 September.
    {
        const auto vi = m.IndexOf(m.moved_verksamhet);
        contracts::OrgUnit moved = m.org[vi];
        moved.parent = core::UnitId(m.moved_to);
        moved.valid_from = DateText(year, 9, 1);
        moved.history = {{core::UnitId(m.moved_from), valid_from, std::nullopt}};
        moved.decision_ref = "KS § 124/" + std::to_string(year);
        m.reorganisation.push_back(std::move(moved));
    }

    auto name_of = [&](const std::string& id) { return m.org[m.IndexOf(id)].name; };
    auto names_of = [&](const std::vector<std::size_t>& idx) {
        std::vector<std::string> out;
        for (auto i : idx) out.push_back(m.org[m.enheter[i].unit].id.value());
        return out;
    };
    auto joined = [&](const std::vector<std::size_t>& idx) {
        std::string s;
        for (std::size_t j = 0; j < idx.size(); ++j) {
            if (j > 0) s += j + 1 == idx.size() ? " och " : ", ";
            s += m.org[m.enheter[idx[j]].unit].name;
        }
        return s;
    };
    const std::string y = std::to_string(year);
    {
        Story s;
        s.key = "hemtjanst-overtid";
        s.title = "Övertid i hemtjänsten från mars";
        s.text = "Hög sjukfrånvaro från mars ger vikarier och övertid i " +
                 joined(m.overtime_units) + ". Avvikelserna kvitteras och kommenteras, " +
                 name_of(m.hemtjanst_sektor) +
                 " tar fram en åtgärdsplan med en gemensam "
                 "bemanningsenhet och nya scheman, och " +
                 name_of(m.hemtjanst_namnd) + " beslutar den i maj (§ 58/" + y +
                 "). Från juni minskar övertiden.";
        s.units = names_of(m.overtime_units);
        s.units.push_back(m.hemtjanst_verksamhet);
        m.stories.push_back(std::move(s));
    }
    {
        Story s;
        s.key = "skola-gott-exempel";
        const auto& school = m.org[m.enheter[m.good_school].unit];
        s.title = school.name + " under budget hela året";
        s.text = school.name +
                 " ligger cirka 6 % under budget varje månad, når sina mål och har "
                 "låg sjukfrånvaro: ett gott exempel i rapporterna. Rektorn beskriver "
                 "arbetssättet i kommentarer som verksamheten sprider vidare.";
        s.units = {school.id.value()};
        m.stories.push_back(std::move(s));
    }
    {
        Story s;
        s.key = "kall-februari";
        s.title = "Energikostnader i en kall februari";
        s.text = "Fjärrvärmen i " + name_of(m.energy_verksamhet) +
                 " och kommunens idrottsanläggningar blir 45 % dyrare än normalt i februari. "
                 "Avvikelsen kommenteras och prognosen höjs; en mild höst tar igen en del.";
        s.units = names_of(m.energy_units);
        m.stories.push_back(std::move(s));
    }
    {
        Story s;
        s.key = "bygglov-intakter";
        s.title = "Ofinansierat intäktsbortfall för bygglov";
        s.text = "Från mars kommer 45 % färre bygglovsansökningar in till " +
                 name_of(m.plan_verksamhet) +
                 ": intäkterna faller utan att det fanns med i budgeten. Verksamhetschefen "
                 "lämnar en sänkt prognos, " +
                 name_of(m.plan_namnd) + " beslutar att låta två tjänster stå vakanta (§ 88/" + y +
                 ") och kommunfullmäktige sänker intäktsbudgeten i november (KF § 142/" + y + ").";
        s.units = names_of(m.fee_units);
        s.units.push_back(m.plan_verksamhet);
        m.stories.push_back(std::move(s));
    }
    {
        Story s;
        s.key = "placeringar";
        s.title = "Externa placeringar över budget";
        s.text = "Från maj placeras fler ungdomar externt av " +
                 m.org[m.enheter[m.placements_unit].unit].name +
                 ". En hemmaplanslösning "
                 "föreslås i juni och " +
                 name_of(m.ifo_namnd) + " beslutar den (§ 71/" + y +
                 "); från september halveras merkostnaden.";
        s.units = {m.org[m.enheter[m.placements_unit].unit].id.value()};
        m.stories.push_back(std::move(s));
    }
    {
        Story s;
        s.key = "omorganisation";
        s.title = "Omorganisation 1 september";
        s.text = name_of(m.moved_verksamhet) + " flyttar från " + name_of(m.moved_from) + " till " +
                 name_of(m.moved_to) + " den 1 september (KS § 124/" + y +
                 "). Utfallet före september ligger kvar där det bokades; rapporterna följer "
                 "organisationen som den var varje månad.";
        s.units = {m.moved_verksamhet};
        m.stories.push_back(std::move(s));
    }
    {
        Story s;
        s.key = "kvalitetskontroll";
        s.title = "Kvalitetskontroll av verifikationer";
        s.text =
            "Under året skickar ekonomisystemet en faktura på ett konto som inte finns, en "
            "på ett ansvar som inte finns och en som inte balanserar: ingest avvisar dem med "
            "skäl och de rättade verifikationerna tas emot. Två gånger skickas en hel sats "
            "igen (en gång över Kafka, en gång över HTTP): ingest känner igen dubbletterna.";
        m.stories.push_back(std::move(s));
    }

    BuildScript(m);
    return Municipality(std::move(impl));
}

}  // namespace bfu::generator
