#pragma once
// The CSV reader of `bfu import` (tools/src/cmd_import.cpp): a file's text in, JSON records
// out, one per row, for the contract decoders to check. Pure (no I/O), so it is unit-tested
// (tests/unit/cli) and fuzzed (tests/fuzz/csv_fuzz.cpp) alone.
//
// The header row names the JSON fields; a nested field is a dotted path ("manager.email",
// "profile.months"); an empty cell leaves the field out (a list field's is the empty list). A
// cell becomes the JSON type its field has (TypesOf in import_csv.cpp); list fields hold
// space-separated values. The delimiter is ',' or, when the header has ';' and no ',', ';' (as
// Swedish spreadsheets save). Quoted cells follow RFC 4180 ("a ""b""", line breaks inside
// quotes); a UTF-8 byte order mark is skipped; CRLF line ends are accepted.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace bfu::cli {

// A file that cannot be read as CSV at all (a quoted cell not closed): "path:line: why".
class CsvError : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A record read from a file, and where it starts (line in the file; for a JSON array, the
// position in the array).
struct Record {
    nlohmann::json value;
    std::string where;  // "path:line" or "path: record n"
    bool csv = false;
};

// One row of cells, with the line it starts on (a quoted line break makes a row span lines).
struct CsvRow {
    std::size_t line = 0;
    std::vector<std::string> cells;
};

// Splits CSV text into rows; blank lines are skipped. Throws CsvError for a quoted cell that is
// not closed before the end of the text.
[[nodiscard]] std::vector<CsvRow> SplitCsv(const std::string& text, const std::string& path);

// Whether a file is CSV: by its extension (.csv; .json, .ndjson, .jsonl are not), else by its
// first non-blank character (not '[' or '{').
[[nodiscard]] bool IsCsv(const std::string& path, const std::string& text);

// Reads the records of `kind` (org, accounts, budget, goals, hr, goal-outcomes; any other is a
// programming error and throws std::out_of_range). Header and cell errors go to `errors` as
// "path:line: column: message" and the row is left out; a quoted cell not closed throws
// CsvError.
[[nodiscard]] std::vector<Record> ReadCsv(const std::string& path, const std::string& text,
                                          const std::string& kind,
                                          std::vector<std::string>& errors);

// A JSON pointer of the decoder ("/manager/email") as the CSV column ("manager.email").
[[nodiscard]] std::string ColumnOf(const std::string& pointer);

}  // namespace bfu::cli
