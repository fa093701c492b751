#pragma once
// Internal to the bfu CLI: the pieces every command uses (environment, argument parsing, Kafka
// and Redis from the environment, money formatting). Each command family lives in its own
// cmd_*.cpp file and is declared in commands.hpp; cli.cpp dispatches.
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/kafka/config.hpp"
#include "bfu/redis/redis.hpp"

namespace bfu::cli {

// A wrong command line: printed with a hint, exit code 2.
class UsageError : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The environment, with the stack's env file layered under it.
class Env {
public:
    Env();
    [[nodiscard]] std::string Get(const std::string& name, const std::string& fallback = {}) const;
    [[nodiscard]] std::string Require(const std::string& name) const;

private:
    std::map<std::string, std::string> file_vars_;
};

struct Args {
    std::vector<std::string> positional;
    std::map<std::string, std::string> options;  // --name value (the last one), or "1" for flags
    // Every value of a repeatable option, in order: `--deviation A --deviation B,C` -> A, B, C
    // (a value is also split at commas).
    std::map<std::string, std::vector<std::string>> lists;
    [[nodiscard]] bool Flag(const std::string& n) const { return options.count(n) != 0; }
    [[nodiscard]] std::string Opt(const std::string& n, const std::string& d = {}) const {
        auto it = options.find(n);
        return it == options.end() ? d : it->second;
    }
    [[nodiscard]] std::vector<std::string> All(const std::string& n) const {
        auto it = lists.find(n);
        return it == lists.end() ? std::vector<std::string>{} : it->second;
    }
};

// Parses args[from..]: `--name value` options, the names in `flags` take no value.
[[nodiscard]] Args Parse(const std::vector<std::string>& args, std::size_t from,
                         const std::vector<std::string>& flags);
[[nodiscard]] kafka::KafkaConfig KafkaFromEnv(const Env& env);
// A topic's name with BFU_KAFKA_TOPIC_PREFIX.
[[nodiscard]] std::string Topic(const Env& env, std::string_view base);
// Reads a JSON array, or one JSON value per non-empty line. Errors name the file and line.
[[nodiscard]] std::vector<nlohmann::json> ReadRecords(const std::string& path);
// Whole kronor with thin grouping ("1 234 kr") and a percentage from basis points.
[[nodiscard]] std::string Kr(const std::string& ore_text);
[[nodiscard]] std::string Pct(const std::string& bp_text);
[[nodiscard]] std::unique_ptr<redis::Pool> RedisFromEnv(const Env& env);

}  // namespace bfu::cli
