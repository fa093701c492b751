// The report's charts as inline SVG: no script and no external reference, so the HTML stays
// one self-contained file that prints (and turns into PDF) as it shows. Sizes are in a fixed
// view box that scales to the page width.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <vector>

#include "bfu/reporting/render.hpp"
#include "bfu/text/html.hpp"
#include "bfu/text/swedish.hpp"

namespace bfu::reporting {

namespace {

constexpr int kWidth = 680;
constexpr int kHeight = 270;
constexpr int kLeft = 92;  // room for the axis labels ("−12 345,0 tkr")
constexpr int kRight = 12;
constexpr int kTop = 30;
constexpr int kBottom = 56;  // room for the category labels and the legend

// A step of 1, 2 or 5 times a power of ten that gives about four grid lines up to `span`.
std::int64_t NiceStep(std::int64_t span) {
    if (span <= 0) return 100'000;  // 1 tkr
    const double raw = static_cast<double>(span) / 4.0;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        if (m * power >= raw) return std::max<std::int64_t>(1, std::llround(m * power));
    }
    return std::llround(10.0 * power);
}

struct Series {
    std::string name;
    std::string color;
    std::vector<std::optional<std::int64_t>> values;  // öre, one per category
};

struct Line {
    std::string name;
    std::string color;
    std::int64_t value = 0;
};

std::string Fmt(double v) {
    std::ostringstream os;
    os.precision(1);
    os << std::fixed << v;
    return os.str();
}

// Vertical grouped bars, a zero line, grid lines labelled in tkr and an optional horizontal
// reference line (e.g. the annual budget).
std::string BarChart(const std::string& title, const std::vector<std::string>& categories,
                     const std::vector<Series>& series, const std::optional<Line>& line) {
    std::int64_t hi = 0, lo = 0;
    for (const auto& s : series) {
        for (const auto& v : s.values) {
            if (!v) continue;
            hi = std::max(hi, *v);
            lo = std::min(lo, *v);
        }
    }
    if (line) {
        hi = std::max(hi, line->value);
        lo = std::min(lo, line->value);
    }
    const std::int64_t step = NiceStep(hi - lo);
    const std::int64_t top = (hi + step - 1) / step * step;
    const std::int64_t bottom = lo < 0 ? -((-lo + step - 1) / step * step) : 0;
    const std::int64_t span = std::max<std::int64_t>(top - bottom, step);
    const double plot_h = kHeight - kTop - kBottom;
    const double plot_w = kWidth - kLeft - kRight;
    auto y = [&](std::int64_t v) {
        return kTop + plot_h * static_cast<double>(top - v) / static_cast<double>(span);
    };
    std::ostringstream os;
    os << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"diagram\" viewBox=\"0 0 " << kWidth
       << " " << kHeight << "\" role=\"img\" aria-label=\"" << text::HtmlEscape(title)
       << "\"><title>" << text::HtmlEscape(title) << "</title>";
    os << "<text x=\"" << kLeft << "\" y=\"18\" class=\"rubrik\">" << text::HtmlEscape(title)
       << "</text>";
    for (std::int64_t v = bottom; v <= top; v += step) {
        const double yy = y(v);
        os << "<line x1=\"" << kLeft << "\" x2=\"" << kWidth - kRight << "\" y1=\"" << Fmt(yy)
           << "\" y2=\"" << Fmt(yy) << "\" class=\"" << (v == 0 ? "noll" : "rutnat") << "\"/>";
        os << "<text x=\"" << kLeft - 6 << "\" y=\"" << Fmt(yy + 4)
           << "\" class=\"axel\" text-anchor=\"end\">" << text::HtmlEscape(text::Tkr(v))
           << "</text>";
    }
    const std::size_t n = std::max<std::size_t>(categories.size(), 1);
    const double slot = plot_w / static_cast<double>(n);
    const double bar =
        std::min(28.0, slot * 0.8 / static_cast<double>(std::max<std::size_t>(series.size(), 1)));
    for (std::size_t c = 0; c < categories.size(); ++c) {
        const double x0 = kLeft + slot * static_cast<double>(c) +
                          (slot - bar * static_cast<double>(series.size())) / 2.0;
        for (std::size_t s = 0; s < series.size(); ++s) {
            if (c >= series[s].values.size() || !series[s].values[c]) continue;
            const std::int64_t v = *series[s].values[c];
            const double y0 = y(std::max<std::int64_t>(v, 0));
            const double h = std::abs(y(v) - y(0));
            os << "<rect x=\"" << Fmt(x0 + bar * static_cast<double>(s)) << "\" y=\"" << Fmt(y0)
               << "\" width=\"" << Fmt(bar - 1) << "\" height=\"" << Fmt(std::max(h, 0.5))
               << "\" fill=\"" << series[s].color << "\"><title>"
               << text::HtmlEscape(series[s].name) << ", " << text::HtmlEscape(categories[c])
               << ": " << text::HtmlEscape(text::Tkr(v)) << "</title></rect>";
        }
        os << "<text x=\"" << Fmt(kLeft + slot * (static_cast<double>(c) + 0.5)) << "\" y=\""
           << kHeight - kBottom + 16 << "\" class=\"axel\" text-anchor=\"middle\">"
           << text::HtmlEscape(categories[c]) << "</text>";
    }
    if (line) {
        const double yy = y(line->value);
        os << "<line x1=\"" << kLeft << "\" x2=\"" << kWidth - kRight << "\" y1=\"" << Fmt(yy)
           << "\" y2=\"" << Fmt(yy) << "\" stroke=\"" << line->color
           << "\" stroke-width=\"2\" stroke-dasharray=\"6 4\"><title>"
           << text::HtmlEscape(line->name) << ": " << text::HtmlEscape(text::Tkr(line->value))
           << "</title></line>";
    }
    // Legend.
    double lx = kLeft;
    const int ly = kHeight - 14;
    auto legend = [&](const std::string& name, const std::string& color, bool dashed) {
        if (dashed) {
            os << "<line x1=\"" << Fmt(lx) << "\" x2=\"" << Fmt(lx + 14) << "\" y1=\"" << ly - 4
               << "\" y2=\"" << ly - 4 << "\" stroke=\"" << color
               << "\" stroke-width=\"2\" stroke-dasharray=\"4 2\"/>";
        } else {
            os << "<rect x=\"" << Fmt(lx) << "\" y=\"" << ly - 10
               << "\" width=\"12\" height=\"10\" fill=\"" << color << "\"/>";
        }
        os << "<text x=\"" << Fmt(lx + 18) << "\" y=\"" << ly << "\" class=\"axel\">"
           << text::HtmlEscape(name) << "</text>";
        lx += 30 + 7.0 * static_cast<double>(name.size());
    };
    for (const auto& s : series) legend(s.name, s.color, false);
    if (line) legend(line->name, line->color, true);
    os << "</svg>";
    return os.str();
}

}  // namespace

