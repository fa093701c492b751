#include "cli_support.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "bfu/config/config.hpp"
#include "bfu/text/swedish.hpp"

namespace bfu::cli {

using nlohmann::json;

// The environment, with the stack's env file layered under it.
Env::Env() {
    std::filesystem::path file;
    if (const char* f = std::getenv("BFU_ENV_FILE")) {
        file = f;
    } else if (const char* st = std::getenv("BFU_STACK_ENV")) {
        file = st;
    } else {
        file = ".bfu/stack.env";
    }
    std::error_code ec;
    if (std::filesystem::exists(file, ec)) file_vars_ = config::LoadEnvFile(file);
}

std::string Env::Get(const std::string& name, const std::string& fallback) const {
    if (const char* v = std::getenv(name.c_str())) return v;
    auto it = file_vars_.find(name);
    return it == file_vars_.end() ? fallback : it->second;
}

std::string Env::Require(const std::string& name) const {
    auto v = Get(name);
    if (v.empty()) {
        throw UsageError(name + " is not set (and no env file has it): run `ops/stack up` " +
                         "or export it");
    }
    return v;
}

Args Parse(const std::vector<std::string>& args, std::size_t from,
           const std::vector<std::string>& flags) {
    Args a;
    for (std::size_t i = from; i < args.size(); ++i) {
        const auto& s = args[i];
        if (s.rfind("--", 0) == 0) {
            const auto name = s.substr(2);
            if (std::find(flags.begin(), flags.end(), name) != flags.end()) {
                a.options[name] = "1";
            } else {
                if (i + 1 >= args.size()) throw UsageError("option " + s + " needs a value");
                a.options[name] = args[++i];
                auto& list = a.lists[name];
                std::string_view rest = args[i];
                while (true) {
                    const auto comma = rest.find(',');
                    const auto part = rest.substr(0, comma);
                    if (!part.empty()) list.emplace_back(part);
                    if (comma == std::string_view::npos) break;
                    rest.remove_prefix(comma + 1);
                }
            }
        } else {
            a.positional.push_back(s);
        }
    }
    return a;
}

kafka::KafkaConfig KafkaFromEnv(const Env& env) {
    kafka::KafkaConfig k;
    k.brokers = env.Require("BFU_KAFKA_BROKERS");
    k.client_id = "bfu-cli";
    return k;
}

std::string Topic(const Env& env, std::string_view base) {
    return env.Get("BFU_KAFKA_TOPIC_PREFIX") + std::string(base);
}

std::vector<json> ReadRecords(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError(path + ": cannot open");
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    std::vector<json> out;
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && text[first] == '[') {
        json doc = json::parse(text, nullptr, false);
        if (doc.is_discarded()) throw UsageError(path + ": not valid JSON");
        for (auto& r : doc) out.push_back(std::move(r));
        return out;
    }
    std::istringstream lines(text);
    std::string line;
    int n = 0;
    while (std::getline(lines, line)) {
        ++n;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        json doc = json::parse(line, nullptr, false);
        if (doc.is_discarded()) {
            throw UsageError(path + ":" + std::to_string(n) + ": not valid JSON");
        }
        out.push_back(std::move(doc));
    }
    return out;
}

// The one formatter (bfu/text/swedish.hpp), so the CLI, the alerts and the reports agree.
std::string Kr(const std::string& ore_text) {
    std::int64_t ore = 0;
    const auto* end = ore_text.data() + ore_text.size();
    if (std::from_chars(ore_text.data(), end, ore).ptr != end || ore_text.empty()) return ore_text;
    return text::Kr(ore);
}

std::string Pct(const std::string& bp_text) {
    std::int64_t bp = 0;
    const auto* end = bp_text.data() + bp_text.size();
    if (std::from_chars(bp_text.data(), end, bp).ptr != end || bp_text.empty()) return bp_text;
    return text::PercentBp(bp);
}

std::unique_ptr<redis::Pool> RedisFromEnv(const Env& env) {
    auto pool = redis::Pool::Create(env.Require("BFU_REDIS_URL"), redis::PoolOptions{1, {}, {}});
    if (!pool.ok()) throw std::runtime_error(pool.error().ToString());
    return std::move(pool).value();
}

}  // namespace bfu::cli
