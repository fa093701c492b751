// `bfu import org|accounts|budget|goals|hr|goal-outcomes FILE`: master data (and HR figures and
// goal outcomes) from JSON or CSV,
// every record checked by its contract's decoder before anything is published, so a file is
// published whole or not at all. Formats and one example each: docs/import.md.
//
// CSV: the header row names the JSON fields; a nested field is a dotted path
// ("manager.email", "profile.months"); an empty cell leaves the field out (a list field's is the
// empty list). A cell becomes the JSON type its field has (the table below); list fields hold
// space-separated values. The
// delimiter is ',' or, when the header has ';' and no ',', ';' (as Swedish spreadsheets save).
// Quoted cells follow RFC 4180 ("a ""b""", line breaks inside quotes).
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/master.hpp"
#include "bfu/contracts/ops.hpp"
#include "bfu/kafka/producer.hpp"
#include "commands.hpp"

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

// A record read from a file, and where it starts (line in the file; for a JSON array, the
// position in the array).
struct Record {
    json value;
    std::string where;  // "path:line" or "path: record n"
    bool csv = false;
};

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

// Splits CSV text into rows of cells, each row with the line it starts on.
struct CsvRow {
    std::size_t line = 0;
    std::vector<std::string> cells;
};

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
        throw UsageError(path + ":" + std::to_string(row.line) +
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

// Reads CSV records; cell errors go to `errors` with file, line and column.
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

// A JSON pointer of the decoder ("/manager/email") as the CSV column ("manager.email").
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

template <typename T>
int ImportRecords(const std::string& kind, const std::string& path, std::ostream& out,
                  std::ostream& err) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError(path + ": cannot open");
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    std::vector<std::string> errors;
    std::vector<Record> records;
    if (IsCsv(path, text)) {
        records = ReadCsv(path, text, kind, errors);
    } else {
        auto values = ReadRecords(path);
        for (std::size_t i = 0; i < values.size(); ++i) {
            records.push_back({std::move(values[i]), path + ": record " + std::to_string(i + 1)});
        }
    }
    std::vector<T> decoded;
    for (const Record& r : records) {
        std::vector<core::Error> found;
        auto d = T::FromJson(r.value, &found);
        if (!d.ok()) {
            if (found.empty()) found.push_back(d.error());
            for (const auto& e : found) {
                errors.push_back(r.where + ": " + (r.csv ? ColumnOf(e.field) : e.field) + ": " +
                                 e.message);
            }
            continue;
        }
        decoded.push_back(std::move(d).value());
    }
    if (!errors.empty()) {
        for (const auto& e : errors) err << e << "\n";
        err << path << ": " << errors.size() << (errors.size() == 1 ? " error" : " errors")
            << " in " << records.size() << " records; nothing was published\n";
        return 2;
    }
    if (decoded.empty()) {
        err << path << ": no records; nothing was published\n";
        return 2;
    }
    Env env;
    auto producer = kafka::Producer::Create(KafkaFromEnv(env));
    if (!producer.ok()) {
        err << producer.error().ToString() << "\n";
        return 1;
    }
    const std::string topic = Topic(env, T::kTopic);
    core::WallClock clock;
    for (const auto& r : decoded) {
        auto s = (*producer)->Produce(
            topic, r.Key(),
            contracts::EncodeMessage(r,
                                     {contracts::NewEventId(), "bfu/cli", clock.Now(), r.Key()}));
        if (!s.ok()) {
            err << s.error().ToString() << "\n";
            return 1;
        }
    }
    if (auto s = (*producer)->Flush(std::chrono::seconds(30)); !s.ok()) {
        err << s.error().ToString() << "\n";
        return 1;
    }
    out << "published " << decoded.size() << " records from " << path << " to " << topic << "\n";
    return 0;
}

}  // namespace

int ImportMaster(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.size() != 3)
        throw UsageError("try: bfu import org|accounts|budget|goals|hr|goal-outcomes FILE");
    const auto& kind = args[1];
    const auto& path = args[2];
    if (kind == "org") return ImportRecords<contracts::OrgUnit>(kind, path, out, err);
    if (kind == "accounts") return ImportRecords<contracts::Account>(kind, path, out, err);
    if (kind == "budget") return ImportRecords<contracts::Budget>(kind, path, out, err);
    if (kind == "goals") return ImportRecords<contracts::Goal>(kind, path, out, err);
    if (kind == "hr") return ImportRecords<contracts::HrFigure>(kind, path, out, err);
    if (kind == "goal-outcomes") {
        return ImportRecords<contracts::GoalOutcome>(kind, path, out, err);
    }
    throw UsageError("bfu import: unknown kind '" + kind +
                     "' (org, accounts, budget, goals, hr, goal-outcomes, sie)");
}

}  // namespace bfu::cli
