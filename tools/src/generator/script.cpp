// The managers of Exempelkommun acting through the year, as the bfu commands they run
// (municipality.hpp): forecast submissions every round, comments at the dialogue meetings,
// and the stories' comments, measures, action plan and decisions. Acknowledgements are not
// scripted: the demo driver acknowledges the deviations the services actually open, as the
// managers who receive the alerts would (tools/src/demo/driver.cpp). Also the feeds: HR
// figures monthly, goal outcomes every tertial, the reorganisation.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "bfu/domain/timetable.hpp"
#include "bfu/domain/workdays.hpp"
#include "model.hpp"

namespace bfu::generator {

namespace {

using domain::Date;

std::string Two(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }

bool Working(Date d) { return domain::IsWorkingDay(d, {}); }

Date On(int year, int month, int day) {
    Date d = *Date::FromYmd(year, month, day);
    while (!Working(d)) d = d.AddDays(1);
    return d;
}

// The n-th working day before d (n >= 1).
Date WorkingDaysBefore(Date d, int n) {
    while (n > 0) {
        d = d.AddDays(-1);
        if (Working(d)) --n;
    }
    return d;
}

// The n-th working day of the month (1-based).
Date NthWorkingDay(int year, int month, int n) {
    Date d = *Date::FromYmd(year, month, 1);
    int seen = 0;
    while (true) {
        if (Working(d) && ++seen == n) return d;
        d = d.AddDays(1);
    }
}

std::string Kr(std::int64_t ore) {
    // Whole kronor, rounded to the thousand, as a manager writes a forecast.
    const std::int64_t kr = (ore >= 0 ? ore + 50'000 : ore - 50'000) / 100'000 * 1000;
    return std::to_string(kr);
}

class Scripter {
public:
    explicit Scripter(Municipality::Impl& m) : m_(m), y_(std::to_string(m.year)) {
        auto tt = domain::BuildTimetable(m.year, {});
        if (tt.ok()) timetable_ = std::move(tt).value();
    }

    void All() {
        ForecastRounds();
        DialogueComments();
        Hemtjanst();
        GoodSchool();
        ColdFebruary();
        Fees();
        Placements();
        Reorganisation();
        Feeds();
        std::stable_sort(m_.script.begin(), m_.script.end(),
                         [](const Action& a, const Action& b) { return a.at < b.at; });
        std::stable_sort(m_.feeds.begin(), m_.feeds.end(),
                         [](const Feed& a, const Feed& b) { return a.at < b.at; });
        // Command ids make every command recognisable: a rerun applies none twice.
        for (std::size_t i = 0; i < m_.script.size(); ++i) {
            auto& c = m_.script[i].command;
            if (c.empty() || c[0] == "forecast") continue;
            c.push_back("--command-id");
            c.push_back("demo-" + y_ + "-" + std::to_string(i + 1));
        }
    }

private:
    const contracts::OrgUnit& U(const std::string& id) const { return m_.org[m_.IndexOf(id)]; }
    const contracts::OrgUnit& U(std::size_t enhet) const { return m_.org[m_.enheter[enhet].unit]; }
    static std::string Email(const contracts::Person& p) { return p.email.value_or(""); }
    static std::string Actor(const contracts::Person& p) { return p.name + ", " + p.role; }

    void Act(core::TimePoint at, const contracts::Person& who, const std::string& story,
             std::string description, std::vector<std::string> command) {
        command.push_back("--by");
        command.push_back(Email(who));
        m_.script.push_back({at, Actor(who), story, std::move(description), std::move(command)});
    }

    std::string Dev(const std::string& unit) const { return "budget:" + y_ + ":" + unit; }

    // Net budget and planned outcome of an enhet through a month.
    std::pair<std::int64_t, std::int64_t> ToDate(const EnhetPlan& e, int through) const {
        std::int64_t budget = 0;
        std::int64_t outcome = 0;
        for (int mo = 1; mo <= through; ++mo) {
            for (int g = 0; g < kGroupCount; ++g) {
                budget += e.budget[static_cast<std::size_t>(g)][static_cast<std::size_t>(mo - 1)];
            }
            outcome += m_.PlanOf(e, mo).Net();
        }
        return {budget, outcome};
    }

