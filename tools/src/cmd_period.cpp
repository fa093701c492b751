// bfu period / bfu year: the finance unit's decisions on the year's lifecycle (S10, S12),
// events on bfu.calendar that ingest, analysis and forecasting follow (domain/lifecycle.hpp).
//   period close YYYY-MM [--by WHO] [--comment TEXT] [--date YYYY-MM-DD]
//       closes a period: postings into it are rejected (period_closed, naming the open period
//       to correct in) and analysis judges the organisation through it
//   period reopen YYYY-MM [--by WHO] [--comment TEXT] [--date YYYY-MM-DD]
//       reopens a closed period (by decision or by the timetable) for a correction
//   year close YYYY [--by WHO] [--comment TEXT] [--date YYYY-MM-DD]
//       closes the year after its årsbokslut: every period of it, December's adjustments too
//   period list [YYYY] [--json]
//       the decisions taken, the latest per period and year
// The decision's date is --date, else the business date of the simulated clock (bfu.clock),
// else today in Sweden. A decision that cannot stand is refused before anything is written:
// a period or year of a closed year, a reopening of a period that is not closed by decision
// or timetable, a year closed twice.
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/outputs.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/domain/calendar.hpp"
#include "bfu/domain/lifecycle.hpp"
#include "bfu/domain/workdays.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/kafka/reader.hpp"
#include "bfu/text/swedish.hpp"
#include "commands.hpp"

