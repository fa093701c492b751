#include "bfu/reporting/report.hpp"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "bfu/core/money.hpp"

namespace bfu::reporting {

namespace {

std::string Percent(std::int64_t bp) {
    // basis points -> "5,3 %", rounded half away from zero to one decimal.
    const std::int64_t tenths = (bp >= 0 ? bp + 5 : bp - 5) / 10;
    const std::int64_t a = std::llabs(tenths);
    return std::string(tenths < 0 ? "−" : "") + std::to_string(a / 10) + "," +
           std::to_string(a % 10) + " %";
}

std::string HtmlEscape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string LightText(const std::string& light) {
    if (light == "red") return "röd";
    if (light == "yellow") return "gul";
    return "grön";
}

}  // namespace

std::string Tkr(std::int64_t ore) { return core::FormatTkr(core::Money::FromOre(ore)); }

void ReportBook::OnAggregate(const contracts::UnitAggregate& a) {
    auto& slot = aggregates_[a.unit.value()];
    if (slot.as_of <= a.as_of) slot = a;
}

void ReportBook::OnForecast(const contracts::Forecast& f) {
    auto it = forecasts_.find(f.unit.value());
    if (it == forecasts_.end() || it->second.round < f.round ||
        (it->second.round == f.round && it->second.made_at <= f.made_at)) {
        forecasts_[f.unit.value()] = f;
    }
}

void ReportBook::OnDeviation(const contracts::DeviationEvent& d) {
    auto it = deviations_.find(d.deviation_id.value());
    if (it == deviations_.end() || it->second.seq <= d.seq) deviations_[d.deviation_id.value()] = d;
}

ReportModel ReportBook::Build(const domain::Organisation& org, int year, const std::string& as_of,
                              const std::string& scope) const {
    ReportModel m;
    m.year = year;
    m.as_of = as_of;
    domain::UnitIndex top = org.root();
    if (!scope.empty()) {
        if (auto u = org.Find(scope)) top = *u;
    }
    if (top == domain::kNoUnit) return m;
    m.scope = org.unit(top).id.value();
    m.scope_name = org.unit(top).name;
    const auto today = domain::FiscalYear::Calendar(year).LastDay();
    std::set<std::string> open_units;
    for (const auto& [id, d] : deviations_) {
        if (d.event != contracts::DeviationEventKind::kClosed && d.year == year) {
            open_units.insert(d.unit.value());
        }
    }
    std::function<void(domain::UnitIndex, int)> walk = [&](domain::UnitIndex u, int depth) {
        const auto& spec = org.unit(u);
        ReportRow r;
        r.unit = spec.id.value();
        r.name = spec.name;
        r.level = std::string(domain::ToString(spec.level));
        r.depth = depth;
        auto a = aggregates_.find(r.unit);
        if (a != aggregates_.end() && a->second.year == year) {
            r.outcome_to_date_ore = a->second.totals.outcome_to_date_ore;
            r.budget_to_date_ore = a->second.totals.budget_to_date_ore;
            r.annual_budget_ore = a->second.totals.budget_ore;
            if (a->second.through_period > m.through_period) {
                m.through_period = a->second.through_period;
            }
        }
        r.deviation_ore = r.outcome_to_date_ore - r.budget_to_date_ore;
        r.share_bp = r.budget_to_date_ore == 0
                         ? 0
                         : r.deviation_ore * 10000 / std::llabs(r.budget_to_date_ore);
        auto f = forecasts_.find(r.unit);
        if (f != forecasts_.end() && f->second.year == year) r.forecast_ore = f->second.total_ore;
        r.light = open_units.count(r.unit) ? (r.deviation_ore > 0 ? "red" : "yellow") : "green";
        m.rows.push_back(r);
        if (spec.level == domain::Level::kEnhet && r.budget_to_date_ore != 0 &&
            r.deviation_ore < 0) {
            m.good_examples.push_back(r);
        }
        for (auto c : org.ChildrenAt(u, today)) walk(c, depth + 1);
    };
    walk(top, 0);
    std::set<std::string> in_scope;
    for (const auto& r : m.rows) in_scope.insert(r.unit);
    for (const auto& [id, d] : deviations_) {
        if (d.event != contracts::DeviationEventKind::kClosed && d.year == year &&
            in_scope.count(d.unit.value())) {
            m.open_deviations.push_back(d);
        }
    }
    std::sort(m.open_deviations.begin(), m.open_deviations.end(), [](const auto& x, const auto& y) {
        return std::llabs(x.deviation_ore.value_or(0)) > std::llabs(y.deviation_ore.value_or(0));
    });
    std::sort(m.good_examples.begin(), m.good_examples.end(),
              [](const auto& x, const auto& y) { return x.share_bp < y.share_bp; });
    if (m.good_examples.size() > 5) m.good_examples.resize(5);
    return m;
}

std::string RenderMarkdown(const ReportModel& m) {
    std::ostringstream os;
    os << "# Budgetuppföljning " << m.year << " – " << m.scope_name << "\n\n";
    os << "Utfall t.o.m. period " << m.through_period << ", sammanställt " << m.as_of
       << ". Belopp i tkr; avvikelse = utfall − periodiserad budget (positiv = överskridande).\n\n";
    os << "## Utfall mot budget per enhet\n\n";
    os << "| Enhet | Nivå | Utfall hittills | Budget hittills | Avvikelse | Andel | Årsbudget | "
          "Helårsprognos | Status |\n";
    os << "|---|---|---:|---:|---:|---:|---:|---:|---|\n";
    for (const auto& r : m.rows) {
        os << "| " << std::string(static_cast<std::size_t>(r.depth) * 2, ' ') << r.name << " ("
           << r.unit << ") | " << r.level << " | " << Tkr(r.outcome_to_date_ore) << " | "
           << Tkr(r.budget_to_date_ore) << " | " << Tkr(r.deviation_ore) << " | "
           << Percent(r.share_bp) << " | " << Tkr(r.annual_budget_ore) << " | "
           << (r.forecast_ore ? Tkr(*r.forecast_ore) : "–") << " | " << LightText(r.light)
           << " |\n";
    }
    os << "\n## Öppna avvikelser\n\n";
    if (m.open_deviations.empty()) os << "Inga öppna avvikelser.\n";
    for (const auto& d : m.open_deviations) {
        os << "- **" << d.unit << "** " << contracts::ToString(d.kind) << ": "
           << Tkr(d.deviation_ore.value_or(0)) << " ("
           << Percent(static_cast<std::int64_t>(d.share * 10000.0)) << "), "
           << contracts::ToString(d.severity) << ", ansvarig " << d.responsible.name
           << (d.within_mandate ? " (inom mandat)" : " (utöver mandat)") << "\n";
        for (const auto& c : d.causes) {
            os << "  - orsak " << contracts::ToString(c.dimension) << " " << c.key << ": "
               << Tkr(c.amount_ore) << "\n";
        }
    }
    os << "\n## Goda exempel\n\n";
    if (m.good_examples.empty()) os << "Inga enheter under budget ännu.\n";
    for (const auto& r : m.good_examples) {
        os << "- " << r.name << " (" << r.unit << "): " << Tkr(-r.deviation_ore)
           << " under budget (" << Percent(-r.share_bp) << ")\n";
    }
    return os.str();
}

std::string RenderHtml(const ReportModel& m) {
    std::ostringstream os;
    os << "<!DOCTYPE html>\n<html lang=\"sv\"><head><meta charset=\"utf-8\">"
          "<title>Budgetuppföljning "
       << m.year << " – " << HtmlEscape(m.scope_name)
       << "</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
          "td,th{border:1px solid #ccc;padding:4px 8px}td.n{text-align:right}"
          ".red{background:#f8d0d0}.yellow{background:#fff3c0}.green{background:#d8f0d8}"
          "</style></head><body>\n";
    os << "<h1>Budgetuppföljning " << m.year << " – " << HtmlEscape(m.scope_name) << "</h1>\n";
    os << "<p>Utfall t.o.m. period " << m.through_period << ", sammanställt " << m.as_of
       << ". Avvikelse = utfall − periodiserad budget (positiv = överskridande).</p>\n";
    os << "<h2>Utfall mot budget per enhet</h2>\n<table><tr><th>Enhet</th><th>Nivå</th>"
          "<th>Utfall hittills</th><th>Budget hittills</th><th>Avvikelse</th><th>Andel</th>"
          "<th>Årsbudget</th><th>Helårsprognos</th><th>Status</th></tr>\n";
    for (const auto& r : m.rows) {
        os << "<tr class=\"" << r.light << "\"><td style=\"padding-left:" << (8 + r.depth * 16)
           << "px\">" << HtmlEscape(r.name) << " (" << HtmlEscape(r.unit) << ")</td><td>" << r.level
           << "</td><td class=n>" << Tkr(r.outcome_to_date_ore) << "</td><td class=n>"
           << Tkr(r.budget_to_date_ore) << "</td><td class=n>" << Tkr(r.deviation_ore)
           << "</td><td class=n>" << Percent(r.share_bp) << "</td><td class=n>"
           << Tkr(r.annual_budget_ore) << "</td><td class=n>"
           << (r.forecast_ore ? Tkr(*r.forecast_ore) : "–") << "</td><td>" << LightText(r.light)
           << "</td></tr>\n";
    }
    os << "</table>\n<h2>Öppna avvikelser</h2>\n<ul>\n";
    if (m.open_deviations.empty()) os << "<li>Inga öppna avvikelser.</li>\n";
    for (const auto& d : m.open_deviations) {
        os << "<li><b>" << HtmlEscape(d.unit.value()) << "</b> " << contracts::ToString(d.kind)
           << ": " << Tkr(d.deviation_ore.value_or(0)) << ", " << contracts::ToString(d.severity)
           << ", ansvarig " << HtmlEscape(d.responsible.name)
           << (d.within_mandate ? " (inom mandat)" : " (utöver mandat)") << "<ul>";
        for (const auto& c : d.causes) {
            os << "<li>orsak " << contracts::ToString(c.dimension) << " " << HtmlEscape(c.key)
               << ": " << Tkr(c.amount_ore) << "</li>";
        }
        os << "</ul></li>\n";
    }
    os << "</ul>\n<h2>Goda exempel</h2>\n<ul>\n";
    if (m.good_examples.empty()) os << "<li>Inga enheter under budget ännu.</li>\n";
    for (const auto& r : m.good_examples) {
        os << "<li>" << HtmlEscape(r.name) << " (" << HtmlEscape(r.unit)
           << "): " << Tkr(-r.deviation_ore) << " under budget</li>\n";
    }
    os << "</ul>\n</body></html>\n";
    return os.str();
}

std::string RenderJson(const ReportModel& m) {
    nlohmann::json j;
    j["year"] = m.year;
    j["throughPeriod"] = m.through_period;
    j["asOf"] = m.as_of;
    j["scope"] = m.scope;
    j["rows"] = nlohmann::json::array();
    for (const auto& r : m.rows) {
        nlohmann::json row = {{"unit", r.unit},
                              {"name", r.name},
                              {"level", r.level},
                              {"depth", r.depth},
                              {"outcomeToDateOre", r.outcome_to_date_ore},
                              {"budgetToDateOre", r.budget_to_date_ore},
                              {"annualBudgetOre", r.annual_budget_ore},
                              {"deviationOre", r.deviation_ore},
                              {"shareBp", r.share_bp},
                              {"light", r.light}};
        if (r.forecast_ore) row["forecastOre"] = *r.forecast_ore;
        j["rows"].push_back(std::move(row));
    }
    j["openDeviations"] = nlohmann::json::array();
    for (const auto& d : m.open_deviations) j["openDeviations"].push_back(d.ToJson());
    j["goodExamples"] = nlohmann::json::array();
    for (const auto& r : m.good_examples) j["goodExamples"].push_back(r.unit);
    return j.dump(2);
}

}  // namespace bfu::reporting