    // What the manager forecasts at a round: the months behind plus the budget ahead, leaning
    // half as far as the last two months did.
    std::int64_t Forecast(const EnhetPlan& e, int cutoff) const {
        std::int64_t known = 0;
        for (int mo = 1; mo <= cutoff; ++mo) known += m_.PlanOf(e, mo).Net();
        std::int64_t recent_b = 0;
        std::int64_t recent_o = 0;
        for (int mo = std::max(1, cutoff - 1); mo <= cutoff; ++mo) {
            for (int g = 0; g < kGroupCount; ++g) {
                recent_b += e.budget[static_cast<std::size_t>(g)][static_cast<std::size_t>(mo - 1)];
            }
            recent_o += m_.PlanOf(e, mo).Net();
        }
        std::int64_t ahead = 0;
        for (int mo = cutoff + 1; mo <= 12; ++mo) {
            for (int g = 0; g < kGroupCount; ++g) {
                ahead += e.budget[static_cast<std::size_t>(g)][static_cast<std::size_t>(mo - 1)];
            }
        }
        if (recent_b != 0) {
            const auto lean = static_cast<std::int64_t>(static_cast<Int128>(ahead) *
                                                        (recent_o - recent_b) / recent_b / 2);
            ahead += lean;
        }
        return known + ahead;
    }

    static std::string ForecastComment(const EnhetPlan& e, std::int64_t share_bp) {
        if ((e.stories & kStoryOvertime) != 0) {
            return "Övertid och vikarier sedan mars; bemanningsenheten och de nya schemana "
                   "väntas minska kostnaden under hösten.";
        }
        if ((e.stories & kStoryGoodSchool) != 0) {
            return "Lägre kostnader än budget hela året tack vare samplanerade vikarier.";
        }
        if ((e.stories & kStoryColdFebruary) != 0) {
            return "Energikostnaden i februari ligger kvar; resten av året enligt normalår.";
        }
        if ((e.stories & kStoryFees) != 0) {
            return "Bygglovsintäkterna väntas ligga 45 % under budget resten av året.";
        }
        if ((e.stories & kStoryPlacements) != 0) {
            return "Fler externa placeringar än budgeterat; hemmaplanslösningen väntas minska "
                   "kostnaden från september.";
        }
        if (share_bp > 250) return "Högre kostnader än budgeterat; åtgärder pågår.";
        if (share_bp < -250) return "Lägre kostnader än budget: vakanser och återhållsamhet.";
        return "Prognosen följer budget.";
    }

    void ForecastRounds() {
        for (const auto& ev : timetable_.events) {
            if (ev.kind != domain::TimetableEventKind::kForecastRound) continue;
            const int round = ev.round;
            const int cutoff = round * 2;
            for (std::size_t i = 0; i < m_.enheter.size(); ++i) {
                const auto& e = m_.enheter[i];
                const auto h =
                    static_cast<int>(Mix(m_.seed, 51, i, static_cast<std::uint64_t>(round)) % 100);
                const bool story = e.stories != kStoryNone && e.stories != kStoryMoved;
                Date d;
                if (story || h < 55) {
                    d = WorkingDaysBefore(ev.date, 3 + h % 3);
                } else if (h < 78) {
                    d = WorkingDaysBefore(ev.date, 1);  // after the reminder
                } else {
                    continue;  // never: the reminders are for them
                }
                // The manager knows the months before the round's cut-off as far as they are
                // booked: the month of the round is forecast from the one before.
                const std::int64_t amount = Forecast(e, cutoff - 1);
                const auto [budget, outcome] = ToDate(e, cutoff - 1);
                const std::int64_t share_bp = budget != 0 ? (outcome - budget) * 10000 / budget : 0;
                const auto& unit = U(i);
                Act(At(d, 9 + h % 7, (h * 7) % 60), unit.manager, StoryKey(e),
                    "lämnar helårsprognos " + std::to_string(round) + " för " + unit.name,
                    {"forecast", "submit", unit.id.value(), Kr(amount), "--round",
                     std::to_string(round), "--comment", ForecastComment(e, share_bp)});
            }
        }
    }

