// bfu measure / comment / plan / decision: the decide stage's commands (S9, S13, S15), sent to
// the casework service's ZeroMQ endpoint (BFU_CASEWORK_ZMQ), which checks them and appends the
// event to its topics before it answers (services/casework/include/bfu/casework/commands.hpp).
// Every command carries a fresh "commandId" (or --command-id ID), so a request sent again after
// a timeout is applied once. And the casework section of `bfu status UNIT`, read from the
// summary casework writes to Redis (<prefix>casework:<unit>, views.hpp).
#include <algorithm>
#include <cstdint>
#include <iomanip>
#include <random>
#include <sstream>

#include "bfu/contracts/analysis.hpp"
#include "bfu/contracts/casework.hpp"
#include "bfu/domain/measures.hpp"
#include "bfu/text/swedish.hpp"
#include "commands.hpp"

namespace bfu::cli {

namespace {

using nlohmann::json;

constexpr const char* kDefaultCaseworkZmq = "tcp://127.0.0.1:15556";
constexpr const char* kByHint = "the e-mail of the unit's manager or of a manager above it";

// A command id the client chooses: the same request sent again is recognised and applied once.
std::string NewCommandId() {
    std::random_device rd;
    std::ostringstream s;
    s << "cli-" << std::hex << std::setfill('0') << std::setw(8) << rd() << std::setw(8) << rd();
    return s.str();
}

std::string Required(const Args& a, const std::string& name, const std::string& hint) {
    auto v = a.Opt(name);
    if (v.empty()) throw UsageError("--" + name + " is required; " + hint);
    return v;
}

void Optional(const Args& a, const std::string& name, json& req, const char* field) {
    if (a.options.count(name) != 0) req[field] = a.Opt(name);
}

std::string Str(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t Int(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

// A long text on one line (long texts may hold line breaks).
std::string OneLine(std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    s.erase(std::remove(s.begin(), s.end(), '\r'), s.end());
    return s;
}

std::string MeasureStatusName(const std::string& code) {
    auto s = contracts::ParseEnum<contracts::MeasureStatus>(code);
    if (!s) return code;
    return std::string(domain::ToString(static_cast<domain::MeasureStatus>(static_cast<int>(*s))));
}

std::string PlanStateName(const std::string& code) {
    auto s = contracts::ParseEnum<contracts::PlanState>(code);
    if (!s) return code;
    return std::string(domain::ToString(static_cast<domain::PlanState>(static_cast<int>(*s))));
}

std::string OutcomeName(const std::string& code) {
    if (code == "aterremiss") return "återremiss";
    return code;  // bifall, avslag
}

std::string SubjectName(const std::string& subject) {
    if (subject == "plan") return "åtgärdsplan";
    if (subject == "measure") return "åtgärd";
    if (subject == "budget_revision") return "budgetrevision";
    return subject;
}

std::string CommentSubjectName(const std::string& subject) {
    if (subject == "outcome") return "utfall";
    if (subject == "deviation") return "avvikelse";
    if (subject == "goal") return "mål";
    if (subject == "hr") return "personal";
    if (subject == "general") return "allmänt";
    return subject;
}

std::string KindName(const std::string& code) {
    auto k = contracts::ParseEnum<contracts::DeviationKind>(code);
    return k ? std::string(text::KindName(*k)) : code;
}

// A command that had been applied before (the same command id): nothing new.
bool PrintRepeat(const json& r, std::ostream& out) {
    if (r.value("applied", true)) return false;
    out << "redan utfört: kommandot " << Str(r, "commandId")
        << " har tagits emot förut; inget ändrat\n";
    return true;
}

json Ids(const Args& a, const std::string& name) {
    json ids = json::array();
    for (const auto& v : a.All(name)) ids.push_back(v);
    return ids;
}

int MeasureCommand(const std::string& verb, const Args& a, const std::string& endpoint,
                   std::ostream& out, std::ostream& err) {
    const bool as_json = a.Flag("json");
    const std::string command_id = a.Opt("command-id", NewCommandId());
    if (verb == "add") {
        if (a.Flag("what") || a.Flag("due") || a.Flag("effect")) {
            throw UsageError(
                "measures belong to casework now: bfu measure add (DEVIATION_ID | --unit U) "
                "--text TEXT --effect-per-month SEK --from YYYY-MM [--to YYYY-MM] --by EMAIL "
                "(--what is --text, --effect is --effect-per-month, --due is --to)");
        }
        if (a.positional.size() > 1 || (a.positional.size() == 1) == a.Flag("unit")) {
            throw UsageError(
                "try: bfu measure add (DEVIATION_ID | --unit U) --text TEXT --effect-per-month "
                "SEK --from YYYY-MM --by EMAIL");
        }
        json req{{"op", "measure.propose"}};
        if (a.positional.size() == 1) {
            req["deviation"] = a.positional[0];
        } else {
            req["unit"] = a.Opt("unit");
        }
        req["text"] = Required(a, "text", "what the measure (åtgärd) is");
        req["effectSekPerMonth"] = Required(
            a, "effect-per-month", "the expected effect in SEK a month, e.g. -40000 (a saving)");
        req["from"] = Required(a, "from", "the first month of effect, YYYY-MM");
        Optional(a, "to", req, "to");
        Optional(a, "area", req, "area");
        Optional(a, "who", req, "who");
        Optional(a, "plan", req, "plan");
        Optional(a, "id", req, "measure");
        req["by"] = Required(a, "by", kByHint);
        req["commandId"] = command_id;
        return SendCommand(endpoint, req, as_json, out, err, [&](const json& r) {
            if (PrintRepeat(r, out)) return;
            const json m = r.value("measure", json::object());
            out << "åtgärd föreslagen: " << Str(m, "id") << " för " << Str(m, "unit");
            if (req.contains("deviation"))
                out << ", avvikelse " << req["deviation"].get<std::string>();
            if (req.contains("plan")) out << ", åtgärdsplan " << req["plan"].get<std::string>();
            out << " [" << MeasureStatusName(Str(m, "status")) << "]\n";
            out << "  " << OneLine(req["text"].get<std::string>()) << "\n";
            out << "  förväntad effekt " << text::Kr(Int(m, "effectOrePerMonth"))
                << " i månaden från " << text::PeriodText(req["from"].get<std::string>());
            if (req.contains("to"))
                out << " till " << text::PeriodText(req["to"].get<std::string>());
            out << "; verkar i " << Str(m, "area") << "\n";
        });
    }
    if (verb == "status" || verb == "done") {
        const std::size_t want = verb == "status" ? 2 : 1;
        if (a.positional.size() != want) {
            throw UsageError(verb == "status"
                                 ? "try: bfu measure status MEASURE_ID pagar|genomford|avbruten "
                                   "--by EMAIL [--comment TEXT]"
                                 : "try: bfu measure done MEASURE_ID --by EMAIL (measures have "
                                   "their own ids now; `bfu status UNIT` lists them)");
        }
        const std::string status = verb == "done" ? "genomford" : a.positional[1];
        static const std::vector<std::string> kAllowed = {"pagar", "pågår", "genomford",
                                                          "genomförd", "avbruten"};
        if (std::find(kAllowed.begin(), kAllowed.end(), status) == kAllowed.end()) {
            throw UsageError(
                "a measure's status is pagar, genomford or avbruten, not '" + status +
                "' (it becomes beslutad by the nämnd's decision: bfu decision record)");
        }
        json req{{"op", "measure.status"},
                 {"measure", a.positional[0]},
                 {"status", status},
                 {"by", Required(a, "by", kByHint)},
                 {"commandId", command_id}};
        Optional(a, "comment", req, "comment");
        return SendCommand(endpoint, req, as_json, out, err, [&](const json& r) {
            if (PrintRepeat(r, out)) return;
            const json m = r.value("measure", json::object());
            out << "åtgärd " << Str(m, "id") << ": " << MeasureStatusName(Str(m, "status")) << "\n";
        });
    }
    throw UsageError(
        "try: bfu measure add (DEVIATION_ID | --unit U) ..., bfu measure status MEASURE_ID "
        "pagar|genomford|avbruten, bfu measure done MEASURE_ID");
}

int CommentCommand(const Args& a, const std::optional<std::string>& deviation,
                   const std::string& endpoint, std::ostream& out, std::ostream& err) {
    json req{{"op", "comment.add"}};
    if (deviation) {
        req["deviation"] = *deviation;
        Optional(a, "period", req, "period");
    } else if (a.Flag("deviation")) {
        if (a.Flag("unit")) throw UsageError("comment add takes --unit or --deviation, not both");
        req["deviation"] = a.Opt("deviation");
        Optional(a, "period", req, "period");
    } else {
        if (!a.Flag("unit")) {
            throw UsageError(
                "try: bfu comment add (--unit U --period YYYY-MM [--subject "
                "outcome|goal|hr|general] [--goal G] | --deviation ID) --text TEXT --by EMAIL");
        }
        req["unit"] = a.Opt("unit");
        req["period"] = Required(a, "period", "the month the comment is about, YYYY-MM");
        Optional(a, "subject", req, "subject");
        Optional(a, "goal", req, "goal");
        if (a.Flag("goal") && !a.Flag("subject")) req["subject"] = "goal";
    }
    req["text"] = Required(a, "text", "the comment");
    req["by"] = Required(a, "by", kByHint);
    req["commandId"] = a.Opt("command-id", NewCommandId());
    return SendCommand(endpoint, req, a.Flag("json"), out, err, [&](const json& r) {
        if (PrintRepeat(r, out)) return;
        out << "kommentar sparad: " << Str(r, "comment") << " om " << Str(r, "unit") << ", "
            << text::PeriodText(Str(r, "period"));
        if (req.contains("deviation"))
            out << " (avvikelse " << req["deviation"].get<std::string>() << ")";
        out << "\n";
    });
}

int PlanCommand(const std::string& verb, const Args& a, const std::string& endpoint,
                std::ostream& out, std::ostream& err) {
    const bool as_json = a.Flag("json");
    json req;
    if (verb == "draft") {
        if (!a.positional.empty()) {
            throw UsageError(
                "try: bfu plan draft --sektor S --title T --text T --deviation ID [--deviation "
                "ID...] [--measure M...] [--id ID] --by EMAIL");
        }
        req = {{"op", "plan.draft"},
               {"sektor", Required(a, "sektor", "the sektor that prepares the plan")},
               {"title", Required(a, "title", "the plan's title")},
               {"text",
                Required(a, "text", "how, and in which verksamhet, the measures keep the budget")}};
        req["deviations"] = Ids(a, "deviation");
        if (req["deviations"].empty()) {
            throw UsageError(
                "--deviation is required; the deviations the plan answers (repeat it)");
        }
        if (a.Flag("measure")) req["measures"] = Ids(a, "measure");
        Optional(a, "id", req, "plan");
    } else if (verb == "change" || verb == "propose") {
        if (a.positional.size() != 1) {
            throw UsageError(verb == "change" ? "try: bfu plan change PLAN [--title T] [--text T] "
                                                "[--deviation ID...] [--measure M...] --by EMAIL"
                                              : "try: bfu plan propose PLAN --by EMAIL");
        }
        req = {{"op", "plan." + verb}, {"plan", a.positional[0]}};
        if (verb == "change") {
            Optional(a, "title", req, "title");
            Optional(a, "text", req, "text");
            if (a.Flag("deviation")) req["deviations"] = Ids(a, "deviation");
            if (a.Flag("measure")) req["measures"] = Ids(a, "measure");
            if (req.size() == 2) {
                throw UsageError(
                    "plan change: say what changes (--title, --text, --deviation, --measure)");
            }
        }
        Optional(a, "comment", req, "comment");
    } else {
        throw UsageError(
            "try: bfu plan draft ..., bfu plan change PLAN ..., bfu plan propose PLAN");
    }
    req["by"] = Required(a, "by", "the e-mail of the sektor's manager or of a manager above it");
    req["commandId"] = a.Opt("command-id", NewCommandId());
    return SendCommand(endpoint, req, as_json, out, err, [&](const json& r) {
        if (PrintRepeat(r, out)) return;
        if (verb == "draft") {
            out << "åtgärdsplan upprättad: " << Str(r, "plan") << " ["
                << PlanStateName(Str(r, "state")) << "], beslutas av " << Str(r, "body") << "\n";
        } else if (verb == "change") {
            out << "åtgärdsplan ändrad: " << Str(r, "plan") << ", version " << Int(r, "version")
                << "\n";
        } else {
            out << "åtgärdsplan föreslagen för beslut: " << Str(r, "plan") << " ["
                << PlanStateName(Str(r, "state")) << "]\n";
        }
    });
}

int DecisionCommand(const std::string& verb, const Args& a, const std::string& endpoint,
                    std::ostream& out, std::ostream& err) {
    if (verb != "record" || !a.positional.empty()) {
        throw UsageError(
            "try: bfu decision record --ref \"§ 45/2026\" --body UNIT --date YYYY-MM-DD --text "
            "TEXT (--plan P... | --measure M... | --budget FILE --year Y) --by EMAIL");
    }
    json req{{"op", "decision.record"},
             {"ref", Required(a, "ref", "the decision's paragraph, e.g. \"§ 45/2026\"")},
             {"body", Required(a, "body", "the nämnd, KS or KF that decided")},
             {"date", Required(a, "date", "the meeting's date, YYYY-MM-DD")},
             {"text", Required(a, "text", "the decision's text")}};
    const int subjects = static_cast<int>(a.Flag("plan")) + static_cast<int>(a.Flag("measure")) +
                         static_cast<int>(a.Flag("budget"));
    if (subjects != 1) {
        throw UsageError(
            "decision record is about one kind of subject: --plan P..., --measure M... or "
            "--budget FILE --year Y");
    }
    if (a.Flag("plan")) {
        req["subject"] = "plan";
        req["ids"] = Ids(a, "plan");
    } else if (a.Flag("measure")) {
        req["subject"] = "measure";
        req["ids"] = Ids(a, "measure");
    } else {
        req["subject"] = "budget_revision";
        const std::string year = Required(a, "year", "the budget year revised");
        try {
            std::size_t used = 0;
            req["year"] = std::stoi(year, &used);
            if (used != year.size()) throw std::invalid_argument(year);
        } catch (const std::exception&) {
            throw UsageError("--year is a year like 2026, not '" + year + "'");
        }
        json lines = json::array();
        const std::string file = a.Opt("budget");
        for (auto& r : ReadRecords(file)) {
            if (!r.is_object()) {
                throw UsageError(file + ": record " + std::to_string(lines.size() + 1) +
                                 " is not an object {\"unit\", \"accountGroup\", \"annualSek\"}");
            }
            lines.push_back(std::move(r));
        }
        if (lines.empty()) throw UsageError(file + ": no budget lines");
        req["budget"] = lines;
    }
    if (a.Flag("outcome")) {
        std::string o = a.Opt("outcome");
        if (o == "återremiss") o = "aterremiss";
        if (o != "bifall" && o != "aterremiss" && o != "avslag") {
            throw UsageError("--outcome is bifall, aterremiss or avslag, not '" + o + "'");
        }
        req["outcome"] = o;
    }
    Optional(a, "meeting", req, "meeting");
    req["by"] = Required(a, "by", "the e-mail of the body's secretary or chair");
    req["commandId"] = a.Opt("command-id", NewCommandId());
    return SendCommand(endpoint, req, a.Flag("json"), out, err, [&](const json& r) {
        if (PrintRepeat(r, out)) return;
        out << "beslut registrerat: " << Str(r, "ref") << " i " << req["body"].get<std::string>()
            << " (" << Str(r, "decision") << "): " << OutcomeName(Str(r, "outcome")) << ", "
            << SubjectName(Str(r, "subject"));
        if (req.contains("ids")) {
            for (std::size_t i = 0; i < req["ids"].size(); ++i) {
                out << (i == 0 ? " " : ", ") << req["ids"][i].get<std::string>();
            }
        }
        if (r.contains("revision")) {
            out << " " << Int(r, "revision") << " för " << req["year"].get<int>();
        }
        out << "\n";
    });
}

void PrintMeasures(const json& measures, std::ostream& out) {
    if (!measures.is_array() || measures.empty()) return;
    out << "  åtgärder:\n";
    for (const auto& m : measures) {
        out << "    " << Str(m, "id") << "  " << OneLine(Str(m, "text")) << " [" << Str(m, "status")
            << "], " << Str(m, "areaName");
        if (Str(m, "areaName") != Str(m, "area")) out << " (" << Str(m, "area") << ")";
        if (!Str(m, "planId").empty()) out << ", åtgärdsplan " << Str(m, "planId");
        if (!Str(m, "decisionRef").empty()) out << ", beslut " << Str(m, "decisionRef");
        out << "\n";
        out << "      förväntat " << text::Kr(Int(m, "effectOrePerMonth")) << " i månaden från "
            << text::PeriodText(Str(m, "from"));
        if (!Str(m, "to").empty()) out << " till " << text::PeriodText(Str(m, "to"));
        out << ", " << text::Tkr(Int(m, "expectedYearOre")) << " under året\n";
        if (m.contains("realised") && m["realised"].is_object()) {
            const auto& r = m["realised"];
            const auto months = Int(r, "months");
            if (months > 0) {
                out << "      hittills " << text::Kr(Int(r, "realisedOre")) << " mot förväntat "
                    << text::Kr(Int(r, "expectedOre")) << " (" << months
                    << (months == 1 ? " månad" : " månader") << " t.o.m. "
                    << text::PeriodText(Str(r, "through")) << ")\n";
            } else {
                out << "      inget utfall att bedöma än\n";
            }
        }
    }
}

void PrintDeviations(const json& deviations, std::ostream& out) {
    if (!deviations.is_array() || deviations.empty()) return;
    out << "  avvikelser och åtgärdernas täckning:\n";
    for (const auto& d : deviations) {
        out << "    " << Str(d, "id") << " (" << KindName(Str(d, "kind"));
        if (!Str(d, "period").empty()) out << ", t.o.m. " << text::PeriodText(Str(d, "period"));
        out << "): " << text::Kr(Int(d, "deviationOre")) << ", åtgärdat "
            << text::Kr(Int(d, "coveredOre")) << ", otäckt " << text::Kr(Int(d, "uncoveredOre"))
            << "\n";
    }
}

void PrintPlans(const json& plans, std::ostream& out) {
    if (!plans.is_array() || plans.empty()) return;
    out << "  åtgärdsplaner:\n";
    for (const auto& p : plans) {
        out << "    " << Str(p, "id") << "  " << OneLine(Str(p, "title")) << " [" << Str(p, "state")
            << ", version " << Int(p, "version") << "], "
            << (Str(p, "bodyName").empty() ? Str(p, "body") : Str(p, "bodyName"));
        if (!Str(p, "decisionRef").empty()) out << ", beslut " << Str(p, "decisionRef");
        out << "\n";
    }
}

void PrintLatestDecision(const json& decisions, std::ostream& out) {
    if (!decisions.is_array() || decisions.empty()) return;
    const auto& d = decisions.front();  // newest first
    out << "  senaste beslut: " << Str(d, "ref") << ", "
        << (Str(d, "bodyName").empty() ? Str(d, "body") : Str(d, "bodyName")) << ", "
        << text::DateText(std::string_view(Str(d, "date"))) << " ("
        << OutcomeName(Str(d, "outcome")) << ", " << SubjectName(Str(d, "subject"))
        << "): " << OneLine(Str(d, "text")) << "\n";
}

void PrintLatestComments(const json& comments, std::ostream& out) {
    if (!comments.is_array() || comments.empty()) return;
    constexpr std::size_t kLatest = 3;
    out << "  senaste kommentarer:\n";
    const std::size_t n = comments.size();
    for (std::size_t i = 0; i < std::min(n, kLatest); ++i) {
        const auto& c = comments[n - 1 - i];  // in the order made: newest last
        out << "    " << text::PeriodText(Str(c, "period")) << ", "
            << CommentSubjectName(Str(c, "subject"));
        if (!Str(c, "deviation").empty()) out << " " << Str(c, "deviation");
        if (!Str(c, "goal").empty()) out << " " << Str(c, "goal");
        out << ", " << Str(c, "by") << ": " << OneLine(Str(c, "text")) << "\n";
    }
}

}  // namespace

void PrintCasework(const json& view, std::ostream& out) {
    out << "Åtgärder och beslut\n";
    auto empty = [&](const char* key) {
        auto it = view.find(key);
        return it == view.end() || !it->is_array() || it->empty();
    };
    if (empty("measures") && empty("deviations") && empty("plans") && empty("decisions") &&
        empty("comments")) {
        out << "  inga åtgärder, planer, beslut eller kommentarer\n";
        return;
    }
    PrintMeasures(view.value("measures", json::array()), out);
    PrintDeviations(view.value("deviations", json::array()), out);
    PrintPlans(view.value("plans", json::array()), out);
    PrintLatestDecision(view.value("decisions", json::array()), out);
    PrintLatestComments(view.value("comments", json::array()), out);
}

int CaseworkCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    Env env;
    const std::string endpoint = env.Get("BFU_CASEWORK_ZMQ", kDefaultCaseworkZmq);
    const std::string family = args.at(0);
    const std::string verb = args.size() > 1 ? args[1] : "";
    const Args a = Parse(args, 2, {"json"});
    if (family == "measure") return MeasureCommand(verb, a, endpoint, out, err);
    if (family == "comment" && verb == "add") {
        if (!a.positional.empty()) {
            throw UsageError(
                "comment add takes no positional argument: --unit U or --deviation ID");
        }
        return CommentCommand(a, std::nullopt, endpoint, out, err);
    }
    if (family == "deviation" && verb == "comment") {
        // The notifier-era form, kept as an alias: a comment on the deviation (comment.add).
        if (a.positional.size() != 1) {
            throw UsageError("try: bfu deviation comment ID --text TEXT --by EMAIL");
        }
        return CommentCommand(a, a.positional[0], endpoint, out, err);
    }
    if (family == "plan") return PlanCommand(verb, a, endpoint, out, err);
    if (family == "decision") return DecisionCommand(verb, a, endpoint, out, err);
    throw UsageError(
        "try: bfu comment add (--unit U --period YYYY-MM | --deviation ID) --text "
        "TEXT --by EMAIL");
}

}  // namespace bfu::cli
