#include "bfu/cli/import_csv.hpp"

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>

namespace bfu::cli {
namespace {

using nlohmann::json;

enum class CellType { kString, kInteger, kNumber, kBool, kStringList, kIntegerList };

// The non-string fields of each kind; every other column is a string.
const std::map<std::string, CellType>& TypesOf(const std::string& kind) {
    static const std::map<std::string, std::map<std::string, CellType>> kTypes = {
        {"org", {{"mandateOre", CellType::kInteger}, {"reportsTo", CellType::kStringList}}},
        {"accounts",
         {{"class", CellType::kInteger},
          {"active", CellType::kBool},
          {"investment", CellType::kBool}}},
        {"budget",
         {{"year", CellType::kInteger},
          {"annualOre", CellType::kInteger},
          {"profile.months", CellType::kIntegerList},
          {"revision.no", CellType::kInteger}}},
        {"goals", {{"year", CellType::kInteger}, {"target", CellType::kNumber}}},
        {"goal-outcomes", {{"value", CellType::kNumber}}},
        {"hr",
         {{"sickLeavePct", CellType::kNumber},
          {"overtimeHours", CellType::kNumber},
          {"headcount", CellType::kInteger},
          {"fte", CellType::kNumber},
          {"personnelCostOre", CellType::kInteger}}},
    };
    return kTypes.at(kind);
}

struct CellError {
    std::string field;
    std::string message;
};

bool ParseInteger(const std::string& text, std::int64_t& out) {
    if (text.empty()) return false;
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (errno != 0 || end != text.c_str() + text.size()) return false;
    out = v;
    return true;
}

bool ParseNumber(const std::string& text, double& out) {
    if (text.empty()) return false;
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (errno != 0 || end != text.c_str() + text.size()) return false;
    out = v;
    return true;
}

std::vector<std::string> SplitSpaces(const std::string& text) {
    std::vector<std::string> parts;
    std::istringstream in(text);
    std::string p;
    while (in >> p) parts.push_back(p);
    return parts;
}

// The JSON value of one cell, or why it has none.
std::optional<CellError> Cell(const std::string& column, const std::string& text, CellType type,
                              json& out) {
    switch (type) {
        case CellType::kString:
            out = text;
            return std::nullopt;
        case CellType::kInteger: {
            std::int64_t v = 0;
            if (!ParseInteger(text, v))
                return CellError{column, "'" + text + "' is not an integer"};
            out = v;
            return std::nullopt;
        }
        case CellType::kNumber: {
            std::int64_t i = 0;
            if (ParseInteger(text, i)) {
                out = i;
                return std::nullopt;
            }
            double v = 0;
            if (!ParseNumber(text, v)) {
                return CellError{column, "'" + text + "' is not a number (use a decimal point)"};
            }
            out = v;
            return std::nullopt;
        }
        case CellType::kBool:
            if (text == "true") {
                out = true;
            } else if (text == "false") {
                out = false;
            } else {
                return CellError{column, "'" + text + "' is not true or false"};
            }
            return std::nullopt;
        case CellType::kStringList:
            out = SplitSpaces(text);
            return std::nullopt;
        case CellType::kIntegerList: {
            out = json::array();
            for (const auto& p : SplitSpaces(text)) {
                std::int64_t v = 0;
                if (!ParseInteger(p, v)) {
                    return CellError{column, "'" + p +
                                                 "' is not an integer (a list holds "
                                                 "space-separated integers)"};
                }
                out.push_back(v);
            }
            return std::nullopt;
        }
    }
    return std::nullopt;
}

}  // namespace

std::vector<CsvRow> SplitCsv(const std::string& text, const std::string& path) {
    // The delimiter is decided by the header line.
    const std::string header = text.substr(0, text.find('\n'));
    const char delim =
        header.find(',') == std::string::npos && header.find(';') != std::string::npos ? ';' : ',';
    std::vector<CsvRow> rows;
    CsvRow row;
    std::string cell;
    bool quoted = false;
    bool any = false;
    std::size_t line = 1;
    row.line = 1;
    std::size_t i = 0;
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) i = 3;  // a UTF-8 BOM, as spreadsheets write
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    cell += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n') ++line;
                cell += c;
            }
            continue;
        }
        if (c == '"') {
            quoted = true;
            any = true;
        } else if (c == delim) {
            row.cells.push_back(std::move(cell));
            cell.clear();
            any = true;
        } else if (c == '\n') {
            if (!cell.empty() && cell.back() == '\r') cell.pop_back();
            if (any || !cell.empty()) {
                row.cells.push_back(std::move(cell));
                rows.push_back(std::move(row));
            }
            row = CsvRow{};
            cell.clear();
            any = false;
            ++line;
            row.line = line;
        } else {
            cell += c;
        }
    }
    if (quoted) {
        throw CsvError(path + ":" + std::to_string(row.line) +
                       ": a quoted cell is not closed before the end of the file");
    }
    if (!cell.empty() && cell.back() == '\r') cell.pop_back();
    if (any || !cell.empty()) {
        row.cells.push_back(std::move(cell));
        rows.push_back(std::move(row));
    }
    return rows;
}

