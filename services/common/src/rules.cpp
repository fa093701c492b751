#include "bfu/service/rules.hpp"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <vector>

namespace bfu::service {

namespace {

using Json = nlohmann::json;

// Where each member of a JSON text starts: its JSON pointer -> line (1-based). A small scanner
// beside nlohmann's parser, which keeps no positions; it is only asked about a text that parsed.
class LineMap {
public:
    explicit LineMap(std::string_view text) { Scan(text); }

    // The line of `pointer`, or of the nearest enclosing member that has one.
    [[nodiscard]] int LineOf(std::string pointer) const {
        while (true) {
            auto it = lines_.find(pointer);
            if (it != lines_.end()) return it->second;
            const auto slash = pointer.rfind('/');
            if (slash == std::string::npos || pointer.empty()) return 1;
            pointer.resize(slash);
        }
    }

private:
    struct Frame {
        bool object = false;
        std::string path;
        std::string key;          // object: the member being read
        std::size_t index = 0;    // array: the item being read
        bool expect_key = false;  // object: a string now is a key
    };

    void Scan(std::string_view t) {
        int line = 1;
        std::vector<Frame> stack;
        auto value_starts = [&] {
            if (stack.empty()) return;
            Frame& f = stack.back();
            if (!f.object) lines_.emplace(f.path + "/" + std::to_string(f.index), line);
        };
        auto child_path = [&]() -> std::string {
            if (stack.empty()) return {};
            const Frame& f = stack.back();
            return f.path + "/" + (f.object ? Escape(f.key) : std::to_string(f.index));
        };
        for (std::size_t i = 0; i < t.size(); ++i) {
            const char c = t[i];
            if (c == '\n') {
                ++line;
            } else if (c == '"') {
                std::string s;
                for (++i; i < t.size() && t[i] != '"'; ++i) {
                    if (t[i] == '\\' && i + 1 < t.size()) {
                        ++i;
                        s += t[i] == 'n' ? '\n' : t[i];  // enough for keys
                    } else {
                        if (t[i] == '\n') ++line;
                        s += t[i];
                    }
                }
                if (!stack.empty() && stack.back().object && stack.back().expect_key) {
                    stack.back().key = s;
                    stack.back().expect_key = false;
                    lines_.emplace(stack.back().path + "/" + Escape(s), line);
                } else {
                    value_starts();
                }
            } else if (c == '{' || c == '[') {
                value_starts();
                Frame f;
                f.object = c == '{';
                f.path = child_path();
                f.expect_key = f.object;
                stack.push_back(std::move(f));
            } else if (c == '}' || c == ']') {
                if (!stack.empty()) stack.pop_back();
            } else if (c == ',') {
                if (!stack.empty()) {
                    if (stack.back().object) {
                        stack.back().expect_key = true;
                    } else {
                        ++stack.back().index;
                    }
                }
            } else if (c != ' ' && c != '\t' && c != '\r' && c != ':') {
                // A number or literal: record an array item once, at its first character.
                if (i == 0 ||
                    std::string_view(" \t\r\n[,:").find(t[i - 1]) != std::string_view::npos) {
                    value_starts();
                }
            }
        }
    }

    static std::string Escape(const std::string& key) {
        std::string out;
        for (char c : key) {
            if (c == '~') {
                out += "~0";
            } else if (c == '/') {
                out += "~1";
            } else {
                out += c;
            }
        }
        return out;
    }

    std::map<std::string, int> lines_;
};

// A problem with one key: thrown inside the parser, turned into a core::Error at the end.
struct Problem {
    std::string pointer;  // "/deviation/thresholds/enhet/amountKr"
    std::string message;
};

std::string Dotted(const std::string& pointer) {
    std::string out;
    for (std::size_t i = 1; i < pointer.size(); ++i) {
        out += pointer[i] == '/' ? '.' : pointer[i];
    }
    return out.empty() ? std::string("(the file)") : out;
}

// Reads one JSON object's members by name; any member nobody asked for is an unknown key.
class Members {
public:
    Members(const Json& j, std::string pointer) : j_(j), pointer_(std::move(pointer)) {
        if (!j_.is_object()) throw Problem{pointer_, "must be an object {...}"};
    }
    ~Members() = default;
    Members(const Members&) = delete;
    Members& operator=(const Members&) = delete;

