#pragma once
// Shared helpers for the contract tests: where the repository is, reading JSON files, the
// example files per message, and a valijson validator for one schema with its $refs resolved
// from schemas/json/.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>
#include <vector>

namespace bfu::contracts::test {

namespace fs = std::filesystem;

inline fs::path SourceDir() {
    const char* dir = std::getenv("BFU_SOURCE_DIR");
    if (dir == nullptr || *dir == '\0') {
        throw std::runtime_error("BFU_SOURCE_DIR is not set; run the test through ctest");
    }
    return fs::path(dir);
}

inline fs::path SchemasDir() { return SourceDir() / "schemas"; }

inline std::string ReadText(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + file.string());
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

inline nlohmann::json ReadJson(const fs::path& file) {
    return nlohmann::json::parse(ReadText(file));
}

// The example folders (message names), sorted.
inline std::vector<std::string> ExampleMessages() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(SchemasDir() / "examples")) {
        if (entry.is_directory()) names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

// The example files in dir whose names start with prefix ("valid-" or "invalid-"), sorted.
inline std::vector<fs::path> ExampleFilesIn(const fs::path& dir, const std::string& prefix) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir)) {
        const std::string name = entry.path().filename().string();
        if (entry.path().extension() == ".json" && name.rfind(prefix, 0) == 0) {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

// The example files of one message whose names start with prefix ("valid-" or "invalid-").
inline std::vector<fs::path> ExampleFiles(const std::string& message, const std::string& prefix) {
    return ExampleFilesIn(SchemasDir() / "examples" / message, prefix);
}

// A schema file given by its path, for schemas outside schemas/json (schemas/http/...).
struct SchemaFile {
    fs::path path;
};

// One JSON Schema (draft-07) loaded with valijson.
class SchemaValidator {
public:
    // The message schema schemas/json/<message>.schema.json.
    explicit SchemaValidator(const std::string& message)
        : SchemaValidator(SchemaFile{SchemasDir() / "json" / (message + ".schema.json")}) {}

    explicit SchemaValidator(const SchemaFile& schema_file) {
        const nlohmann::json doc = ReadJson(schema_file.path);
        valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
        valijson::adapters::NlohmannJsonAdapter adapter(doc);
        // $refs name sibling files ("common.schema.json#/definitions/id", or
        // "../json/common.schema.json#..." from schemas/http); resolve them from schemas/json
        // whatever base URI valijson hands us.
        auto fetch = [](const std::string& uri) -> const nlohmann::json* {
            const std::string file = uri.substr(uri.find_last_of('/') + 1);
            return new nlohmann::json(ReadJson(SchemasDir() / "json" / file));
        };
        auto free_doc = [](const nlohmann::json* doc_ptr) { delete doc_ptr; };
        parser.populateSchema(adapter, schema_, fetch, free_doc);
    }

    // Empty when valid, else valijson's first few complaints.
    std::string Validate(const nlohmann::json& value) { return Check(value).text; }

    struct Verdict {
        std::string text;                   // empty when valid
        std::vector<std::string> pointers;  // every error's place as a JSON pointer
    };

    Verdict Check(const nlohmann::json& value) {
        valijson::Validator validator;
        valijson::ValidationResults results;
        valijson::adapters::NlohmannJsonAdapter adapter(value);
        Verdict verdict;
        try {
            if (validator.validate(schema_, adapter, &results)) return verdict;
        } catch (const std::exception& e) {
            // valijson 1.0 checks "format" before "type" and throws when the value is not a
            // string. Every format in schemas/ sits beside "type": "string", so the value is
            // invalid; the place is unknown.
            verdict.text =
                std::string("invalid: a formatted string is not a string (") + e.what() + ")";
            return verdict;
        }
        valijson::ValidationResults::Error error;
        int shown = 0;
        while (results.popError(error)) {
            // valijson's context is "<root>", "[lines]", "[1]", ...; make it "/lines/1".
            std::string context;
            std::string pointer;
            for (const auto& part : error.context) {
                context += part;
                if (part.size() >= 2 && part.front() == '[' && part.back() == ']') {
                    pointer += "/" + part.substr(1, part.size() - 2);
                }
            }
            verdict.pointers.push_back(pointer);
            if (shown++ < 3) verdict.text += context + ": " + error.description + "; ";
        }
        if (verdict.text.empty()) verdict.text = "invalid";
        return verdict;
    }

private:
    valijson::Schema schema_;
};

}  // namespace bfu::contracts::test