namespace bfu::cli {

namespace {

using nlohmann::json;

// Every decision on bfu.calendar, the latest per key, in key order.
struct Decisions {
    std::map<std::string, contracts::CalendarEvent> latest;
    domain::ClosingBook book;
};

std::optional<Decisions> ReadDecisions(const Env& env, std::ostream& err) {
    auto reader = kafka::PartitionReader::Create(KafkaFromEnv(env));
    if (!reader.ok()) {
        err << "bfu: " << reader.error().ToString() << "\n";
        return std::nullopt;
    }
    if (auto s = (*reader)->Add(
            {{Topic(env, contracts::topics::kCalendar), 0, kafka::kOffsetBeginning}});
        !s.ok()) {
        err << "bfu: " << s.error().ToString() << "\n";
        return std::nullopt;
    }
    Decisions d;
    std::vector<contracts::CalendarEvent> in_order;
    auto read = (*reader)->ReadToEnd(
        [&](const kafka::Message& m) {
            auto e = contracts::DecodeMessage<contracts::CalendarEvent>(m.value);
            if (!e.ok()) return;
            d.latest[e->Key()] = *e;
            in_order.push_back(*e);
        },
        std::chrono::seconds(30));
    if (!read.ok()) {
        err << "bfu: " << read.error().ToString() << "\n";
        return std::nullopt;
    }
    for (const auto& e : in_order) {
        domain::Closing c;
        switch (e.kind) {
            case contracts::CalendarKind::kPeriodClosed:
                c.kind = domain::ClosingKind::kPeriodClosed;
                break;
            case contracts::CalendarKind::kPeriodReopened:
                c.kind = domain::ClosingKind::kPeriodReopened;
                break;
            case contracts::CalendarKind::kYearClosed:
                c.kind = domain::ClosingKind::kYearClosed;
                break;
            default:
                continue;
        }
        c.year = e.year;
        if (e.period) {
            if (auto p = domain::Period::Parse(*e.period); p.ok()) c.period = *p;
        }
        if (auto day = domain::Date::Parse(e.date); day.ok()) c.date = *day;
        c.by = e.by.value_or("");
        (void)d.book.Apply(c);  // a decision the book refuses was refused when it was written
    }
    return d;
}

domain::Date DecisionDate(const Env& env, const Args& a, std::ostream& err) {
    if (a.Flag("date")) {
        auto d = domain::Date::Parse(a.Opt("date"));
        if (!d.ok()) throw UsageError("--date is a date YYYY-MM-DD, not '" + a.Opt("date") + "'");
        return *d;
    }
    if (auto now = ReadBusinessClock(env, err)) return domain::StockholmDate(*now);
    return domain::StockholmDate(core::WallClock().Now());
}

std::string OneLine(const Args& a, const std::string& name) {
    const std::string v = a.Opt(name);
    if (v.find_first_of("\r\n") != std::string::npos) {
        throw UsageError("--" + name + " is one line");
    }
    return v;
}

int Publish(const Env& env, const contracts::CalendarEvent& e, std::ostream& err) {
    auto producer = kafka::Producer::Create(KafkaFromEnv(env));
    if (!producer.ok()) {
        err << "bfu: " << producer.error().ToString() << "\n";
        return 1;
    }
    const auto value = contracts::EncodeMessage(
        e, {contracts::NewEventId(), "bfu/cli", core::WallClock().Now(), e.Key()});
    if (auto s = (*producer)->Produce(Topic(env, contracts::topics::kCalendar), e.Key(), value);
        !s.ok()) {
        err << "bfu: " << s.error().ToString() << "\n";
        return 1;
    }
    if (auto s = (*producer)->Flush(std::chrono::seconds(30)); !s.ok()) {
        err << "bfu: " << s.error().ToString() << "\n";
        return 1;
    }
    return 0;
}

std::string WhoAndWhen(const contracts::CalendarEvent& e) {
    std::string s = text::DateText(e.date);
    if (e.by && !e.by->empty()) s += " av " + *e.by;
    return s;
}

int PeriodDecision(const Env& env, const std::string& verb, const Args& a, std::ostream& out,
                   std::ostream& err) {
    if (a.positional.size() != 1) throw UsageError("try: bfu period " + verb + " 2026-04");
    auto p = domain::Period::Parse(a.positional[0]);
    if (!p.ok()) {
        throw UsageError("the period is YYYY-MM (e.g. 2026-04), not '" + a.positional[0] + "'");
    }
    const auto decisions = ReadDecisions(env, err);
    if (!decisions) return 1;
    const auto date = DecisionDate(env, a, err);
    const auto name = text::MonthYear(*p);
    if (const auto* y = decisions->book.ForYear(p->year());
        y != nullptr && y->kind == domain::ClosingKind::kYearClosed) {
        err << "bfu: " << p->year() << " är redan stängt (årsbokslut " << text::DateText(y->date)
            << "); en rättelse bokförs i en öppen period av nästa år\n";
        return 2;
    }
    const auto* earlier = decisions->book.ForPeriod(*p);
    const bool closed_by_decision =
        earlier != nullptr && earlier->kind == domain::ClosingKind::kPeriodClosed;
    if (verb == "close" && closed_by_decision) {
        err << "bfu: " << name << " är redan stängd (" << text::DateText(earlier->date)
            << (earlier->by.empty() ? "" : " av " + earlier->by) << ")\n";
        return 2;
    }
    if (verb == "reopen" && !closed_by_decision) {
        // Closed by the timetable is also closed: a reopening opens it for a correction.
        const auto view = domain::LifecycleView::On(date, {}, decisions->book);
        if (view.StatusOf(*p).open()) {
            err << "bfu: " << name << " är inte stängd; det finns inget att öppna igen\n";
            return 2;
        }
    }
    contracts::CalendarEvent e;
    e.date = date.ToString();
    e.kind = verb == "close" ? contracts::CalendarKind::kPeriodClosed
                             : contracts::CalendarKind::kPeriodReopened;
    e.year = p->year();
    e.ref = p->ToString();
    e.period = p->ToString();
    e.title = (verb == "close" ? "Periodstängning " : "Periodöppning ") + domain::PeriodDash(*p);
    if (a.Flag("by")) e.by = OneLine(a, "by");
    if (a.Flag("comment")) e.comment = a.Opt("comment");
    if (int rc = Publish(env, e, err); rc != 0) return rc;
    out << name << (verb == "close" ? " är stängd" : " är öppnad igen") << " från "
        << text::DateText(e.date) << (e.by ? " (" + *e.by + ")" : "") << "\n";
    if (verb == "close") {
        out << "  bokföring i perioden avvisas (period_closed); rättelser bokförs i en öppen "
               "period\n";
    }
    return 0;
}

int YearClose(const Env& env, const Args& a, std::ostream& out, std::ostream& err) {
    if (a.positional.size() != 1) throw UsageError("try: bfu year close 2026");
    int year = 0;
    try {
        year = std::stoi(a.positional[0]);
    } catch (...) {
        year = 0;
    }
    if (year < 1900 || year > 2999 || a.positional[0].size() != 4) {
        throw UsageError("the year is YYYY (e.g. 2026), not '" + a.positional[0] + "'");
    }
    const auto decisions = ReadDecisions(env, err);
    if (!decisions) return 1;
    if (const auto* y = decisions->book.ForYear(year); y != nullptr) {
        err << "bfu: " << year << " är redan stängt (" << text::DateText(y->date)
            << (y->by.empty() ? "" : " av " + y->by) << ")\n";
        return 2;
    }
    const auto date = DecisionDate(env, a, err);
    if (date.year() <= year) {
        err << "bfu: " << year << " kan stängas först efter årets slut (beslutsdagen är "
            << text::DateText(date) << ")\n";
        return 2;
    }
    contracts::CalendarEvent e;
    e.date = date.ToString();
    e.kind = contracts::CalendarKind::kYearClosed;
    e.year = year;
    e.ref = "arsbokslut";
    e.title = "Årsbokslut " + std::to_string(year);
    if (a.Flag("by")) e.by = OneLine(a, "by");
    if (a.Flag("comment")) e.comment = a.Opt("comment");
    if (int rc = Publish(env, e, err); rc != 0) return rc;
    out << year << " är stängt från " << text::DateText(e.date) << (e.by ? " (" + *e.by + ")" : "")
        << ": alla perioder, även december\n";
    return 0;
}

int List(const Env& env, const Args& a, std::ostream& out, std::ostream& err) {
    int only_year = 0;
    if (!a.positional.empty()) {
        try {
            only_year = std::stoi(a.positional[0]);
        } catch (...) {
            throw UsageError("try: bfu period list [YYYY] [--json]");
        }
    }
    const auto decisions = ReadDecisions(env, err);
    if (!decisions) return 1;
    json rows = json::array();
    for (const auto& [key, e] : decisions->latest) {
        if (only_year != 0 && e.year != only_year) continue;
        if (e.kind != contracts::CalendarKind::kPeriodClosed &&
            e.kind != contracts::CalendarKind::kPeriodReopened &&
            e.kind != contracts::CalendarKind::kYearClosed) {
            continue;
        }
        rows.push_back(e.ToJson());
    }
    if (a.Flag("json")) {
        out << rows.dump(2) << "\n";
        return 0;
    }
    if (rows.empty()) {
        out << "inga beslut om stängning\n";
        return 0;
    }
    for (const auto& [key, e] : decisions->latest) {
        if (only_year != 0 && e.year != only_year) continue;
        switch (e.kind) {
            case contracts::CalendarKind::kPeriodClosed:
            case contracts::CalendarKind::kPeriodReopened: {
                auto p = domain::Period::Parse(e.period.value_or(e.ref));
                out << (p.ok() ? domain::PeriodDash(*p) : e.ref)
                    << (e.kind == contracts::CalendarKind::kPeriodClosed ? "  stängd    "
                                                                         : "  öppnad    ")
                    << WhoAndWhen(e) << "\n";
                break;
            }
            case contracts::CalendarKind::kYearClosed:
                out << e.year << "     årsbokslut " << WhoAndWhen(e) << "\n";
                break;
            default:
                break;
        }
    }
    return 0;
}

}  // namespace

int PeriodCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    const Env env;
    const std::string cmd = args.empty() ? "" : args[0];
    const std::string verb = args.size() > 1 ? args[1] : "";
    const auto check = [](const Args& a, const std::vector<std::string>& known) {
        for (const auto& [name, value] : a.options) {
            if (std::find(known.begin(), known.end(), name) == known.end()) {
                throw UsageError("unknown option --" + name);
            }
        }
    };
    if (cmd == "year") {
        if (verb != "close") throw UsageError("try: bfu year close 2026");
        const auto a = Parse(args, 2, {});
        check(a, {"by", "comment", "date"});
        return YearClose(env, a, out, err);
    }
    if (verb == "close" || verb == "reopen") {
        const auto a = Parse(args, 2, {});
        check(a, {"by", "comment", "date"});
        return PeriodDecision(env, verb, a, out, err);
    }
    if (verb == "list") {
        const auto a = Parse(args, 2, {"json"});
        check(a, {"json"});
        return List(env, a, out, err);
    }
    throw UsageError("try: bfu period close|reopen YYYY-MM, bfu period list, bfu year close YYYY");
}

}  // namespace bfu::cli