    // nullptr when absent.
    const Json* Get(std::string_view name) {
        known_.insert(std::string(name));
        auto it = j_.find(name);
        return it == j_.end() ? nullptr : &*it;
    }
    [[nodiscard]] std::string PathOf(std::string_view name) const {
        return pointer_ + "/" + std::string(name);
    }
    [[nodiscard]] const std::string& pointer() const { return pointer_; }
    // Throws for the first member nobody asked for.
    void Finish() const {
        for (const auto& [key, value] : j_.items()) {
            if (known_.count(key) != 0) continue;
            std::string list;
            for (const auto& k : known_) list += (list.empty() ? "" : ", ") + k;
            throw Problem{pointer_ + "/" + key,
                          "unknown key '" + key + "'" +
                              (list.empty() ? std::string() : "; known here: " + list)};
        }
    }

private:
    const Json& j_;
    std::string pointer_;
    std::set<std::string> known_;
};

std::int64_t Integer(const Json& v, const std::string& at, std::int64_t min, std::int64_t max,
                     std::string_view what) {
    if (!v.is_number_integer()) {
        throw Problem{at, "must be " + std::string(what) + ", not " + v.dump()};
    }
    const auto n = v.get<std::int64_t>();
    if (n < min || n > max) throw Problem{at, "must be " + std::string(what) + ", not " + v.dump()};
    return n;
}

double Number(const Json& v, const std::string& at, double min, double max, std::string_view what) {
    if (!v.is_number()) throw Problem{at, "must be " + std::string(what) + ", not " + v.dump()};
    const double d = v.get<double>();
    if (!(d >= min && d <= max)) {
        throw Problem{at, "must be " + std::string(what) + ", not " + v.dump()};
    }
    return d;
}

// A percentage with at most two decimals, in basis points.
std::int64_t BasisPoints(const Json& v, const std::string& at, double max) {
    const double d = Number(v, at, 0.0, max, "a percentage 0.." + std::to_string(int(max)));
    const double bp = d * 100.0;
    if (std::fabs(bp - std::round(bp)) > 1e-6) {
        throw Problem{at, "must have at most two decimals (basis points), not " + v.dump()};
    }
    return std::llround(bp);
}

domain::Date DateOf(const Json& v, const std::string& at) {
    if (!v.is_string()) throw Problem{at, "must be a date \"YYYY-MM-DD\", not " + v.dump()};
    auto d = domain::Date::Parse(v.get<std::string>());
    if (!d.ok() || v.get<std::string>().size() != 10) {
        throw Problem{at, "must be a date \"YYYY-MM-DD\", not " + v.dump()};
    }
    return *d;
}

domain::Level LevelOf(const std::string& name, const std::string& at) {
    auto l = domain::ParseLevel(name);
    if (!l.ok()) {
        throw Problem{at, "'" + name +
                              "' is not a level; use KF, KS, förvaltning, nämnd, sektor, "
                              "verksamhet or enhet"};
    }
    return *l;
}

void ReadThresholds(const Json& j, const std::string& at, domain::DeviationRules& rules) {
    Members levels(j, at);
    for (const auto& [name, value] : j.items()) {
        const std::string here = at + "/" + name;
        const domain::Level level = LevelOf(name, here);
        (void)levels.Get(name);
        Members t(value, here);
        auto& threshold = rules.money_by_level[static_cast<std::size_t>(level)];
        if (const Json* a = t.Get("amountKr")) {
            const auto kr = Integer(*a, t.PathOf("amountKr"), 0, 1'000'000'000'000LL,
                                    "an integer number of kronor >= 0");
            threshold.amount = kr * 100;
        }
        if (const Json* s = t.Get("sharePercent")) {
            threshold.share_bp = BasisPoints(*s, t.PathOf("sharePercent"), 100.0);
        }
        t.Finish();
    }
    levels.Finish();
}

void ReadDeviation(const Json& j, MunicipalRules& out) {
    Members m(j, "/deviation");
    if (const Json* t = m.Get("thresholds"))
        ReadThresholds(*t, m.PathOf("thresholds"), out.deviation);
    if (const Json* v = m.Get("closeRatioPercent")) {
        out.deviation.close_ratio_percent =
            Integer(*v, m.PathOf("closeRatioPercent"), 1, 100, "an integer percentage 1..100");
    }
    if (const Json* v = m.Get("majorFactorPercent")) {
        out.deviation.major_factor_percent = Integer(*v, m.PathOf("majorFactorPercent"), 100,
                                                     100'000, "an integer percentage >= 100");
    }
    if (const Json* v = m.Get("criticalFactorPercent")) {
        out.deviation.critical_factor_percent = Integer(*v, m.PathOf("criticalFactorPercent"), 100,
                                                        100'000, "an integer percentage >= 100");
    }
    if (const Json* v = m.Get("indicatorSharePercent")) {
        out.deviation.indicator_default.share_bp =
            BasisPoints(*v, m.PathOf("indicatorSharePercent"), 100.0);
    }
    m.Finish();
    if (out.deviation.critical_factor_percent < out.deviation.major_factor_percent) {
        throw Problem{m.PathOf("criticalFactorPercent"),
                      "must be at least majorFactorPercent (" +
                          std::to_string(out.deviation.major_factor_percent) + ")"};
    }
    if (auto s = out.deviation.Validate(); !s.ok()) {
        throw Problem{m.pointer(), s.error().message};
    }
}

void ReadMandates(const Json& j, MunicipalRules& out) {
    Members m(j, "/mandatesKr");
    for (const auto& [name, value] : j.items()) {
        const std::string here = m.PathOf(name);
        const domain::Level level = LevelOf(name, here);
        (void)m.Get(name);
        const auto kr =
            Integer(value, here, 0, 1'000'000'000'000LL, "an integer number of kronor >= 0");
        out.mandates[static_cast<std::size_t>(level)] = core::Money::FromOre(kr * 100);
    }
    m.Finish();
}

// {"default": x, "units": {"E1": y}}; default may be null where the target is optional.
void ReadTarget(const Json& j, const std::string& at, double max, std::string_view what,
                bool nullable_default, std::optional<double>& def,
                std::map<std::string, double, std::less<>>& by_unit) {
    Members m(j, at);
    if (const Json* d = m.Get("default")) {
        if (d->is_null() && nullable_default) {
            def.reset();
        } else {
            def = Number(*d, m.PathOf("default"), 0.0, max, what);
        }
    }
    if (const Json* units = m.Get("units")) {
        Members u(*units, m.PathOf("units"));
        for (const auto& [unit, value] : units->items()) {
            (void)u.Get(unit);
            by_unit[unit] = Number(value, u.PathOf(unit), 0.0, max, what);
        }
        u.Finish();
    }
    m.Finish();
}

void ReadHr(const Json& j, MunicipalRules& out) {
    Members m(j, "/hr");
    if (const Json* s = m.Get("sickLeavePercent")) {
        std::optional<double> def = out.hr.sick_leave_pct;
        ReadTarget(*s, m.PathOf("sickLeavePercent"), 100.0, "a percentage 0..100", false, def,
                   out.hr.sick_leave_by_unit);
        out.hr.sick_leave_pct = *def;
    }
    if (const Json* o = m.Get("overtimeHours")) {
        ReadTarget(*o, m.PathOf("overtimeHours"), 1e9, "a number of hours >= 0", true,
                   out.hr.overtime_hours, out.hr.overtime_by_unit);
    }
    m.Finish();
}

void ReadTimetable(const Json& j, MunicipalRules& out) {
    Members m(j, "/timetable");
    if (const Json* v = m.Get("periodCloseWorkingDay")) {
        out.lifecycle.close_working_day = static_cast<int>(
            Integer(*v, m.PathOf("periodCloseWorkingDay"), 1, domain::kMaxCloseWorkingDay,
                    "a working day 1.." + std::to_string(domain::kMaxCloseWorkingDay)));
    }
    if (const Json* dates = m.Get("dates")) {
        Members years(*dates, m.PathOf("dates"));
        for (const auto& [year_text, chosen] : dates->items()) {
            const std::string here = years.PathOf(year_text);
            (void)years.Get(year_text);
            int year = 0;
            if (year_text.size() != 4 ||
                year_text.find_first_not_of("0123456789") != std::string::npos ||
                (year = std::stoi(year_text)) < 1901 || year > 9998) {
                throw Problem{here, "'" + year_text + "' is not a year like \"2026\""};
            }
            Members keys(chosen, here);
            for (const auto& [key, date] : chosen.items()) {
                (void)keys.Get(key);
                out.lifecycle.dates[year][key] = DateOf(date, keys.PathOf(key));
            }
            keys.Finish();
        }
        years.Finish();
    }
    m.Finish();
}

void ReadCalendar(const Json& j, MunicipalRules& out) {
    Members m(j, "/calendar");
    auto& cal = out.lifecycle.calendar;
    if (const Json* v = m.Get("swedishHolidays")) {
        if (!v->is_boolean()) throw Problem{m.PathOf("swedishHolidays"), "must be true or false"};
        cal.swedish_holidays = v->get<bool>();
    }
    for (const char* name : {"extraClosed", "extraOpen"}) {
        if (const Json* list = m.Get(name)) {
            const std::string at = m.PathOf(name);
            if (!list->is_array()) throw Problem{at, "must be a list of dates [\"YYYY-MM-DD\"]"};
            auto& dates =
                std::string_view(name) == "extraClosed" ? cal.extra_closed : cal.extra_open;
            for (std::size_t i = 0; i < list->size(); ++i) {
                dates.push_back(DateOf((*list)[i], at + "/" + std::to_string(i)));
            }
        }
    }
    m.Finish();
}

core::Error ErrorAt(const LineMap& lines, std::string_view source, const Problem& p) {
    std::string where(source);
    where += ":";
    where += std::to_string(lines.LineOf(p.pointer));
    return core::Error(core::Errc::kInvalidArgument, Dotted(p.pointer), where + ": " + p.message);
}

}  // namespace

double HrTargets::SickLeaveFor(std::string_view unit) const {
    auto it = sick_leave_by_unit.find(unit);
    return it == sick_leave_by_unit.end() ? sick_leave_pct : it->second;
}

std::optional<double> HrTargets::OvertimeFor(std::string_view unit) const {
    auto it = overtime_by_unit.find(unit);
    if (it != overtime_by_unit.end()) return it->second;
    return overtime_hours;
}

core::Result<MunicipalRules> ParseRules(std::string_view text, std::string_view source) {
    MunicipalRules out;
    out.source = std::string(source);
    Json doc;
    try {
        doc = Json::parse(text);
    } catch (const Json::parse_error& e) {
        int line = 1;
        for (std::size_t i = 0; i < e.byte && i < text.size(); ++i) {
            if (text[i] == '\n') ++line;
        }
        std::string where(source);
        where += ":" + std::to_string(line);
        return core::Error(core::Errc::kInvalidArgument, "(the file)",
                           where + ": not valid JSON: " + e.what());
    }
    const LineMap lines(text);
    try {
        Members top(doc, "");
        if (const Json* d = top.Get("deviation")) ReadDeviation(*d, out);
        if (const Json* m = top.Get("mandatesKr")) ReadMandates(*m, out);
        if (const Json* h = top.Get("hr")) ReadHr(*h, out);
        if (const Json* t = top.Get("timetable")) ReadTimetable(*t, out);
        if (const Json* c = top.Get("calendar")) ReadCalendar(*c, out);
        (void)top.Get("comment");  // free text for the people who keep the file
        top.Finish();
        if (auto s = out.lifecycle.Validate(); !s.ok()) {
            // "2027.timetable.stangning-02" -> /timetable/dates/2027/stangning-02
            const std::string& f = s.error().field;
            std::string pointer = "/timetable";
            const auto dot = f.find('.');
            const auto key = f.rfind('.');
            if (dot != std::string::npos && key != std::string::npos && key > dot) {
                const std::string year = f.substr(0, dot);
                const std::string name = f.substr(key + 1);
                if (name == "close_working_day") {
                    pointer += "/periodCloseWorkingDay";
                } else {
                    pointer += "/dates/" + year + "/" + name;
                }
            }
            throw Problem{pointer, s.error().message};
        }
    } catch (const Problem& p) {
        return ErrorAt(lines, source, p);
    }
    return out;
}

void AddRulesFields(config::Schema& schema) {
    schema.String("rules.file", "",
                  "The municipality's rules: thresholds and mandates per level, HR targets, the "
                  "timetable's close day and dates, the working days (docs/rules.md); empty = "
                  "the defaults");
}

std::shared_ptr<const MunicipalRules> RulesFrom(const config::Config& cfg) {
    const std::string path = cfg.GetString("rules.file");
    if (path.empty()) return std::make_shared<const MunicipalRules>();
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw config::ConfigError("rules.file", "cannot read the rules file '" + path + "'");
    }
    std::stringstream ss;
    ss << in.rdbuf();
    auto rules = ParseRules(ss.str(), path);
    if (!rules.ok()) {
        // "config: <key>: <problem> (in <file>:<line>)".
        const std::string& m = rules.error().message;
        const auto colon = m.find(": ", path.size());
        const std::string where = colon == std::string::npos ? path : m.substr(0, colon);
        const std::string what = colon == std::string::npos ? m : m.substr(colon + 2);
        throw config::ConfigError(rules.error().field, what, where);
    }
    return std::make_shared<const MunicipalRules>(std::move(rules).value());
}

domain::LifecycleRules LifecycleFrom(const MunicipalRules& rules, const config::Config& cfg) {
    domain::LifecycleRules out = rules.lifecycle;
    if (cfg.schema().Contains("followup.year")) {
        const auto year = cfg.GetInt("followup.year");
        if (year != 0) out.pinned_years.insert(static_cast<int>(year));
    }
    return out;
}

}  // namespace bfu::service
