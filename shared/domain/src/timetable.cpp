#include "bfu/domain/timetable.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

namespace bfu::domain {
namespace {

using core::Errc;
using core::Error;

constexpr std::array<const char*, 13> kMonthNames = {
    "",     "januari", "februari",  "mars",    "april",    "maj",     "juni",
    "juli", "augusti", "september", "oktober", "november", "december"};

Date Ymd(int y, int m, int d) { return Date::FromDays(DaysFromCivil(y, m, d)); }

// The n-th given weekday (1 = Monday) of a month.
Date NthWeekday(int y, int m, int weekday, int n) {
    const Date first = Ymd(y, m, 1);
    const int offset = (weekday - first.Weekday() + 7) % 7;
    return first.AddDays(offset + (n - 1) * 7);
}

Date LastWeekdayOfMonth(int y, int m) {
    Date d = Ymd(y, m, DaysInMonth(y, m));
    while (d.IsWeekend()) d = d.AddDays(-1);
    return d;
}

Date IsoWeekDay(int iso_year, int week, int weekday) {
    return DateOfIsoWeek(iso_year, week, weekday).value();
}

TimetableEvent Make(std::string key, TimetableEventKind kind, Date def, Date first, Date last,
                    Period covers, std::string title, std::string description, int round = 0) {
    TimetableEvent e;
    e.key = std::move(key);
    e.kind = kind;
    e.date = def;
    e.window_first = first;
    e.window_last = last;
    e.covers = covers;
    e.title = std::move(title);
    e.description = std::move(description);
    e.round = round;
    return e;
}

std::string Utc(core::TimePoint t) {
    const auto secs =
        std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
    auto tt = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

}  // namespace

std::string_view ToString(TimetableEventKind k) noexcept {
    switch (k) {
        case TimetableEventKind::kForecastRound:
            return "forecast_round";
        case TimetableEventKind::kTertialReport:
            return "tertial_report";
        case TimetableEventKind::kDelarReport:
            return "delar_report";
        case TimetableEventKind::kAnnualReport:
            return "annual_report";
        case TimetableEventKind::kDialogueApt:
            return "dialogue_apt";
        case TimetableEventKind::kDialogueArea:
            return "dialogue_area";
        case TimetableEventKind::kDialogueSector:
            return "dialogue_sector";
        case TimetableEventKind::kDialogueDirector:
            return "dialogue_director";
        case TimetableEventKind::kBokslutsdag:
            return "bokslutsdag";
        case TimetableEventKind::kPeriodClose:
            return "period_close";
        case TimetableEventKind::kYearClose:
            return "year_close";
    }
    return "?";
}

std::string PeriodCloseKey(int month) {
    return std::string("stangning-") + (month < 10 ? "0" : "") + std::to_string(month);
}

const TimetableEvent* Timetable::Find(std::string_view key) const {
    for (const auto& e : events) {
        if (e.key == key) return &e;
    }
    return nullptr;
}

core::Result<Timetable> BuildTimetable(int year, const TimetableConfig& config) {
    if (year < 1901 || year > 9998) {
        return Error(Errc::kInvalidArgument, "year",
                     "timetable year " + std::to_string(year) + " is out of range");
    }
    if (config.close_working_day < 1 || config.close_working_day > kMaxCloseWorkingDay) {
        return Error(Errc::kInvalidArgument, "timetable.close_working_day",
                     "a month closes on the N-th working day of the next month, N = 1.." +
                         std::to_string(kMaxCloseWorkingDay) + ", not " +
                         std::to_string(config.close_working_day));
    }
    Timetable tt;
    tt.year = year;
    auto& ev = tt.events;
    const FiscalYear fy = FiscalYear::Calendar(year);

    const auto rounds = fy.FollowUpRounds();
    for (int r = 1; r <= 6; ++r) {
        const Period p = rounds[static_cast<std::size_t>(r - 1)];
        const Date first = Ymd(p.year(), p.month(), 20);
        const Period n = p.Next();
        const Date last = Ymd(n.year(), n.month(), 10);
        ev.push_back(Make("prognos-" + std::to_string(r), TimetableEventKind::kForecastRound,
                          LastWeekdayOfMonth(p.year(), p.month()), first, last, p,
                          "Prognosomgång " + std::to_string(r) + " (" +
                              kMonthNames[static_cast<std::size_t>(p.month())] + ")",
                          "Fördjupad uppföljning: periodisering av kostnader och intäkter och "
                          "helårsprognos från varje enhet.",
                          r));
    }
    ev.push_back(Make("tertialrapport", TimetableEventKind::kTertialReport, IsoWeekDay(year, 26, 5),
                      IsoWeekDay(year, 22, 1), IsoWeekDay(year, 26, 7), fy.TertialCutoff(),
                      "Tertialrapport: sista dag",
                      "Tertialrapport januari-april med helårsprognos till nämnd, KS och KF."));
    ev.push_back(Make("delarsrapport", TimetableEventKind::kDelarReport, IsoWeekDay(year, 42, 5),
                      IsoWeekDay(year, 40, 1), IsoWeekDay(year, 42, 7), fy.DelarCutoff(),
                      "Delårsrapport: sista dag",
                      "Delårsrapport januari-augusti med helårsprognos till nämnd, KS och KF."));
    ev.push_back(Make("arsredovisning", TimetableEventKind::kAnnualReport,
                      IsoWeekDay(year + 1, 18, 5), IsoWeekDay(year + 1, 14, 1),
                      IsoWeekDay(year + 1, 18, 7), fy.Last(), "Årsredovisning: sista dag",
                      "Årsredovisning för " + std::to_string(year) + " till nämnd, KS och KF."));

    struct Step {
        const char* key;
        TimetableEventKind kind;
        int month_offset;  // 0 = May/October, 1 = June/November
        int nth;
        const char* title;
        const char* description;
    };
    static constexpr std::array<Step, 4> kSteps = {{
        {"apt", TimetableEventKind::kDialogueApt, 0, 2, "Dialogsteg 1: APT",
         "Medarbetare och enhetschef går igenom enhetens utfall i kvalitet, ekonomi och HR; "
         "enhetschefen fyller i dialogunderlaget. Ansvarig: enhetschef."},
        {"omrade", TimetableEventKind::kDialogueArea, 0, 4, "Dialogsteg 2: områdesmöte",
         "Enhetschefer och verksamhetschef (med controller) per område; varje enhet "
         "presenterar. Ansvarig: ekonomi och HR."},
        {"sektor", TimetableEventKind::kDialogueSector, 1, 2, "Dialogsteg 3: sektorsmöte",
         "Enhetschefer, verksamhetschef och sektorchef: måluppfyllelse och budgetföljsamhet. "
         "Ansvarig: verksamhetschef."},
        {"kd", TimetableEventKind::kDialogueDirector, 1, 4, "Dialogsteg 4: med kommundirektören",
         "Verksamhetschefer, sektorchef och kommundirektör per sektor. Ansvarig: sektorchef."},
    }};
    for (int season = 0; season < 2; ++season) {
        const int base_month = season == 0 ? 5 : 10;
        const Period covers = season == 0 ? fy.TertialCutoff() : fy.DelarCutoff();
        for (const Step& s : kSteps) {
            const int m = base_month + s.month_offset;
            ev.push_back(Make(std::string(s.key) + (season == 0 ? "-var" : "-host"), s.kind,
                              NthWeekday(year, m, 2, s.nth), Ymd(year, m, 1),
                              Ymd(year, m, DaysInMonth(year, m)), covers,
                              std::string(s.title) + (season == 0 ? " (vår)" : " (höst)"),
                              s.description));
        }
    }
    ev.push_back(Make("bokslutsdag", TimetableEventKind::kBokslutsdag,
                      NthWeekday(year + 1, 3, 4, 2), Ymd(year + 1, 2, 1), Ymd(year + 1, 3, 31),
                      fy.Last(), "Bokslutsdag",
                      "Verksamheterna redovisar måluppfyllelse för " + std::to_string(year) +
                          " för presidierna i nämnderna och KF samt för KS."));

    // Period close days: month m of Y is complete from the day after the N-th working day of
    // month m + 1 (December's in January of Y + 1).
    for (int m = 1; m <= 12; ++m) {
        const Period p = Period::Of(year, m).value();
        const Period n = p.Next();
        const Date close = AddWorkingDays(p.LastDay(), config.close_working_day, config.calendar);
        const std::string month = kMonthNames[static_cast<std::size_t>(m)];
        ev.push_back(Make(PeriodCloseKey(m), TimetableEventKind::kPeriodClose, close, n.FirstDay(),
                          n.LastDay(), p, "Periodstängning: " + month + " " + std::to_string(year),
                          m < 12
                              ? "Sista dag att bokföra i " + month + " " + std::to_string(year) +
                                    "; därefter är perioden stängd och månaden är underlag för "
                                    "uppföljningen. Rättelser bokförs i en öppen period."
                              : "December " + std::to_string(year) +
                                    " är komplett och underlag för uppföljningen efter denna dag; "
                                    "bokslutstransaktioner tas emot till årsbokslutet."));
    }
    {
        const Date first = Ymd(year + 1, 1, 15);
        Date close = Ymd(year + 1, 2, DaysInMonth(year + 1, 2));
        while (!IsWorkingDay(close, config.calendar) && close > first) close = close.AddDays(-1);
        ev.push_back(Make(std::string(kYearCloseKey), TimetableEventKind::kYearClose, close,
                          Ymd(year + 1, 1, 2), Ymd(year + 1, 3, 31), fy.Last(),
                          "Årsbokslut " + std::to_string(year),
                          "Räkenskapsåret " + std::to_string(year) +
                              " stängs efter denna dag, december inräknad: sista dag för "
                              "bokslutstransaktioner."));
    }

    for (const auto& entry : config.dates) {
        // Named copies, not a structured binding: clang 14 cannot capture bindings in lambdas.
        const std::string& key = entry.first;
        const Date date = entry.second;
        auto it = std::find_if(ev.begin(), ev.end(), [&](const auto& e) { return e.key == key; });
        if (it == ev.end()) {
            return Error(Errc::kInvalidArgument, "timetable." + key,
                         "'" + key + "' is not a timetable event");
        }
        if (date < it->window_first || date > it->window_last) {
            return Error(Errc::kInvalidArgument, "timetable." + key,
                         it->title + " (" + key + ") on " + date.ToString() +
                             " is outside its window " + it->window_first.ToString() + " .. " +
                             it->window_last.ToString());
        }
        it->date = date;
    }
    for (const char* season : {"-var", "-host"}) {
        const TimetableEvent* prev = nullptr;
        for (const char* step : {"apt", "omrade", "sektor", "kd"}) {
            const TimetableEvent* cur = tt.Find(std::string(step) + season);
            if (prev != nullptr && cur->date < prev->date) {
                return Error(Errc::kInvalidArgument, "timetable." + cur->key,
                             cur->title + " (" + cur->key + ") on " + cur->date.ToString() +
                                 " comes before " + prev->title + " (" + prev->key + ") on " +
                                 prev->date.ToString() +
                                 "; the dialogue steps build on each "
                                 "other in order");
            }
            prev = cur;
        }
    }
    {
        const TimetableEvent* december = tt.Find(PeriodCloseKey(12));
        const TimetableEvent* year_close = tt.Find(kYearCloseKey);
        if (year_close->date <= december->date) {
            return Error(Errc::kInvalidArgument, "timetable." + std::string(kYearCloseKey),
                         year_close->title + " (" + year_close->key + ") on " +
                             year_close->date.ToString() + " is not after " + december->title +
                             " (" + december->key + ") on " + december->date.ToString() +
                             "; the year-end adjustments come after December is complete");
        }
    }
    std::sort(ev.begin(), ev.end(), [](const auto& a, const auto& b) {
        return a.date != b.date ? a.date < b.date : a.key < b.key;
    });
    return tt;
}

std::string EscapeICalText(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case ';':
                out += "\\;";
                break;
            case ',':
                out += "\\,";
                break;
            case '\r':
                if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
                out += "\\n";
                break;
            case '\n':
                out += "\\n";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string FoldICalLine(std::string_view line) {
    // 75 octets for the first line; continuation lines start with a space, which counts, so
    // they carry 74 octets of content. Never split inside a UTF-8 sequence.
    std::string out;
    std::size_t pos = 0;
    std::size_t limit = 75;
    while (line.size() - pos > limit) {
        std::size_t cut = pos + limit;
        while (cut > pos && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
        out.append(line.substr(pos, cut - pos));
        out += "\r\n ";
        pos = cut;
        limit = 74;
    }
    out.append(line.substr(pos));
    out += "\r\n";
    return out;
}

std::string ToICalendar(const Timetable& timetable, const ICalendarOptions& options) {
    std::string out;
    auto line = [&](std::string_view l) { out += FoldICalLine(l); };
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//bfu//Budgetuppfoljning tidplan//SV");
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line("X-WR-CALNAME:" +
         EscapeICalText(options.calendar_name + " " + std::to_string(timetable.year)));
    const std::string stamp = Utc(options.stamp);
    for (const TimetableEvent& e : timetable.events) {
        line("BEGIN:VEVENT");
        line("UID:" + e.key + "-" + std::to_string(timetable.year) + "@" + options.uid_domain);
        line("DTSTAMP:" + stamp);
        line("DTSTART;VALUE=DATE:" + e.date.ToBasicString());
        line("DTEND;VALUE=DATE:" + e.date.AddDays(1).ToBasicString());
        line("SUMMARY:" + EscapeICalText(e.title));
        line("DESCRIPTION:" + EscapeICalText(e.description));
        line("CATEGORIES:" + EscapeICalText(std::string(ToString(e.kind))));
        line("TRANSP:TRANSPARENT");
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    return out;
}

}  // namespace bfu::domain