    static std::string StoryKey(const EnhetPlan& e) {
        if ((e.stories & kStoryOvertime) != 0) return "hemtjanst-overtid";
        if ((e.stories & kStoryGoodSchool) != 0) return "skola-gott-exempel";
        if ((e.stories & kStoryColdFebruary) != 0) return "kall-februari";
        if ((e.stories & kStoryFees) != 0) return "bygglov-intakter";
        if ((e.stories & kStoryPlacements) != 0) return "placeringar";
        return "";
    }

    const domain::TimetableEvent* Event(std::string_view key) const { return timetable_.Find(key); }

    void DialogueComments() {
        struct Season {
            const char* apt;
            const char* area;
            int through;
        };
        for (const Season s :
             {Season{"apt-var", "omrade-var", 4}, Season{"apt-host", "omrade-host", 8}}) {
            const auto* apt = Event(s.apt);
            const auto* area = Event(s.area);
            if (apt == nullptr || area == nullptr) continue;
            const std::string period = y_ + "-" + Two(s.through);
            for (std::size_t i = 0; i < m_.enheter.size(); ++i) {
                const auto& e = m_.enheter[i];
                const auto h = static_cast<int>(
                    Mix(m_.seed, 52, i, static_cast<std::uint64_t>(s.through)) % 100);
                if (h >= 45 && e.stories == kStoryNone) continue;
                const auto [budget, outcome] = ToDate(e, s.through);
                const std::int64_t share_bp = budget != 0 ? (outcome - budget) * 10000 / budget : 0;
                std::string text;
                if ((e.stories & kStoryOvertime) != 0) {
                    text =
                        "På APT gick vi igenom övertiden. Bemanningsenheten och de nya schemana "
                        "har minskat behovet av vikarier; sjukfrånvaron är på väg ner.";
                } else if ((e.stories & kStoryGoodSchool) != 0) {
                    text =
                        "Samplanerade vikarier med grannskolan och lärarassistenter i alla "
                        "årskurser gör att vi ligger under budget och når målen.";
                } else if (share_bp > 250) {
                    text =
                        "Utfallet ligger över budget. Vi har gått igenom orsakerna på APT och "
                        "följer upp kostnaderna varje månad.";
                } else if (share_bp < -250) {
                    text =
                        "Utfallet ligger under budget, främst genom vakanser och återhållsamma "
                        "inköp.";
                } else {
                    text = h % 2 == 0 ? "Utfallet följer budget. Medarbetarna har gått igenom "
                                        "ekonomi, mål och sjukfrånvaro på APT."
                                      : "Ekonomin är i balans. På APT diskuterade vi målen och "
                                        "hur vi kan minska korttidsfrånvaron.";
                }
                const auto& unit = U(i);
                const Date d = apt->date.AddDays(h % 3);
                Act(At(Working(d) ? d : apt->date, 15, (h * 11) % 60), unit.manager, StoryKey(e),
                    "kommenterar utfallet för " + unit.name + " efter APT",
                    {"comment", "add", "--unit", unit.id.value(), "--period", period, "--subject",
                     "outcome", "--text", text});
            }
            // Step 2: each verksamhetschef sums up the area.
            for (const auto& u : m_.org) {
                if (u.level != contracts::OrgLevel::kVerksamhet) continue;
                Act(At(area->date, 16, 0), u.manager, "",
                    "sammanfattar " + u.name + " inför dialogen med sektorchefen",
                    {"comment", "add", "--unit", u.id.value(), "--period", period, "--subject",
                     "outcome", "--text",
                     "Enheterna har presenterat sina resultat. Vi följer upp avvikelserna i "
                     "verksamhetens ledningsgrupp varje månad."});
            }
        }
    }

