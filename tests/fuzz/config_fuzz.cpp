// libFuzzer target for the service configuration (bfu::config): the JSON config file a service
// reads at start-up (LoadFromText, the in-memory form of Load), against a schema with every
// field type, nested paths, a required field and a secret, as the services declare them; and
// the env-file format ops/stack writes (ParseEnvText) with its durations (ParseDuration); the
// first byte tells them apart ('#' or a capital letter: an env file). Bad input must end in
// ConfigError with a message, nothing else: no other exception, crash, hang or undefined behaviour;
// a config that loads must read back with its types and dump (DumpJson, Dump) with the secret
// masked.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "bfu/config/config.hpp"

namespace {

using bfu::config::ConfigError;
using bfu::config::FieldType;

const bfu::config::Schema& TheSchema() {
    static const bfu::config::Schema schema = [] {
        bfu::config::Schema s;
        s.String("service.name", "ingest", "the service's name")
            .List("kafka.brokers", {"127.0.0.1:19092"}, "bootstrap brokers")
            .String("kafka.topic-prefix", "", "topic prefix")
            .Int("kafka.batch.max", 500, "records per batch")
            .DurationMs("kafka.poll", std::chrono::milliseconds(100), "poll interval")
            .Bool("ingest.strict", true, "strict mode")
            .Int("followup.year", 0, "fiscal year")
            .Required("zmq.endpoint", FieldType::kString, "ZeroMQ endpoint")
            .Secret("redis.password", "Redis password");
        return s;
    }();
    return schema;
}

// Every field reads back with its type, and both dumps mask the secret.
void ReadBack(const bfu::config::Config& cfg) {
    (void)cfg.GetString("service.name");
    (void)cfg.GetList("kafka.brokers");
    (void)cfg.GetString("kafka.topic-prefix");
    (void)cfg.GetInt("kafka.batch.max");
    (void)cfg.GetDuration("kafka.poll");
    (void)cfg.GetBool("ingest.strict");
    (void)cfg.GetInt("followup.year");
    (void)cfg.GetString("zmq.endpoint");
    if (cfg.Dump().empty()) std::abort();
    const auto dumped = cfg.DumpJson();
    if (dumped.at("redis").at("password") != "***") std::abort();  // the secret leaked
    // Environment values are taken as bytes (not checked as UTF-8), so the dump replaces what is
    // not UTF-8, as the service's logger does with it (runtime/logger.cpp).
    if (dumped.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).empty()) {
        std::abort();
    }
}

void LoadFile(std::string_view text) {
    // The environment sets the required field, and sometimes a wrong duration (from the input).
    const std::map<std::string, std::string> env = {{"BFU_ZMQ_ENDPOINT", "tcp://127.0.0.1:0"},
                                                    {"BFU_REDIS_PASSWORD", "hemlig"}};
    try {
        ReadBack(
            bfu::config::LoadFromText(TheSchema(), text, "fuzz.json", bfu::config::MapEnv(env)));
    } catch (const ConfigError& e) {
        if (std::string_view(e.what()).empty()) std::abort();
    }
}

void LoadEnvText(std::string_view text) {
    try {
        const auto vars = bfu::config::ParseEnvText(text, "fuzz.env");
        for (const auto& [name, value] : vars) {
            if (name.empty()) std::abort();
            (void)bfu::config::ParseDuration(value);
        }
        // The parsed variables as a service's environment.
        std::map<std::string, std::string> env = vars;
        env.emplace("BFU_ZMQ_ENDPOINT", "tcp://127.0.0.1:0");
        env["BFU_REDIS_PASSWORD"] = "hemlig";
        ReadBack(bfu::config::LoadFromText(TheSchema(), "{}", "fuzz.json",
                                           bfu::config::MapEnv(std::move(env))));
    } catch (const ConfigError& e) {
        if (std::string_view(e.what()).empty()) std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    // An env file starts with a comment or a name ('#', 'A'-'Z'); a JSON config file with '{'
    // or whitespace; any other first byte is tried as a config file too.
    if (data[0] == '#' || (data[0] >= 'A' && data[0] <= 'Z')) {
        LoadEnvText(text);
    } else {
        LoadFile(text);
    }
    if (size < 64) {
        const auto d = bfu::config::ParseDuration(text);
        if (d && d->count() < 0) std::abort();  // only digits and a unit: never negative
    }
    return 0;
}
