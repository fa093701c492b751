// The catalogue of Exempelkommun's activities: staff, wages, customers and fees, purchases,
// premises, energy, HR norms and goals per kind of enhet. Figures are of the size a Swedish
// municipality of about 100 000 inhabitants has (kronor a month unless named otherwise).
#include <stdexcept>

#include "model.hpp"

namespace bfu::generator {

namespace {

using K = Kind;
constexpr GoalTemplate kNoGoal{nullptr, nullptr, nullptr, 0, true};

// clang-format off
constexpr KindInfo kKinds[] = {
    // kind, emp, wage, care, school, customers, fee, fee account, purch/emp, fixed, fixed acc,
    // invoices, rent, energy tkr/yr, övrigt, depreciation, grant %, payments, sick‰, overtime,
    // goals
    {K::kForskola, 11, 19, 31500, false, true, 55, 95, 1350, "3410", 1100, 0, 0, "", 40, 60,
     90000, 170000, 0, 0, 9000, 6000, 0, 0, 0, 49, 4,
     {{"nojda", "Nöjda vårdnadshavare", "%", 900, true},
      {"barngrupp", "Barn per årsarbetare", "st", 52, false}}},
    {K::kPedOmsorg, 3, 7, 30000, false, true, 15, 35, 1200, "3410", 900, 0, 0, "", 14, 22,
     20000, 45000, 0, 0, 3000, 0, 0, 0, 0, 45, 3,
     {{"nojda", "Nöjda vårdnadshavare", "%", 900, true}, kNoGoal}},
    {K::kGrundskola, 26, 52, 38500, false, true, 35, 110, 850, "3410", 1500, 0, 0, "", 60, 95,
     260000, 520000, 0, 0, 14000, 35000, 0, 0, 0, 44, 5,
     {{"godkanda", "Elever med godkända betyg i alla ämnen", "%", 800, true},
      {"trygghet", "Elever som känner sig trygga", "%", 900, true}}},
    {K::kGymnasium, 16, 34, 41000, false, true, 0, 0, 0, "", 2100, 0, 0, "", 45, 70, 160000,
     360000, 0, 0, 16000, 40000, 0, 0, 0, 38, 4,
     {{"examen", "Elever med examen inom tre år", "%", 780, true}, kNoGoal}},
    {K::kVuxenutbildning, 6, 14, 39000, false, true, 0, 0, 0, "", 1200, 60000, 140000, "4040",
     20, 32, 40000, 85000, 0, 0, 6000, 0, 0, 0, 0, 40, 3,
     {{"avslutade", "Godkända avslutade kurser", "%", 850, true}, kNoGoal}},
    {K::kElevhalsa, 6, 12, 45000, false, true, 0, 0, 0, "", 900, 0, 0, "", 14, 24, 20000, 40000,
     0, 0, 5000, 0, 0, 0, 0, 36, 2,
     {{"vantetid", "Väntetid till skolpsykolog", "dagar", 210, false}, kNoGoal}},
    {K::kHemtjanst, 30, 48, 29500, true, false, 70, 125, 1250, "3420", 350, 0, 0, "", 28, 42,
     40000, 85000, 0, 0, 48000, 0, 0, 0, 0, 52, 16,
     {{"nojda", "Nöjda brukare", "%", 900, true},
      {"kontinuitet", "Personal per brukare under 14 dagar", "st", 120, false}}},
    {K::kSarskiltBoende, 28, 44, 30500, true, false, 24, 42, 4200, "3420", 950, 0, 0, "", 36,
     52, 260000, 460000, 0, 0, 12000, 20000, 0, 0, 0, 53, 10,
     {{"nojda", "Nöjda brukare", "%", 880, true}, kNoGoal}},
    {K::kHemsjukvard, 12, 25, 42500, true, false, 0, 0, 0, "", 1400, 0, 0, "", 28, 40, 30000,
     65000, 0, 0, 22000, 0, 0, 0, 0, 46, 12,
     {{"fall", "Fallskador per 1 000 brukare", "st", 90, false}, kNoGoal}},
    {K::kDagverksamhet, 5, 10, 29000, false, false, 15, 32, 550, "3420", 600, 0, 0, "", 12, 18,
     25000, 50000, 0, 0, 4000, 0, 0, 0, 0, 47, 3,
     {{"nojda", "Nöjda besökare", "%", 900, true}, kNoGoal}},
    {K::kLssBoende, 12, 22, 30000, true, false, 4, 6, 5800, "3510", 800, 0, 0, "", 20, 30,
     60000, 110000, 0, 0, 5000, 8000, 0, 0, 0, 50, 9,
     {{"inflytande", "Brukare med genomförandeplan", "%", 950, true}, kNoGoal}},
    {K::kDagligVerksamhet, 6, 12, 29500, false, false, 0, 0, 0, "", 900, 0, 0, "", 16, 24,
     40000, 80000, 0, 0, 6000, 0, 0, 0, 0, 44, 2,
     {{"nojda", "Nöjda deltagare", "%", 900, true}, kNoGoal}},
    {K::kPersonligAssistans, 20, 40, 29000, true, false, 0, 0, 0, "", 250, 0, 0, "", 10, 16,
     10000, 20000, 0, 0, 3000, 0, 78, 0, 0, 55, 14,
     {{"kontinuitet", "Brukare med högst sex assistenter", "%", 850, true}, kNoGoal}},
    {K::kIfoBarn, 8, 16, 40500, false, false, 0, 0, 0, "", 800, 350000, 700000, "4050", 24, 40,
     30000, 60000, 0, 0, 9000, 0, 0, 0, 0, 47, 4,
     {{"utredningstid", "Utredningar klara inom fyra månader", "%", 900, true}, kNoGoal}},
    {K::kIfoVuxen, 6, 12, 39500, false, false, 0, 0, 0, "", 700, 150000, 350000, "4050", 18,
     30, 25000, 50000, 0, 0, 6000, 0, 0, 0, 0, 45, 3,
     {{"utredningstid", "Utredningar klara inom fyra månader", "%", 900, true}, kNoGoal}},
    {K::kBistand, 5, 10, 37500, false, false, 0, 0, 0, "", 600, 0, 0, "", 10, 16, 25000, 45000,
     0, 0, 4000, 0, 0, 140, 260, 42, 2,
     {{"egenforsorjning", "Hushåll självförsörjande inom ett år", "%", 400, true}, kNoGoal}},
    {K::kArbetsmarknad, 8, 15, 33500, false, false, 0, 0, 0, "", 900, 40000, 90000, "4040", 16,
     26, 35000, 70000, 0, 0, 6000, 0, 35, 0, 0, 41, 2,
     {{"arbete", "Deltagare i arbete eller studier", "%", 450, true}, kNoGoal}},
    {K::kSocialpsykiatri, 8, 14, 31500, true, false, 0, 0, 0, "", 700, 0, 0, "", 14, 22, 30000,
     60000, 0, 0, 5000, 0, 0, 0, 0, 48, 6,
     {{"nojda", "Nöjda brukare", "%", 850, true}, kNoGoal}},
    {K::kHvb, 10, 18, 31500, true, false, 2, 5, 65000, "3710", 850, 0, 0, "", 20, 30, 50000,
     90000, 0, 0, 5000, 10000, 0, 0, 0, 50, 9,
     {{"belaggning", "Beläggningsgrad", "%", 900, true}, kNoGoal}},
    {K::kBibliotek, 3, 12, 33500, false, false, 0, 0, 0, "", 3200, 0, 0, "", 16, 28, 40000,
     150000, 0, 0, 4000, 0, 0, 0, 0, 38, 1,
     {{"besok", "Besök per invånare", "st", 45, true}, kNoGoal}},
    {K::kFritidsgard, 3, 7, 30500, false, false, 0, 0, 0, "", 1400, 0, 0, "", 10, 16, 20000,
     50000, 0, 0, 3000, 0, 0, 0, 0, 42, 2,
     {{"besokare", "Unga som besöker gården varje vecka", "st", 600, true}, kNoGoal}},
    {K::kIdrott, 2, 8, 32500, false, false, 20, 60, 2600, "3440", 1500, 60000, 160000, "4040", 14,
     22, 0, 0, 1400, 3800, 5000, 90000, 0, 0, 0, 40, 6,
     {{"timmar", "Bokade timmar per vecka", "st", 600, true}, kNoGoal}},
    {K::kKulturskola, 6, 14, 35500, false, true, 140, 280, 380, "3440", 700, 0, 0, "", 10, 16,
     25000, 60000, 0, 0, 4000, 0, 0, 0, 0, 38, 1,
     {{"elever", "Elever i kulturskolan", "st", 1500, true}, kNoGoal}},
    {K::kKultur, 2, 6, 36500, false, false, 0, 0, 0, "", 1200, 60000, 180000, "4040", 14, 24,
     30000, 70000, 0, 0, 6000, 0, 0, 0, 0, 36, 2,
     {{"besokare", "Besökare på evenemang", "st", 8000, true}, kNoGoal}},
    {K::kGataPark, 6, 14, 33500, false, false, 0, 0, 0, "", 2500, 350000, 850000, "4040", 24,
     38, 15000, 30000, 0, 0, 18000, 260000, 0, 0, 0, 42, 8,
     {{"klagomal", "Åtgärdade felanmälningar inom en vecka", "%", 850, true}, kNoGoal}},
    {K::kPlanBygg, 6, 12, 40500, false, false, 22, 42, 11000, "3430", 800, 0, 0, "", 12, 20,
     25000, 45000, 0, 0, 8000, 0, 0, 0, 0, 37, 3,
     {{"handlaggning", "Bygglov beslutade inom tio veckor", "%", 950, true}, kNoGoal}},
    {K::kMiljo, 5, 9, 39500, false, false, 25, 55, 2100, "3430", 700, 0, 0, "", 10, 16, 20000,
     40000, 0, 0, 5000, 0, 0, 0, 0, 36, 2,
     {{"tillsyn", "Planerad tillsyn genomförd", "%", 900, true}, kNoGoal}},
    {K::kFastighet, 4, 10, 36500, false, false, 0, 0, 0, "", 900, 300000, 800000, "6170", 30,
     46, 0, 0, 9000, 21000, 8000, 900000, 0, 0, 0, 40, 6,
     {{"energi", "Energianvändning per kvadratmeter", "kWh", 1250, false}, kNoGoal}},
    {K::kKost, 3, 8, 29000, false, true, 0, 0, 0, "", 600, 90000, 220000, "4020", 36, 56, 0, 0,
     0, 0, 3000, 15000, 0, 0, 0, 51, 3,
     {{"svinn", "Matsvinn per portion", "g", 350, false}, kNoGoal}},
    {K::kLokalvard, 8, 16, 28500, false, false, 0, 0, 0, "", 1200, 0, 0, "", 8, 14, 0, 0, 0, 0,
     4000, 0, 0, 0, 0, 56, 4,
     {{"kvalitet", "Godkända kvalitetskontroller", "%", 920, true}, kNoGoal}},
    {K::kRaddning, 10, 24, 36000, true, false, 0, 0, 0, "", 1600, 0, 0, "", 16, 26, 60000,
     120000, 0, 0, 12000, 120000, 0, 0, 0, 39, 12,
     {{"insatstid", "Insatstid inom tio minuter", "%", 900, true}, kNoGoal}},
};
// clang-format on

}  // namespace

const KindInfo& Info(Kind kind) {
    for (const auto& k : kKinds) {
        if (k.kind == kind) return k;
    }
    throw std::logic_error("generator: a kind without catalogue entry");
}

const char* GroupId(int group) noexcept {
    switch (group) {
        case kIntakter:
            return "intakter";
        case kPersonal:
            return "personal";
        case kMaterial:
            return "material";
        case kLokaler:
            return "lokaler";
        case kEnergi:
            return "energi";
        case kOvrigt:
            return "ovrigt";
        default:
            return "";
    }
}

std::uint64_t Mix(std::uint64_t seed, std::uint64_t a, std::uint64_t b, std::uint64_t c) {
    Random r(seed ^ (a * 0x9E3779B97F4A7C15ULL) ^ (b * 0xC2B2AE3D27D4EB4FULL) ^
             (c * 0x165667B19E3779F9ULL));
    return r.Next();
}

}  // namespace bfu::generator