std::string OutcomeChart(const Report& r) {
    const auto& scope = r.units.front();
    const int p = r.request.period.month() - 1;
    std::vector<std::string> cats;
    Series budget{"Budget", "#b8c4d6", {}};
    Series outcome{"Utfall", "#1f5f99", {}};
    for (int m = 0; m < 12; ++m) {
        const auto i = static_cast<std::size_t>(m);
        cats.push_back(std::string(text::MonthName(m + 1)).substr(0, 3));
        budget.values.emplace_back(scope.budget_months[i]);
        outcome.values.push_back(m <= p ? std::optional<std::int64_t>(scope.outcome_months[i])
                                        : std::nullopt);
    }
    return BarChart("Utfall mot budget per månad, " + r.scope_name, cats, {budget, outcome},
                    std::nullopt);
}

std::string ForecastChart(const Report& r) {
    const auto& scope = r.units.front();
    std::vector<std::string> cats;
    Series forecast{"Helårsprognos", "#1f5f99", {}};
    Series with_measures{"Prognos med åtgärder", "#4c9a5b", {}};
    bool any_measures = false;
    for (const auto& rf : r.rounds) {
        auto per = domain::Period::Parse(rf.cutoff);
        cats.push_back("Omg. " + std::to_string(rf.round) +
                       (per.ok()
                            ? " (" + std::string(text::MonthName(per->month())).substr(0, 3) + ")"
                            : std::string()));
        forecast.values.push_back(rf.forecast);
        with_measures.values.push_back(rf.with_measures);
        any_measures = any_measures || rf.with_measures.has_value();
    }
    std::vector<Series> series{forecast};
    if (any_measures) series.push_back(with_measures);
    return BarChart("Helårsprognos per prognosomgång, " + r.scope_name, cats, series,
                    Line{"Årsbudget", "#b03a2e", scope.annual_budget});
}

