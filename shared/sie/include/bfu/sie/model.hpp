#pragma once
// The parsed content of one SIE 4 file (4E export or 4I import), as plain values.
//
// Every string is UTF-8 (converted from the file's character set, see encoding.hpp); amounts
// are integer öre (bfu::core::Money); dates are checked calendar dates. A SieFile owns all its
// data (nothing points into the input buffer), so the buffer may be freed after parsing.
//
// Thread-safety: plain values; share const, copy to mutate.
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/core/money.hpp"

namespace bfu::sie {

// A calendar date as SIE writes it (YYYYMMDD). Only valid dates are ever stored in the model.
struct Date {
    std::int32_t year = 0;
    std::int32_t month = 0;
    std::int32_t day = 0;

    // "20240131" -> 2024-01-31; nullopt unless exactly eight digits forming a real date.
    [[nodiscard]] static std::optional<Date> Parse(std::string_view yyyymmdd);
    // ISO 8601, "2024-01-31".
    [[nodiscard]] std::string ToString() const;
    // The SIE form, "20240131".
    [[nodiscard]] std::string ToSie() const;
    // Spelled out rather than defaulted: clang-tidy 14 misreads the defaulted form's
    // comparison with the literal 0 as a null pointer (modernize-use-nullptr).
    friend constexpr std::strong_ordering operator<=>(const Date& a, const Date& b) {
        if (const auto c = a.year <=> b.year; std::is_neq(c)) return c;
        if (const auto c = a.month <=> b.month; std::is_neq(c)) return c;
        return a.day <=> b.day;
    }
    friend constexpr bool operator==(const Date&, const Date&) = default;
};

// A calendar month, the period of SIE's #PSALDO/#PBUDGET (YYYYMM) and of bfu's outcome.
struct Period {
    std::int32_t year = 0;
    std::int32_t month = 0;

    [[nodiscard]] static Period Of(Date d) { return {d.year, d.month}; }
    // "202401" -> 2024-01; nullopt unless six digits with a month 01..12.
    [[nodiscard]] static std::optional<Period> Parse(std::string_view yyyymm);
    // "2024-01".
    [[nodiscard]] std::string ToString() const;
    friend constexpr std::strong_ordering operator<=>(const Period& a, const Period& b) {
        if (const auto c = a.year <=> b.year; std::is_neq(c)) return c;
        return a.month <=> b.month;
    }
    friend constexpr bool operator==(const Period&, const Period&) = default;
};

// One entry of an object list: {dimension object}. Dimension 1 is the cost centre
// (kostnadsställe), which bfu treats as the unit; 6 is project; see dimensions below.
struct ObjectRef {
    std::int32_t dimension = 0;
    std::string id;
    friend std::strong_ordering operator<=>(const ObjectRef& a, const ObjectRef& b) {
        if (const auto c = a.dimension <=> b.dimension; std::is_neq(c)) return c;
        return a.id.compare(b.id) <=> 0;
    }
    friend bool operator==(const ObjectRef&, const ObjectRef&) = default;
};

inline constexpr std::int32_t kCostCentreDimension = 1;

enum class Severity { kWarning, kError };

// One finding: where (file, 1-based line, field name) and what. Codes are stable strings that
// scripts may match on (docs/sie-import.md lists them).
struct Issue {
    Severity severity = Severity::kError;
    std::string code;
    std::string file;
    std::uint32_t line = 0;
    std::string field;
    std::string message;

    // "file:line: field: message" (field omitted when empty).
    [[nodiscard]] std::string ToString() const;
};

enum class LineKind {
    kTrans,  // #TRANS
    kAdded,  // #RTRANS: a row added after registration (its #TRANS copy is not counted again)
};

// One voucher row (#TRANS / #RTRANS).
struct VoucherLine {
    std::string account;
    std::vector<ObjectRef> objects;
    core::Money amount;
    Date date;                // transdat, or the voucher date when the row has none
    bool date_given = false;  // whether the file wrote a transdat on the row
    std::string text;
    std::string quantity;  // exact decimal text as written; empty when absent
    std::string sign;
    LineKind kind = LineKind::kTrans;
    std::uint32_t source_line = 0;

    // The object in dimension 1 (cost centre = unit), or empty.
    [[nodiscard]] std::string_view CostCentre() const;
    bool operator==(const VoucherLine&) const = default;
};

// One #VER with its block.
struct Voucher {
    std::string series;
    std::string number;  // may be empty in 4I files: the receiving system numbers them
    Date date;
    std::string text;
    std::optional<Date> registered;  // regdatum
    std::string sign;
    std::vector<VoucherLine> lines;
    std::uint32_t removed_rows = 0;  // #BTRANS rows, ignored as the standard says
    std::uint32_t source_line = 0;   // the #VER line
    std::uint32_t end_line = 0;      // the closing '}' (or where the block was cut off)