bool IsCsv(const std::string& path, const std::string& text) {
    const auto dot = path.find_last_of('.');
    if (dot != std::string::npos) {
        std::string ext = path.substr(dot + 1);
        for (auto& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (ext == "csv") return true;
        if (ext == "json" || ext == "ndjson" || ext == "jsonl") return false;
    }
    const auto first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    return first != std::string::npos && text[first] != '[' && text[first] != '{';
}

std::vector<Record> ReadCsv(const std::string& path, const std::string& text,
                            const std::string& kind, std::vector<std::string>& errors) {
    auto rows = SplitCsv(text, path);
    std::vector<Record> records;
    if (rows.empty()) return records;
    const auto& types = TypesOf(kind);
    const std::vector<std::string> columns = rows.front().cells;
    for (std::size_t c = 0; c < columns.size(); ++c) {
        if (columns[c].empty()) {
            errors.push_back(path + ":1: column " + std::to_string(c + 1) +
                             ": the header is empty");
        }
        for (std::size_t d = 0; d < c; ++d) {
            if (columns[d] == columns[c]) {
                errors.push_back(path + ":1: " + columns[c] + ": the column is named twice");
            }
        }
    }
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const CsvRow& row = rows[r];
        const std::string where = path + ":" + std::to_string(row.line);
        if (row.cells.size() != columns.size()) {
            errors.push_back(where + ": the row has " + std::to_string(row.cells.size()) +
                             " cells, the header " + std::to_string(columns.size()));
            continue;
        }
        json value = json::object();
        for (std::size_t c = 0; c < columns.size(); ++c) {
            if (columns[c].empty()) continue;
            const auto t = types.find(columns[c]);
            const CellType type = t == types.end() ? CellType::kString : t->second;
            // An empty cell leaves the field out, except a list's: that is the empty list.
            const bool list = type == CellType::kStringList || type == CellType::kIntegerList;
            if (row.cells[c].empty() && !list) continue;
            json cell;
            if (auto e = Cell(columns[c], row.cells[c], type, cell)) {
                errors.push_back(where + ": " + e->field + ": " + e->message);
                continue;
            }
            // "a.b.c" -> value["a"]["b"]["c"]
            json* target = &value;
            std::string_view rest = columns[c];
            for (auto dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
                json& next = (*target)[std::string(rest.substr(0, dot))];
                if (!next.is_object()) next = json::object();
                target = &next;
                rest.remove_prefix(dot + 1);
            }
            (*target)[std::string(rest)] = std::move(cell);
        }
        records.push_back({std::move(value), where, true});
    }
    return records;
}

std::string ColumnOf(const std::string& pointer) {
    std::string out;
    for (char c : pointer) {
        if (c == '/') {
            if (!out.empty()) out += '.';
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace bfu::cli
