#pragma once
// A small metrics registry rendered in the Prometheus text exposition format 0.0.4.
//
// Ownership: the registry owns every metric; the references it hands out stay valid for the
// registry's lifetime, so components look a metric up once at construction and keep the
// reference. Thread-safety: registration and Render take a mutex; Inc/Set/Add/Observe are
// lock-free atomics and may be called from any thread.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bfu::runtime {

// Label pairs in the order they are rendered, e.g. {{"topic", "bfu.ledger.lines"}}.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
public:
    void Inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
    [[nodiscard]] std::uint64_t Value() const noexcept {
        return value_.load(std::memory_order_relaxed);
    }

private:
    std::atomic<std::uint64_t> value_{0};
};

class Gauge {
public:
    void Set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
    void Add(double delta) noexcept;
    [[nodiscard]] double Value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<double> value_{0.0};
};

class Histogram {
public:
    // `bounds` are the upper bounds of the buckets, strictly increasing; +Inf is implicit.
    explicit Histogram(std::vector<double> bounds);
    void Observe(double v) noexcept;
    [[nodiscard]] const std::vector<double>& bounds() const noexcept { return bounds_; }
    // Non-cumulative count of bucket i (i == bounds().size() is the +Inf overflow bucket).
    [[nodiscard]] std::uint64_t BucketCount(std::size_t i) const noexcept;
    [[nodiscard]] std::uint64_t Count() const noexcept;
    [[nodiscard]] double Sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
    std::atomic<double> sum_{0.0};
};

// Default buckets for latencies in seconds: 1 ms .. 10 s.
[[nodiscard]] std::vector<double> DefaultLatencyBuckets();

class MetricsRegistry {
public:
    MetricsRegistry() = default;
    MetricsRegistry(const MetricsRegistry&) = delete;
    MetricsRegistry& operator=(const MetricsRegistry&) = delete;

    // Returns the metric with this name and labels, creating it on first use. A malformed name
    // or label name, or a name already registered with another type (or, for histograms, other
    // buckets), is a programming error and throws std::invalid_argument.
    Counter& GetCounter(std::string_view name, std::string_view help, const Labels& labels = {});
    Gauge& GetGauge(std::string_view name, std::string_view help, const Labels& labels = {});
    Histogram& GetHistogram(std::string_view name, std::string_view help,
                            std::vector<double> bounds, const Labels& labels = {});

    // The whole registry in text format 0.0.4 (Content-Type "text/plain; version=0.0.4").
    [[nodiscard]] std::string Render() const;

private:
    enum class Kind { kCounter, kGauge, kHistogram };
    struct Family {
        Kind kind;
        std::string help;
        std::vector<double> bounds;
        // Keyed by the rendered label set so equal labels share one metric.
        std::map<std::string, std::unique_ptr<Counter>> counters;
        std::map<std::string, std::unique_ptr<Gauge>> gauges;
        std::map<std::string, std::unique_ptr<Histogram>> histograms;
    };
    Family& FamilyFor(std::string_view name, std::string_view help, Kind kind);

    mutable std::mutex mu_;
    std::map<std::string, Family, std::less<>> families_;
};

// Text-format helpers, public for tests and for components that render their own lines.
[[nodiscard]] std::string FormatMetricValue(double v);
[[nodiscard]] std::string RenderLabels(const Labels& labels);

}  // namespace bfu::runtime
