#pragma once
// Helpers of the SIE import integration tests: prefixed topics, a reader with a deadline, files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "bfu/contracts/topics.hpp"
#include "bfu/kafka/admin.hpp"
#include "bfu/kafka/consumer.hpp"
#include "support/stack_env.hpp"

namespace bfu::sie_import::testing {

using namespace std::chrono_literals;

inline std::string ReadAll(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline std::string SourceDir() {
    const char* root = std::getenv("BFU_SOURCE_DIR");
    return root != nullptr ? root : ".";
}

inline std::string FixtureDir() { return SourceDir() + "/../shared/data/sie/"; }

// The prefixed topics of the import, created for the test and deleted after it.
class PrefixedTopics {
public:
    PrefixedTopics(const std::string& brokers, const std::string& prefix) : prefix_(prefix) {
        kafka::KafkaConfig c;
        c.brokers = brokers;
        auto admin = kafka::Admin::Create(c);
        if (!admin.ok()) {
            error_ = admin.error().ToString();
            return;
        }
        admin_ = std::move(admin).value();
        for (const auto& t : contracts::topics::kAll) {
            specs_.push_back({prefix + std::string(t.name), 3, 1, {}});
        }
        if (auto s = admin_->CreateTopics(specs_, 30s); !s.ok()) error_ = s.error().ToString();
    }
    ~PrefixedTopics() {
        if (!admin_) return;
        std::vector<std::string> names;
        for (const auto& s : specs_) names.push_back(s.name);
        static_cast<void>(admin_->DeleteTopics(names, 30s));
    }
    PrefixedTopics(const PrefixedTopics&) = delete;
    PrefixedTopics& operator=(const PrefixedTopics&) = delete;

    [[nodiscard]] const std::string& error() const { return error_; }
    [[nodiscard]] std::string Name(std::string_view base) const {
        return prefix_ + std::string(base);
    }
    // Records in the topic (sum over its partitions of high - low).
    [[nodiscard]] std::int64_t Count(std::string_view base) const {
        std::int64_t n = 0;
        for (std::int32_t p = 0; p < 3; ++p) {
            auto w = admin_->QueryWatermarks(Name(base), p, 10s);
            if (w.ok()) n += w->high - w->low;
        }
        return n;
    }

private:
    std::string prefix_;
    std::unique_ptr<kafka::Admin> admin_;
    std::vector<kafka::TopicSpec> specs_;
    std::string error_;
};

// Reads topic from the start until n records came or 60 s passed.
inline std::vector<kafka::Message> ReadAtLeast(const std::string& brokers, const std::string& topic,
                                               std::size_t n) {
    kafka::KafkaConfig c;
    c.brokers = brokers;
    c.group_id = bfu::testing::UniquePrefix() + "reader";
    c.properties["auto.offset.reset"] = "earliest";
    std::vector<kafka::Message> out;
    auto consumer = kafka::Consumer::Create(c);
    EXPECT_TRUE(consumer.ok()) << consumer.error().ToString();
    if (!consumer.ok()) return out;
    EXPECT_TRUE(consumer.value()->Subscribe({topic}).ok());
    const auto end = std::chrono::steady_clock::now() + 60s;
    while (out.size() < n && std::chrono::steady_clock::now() < end) {
        auto batch = consumer.value()->Poll(500, 200ms);
        if (!batch.ok()) continue;
        for (auto& m : batch.value()) out.push_back(std::move(m));
    }
    EXPECT_TRUE(consumer.value()->Close().ok());
    return out;
}

class TempDir {
public:
    TempDir() {
        std::random_device rd;
        path_ = std::filesystem::temp_directory_path() /
                ("bfu-sie-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace bfu::sie_import::testing
