#pragma once
// Where the integration tests find the real stack that `ops/stack up` started. A value is
// looked up, in order, in the environment variable of the same name, in the env file named by
// BFU_STACK_ENV, or in ${BFU_SOURCE_DIR}/.bfu/stack.env (CTest sets BFU_SOURCE_DIR). A missing
// value is a test FAILURE, never a skip: the integration tier exists to run against the stack.
//
//   BFU_ASSERT_STACK_VALUE(brokers, "BFU_KAFKA_BROKERS");   // inside a TEST, fails if absent
//   const std::string prefix = bfu::testing::UniquePrefix(); // "t<pid>_<random>_"
//
// Header-only, GoogleTest only for the macro.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <string_view>

namespace bfu::testing {

struct StackValue {
    std::string value;
    std::string error;  // what is missing and what to run; empty when found
    [[nodiscard]] bool ok() const { return error.empty(); }
};

// The path of the stack env file the lookup reads ("" if neither variable is set).
inline std::string StackEnvPath() {
    if (const char* file = std::getenv("BFU_STACK_ENV"); file != nullptr && *file != '\0') {
        return file;
    }
    if (const char* root = std::getenv("BFU_SOURCE_DIR"); root != nullptr && *root != '\0') {
        return std::string(root) + "/.bfu/stack.env";
    }
    return {};
}

inline StackValue LookupStackValue(std::string_view key) {
    const std::string name(key);
    if (const char* env = std::getenv(name.c_str()); env != nullptr && *env != '\0') {
        return {env, {}};
    }
    const std::string path = StackEnvPath();
    const std::string hint =
        "; run `ops/stack up` (it writes .bfu/stack.env), or set " + name + " or BFU_STACK_ENV";
    if (path.empty()) {
        return {{}, name + " is not set and neither BFU_STACK_ENV nor BFU_SOURCE_DIR is" + hint};
    }
    std::ifstream in(path);
    if (!in) {
        return {{}, name + " is not set and the stack env file " + path + " does not exist" + hint};
    }
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') {
            continue;
        }
        const auto eq = line.find('=');
        if (eq != std::string::npos && line.compare(0, eq, name) == 0 && eq == name.size()) {
            std::string value = line.substr(eq + 1);
            if (!value.empty()) {
                return {value, {}};
            }
        }
    }
    return {{}, name + " is not set and " + path + " has no " + name + "= line" + hint};
}

inline StackValue KafkaBrokers() { return LookupStackValue("BFU_KAFKA_BROKERS"); }
inline StackValue RedisUrl() { return LookupStackValue("BFU_REDIS_URL"); }

// A fresh prefix for topic, group and key names, so tests never see each other's data:
// "t<pid>_<random hex>_".
inline std::string UniquePrefix() {
    static std::mt19937_64 rng{std::random_device{}()};
    static constexpr char kHex[] = "0123456789abcdef";
    std::string suffix;
    std::uint64_t bits = rng();
    for (int i = 0; i < 8; ++i) {
        suffix.push_back(kHex[bits & 0xFU]);
        bits >>= 4U;
    }
    return "t" + std::to_string(::getpid()) + "_" + suffix + "_";
}

}  // namespace bfu::testing

// Declares `const std::string var` holding the stack value `key`, or fails the current test
// (fatally) with what to run.
#define BFU_ASSERT_STACK_VALUE(var, key)                                                    \
    const ::bfu::testing::StackValue var##_lookup_ = ::bfu::testing::LookupStackValue(key); \
    ASSERT_TRUE(var##_lookup_.ok()) << var##_lookup_.error;                                 \
    const std::string var = var##_lookup_.value
