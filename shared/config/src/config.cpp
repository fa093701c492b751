#include "bfu/config/config.hpp"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <utility>

namespace bfu::config {

namespace {

using nlohmann::json;

constexpr std::string_view kMask = "***";

std::string Compose(const std::string& key, const std::string& message, const std::string& source) {
    std::string out = "config: ";
    if (!key.empty()) {
        out += key;
        out += ": ";
    }
    out += message;
    if (!source.empty()) {
        out += " (in ";
        out += source;
        out += ")";
    }
    return out;
}

bool ValidPath(std::string_view path) {
    if (path.empty() || path.front() == '.' || path.back() == '.') return false;
    char prev = 0;
    for (char c : path) {
        const bool ok =
            (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
        if (!ok) return false;
        if (c == '.' && prev == '.') return false;
        prev = c;
    }
    return true;
}

bool MatchesType(const json& v, FieldType type) {
    switch (type) {
        case FieldType::kString:
            return v.is_string();
        case FieldType::kInt:
            return v.is_number_integer();
        case FieldType::kBool:
            return v.is_boolean();
        case FieldType::kDurationMs:
            return v.is_number_integer() && v.get<std::int64_t>() >= 0;
        case FieldType::kList:
            if (!v.is_array()) return false;
            for (const auto& e : v) {
                if (!e.is_string()) return false;
            }
            return true;
    }
    return false;
}

std::string_view Trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::optional<std::int64_t> ParseInt(std::string_view text) {
    text = Trim(text);
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    std::int64_t v = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
    return v;
}

std::optional<bool> ParseBool(std::string_view text) {
    std::string lower;
    for (char c : Trim(text))
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") return true;
    if (lower == "false" || lower == "0" || lower == "no" || lower == "off") return false;
    return std::nullopt;
}

std::vector<std::string> SplitList(std::string_view text) {
    std::vector<std::string> out;
    text = Trim(text);
    if (text.empty()) return out;
    std::size_t start = 0;
    while (true) {
        const auto comma = text.find(',', start);
        auto item =
            Trim(text.substr(start, comma == std::string_view::npos ? text.npos : comma - start));
        if (!item.empty()) out.emplace_back(item);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

// The JSON form of a value, as shown in dumps: durations get their unit.
std::string Show(const json& v, FieldType type) {
    if (v.is_null()) return "(unset)";
    if (type == FieldType::kDurationMs) return std::to_string(v.get<std::int64_t>()) + "ms";
    if (type == FieldType::kList) {
        std::string out;
        for (const auto& e : v) {
            if (!out.empty()) out += ",";
            out += e.get<std::string>();
        }
        return out;
    }
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
}

}  // namespace

ConfigError::ConfigError(std::string key, std::string message, std::string source)
    : std::runtime_error(Compose(key, message, source)),
      key_(std::move(key)),
      source_(std::move(source)) {}

std::string_view ToString(FieldType type) noexcept {
    switch (type) {
        case FieldType::kString:
            return "string";
        case FieldType::kInt:
            return "int";
        case FieldType::kBool:
            return "bool";
        case FieldType::kDurationMs:
            return "duration-ms";
        case FieldType::kList:
            return "list";
    }
    return "unknown";
}

std::string EnvVarName(std::string_view path) {
    std::string out = "BFU_";
    for (char c : path) {
        if (c == '.' || c == '-') {
            out += '_';
        } else {
            out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
    }
    return out;
}

std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text) {
    text = Trim(text);
    std::size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
        ++digits;
    }
    if (digits == 0) return std::nullopt;
    auto number = ParseInt(text.substr(0, digits));
    if (!number) return std::nullopt;
    const auto unit = Trim(text.substr(digits));
    std::int64_t factor = 0;
    if (unit.empty() || unit == "ms") {
        factor = 1;
    } else if (unit == "s") {
        factor = 1000;
    } else if (unit == "m") {
        factor = 60'000;
    } else if (unit == "h") {
        factor = 3'600'000;
    } else {
        return std::nullopt;
    }
    if (*number > std::numeric_limits<std::int64_t>::max() / factor) return std::nullopt;
    return std::chrono::milliseconds(*number * factor);
}

// ---------------------------------------------------------------------------------------------
// Schema

Schema& Schema::Add(Field field) {
    if (!ValidPath(field.path)) {
        throw std::invalid_argument("config schema: malformed path '" + field.path +
                                    "' (lower case, digits, '_', '-', dots between parts)");
    }
    for (const auto& f : fields_) {
        const bool same = f.path == field.path;
        // "a.b" as a leaf and "a.b.c" as a leaf cannot both be nested in one JSON file.
        const bool nests =
            f.path.rfind(field.path + ".", 0) == 0 || field.path.rfind(f.path + ".", 0) == 0;
        if (same || nests) {
            throw std::invalid_argument("config schema: field '" + field.path + "' clashes with '" +
                                        f.path + "'");
        }
    }
    if (field.default_value && !MatchesType(*field.default_value, field.type)) {
        throw std::invalid_argument("config schema: default of '" + field.path + "' is not a " +
                                    std::string(ToString(field.type)));
    }
    if (field.default_value && field.required) {
        throw std::invalid_argument("config schema: '" + field.path +
                                    "' is required and has a default; choose one");
    }
    fields_.push_back(std::move(field));
    return *this;
}

Schema& Schema::String(std::string path, std::string default_value, std::string description) {
    return Add({std::move(path), FieldType::kString, std::move(description),
                json(std::move(default_value)), false, false});
}

Schema& Schema::Int(std::string path, std::int64_t default_value, std::string description) {
    return Add({std::move(path), FieldType::kInt, std::move(description), json(default_value),
                false, false});
}

Schema& Schema::Bool(std::string path, bool default_value, std::string description) {
    return Add({std::move(path), FieldType::kBool, std::move(description), json(default_value),
                false, false});
}

Schema& Schema::DurationMs(std::string path, std::chrono::milliseconds default_value,
                           std::string description) {
    return Add({std::move(path), FieldType::kDurationMs, std::move(description),
                json(static_cast<std::int64_t>(default_value.count())), false, false});
}

Schema& Schema::List(std::string path, std::vector<std::string> default_value,
                     std::string description) {
    return Add({std::move(path), FieldType::kList, std::move(description),
                json(std::move(default_value)), false, false});
}

Schema& Schema::Required(std::string path, FieldType type, std::string description) {
    return Add({std::move(path), type, std::move(description), std::nullopt, true, false});
}

Schema& Schema::Secret(std::string path, std::string description, bool required) {
    return Add({std::move(path), FieldType::kString, std::move(description), std::nullopt, required,
                true});
}

bool Schema::Contains(std::string_view path) const { return Find(path) != nullptr; }

const Field* Schema::Find(std::string_view path) const {
    for (const auto& f : fields_) {
        if (f.path == path) return &f;
    }
    return nullptr;
}

std::string Schema::Describe() const {
    std::ostringstream out;
    for (const auto& f : fields_) {
        out << "  " << f.path << " (" << ToString(f.type) << ", env " << EnvVarName(f.path);
        if (f.secret) out << ", secret: environment only";
        if (f.required) {
            out << ", required";
        } else if (f.default_value) {
            out << ", default " << Show(*f.default_value, f.type);
        } else {
            out << ", optional";
        }
        out << ")\n      " << f.description << "\n";
    }
    return out.str();
}

// ---------------------------------------------------------------------------------------------
// Environments

EnvLookup ProcessEnv() {
    return [](const std::string& name) -> std::optional<std::string> {
        // getenv is safe here: the environment is only read at start-up, before threads.
        const char* v = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe)
        if (v == nullptr) return std::nullopt;
        return std::string(v);
    };
}

EnvLookup MapEnv(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

EnvLookup LayeredEnv(std::vector<EnvLookup> layers) {
    return [layers = std::move(layers)](const std::string& name) -> std::optional<std::string> {
        for (const auto& layer : layers) {
            if (auto v = layer(name)) return v;
        }
        return std::nullopt;
    };
}

// ---------------------------------------------------------------------------------------------
// Loading

class Loader {
public:
    static Config Run(const Schema& schema, const json* file, const std::string& source,
                      const EnvLookup& env) {
        Config cfg;
        cfg.schema_ = schema;
        cfg.file_ = source;
        for (const auto& f : schema.fields()) {
            Config::Entry e;
            if (f.default_value) e.value = *f.default_value;
            cfg.entries_.emplace(f.path, std::move(e));
        }
        if (file != nullptr) {
            if (!file->is_object()) {
                throw ConfigError("", "the file must hold a JSON object at the top level", source);
            }
            Walk(cfg, schema, *file, "", source);
        }
        for (const auto& f : schema.fields()) {
            const auto name = EnvVarName(f.path);
            auto raw = env ? env(name) : std::nullopt;
            if (!raw) continue;
            auto& entry = cfg.entries_.at(f.path);
            entry.value = FromEnv(f, *raw, name);
            entry.origin = Origin::kEnv;
        }
        for (const auto& f : schema.fields()) {
            if (f.required && cfg.entries_.at(f.path).value.is_null()) {
                std::string msg =
                    "required value is missing; set environment variable " + EnvVarName(f.path);
                if (!f.secret) msg += " or \"" + f.path + "\" in the config file";
                throw ConfigError(f.path, msg, source);
            }
        }
        return cfg;
    }

private:
    static void Walk(Config& cfg, const Schema& schema, const json& obj, const std::string& prefix,
                     const std::string& source) {
        for (const auto& [key, value] : obj.items()) {
            const std::string path = prefix.empty() ? key : prefix + "." + key;
            if (const Field* f = schema.Find(path)) {
                if (f->secret) {
                    throw ConfigError(path,
                                      "is a secret and is refused in the config file; remove it "
                                      "and set environment variable " +
                                          EnvVarName(path),
                                      source);
                }
                json v = value;
                // Durations may also be written "30s" in the file, which reads better.
                if (f->type == FieldType::kDurationMs && v.is_string()) {
                    auto d = ParseDuration(v.get<std::string>());
                    if (d) v = static_cast<std::int64_t>(d->count());
                }
                if (!MatchesType(v, f->type)) {
                    throw ConfigError(path,
                                      "wrong type: expected " + std::string(ToString(f->type)) +
                                          ", got " + std::string(value.type_name()) + " " +
                                          value.dump(),
                                      source);
                }
                auto& entry = cfg.entries_.at(path);
                entry.value = std::move(v);
                entry.origin = Origin::kFile;
                continue;
            }
            if (value.is_object() && HasFieldUnder(schema, path)) {
                Walk(cfg, schema, value, path, source);
                continue;
            }
            throw ConfigError(path, "unknown key; known keys: " + KnownKeys(schema), source);
        }
    }

    static bool HasFieldUnder(const Schema& schema, const std::string& prefix) {
        for (const auto& f : schema.fields()) {
            if (f.path.rfind(prefix + ".", 0) == 0) return true;
        }
        return false;
    }

    static std::string KnownKeys(const Schema& schema) {
        std::string out;
        for (const auto& f : schema.fields()) {
            if (f.secret) continue;
            if (!out.empty()) out += ", ";
            out += f.path;
        }
        return out.empty() ? "(none)" : out;
    }

    static json FromEnv(const Field& f, const std::string& raw, const std::string& name) {
        const std::string where = "environment variable " + name;
        switch (f.type) {
            case FieldType::kString:
                return raw;
            case FieldType::kInt:
                if (auto v = ParseInt(raw)) return *v;
                throw ConfigError(f.path, "wrong type: expected int, got \"" + raw + "\"", where);
            case FieldType::kBool:
                if (auto v = ParseBool(raw)) return *v;
                throw ConfigError(
                    f.path, "wrong type: expected bool (true/false), got \"" + raw + "\"", where);
            case FieldType::kDurationMs:
                if (auto v = ParseDuration(raw)) return static_cast<std::int64_t>(v->count());
                throw ConfigError(f.path,
                                  "wrong type: expected a duration such as 1500, 1500ms, 30s, "
                                  "5m, got \"" +
                                      raw + "\"",
                                  where);
            case FieldType::kList:
                return SplitList(raw);
        }
        throw ConfigError(f.path, "unsupported type", where);
    }
};

Config LoadFromText(const Schema& schema, std::string_view json_text, std::string_view source,
                    const EnvLookup& env) {
    json doc;
    try {
        doc = json::parse(json_text.begin(), json_text.end());
    } catch (const json::exception& e) {
        // parse_error, and out_of_range for a number beyond a double (1e999): both the file's.
        throw ConfigError("", std::string("not valid JSON: ") + e.what(), std::string(source));
    }
    return Loader::Run(schema, &doc, std::string(source), env);
}

Config Load(const Schema& schema, const std::optional<std::filesystem::path>& file,
            const EnvLookup& env) {
    if (!file) return Loader::Run(schema, nullptr, "", env);
    std::ifstream in(*file, std::ios::binary);
    if (!in) {
        throw ConfigError("", "cannot read the config file; check the --config path",
                          file->string());
    }
    std::ostringstream text;
    text << in.rdbuf();
    return LoadFromText(schema, text.str(), file->string(), env);
}

// ---------------------------------------------------------------------------------------------
// Config

const Config::Entry& Config::Lookup(std::string_view path, FieldType type) const {
    const Field* f = schema_.Find(path);
    if (f == nullptr) throw ConfigError(std::string(path), "no such field in the schema");
    if (f->type != type) {
        throw ConfigError(std::string(path), "read as " + std::string(ToString(type)) +
                                                 " but declared " + std::string(ToString(f->type)));
    }
    const auto& e = entries_.find(path)->second;
    if (e.value.is_null()) {
        throw ConfigError(std::string(path),
                          "optional value is unset; check Has() first or set " + EnvVarName(path));
    }
    return e;
}

const std::string& Config::GetString(std::string_view path) const {
    return Lookup(path, FieldType::kString).value.get_ref<const std::string&>();
}

std::int64_t Config::GetInt(std::string_view path) const {
    return Lookup(path, FieldType::kInt).value.get<std::int64_t>();
}

bool Config::GetBool(std::string_view path) const {
    return Lookup(path, FieldType::kBool).value.get<bool>();
}

std::chrono::milliseconds Config::GetDuration(std::string_view path) const {
    return std::chrono::milliseconds(
        Lookup(path, FieldType::kDurationMs).value.get<std::int64_t>());
}

std::vector<std::string> Config::GetList(std::string_view path) const {
    return Lookup(path, FieldType::kList).value.get<std::vector<std::string>>();
}

bool Config::Has(std::string_view path) const {
    auto it = entries_.find(path);
    return it != entries_.end() && !it->second.value.is_null();
}

Origin Config::OriginOf(std::string_view path) const {
    auto it = entries_.find(path);
    if (it == entries_.end()) throw ConfigError(std::string(path), "no such field in the schema");
    return it->second.origin;
}

json Config::DumpJson() const {
    json out = json::object();
    for (const auto& f : schema_.fields()) {
        const auto& e = entries_.find(f.path)->second;
        json* node = &out;
        std::string_view rest = f.path;
        while (true) {
            const auto dot = rest.find('.');
            if (dot == std::string_view::npos) break;
            node = &(*node)[std::string(rest.substr(0, dot))];
            rest.remove_prefix(dot + 1);
        }
        (*node)[std::string(rest)] =
            (f.secret && !e.value.is_null()) ? json(std::string(kMask)) : e.value;
    }
    return out;
}

std::string Config::Dump() const {
    std::ostringstream out;
    if (!file_.empty()) out << "# config file: " << file_ << "\n";
    for (const auto& f : schema_.fields()) {
        const auto& e = entries_.find(f.path)->second;
        out << f.path << " = ";
        if (f.secret && !e.value.is_null()) {
            out << kMask;
        } else {
            out << Show(e.value, f.type);
        }
        switch (e.origin) {
            case Origin::kDefault:
                out << "  (default)";
                break;
            case Origin::kFile:
                out << "  (file)";
                break;
            case Origin::kEnv:
                out << "  (env " << EnvVarName(f.path) << ")";
                break;
        }
        out << "\n";
    }
    return out.str();
}

// ---------------------------------------------------------------------------------------------
// Env files

std::map<std::string, std::string> ParseEnvText(std::string_view text, std::string_view source) {
    std::map<std::string, std::string> out;
    std::size_t line_no = 0;
    while (!text.empty()) {
        ++line_no;
        const auto nl = text.find('\n');
        auto line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        line = Trim(line);
        if (line.empty() || line.front() == '#') continue;
        if (line.rfind("export ", 0) == 0) line = Trim(line.substr(7));
        const auto eq = line.find('=');
        const std::string where = std::string(source) + ":" + std::to_string(line_no);
        if (eq == std::string_view::npos || eq == 0) {
            throw ConfigError("", "expected KEY=VALUE, got \"" + std::string(line) + "\"", where);
        }
        const auto key = Trim(line.substr(0, eq));
        for (char c : key) {
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) {
                throw ConfigError(std::string(key), "malformed variable name", where);
            }
        }
        auto value = Trim(line.substr(eq + 1));
        if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
            value.back() == value.front()) {
            value = value.substr(1, value.size() - 2);
        }
        out[std::string(key)] = std::string(value);
    }
    return out;
}

std::map<std::string, std::string> LoadEnvFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw ConfigError("", "cannot read the env file (run `ops/stack up` to write it)",
                          path.string());
    }
    std::ostringstream text;
    text << in.rdbuf();
    return ParseEnvText(text.str(), path.string());
}

}  // namespace bfu::config