    void Hemtjanst() {
        const std::string story = "hemtjanst-overtid";
        const auto& v = U(m_.hemtjanst_verksamhet);
        const auto& s = U(m_.hemtjanst_sektor);
        const auto& n = U(m_.hemtjanst_namnd);
        std::vector<std::string> deviations;
        for (std::size_t j = 0; j < m_.overtime_units.size(); ++j) {
            const auto& u = U(m_.overtime_units[j]);
            deviations.push_back(Dev(u.id.value()));
            Act(At(On(m_.year, 3, 26), 10, static_cast<int>(j * 7)), u.manager, story,
                "förklarar avvikelsen i " + u.name,
                {"deviation", "comment", Dev(u.id.value()), "--text",
                 "Hög sjukfrånvaro i mars: vi har tagit in vikarier och beordrat övertid för att "
                 "klara alla besök."});
        }
        const auto& h0 = U(m_.overtime_units.front());
        const auto& h1 =
            U(m_.overtime_units[std::min<std::size_t>(1, m_.overtime_units.size() - 1)]);
        Act(At(On(m_.year, 4, 2), 13, 30), v.manager, story, "kommenterar mars för " + v.name,
            {"comment", "add", "--unit", v.id.value(), "--period", y_ + "-03", "--subject",
             "outcome", "--text",
             "Flera hemtjänstgrupper har haft mycket övertid sedan mars på grund av hög "
             "sjukfrånvaro. Vi tar fram åtgärder tillsammans med sektorn."});
        Act(At(On(m_.year, 4, 9), 9, 40), h1.manager, story,
            "kommenterar sjukfrånvaron i " + h1.name,
            {"comment", "add", "--unit", h1.id.value(), "--period", y_ + "-03", "--subject", "hr",
             "--text",
             "Sjukfrånvaron steg till över 8 % i mars. Vi har startat tidiga rehabsamtal och "
             "följer upp varje vecka."});
        Act(At(On(m_.year, 4, 14), 11, 0), v.manager, story,
            "föreslår en gemensam bemanningsenhet för " + v.name,
            {"measure", "add", "--unit", v.id.value(), "--area", v.id.value(), "--id",
             "hemtjanst-bemanning", "--text",
             "Gemensam bemanningsenhet för korttidsfrånvaro i hemtjänsten", "--effect-per-month",
             "-220000", "--from", y_ + "-06"});
        Act(At(On(m_.year, 4, 15), 9, 30), h0.manager, story, "föreslår nya scheman i " + h0.name,
            {"measure", "add", Dev(h0.id.value()), "--id", "hemtjanst-schema", "--text",
             "Ny schemaläggning med delade turer i " + h0.name, "--effect-per-month", "-45000",
             "--from", y_ + "-05"});
        std::vector<std::string> draft = {
            "plan",
            "draft",
            "--sektor",
            s.id.value(),
            "--id",
            "hemtjanst-plan",
            "--title",
            "Åtgärdsplan för personalkostnaderna i hemtjänsten",
            "--text",
            "Sjukfrånvaron i hemtjänsten steg i mars och gav övertid och vikarier i flera "
            "grupper. Sektorn föreslår en gemensam bemanningsenhet för korttidsfrånvaro (" +
                v.name +
                ") från juni och nya scheman med delade turer. Åtgärderna väntas minska "
                "personalkostnaderna med 265 000 kr i månaden så att hemtjänsten håller sin ram "
                "från hösten."};
        for (const auto& d : deviations) {
            draft.push_back("--deviation");
            draft.push_back(d);
        }
        for (const char* mid : {"hemtjanst-bemanning", "hemtjanst-schema"}) {
            draft.push_back("--measure");
            draft.push_back(mid);
        }
        Act(At(On(m_.year, 5, 12), 10, 0), s.manager, story,
            "upprättar en åtgärdsplan för hemtjänsten", draft);
        Act(At(On(m_.year, 5, 13), 15, 0), s.manager, story,
            "lägger fram åtgärdsplanen för " + n.name, {"plan", "propose", "hemtjanst-plan"});
        const Date meeting = On(m_.year, 5, 27);
        Act(At(meeting, 14, 0), *n.secretary, story,
            "registrerar " + n.name + "s beslut om åtgärdsplanen (§ 58/" + y_ + ")",
            {"decision", "record", "--ref", "§ 58/" + y_, "--body", n.id.value(), "--date",
             meeting.ToString(), "--meeting", n.name + "s sammanträde", "--text",
             "Nämnden antar åtgärdsplanen för hemtjänstens personalkostnader och ger sektorn i "
             "uppdrag att återrapportera i september.",
             "--plan", "hemtjanst-plan"});
        Act(At(On(m_.year, 6, 1), 8, 30), v.manager, story, "startar bemanningsenheten",
            {"measure", "status", "hemtjanst-bemanning", "pagar", "--comment",
             "Bemanningsenheten startade med sex undersköterskor."});
        Act(At(On(m_.year, 6, 1), 8, 45), h0.manager, story, "inför de nya schemana",
            {"measure", "status", "hemtjanst-schema", "pagar"});
        Act(At(On(m_.year, 9, 14), 10, 0), v.manager, story, "återrapporterar effekten i " + v.name,
            {"comment", "add", "--unit", v.id.value(), "--period", y_ + "-08", "--subject",
             "outcome", "--text",
             "Övertiden har mer än halverats sedan bemanningsenheten startade i juni."});
        Act(At(On(m_.year, 11, 16), 11, 0), h0.manager, story, "avslutar schemaåtgärden",
            {"measure", "done", "hemtjanst-schema", "--comment",
             "De nya schemana gäller nu i hela gruppen."});
    }

