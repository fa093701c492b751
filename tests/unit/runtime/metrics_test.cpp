#include "bfu/runtime/metrics.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace bfu::runtime {
namespace {

using ::testing::HasSubstr;

TEST(Metrics, CounterRendersWithHelpTypeAndLabels) {
    MetricsRegistry reg;
    auto& lines =
        reg.GetCounter("bfu_lines_total", "Ledger lines consumed", {{"topic", "bfu.ledger.lines"}});
    lines.Inc();
    lines.Inc(41);
    const auto text = reg.Render();
    EXPECT_THAT(text, HasSubstr("# HELP bfu_lines_total Ledger lines consumed\n"));
    EXPECT_THAT(text, HasSubstr("# TYPE bfu_lines_total counter\n"));
    EXPECT_THAT(text, HasSubstr("bfu_lines_total{topic=\"bfu.ledger.lines\"} 42\n"));
}

TEST(Metrics, SameNameAndLabelsReturnTheSameMetric) {
    MetricsRegistry reg;
    auto& a = reg.GetCounter("c_total", "h", {{"k", "v"}});
    auto& b = reg.GetCounter("c_total", "h", {{"k", "v"}});
    auto& other = reg.GetCounter("c_total", "h", {{"k", "w"}});
    EXPECT_EQ(&a, &b);
    EXPECT_NE(&a, &other);
}

TEST(Metrics, GaugeSetAndAdd) {
    MetricsRegistry reg;
    auto& g = reg.GetGauge("bfu_lag", "consumer lag");
    g.Set(10);
    g.Add(-2.5);
    EXPECT_DOUBLE_EQ(g.Value(), 7.5);
    EXPECT_THAT(reg.Render(), HasSubstr("# TYPE bfu_lag gauge\nbfu_lag 7.5\n"));
}

TEST(Metrics, HistogramBucketsAreCumulativeWithInfSumAndCount) {
    MetricsRegistry reg;
    auto& h =
        reg.GetHistogram("bfu_latency_seconds", "handler latency", {0.1, 1.0}, {{"op", "consume"}});
    h.Observe(0.05);
    h.Observe(0.1);  // le is inclusive
    h.Observe(0.5);
    h.Observe(7);
    const auto text = reg.Render();
    EXPECT_THAT(text, HasSubstr("bfu_latency_seconds_bucket{op=\"consume\",le=\"0.1\"} 2\n"));
    EXPECT_THAT(text, HasSubstr("bfu_latency_seconds_bucket{op=\"consume\",le=\"1\"} 3\n"));
    EXPECT_THAT(text, HasSubstr("bfu_latency_seconds_bucket{op=\"consume\",le=\"+Inf\"} 4\n"));
    EXPECT_THAT(text, HasSubstr("bfu_latency_seconds_sum{op=\"consume\"} 7.65\n"));
    EXPECT_THAT(text, HasSubstr("bfu_latency_seconds_count{op=\"consume\"} 4\n"));
}

TEST(Metrics, LabelValuesAndHelpAreEscaped) {
    MetricsRegistry reg;
    reg.GetCounter("e_total", "line1\nback\\slash", {{"v", "a\"b\\c\nd"}}).Inc();
    const auto text = reg.Render();
    EXPECT_THAT(text, HasSubstr("# HELP e_total line1\\nback\\\\slash\n"));
    EXPECT_THAT(text, HasSubstr("e_total{v=\"a\\\"b\\\\c\\nd\"} 1\n"));
}

TEST(Metrics, MisuseIsRejected) {
    MetricsRegistry reg;
    reg.GetCounter("x_total", "h");
    EXPECT_THROW(reg.GetGauge("x_total", "h"), std::invalid_argument);
    EXPECT_THROW(reg.GetCounter("1bad", "h"), std::invalid_argument);
    EXPECT_THROW(reg.GetCounter("ok_total", "h", {{"bad-label", "v"}}), std::invalid_argument);
    EXPECT_THROW(reg.GetCounter("ok_total", "h", {{"__reserved", "v"}}), std::invalid_argument);
    reg.GetHistogram("h_seconds", "h", {1, 2});
    EXPECT_THROW(reg.GetHistogram("h_seconds", "h", {1, 3}, {{"a", "b"}}), std::invalid_argument);
    EXPECT_THROW(Histogram({2, 1}), std::invalid_argument);
}

TEST(Metrics, ConcurrentIncrementsAreNotLost) {
    MetricsRegistry reg;
    auto& c = reg.GetCounter("conc_total", "h");
    auto& h = reg.GetHistogram("conc_seconds", "h", {0.5});
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 10000; ++i) {
                c.Inc();
                h.Observe(1.0);
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(c.Value(), 40000U);
    EXPECT_EQ(h.Count(), 40000U);
    EXPECT_DOUBLE_EQ(h.Sum(), 40000.0);
}

TEST(FormatMetricValue, SpecialValues) {
    EXPECT_EQ(FormatMetricValue(1.0), "1");
    EXPECT_EQ(FormatMetricValue(0.25), "0.25");
    EXPECT_EQ(FormatMetricValue(std::numeric_limits<double>::infinity()), "+Inf");
    EXPECT_EQ(FormatMetricValue(-std::numeric_limits<double>::infinity()), "-Inf");
    EXPECT_EQ(FormatMetricValue(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

}  // namespace
}  // namespace bfu::runtime
