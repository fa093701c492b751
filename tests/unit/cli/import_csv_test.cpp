// The CSV reader of `bfu import` (bfu/cli/import_csv.hpp): rows, delimiters, quoting, cell types
// and the errors that name file, line and column.
#include "bfu/cli/import_csv.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bfu::cli {
namespace {

using nlohmann::json;

TEST(SplitCsv, QuotedCellsHoldDelimitersQuotesAndLineBreaks) {
    const auto rows = SplitCsv("a,b\r\n\"x,\"\"y\"\"\",\"1\n2\"\r\n\r\nlast,\n", "f.csv");
    ASSERT_EQ(rows.size(), 3U);
    EXPECT_EQ(rows[0].cells, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(rows[1].line, 2U);
    EXPECT_EQ(rows[1].cells, (std::vector<std::string>{"x,\"y\"", "1\n2"}));
    // The quoted line break makes row 2 span two lines; the blank line is skipped.
    EXPECT_EQ(rows[2].line, 5U);
    EXPECT_EQ(rows[2].cells, (std::vector<std::string>{"last", ""}));
}

TEST(SplitCsv, SemicolonsWhenTheHeaderHasNoCommaAndABomIsSkipped) {
    const auto rows = SplitCsv("\xEF\xBB\xBFid;name\nG-1;a,b\n", "f.csv");
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_EQ(rows[0].cells, (std::vector<std::string>{"id", "name"}));
    EXPECT_EQ(rows[1].cells, (std::vector<std::string>{"G-1", "a,b"}));
}

TEST(SplitCsv, AQuotedCellNotClosedNamesTheLine) {
    try {
        (void)SplitCsv("id,name\nKF,\"Kommun\n", "org.csv");
        FAIL() << "no CsvError";
    } catch (const CsvError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "org.csv:2: a quoted cell is not closed before the end of the file");
    }
}

TEST(ReadCsv, CellsBecomeTheirFieldsTypesAndDottedColumnsNest) {
    std::vector<std::string> errors;
    const auto records = ReadCsv("b.csv",
                                 "unit,year,annualOre,profile.months,profile.kind,revision.no\n"
                                 "ENH1,2026,-9223372036854775808,1 2 3,even,\n",
                                 "budget", errors);
    ASSERT_TRUE(errors.empty()) << errors.front();
    ASSERT_EQ(records.size(), 1U);
    EXPECT_EQ(records[0].where, "b.csv:2");
    EXPECT_TRUE(records[0].csv);
    const json want = {{"unit", "ENH1"},
                       {"year", 2026},
                       {"annualOre", INT64_MIN},
                       {"profile", {{"months", {1, 2, 3}}, {"kind", "even"}}}};
    EXPECT_EQ(records[0].value, want);
}

TEST(ReadCsv, BadCellsAndShapesAreErrorsNamingLineAndColumn) {
    std::vector<std::string> errors;
    const auto records = ReadCsv("a.csv",
                                 "number,name,class,active,active\n"
                                 "5011,Lön,5,true\n"
                                 "4010,Material,9223372036854775808,yes,true\n",
                                 "accounts", errors);
    EXPECT_EQ(records.size(), 1U);  // the row with bad cells is still a record, without them
    const std::vector<std::string> want = {
        "a.csv:1: active: the column is named twice",
        "a.csv:2: the row has 4 cells, the header 5",
        "a.csv:3: class: '9223372036854775808' is not an integer",
        "a.csv:3: active: 'yes' is not true or false",
    };
    EXPECT_EQ(errors, want);
}

TEST(IsCsv, ByExtensionElseByTheFirstCharacter) {
    EXPECT_TRUE(IsCsv("x.CSV", "[1]"));
    EXPECT_FALSE(IsCsv("x.json", "a,b"));
    EXPECT_TRUE(IsCsv("x", "\xEF\xBB\xBF a,b"));
    EXPECT_FALSE(IsCsv("x", " \n{\"a\":1}"));
    EXPECT_FALSE(IsCsv("x", ""));
}

TEST(ColumnOf, AJsonPointerIsADottedColumn) {
    EXPECT_EQ(ColumnOf("/manager/email"), "manager.email");
    EXPECT_EQ(ColumnOf(""), "");
}

}  // namespace
}  // namespace bfu::cli