    void GoodSchool() {
        const std::string story = "skola-gott-exempel";
        const auto& g = U(m_.good_school);
        const auto& gv = U(g.parent->value());
        Act(At(On(m_.year, 2, 9), 14, 0), g.manager, story, "beskriver arbetssättet på " + g.name,
            {"comment", "add", "--unit", g.id.value(), "--period", y_ + "-01", "--subject",
             "outcome", "--text",
             "Vi samplanerar vikarier med grannskolan och har lärarassistenter i alla årskurser. "
             "Det ger färre timvikarier och kostnader under budget."});
        Act(At(On(m_.year, 9, 15), 13, 0), g.manager, story, "kommenterar måluppfyllelsen",
            {"comment", "add", "--unit", g.id.value(), "--period", y_ + "-08", "--goal",
             "G-" + g.id.value() + "-godkanda", "--text",
             "Andelen elever med godkända betyg i alla ämnen ligger långt över målet: tidiga "
             "insatser och trygga klassrum."});
        Act(At(On(m_.year, 10, 13), 10, 0), gv.manager, story, "sprider " + g.name + "s arbetssätt",
            {"comment", "add", "--unit", gv.id.value(), "--period", y_ + "-09", "--subject",
             "general", "--text",
             g.name + "s arbetssätt med samplanerade vikarier sprids till övriga skolor i "
                      "området under hösten."});
    }

    void ColdFebruary() {
        const std::string story = "kall-februari";
        const auto& fv = U(m_.energy_verksamhet);
        Act(At(On(m_.year, 3, 3), 10, 0), fv.manager, story,
            "förklarar energikostnaderna i februari",
            {"comment", "add", "--unit", fv.id.value(), "--period", y_ + "-02", "--subject",
             "outcome", "--text",
             "Kall februari: fjärrvärmen blev 45 % dyrare än ett normalår. Prognosen för helåret "
             "höjs med merkostnaden."});
        for (std::size_t j = 0; j < m_.energy_units.size() && j < 3; ++j) {
            const auto& u = U(m_.energy_units[j]);
            Act(At(On(m_.year, 3, 4), 9, static_cast<int>(10 + j * 5)), u.manager, story,
                "förklarar avvikelsen i " + u.name,
                {"deviation", "comment", Dev(u.id.value()), "--text",
                 "Merkostnaden beror på kylan i februari, inte på högre förbrukning per "
                 "graddag."});
        }
    }

