#include "bfu/runtime/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace bfu::runtime {

namespace {

bool ValidName(std::string_view name, bool allow_colon) {
    if (name.empty()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                           (allow_colon && c == ':');
        const bool digit = c >= '0' && c <= '9';
        if (!(alpha || (i > 0 && digit))) return false;
    }
    return true;
}

std::string EscapeHelp(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

void AtomicAdd(std::atomic<double>& target, double delta) noexcept {
    // C++20 floating-point fetch_add: lock-free on x86-64 (a CAS loop inside).
    target.fetch_add(delta, std::memory_order_relaxed);
}

// Labels with one extra pair appended (histogram "le").
std::string WithLe(const std::string& rendered, const std::string& le) {
    std::string pair = "le=\"" + le + "\"";
    if (rendered.empty()) return "{" + pair + "}";
    return rendered.substr(0, rendered.size() - 1) + "," + pair + "}";
}

}  // namespace

void Gauge::Add(double delta) noexcept { AtomicAdd(value_, delta); }

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
    for (std::size_t i = 1; i < bounds_.size(); ++i) {
        if (!(bounds_[i - 1] < bounds_[i])) {
            throw std::invalid_argument("histogram buckets must be strictly increasing");
        }
    }
}

void Histogram::Observe(double v) noexcept {
    const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
    const auto idx = static_cast<std::size_t>(it - bounds_.begin());
    buckets_[idx].fetch_add(1, std::memory_order_relaxed);
    AtomicAdd(sum_, v);
}

std::uint64_t Histogram::BucketCount(std::size_t i) const noexcept {
    if (i > bounds_.size()) return 0;
    return buckets_[i].load(std::memory_order_relaxed);
}

std::uint64_t Histogram::Count() const noexcept {
    std::uint64_t n = 0;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) n += BucketCount(i);
    return n;
}

std::vector<double> DefaultLatencyBuckets() {
    return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::string FormatMetricValue(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char buf[64];
    auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
    if (ec != std::errc()) return "NaN";
    return std::string(buf, ptr);
}

std::string RenderLabels(const Labels& labels) {
    if (labels.empty()) return {};
    std::string out = "{";
    bool first = true;
    for (const auto& [k, v] : labels) {
        if (!first) out += ",";
        first = false;
        out += k;
        out += "=\"";
        for (char c : v) {
            if (c == '\\') {
                out += "\\\\";
            } else if (c == '"') {
                out += "\\\"";
            } else if (c == '\n') {
                out += "\\n";
            } else {
                out += c;
            }
        }
        out += "\"";
    }
    out += "}";
    return out;
}

MetricsRegistry::Family& MetricsRegistry::FamilyFor(std::string_view name, std::string_view help,
                                                    Kind kind) {
    if (!ValidName(name, /*allow_colon=*/true)) {
        throw std::invalid_argument("metric name '" + std::string(name) + "' is malformed");
    }
    auto it = families_.find(name);
    if (it == families_.end()) {
        it = families_.emplace(std::string(name), Family{kind, std::string(help), {}, {}, {}, {}})
                 .first;
    } else if (it->second.kind != kind) {
        throw std::invalid_argument("metric '" + std::string(name) +
                                    "' is already registered with another type");
    }
    return it->second;
}

namespace {
std::string CheckedLabels(const Labels& labels) {
    for (const auto& [k, v] : labels) {
        if (!ValidName(k, /*allow_colon=*/false) || k.rfind("__", 0) == 0 || k == "le") {
            throw std::invalid_argument("metric label name '" + k + "' is malformed or reserved");
        }
    }
    return RenderLabels(labels);
}
}  // namespace

Counter& MetricsRegistry::GetCounter(std::string_view name, std::string_view help,
                                     const Labels& labels) {
    std::lock_guard lock(mu_);
    auto& fam = FamilyFor(name, help, Kind::kCounter);
    auto& slot = fam.counters[CheckedLabels(labels)];
    if (!slot) slot = std::make_unique<Counter>();
    return *slot;
}

Gauge& MetricsRegistry::GetGauge(std::string_view name, std::string_view help,
                                 const Labels& labels) {
    std::lock_guard lock(mu_);
    auto& fam = FamilyFor(name, help, Kind::kGauge);
    auto& slot = fam.gauges[CheckedLabels(labels)];
    if (!slot) slot = std::make_unique<Gauge>();
    return *slot;
}

Histogram& MetricsRegistry::GetHistogram(std::string_view name, std::string_view help,
                                         std::vector<double> bounds, const Labels& labels) {
    std::lock_guard lock(mu_);
    auto& fam = FamilyFor(name, help, Kind::kHistogram);
    if (fam.histograms.empty()) {
        fam.bounds = bounds;
    } else if (fam.bounds != bounds) {
        throw std::invalid_argument("histogram '" + std::string(name) +
                                    "' is already registered with other buckets");
    }
    auto& slot = fam.histograms[CheckedLabels(labels)];
    if (!slot) slot = std::make_unique<Histogram>(std::move(bounds));
    return *slot;
}

std::string MetricsRegistry::Render() const {
    std::lock_guard lock(mu_);
    std::ostringstream out;
    for (const auto& [name, fam] : families_) {
        out << "# HELP " << name << " " << EscapeHelp(fam.help) << "\n";
        switch (fam.kind) {
            case Kind::kCounter:
                out << "# TYPE " << name << " counter\n";
                for (const auto& [labels, c] : fam.counters) {
                    out << name << labels << " " << c->Value() << "\n";
                }
                break;
            case Kind::kGauge:
                out << "# TYPE " << name << " gauge\n";
                for (const auto& [labels, g] : fam.gauges) {
                    out << name << labels << " " << FormatMetricValue(g->Value()) << "\n";
                }
                break;
            case Kind::kHistogram:
                out << "# TYPE " << name << " histogram\n";
                for (const auto& [labels, h] : fam.histograms) {
                    std::uint64_t cumulative = 0;
                    for (std::size_t i = 0; i < h->bounds().size(); ++i) {
                        cumulative += h->BucketCount(i);
                        out << name << "_bucket"
                            << WithLe(labels, FormatMetricValue(h->bounds()[i])) << " "
                            << cumulative << "\n";
                    }
                    cumulative += h->BucketCount(h->bounds().size());
                    out << name << "_bucket" << WithLe(labels, "+Inf") << " " << cumulative << "\n";
                    out << name << "_sum" << labels << " " << FormatMetricValue(h->Sum()) << "\n";
                    out << name << "_count" << labels << " " << cumulative << "\n";
                }
                break;
        }
    }
    return out.str();
}

}  // namespace bfu::runtime
