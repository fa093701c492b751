#pragma once
// A service's configuration: a typed list of fields (the schema), filled from defaults, then an
// optional JSON file, then BFU_* environment variables, then checked. Anything wrong (an
// unknown key in the file, a wrong type, a missing required value, a secret in the file) throws
// ConfigError at start-up with a message that names the key and where it came from; services
// turn that into exit code 2 (see bfu::runtime::App).
//
// Ownership and thread-safety: a Schema is built once at start-up; Load returns an immutable
// Config that any thread may read concurrently.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bfu::config {

class ConfigError : public std::runtime_error {
public:
    // what() is "config: <key>: <message>[ (in <source>)]"; key and source may be empty.
    ConfigError(std::string key, std::string message, std::string source = {});
    [[nodiscard]] const std::string& key() const noexcept { return key_; }
    [[nodiscard]] const std::string& source() const noexcept { return source_; }

private:
    std::string key_;
    std::string source_;
};

enum class FieldType { kString, kInt, kBool, kDurationMs, kList };

[[nodiscard]] std::string_view ToString(FieldType type) noexcept;

// One configuration field. `path` is dotted ("kafka.brokers"); in the file it is nested
// ({"kafka": {"brokers": ...}}), in the environment it is BFU_KAFKA_BROKERS.
struct Field {
    std::string path;
    FieldType type = FieldType::kString;
    std::string description;
    // The value used when neither the file nor the environment sets one. Its JSON form matches
    // the type: string, integer, boolean, integer milliseconds, array of strings.
    std::optional<nlohmann::json> default_value;
    // A required field without a default must be set by the file or the environment.
    bool required = false;
    // Secrets are accepted only from the environment and are masked in every dump.
    bool secret = false;
};

// "kafka.brokers" -> "BFU_KAFKA_BROKERS" ('.' and '-' become '_', letters upper case).
[[nodiscard]] std::string EnvVarName(std::string_view path);

class Schema {
public:
    Schema() = default;

    // Adds a field; a duplicate path, a malformed path or a default of the wrong type is a
    // programming error and throws std::invalid_argument.
    Schema& Add(Field field);

    Schema& String(std::string path, std::string default_value, std::string description);
    Schema& Int(std::string path, std::int64_t default_value, std::string description);
    Schema& Bool(std::string path, bool default_value, std::string description);
    Schema& DurationMs(std::string path, std::chrono::milliseconds default_value,
                       std::string description);
    Schema& List(std::string path, std::vector<std::string> default_value, std::string description);
    // A field with no default that must be given (file or environment).
    Schema& Required(std::string path, FieldType type, std::string description);
    // A secret: environment only; optional unless `required`.
    Schema& Secret(std::string path, std::string description, bool required = false);

    [[nodiscard]] bool Contains(std::string_view path) const;
    [[nodiscard]] const Field* Find(std::string_view path) const;
    [[nodiscard]] const std::vector<Field>& fields() const noexcept { return fields_; }
    // A human-readable list of every field: path, type, env var, default, description.
    [[nodiscard]] std::string Describe() const;

private:
    std::vector<Field> fields_;
};

// Where a value came from, for the effective-config dump.
enum class Origin { kDefault, kFile, kEnv };

// Looks up an environment variable; std::nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment (getenv).
[[nodiscard]] EnvLookup ProcessEnv();
// A fixed map, for tests and for layering an env file.
[[nodiscard]] EnvLookup MapEnv(std::map<std::string, std::string> vars);
// The first lookup that has the variable wins.
[[nodiscard]] EnvLookup LayeredEnv(std::vector<EnvLookup> layers);

class Config {
public:
    // Typed reads. Asking for a path not in the schema, with the wrong type, or for an unset
    // optional field is a programming error and throws ConfigError.
    [[nodiscard]] const std::string& GetString(std::string_view path) const;
    [[nodiscard]] std::int64_t GetInt(std::string_view path) const;
    [[nodiscard]] bool GetBool(std::string_view path) const;
    [[nodiscard]] std::chrono::milliseconds GetDuration(std::string_view path) const;
    [[nodiscard]] std::vector<std::string> GetList(std::string_view path) const;
    // False only for an optional field without default that nobody set.
    [[nodiscard]] bool Has(std::string_view path) const;
    [[nodiscard]] Origin OriginOf(std::string_view path) const;

    // Effective configuration as nested JSON, secrets replaced by "***".
    [[nodiscard]] nlohmann::json DumpJson() const;
    // One line per field: "path = value  (default|file|env BFU_X)", secrets masked.
    [[nodiscard]] std::string Dump() const;

    [[nodiscard]] const Schema& schema() const noexcept { return schema_; }

private:
    friend class Loader;
    struct Entry {
        nlohmann::json value;  // null when unset
        Origin origin = Origin::kDefault;
    };
    const Entry& Lookup(std::string_view path, FieldType type) const;

    Schema schema_;
    std::map<std::string, Entry, std::less<>> entries_;
    std::string file_;  // empty when no file was read
};

// Loads file (optional) -> environment -> validation. Throws ConfigError.
[[nodiscard]] Config Load(const Schema& schema, const std::optional<std::filesystem::path>& file,
                          const EnvLookup& env = ProcessEnv());
// Same from JSON text already in memory; `source` names it in error messages.
[[nodiscard]] Config LoadFromText(const Schema& schema, std::string_view json_text,
                                  std::string_view source, const EnvLookup& env = ProcessEnv());

// Parses the `.bfu/stack.env` format written by ops/stack: KEY=VALUE lines, blank lines and
// `#` comments ignored, an optional leading `export `, optional matching single or double quotes
// around the value. A malformed line throws ConfigError naming the line.
[[nodiscard]] std::map<std::string, std::string> ParseEnvText(std::string_view text,
                                                              std::string_view source);
// Reads and parses an env file; an unreadable file throws ConfigError.
[[nodiscard]] std::map<std::string, std::string> LoadEnvFile(const std::filesystem::path& path);

// Parses a duration: plain integer milliseconds, or a number with suffix ms, s, m or h.
[[nodiscard]] std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text);

}  // namespace bfu::config