    void Fees() {
        const std::string story = "bygglov-intakter";
        const auto& pv = U(m_.plan_verksamhet);
        const auto& pn = U(m_.plan_namnd);
        const auto& kf = U(std::string("KF"));
        Act(At(On(m_.year, 4, 7), 10, 0), pv.manager, story,
            "förklarar intäktsbortfallet i " + pv.name,
            {"comment", "add", "--unit", pv.id.value(), "--period", y_ + "-03", "--subject",
             "outcome", "--text",
             "Bygglovsavgifterna ligger 45 % under budget: färre ansökningar sedan räntorna "
             "steg. Intäktsbortfallet fanns inte med i budgeten."});
        if (!m_.fee_units.empty()) {
            const auto& p0 = U(m_.fee_units.front());
            Act(At(On(m_.year, 4, 8), 11, 0), p0.manager, story,
                "förklarar avvikelsen i " + p0.name,
                {"deviation", "comment", Dev(p0.id.value()), "--text",
                 "Antalet bygglovsansökningar har nästan halverats sedan februari."});
        }
        Act(At(On(m_.year, 8, 18), 10, 30), pv.manager, story,
            "föreslår att lämna tjänster vakanta",
            {"measure", "add", "--unit", pv.id.value(), "--area", pv.id.value(), "--id",
             "bygglov-vakanser", "--text",
             "Två vakanta handläggartjänster tillsätts inte under hösten", "--effect-per-month",
             "-95000", "--from", y_ + "-09"});
        const Date meeting = On(m_.year, 8, 26);
        Act(At(meeting, 14, 0), *pn.secretary, story,
            "registrerar " + pn.name + "s beslut (§ 88/" + y_ + ")",
            {"decision", "record", "--ref", "§ 88/" + y_, "--body", pn.id.value(), "--date",
             meeting.ToString(), "--meeting", pn.name + "s sammanträde", "--text",
             "Nämnden beslutar att två vakanta handläggartjänster inte tillsätts under hösten.",
             "--measure", "bygglov-vakanser"});
        Act(At(On(m_.year, 9, 1), 8, 30), pv.manager, story, "verkställer beslutet",
            {"measure", "status", "bygglov-vakanser", "pagar"});
        // KF lowers the fee budget by what the year is expected to lose.
        nlohmann::json lines = nlohmann::json::array();
        for (auto i : m_.fee_units) {
            const auto& e = m_.enheter[i];
            const std::int64_t annual = e.annual[kIntakter];
            lines.push_back({{"unit", U(i).id.value()},
                             {"accountGroup", "intakter"},
                             {"annualSek", annual * 62 / 100 / 100'000 * 1000}});
        }
        const std::string file = "budgetrevision-bygglov-" + y_ + ".json";
        m_.budget_files[file] = lines.dump(2) + "\n";
        const Date kf_meeting = On(m_.year, 11, 18);
        Act(At(kf_meeting, 19, 0), *kf.secretary, story,
            "registrerar kommunfullmäktiges beslut om ny intäktsbudget (KF § 142/" + y_ + ")",
            {"decision", "record", "--ref", "KF § 142/" + y_, "--body", "KF", "--date",
             kf_meeting.ToString(), "--meeting", "Kommunfullmäktiges sammanträde", "--text",
             "Kommunfullmäktige sänker intäktsbudgeten för bygglov med hänsyn till det "
             "minskade byggandet.",
             "--budget", "@" + file, "--year", y_});
    }

    void Placements() {
        const std::string story = "placeringar";
        const auto& u = U(m_.placements_unit);
        const auto& iv = U(m_.ifo_verksamhet);
        const auto& in = U(m_.ifo_namnd);
        Act(At(On(m_.year, 6, 9), 10, 0), u.manager, story, "förklarar avvikelsen i " + u.name,
            {"deviation", "comment", Dev(u.id.value()), "--text",
             "Tre ungdomar har placerats externt sedan maj. Dygnskostnaden är 4 500 kr per "
             "placering."});
        Act(At(On(m_.year, 6, 16), 11, 0), iv.manager, story, "föreslår en hemmaplanslösning",
            {"measure", "add", Dev(u.id.value()), "--area", iv.id.value(), "--id",
             "placeringar-hemmaplan", "--text",
             "Hemmaplanslösning: förstärkt öppenvård i stället för externa placeringar",
             "--effect-per-month", "-120000", "--from", y_ + "-09"});
        const Date meeting = On(m_.year, 6, 24);
        Act(At(meeting, 14, 0), *in.secretary, story,
            "registrerar " + in.name + "s beslut (§ 71/" + y_ + ")",
            {"decision", "record", "--ref", "§ 71/" + y_, "--body", in.id.value(), "--date",
             meeting.ToString(), "--meeting", in.name + "s sammanträde", "--text",
             "Nämnden beslutar att införa en hemmaplanslösning med förstärkt öppenvård.",
             "--measure", "placeringar-hemmaplan"});
        Act(At(On(m_.year, 9, 1), 9, 0), iv.manager, story, "startar hemmaplanslösningen",
            {"measure", "status", "placeringar-hemmaplan", "pagar"});
    }

    void Reorganisation() {
        const auto& mv = U(m_.moved_verksamhet);
        const auto& to = U(m_.moved_to);
        Act(At(On(m_.year, 9, 2), 10, 0), to.manager, "omorganisation",
            "hälsar " + mv.name + " välkommen till " + to.name,
            {"comment", "add", "--unit", mv.id.value(), "--period", y_ + "-09", "--subject",
             "general", "--text",
             mv.name + " ingår från 1 september i " + to.name + " (KS § 124/" + y_ + ")."});
    }

    void Feeds() {
        for (int month = 1; month <= 12; ++month) {
            const int year = month == 12 ? m_.year + 1 : m_.year;
            const int next = month == 12 ? 1 : month + 1;
            const Date d = NthWorkingDay(year, next, 5);
            m_.feeds.push_back(
                {At(d, 7, 30), "hr", "hr-" + y_ + "-" + Two(month) + ".json",
                 "HR-systemet levererar personalstatistik för " + y_ + "-" + Two(month)});
            if (month % 4 == 0) {
                const Date g = NthWorkingDay(year, next, 8);
                m_.feeds.push_back({At(g, 8, 0), "goal-outcomes",
                                    "malutfall-" + y_ + "-" + Two(month) + ".json",
                                    "Målutfall per tertial t.o.m. " + y_ + "-" + Two(month)});
            }
        }
        m_.feeds.push_back({At(*Date::FromYmd(m_.year, 9, 1), 6, 0), "org",
                            "org-" + y_ + "-09-01.json",
                            "Omorganisationen 1 september registreras (KS § 124/" + y_ + ")"});
    }

    Municipality::Impl& m_;
    std::string y_;
    domain::Timetable timetable_;
};

}  // namespace

void BuildScript(Municipality::Impl& m) { Scripter(m).All(); }

std::string Municipality::FeedFile(const Feed& feed) const {
    nlohmann::json arr = nlohmann::json::array();
    auto month_of = [&]() {
        // "hr-2026-03.json" / "malutfall-2026-04.json": the month is the two digits before ".".
        const auto dot = feed.file.rfind('.');
        return dot >= 2 ? std::stoi(feed.file.substr(dot - 2, 2)) : 1;
    };
    if (feed.kind == "hr") {
        for (const auto& h : HrOf(month_of())) arr.push_back(h.ToJson());
    } else if (feed.kind == "goal-outcomes") {
        for (const auto& g : GoalOutcomesOf(month_of())) arr.push_back(g.ToJson());
    } else if (feed.kind == "org") {
        for (const auto& u : impl_->reorganisation) arr.push_back(u.ToJson());
    } else if (auto it = impl_->budget_files.find(feed.file); it != impl_->budget_files.end()) {
        return it->second;
    }
    return arr.dump(2) + "\n";
}

const std::map<std::string, std::string>& Municipality::Files() const {
    return impl_->budget_files;
}

}  // namespace bfu::generator