    // "series-number" (e.g. "A-12"); "series@line" when the file gives no number.
    [[nodiscard]] std::string Key() const;
    bool operator==(const Voucher&) const = default;
};

// A voucher that could not be taken: what was read of it and every reason.
struct RejectedVoucher {
    Voucher voucher;
    std::vector<Issue> reasons;
};

struct FiscalYear {
    std::int32_t index = 0;  // 0 = the current year, -1 the one before, ...
    Date start;
    Date end;
};

struct Account {
    std::string number;
    std::string name;
    std::string type;  // #KTYP: T (asset), S (liability/equity), K (cost), I (income); or ""
    std::string unit;  // #ENHET, quantity unit
    std::string sru;   // #SRU tax code
    std::uint32_t source_line = 0;
};

// Whether an account is a balance-sheet account (tillgång/skuld) or a result account
// (kostnad/intäkt): #KTYP when given, else the BAS convention (1-2 balance, 3-8 result).
enum class AccountClass { kBalance, kResult, kOther };
[[nodiscard]] AccountClass ClassOf(std::string_view account_number, std::string_view ktyp);

struct Dimension {
    std::int32_t number = 0;
    std::string name;
    std::int32_t parent = 0;  // #UNDERDIM's superdimension; 0 for a #DIM
};

struct Object {
    std::int32_t dimension = 0;
    std::string id;
    std::string name;
};

enum class BalanceKind { kIb, kUb, kOib, kOub, kRes, kPsaldo };
[[nodiscard]] std::string_view ToString(BalanceKind k);

// A balance the exporter computed: #IB/#UB/#RES (year, account), #OIB/#OUB (with an object),
// #PSALDO (with a period, and an object list that may be empty).
struct Balance {
    BalanceKind kind = BalanceKind::kIb;
    std::int32_t year = 0;
    std::optional<Period> period;
    std::string account;
    std::vector<ObjectRef> objects;
    core::Money amount;
    std::string quantity;
    std::uint32_t source_line = 0;
};

// #PBUDGET: the budget of an account (and object) for one period.
struct BudgetRow {
    std::int32_t year = 0;
    Period period;
    std::string account;
    std::vector<ObjectRef> objects;
    core::Money amount;
    std::string quantity;
    std::uint32_t source_line = 0;
};

enum class Encoding { kAscii, kUtf8, kCp437, kLatin1 };

// SIE 4E (export, with balances) or 4I (import file: vouchers only). Both say "#SIETYP 4";
// the standard tells them apart by the file name (.SE vs .SI).
enum class FileKind { k4E, k4I };

struct Checksum {
    bool closed = false;         // a closing "#KSUMMA n" was found
    std::uint32_t declared = 0;  // the closing record's value (as unsigned 32 bits)
    std::uint32_t computed = 0;  // CRC-32 over the records between the two #KSUMMA
    bool ok = false;
    std::uint32_t source_line = 0;  // the closing record
};

struct FileInfo {
    std::string file_name;
    Encoding encoding = Encoding::kAscii;
    FileKind kind = FileKind::k4E;
    std::string declared_format;  // #FORMAT, e.g. "PC8"
    std::string flag;             // #FLAGGA
    std::string program;
    std::string program_version;
    std::optional<Date> generated;  // #GEN
    std::string generated_by;
    std::string sie_type;  // #SIETYP
    std::string company_name;
    std::string org_number;
    std::string company_id;             // #FNR
    std::string chart_type;             // #KPTYP
    std::string currency;               // #VALUTA
    std::string tax_year;               // #TAXAR
    std::optional<Date> covered_until;  // #OMFATTN
};

struct ParseStats {
    std::uint64_t bytes = 0;
    std::uint32_t lines = 0;
    std::uint32_t ver_records = 0;        // every #VER: == vouchers + vouchers_streamed + rejected
    std::uint64_t vouchers_streamed = 0;  // accepted vouchers handed to a voucher_sink
    std::uint64_t trans_records = 0;      // #TRANS records read (including #RTRANS copies)
    std::uint64_t rtrans_records = 0;     // #RTRANS records
    std::uint64_t rtrans_copies = 0;      // #TRANS copies of an #RTRANS, not counted again
    std::uint64_t btrans_records = 0;     // #BTRANS records, ignored
    std::uint64_t unknown_records = 0;
    std::uint64_t issues_dropped = 0;  // issues beyond ParseOptions::max_issues
};

struct SieFile {
    FileInfo info;
    std::vector<FiscalYear> fiscal_years;
    std::vector<Account> accounts;  // in file order, one per number
    std::vector<Dimension> dimensions;
    std::vector<Object> objects;
    std::vector<Voucher> vouchers;  // well-formed and balanced; empty in streaming mode
    std::vector<RejectedVoucher> rejected;
    std::vector<BudgetRow> budget;
    std::vector<Balance> balances;
    std::optional<Checksum> checksum;  // present when the file opens with #KSUMMA
    std::vector<Issue> issues;         // file-level findings (not voucher reasons)
    ParseStats stats;

    [[nodiscard]] const Account* FindAccount(std::string_view number) const;
    [[nodiscard]] const FiscalYear* FindFiscalYear(std::int32_t index) const;
    // The #RAR index whose range holds d, if any.
    [[nodiscard]] std::optional<std::int32_t> FiscalYearOf(Date d) const;
    // Whether any issue is an error (warnings do not count) or any voucher was rejected.
    [[nodiscard]] bool HasErrors() const;
};

}  // namespace bfu::sie