std::string CauseChart(const Report& r) {
    const auto& scope = r.units.front();
    std::vector<const GroupFigures*> groups;
    for (const auto& g : scope.groups) {
        if (!g.investment) groups.push_back(&g);
    }
    std::stable_sort(groups.begin(), groups.end(), [](const auto* a, const auto* b) {
        return std::llabs(a->deviation()) > std::llabs(b->deviation());
    });
    std::int64_t hi = 1;
    for (const auto* g : groups) hi = std::max<std::int64_t>(hi, std::llabs(g->deviation()));
    const int row = 26;
    const int label_w = 250;
    const int height = 40 + row * static_cast<int>(std::max<std::size_t>(groups.size(), 1));
    const double half = (kWidth - label_w - 20) / 2.0;
    const double mid = label_w + 10 + half;
    const std::string title = "Avvikelse mot budget per kontogrupp (orsak), " + scope.name;
    std::ostringstream os;
    os << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"diagram\" viewBox=\"0 0 " << kWidth
       << " " << height << "\" role=\"img\" aria-label=\"" << text::HtmlEscape(title)
       << "\"><title>" << text::HtmlEscape(title)
       << "</title><text x=\"8\" y=\"18\" class=\"rubrik\">" << text::HtmlEscape(title)
       << "</text>";
    os << "<line x1=\"" << Fmt(mid) << "\" x2=\"" << Fmt(mid) << "\" y1=\"28\" y2=\"" << height - 6
       << "\" class=\"noll\"/>";
    int yy = 34;
    for (const auto* g : groups) {
        const std::int64_t d = g->deviation();
        const double w = half * static_cast<double>(std::llabs(d)) / static_cast<double>(hi);
        const double x = d >= 0 ? mid : mid - w;
        os << "<text x=\"8\" y=\"" << yy + 14 << "\" class=\"axel\">" << text::HtmlEscape(g->name)
           << "</text>";
        os << "<rect x=\"" << Fmt(x) << "\" y=\"" << yy + 3 << "\" width=\""
           << Fmt(std::max(w, 0.5)) << "\" height=\"16\" fill=\"" << (d > 0 ? "#b03a2e" : "#4c9a5b")
           << "\"><title>" << text::HtmlEscape(g->name) << ": "
           << text::HtmlEscape(text::SignedTkr(d)) << "</title></rect>";
        // The amount beside its bar, or inside it (in white) where the page ends first.
        constexpr double kLabel = 86;
        const bool inside = d >= 0 ? x + w + kLabel > kWidth : x - kLabel < label_w + 10;
        const double tx = d >= 0 ? (inside ? x + w - 4 : x + w + 4) : (inside ? x + 4 : x - 4);
        const bool anchor_end = (d >= 0) == inside;
        os << "<text x=\"" << Fmt(tx) << "\" y=\"" << yy + 15 << "\" class=\"axel\""
           << (inside ? " fill=\"#ffffff\"" : "") << " text-anchor=\""
           << (anchor_end ? "end" : "start") << "\">" << text::HtmlEscape(text::SignedTkr(d))
           << "</text>";
        yy += row;
    }
    os << "</svg>";
    return os.str();
}

}  // namespace bfu::reporting
