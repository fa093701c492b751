// libFuzzer target for the CSV import of `bfu import org|accounts|budget|goals|hr|goal-outcomes`
// (bfu/cli/import_csv.hpp): the bytes after the first are a CSV file, the first byte picks the
// kind. The rows are split (quoting, delimiters, BOM, CRLF), the cells typed and nested into
// records, and every record is decoded by its contract's decoder, as the command does before
// publishing anything. Invariants: no crash, hang or undefined behaviour; a file that cannot be
// split ends in CsvError naming the file; every record is a JSON object placed at a line of the
// file; every error names the file.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/cli/import_csv.hpp"
#include "bfu/contracts/master.hpp"
#include "bfu/contracts/ops.hpp"

namespace {

const std::string kPath = "fuzz.csv";

template <typename T>
void Decode(const std::vector<bfu::cli::Record>& records) {
    for (const auto& r : records) {
        std::vector<bfu::core::Error> errors;
        auto decoded = T::FromJson(r.value, &errors);
        if (!decoded.ok() && errors.empty() && decoded.error().message.empty()) std::abort();
        for (const auto& e : errors) (void)bfu::cli::ColumnOf(e.field);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    static const std::array<const char*, 6> kKinds = {"org",   "accounts", "budget",
                                                      "goals", "hr",       "goal-outcomes"};
    const std::string kind = kKinds[data[0] % kKinds.size()];
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    (void)bfu::cli::IsCsv("fuzz", text);
    std::vector<std::string> errors;
    std::vector<bfu::cli::Record> records;
    try {
        records = bfu::cli::ReadCsv(kPath, text, kind, errors);
    } catch (const bfu::cli::CsvError& e) {
        if (std::string_view(e.what()).rfind(kPath + ":", 0) != 0) std::abort();
        return 0;
    }
    for (const auto& e : errors) {
        if (e.rfind(kPath + ":", 0) != 0) std::abort();
    }
    for (const auto& r : records) {
        if (!r.value.is_object() || !r.csv || r.where.rfind(kPath + ":", 0) != 0) std::abort();
    }
    switch (data[0] % kKinds.size()) {
        case 0:
            Decode<bfu::contracts::OrgUnit>(records);
            break;
        case 1:
            Decode<bfu::contracts::Account>(records);
            break;
        case 2:
            Decode<bfu::contracts::Budget>(records);
            break;
        case 3:
            Decode<bfu::contracts::Goal>(records);
            break;
        case 4:
            Decode<bfu::contracts::HrFigure>(records);
            break;
        default:
            Decode<bfu::contracts::GoalOutcome>(records);
            break;
    }
    return 0;
}
