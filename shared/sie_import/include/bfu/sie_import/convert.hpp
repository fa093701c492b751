#pragma once
// An SIE file as bfu messages (pure: no I/O).
//
//   - every accepted #VER becomes one contracts::Voucher, the JSON an ERP sends to
//     bfu.erp.vouchers, so SIE vouchers meet exactly the checks of every other way in;
//   - every voucher the parser rejected becomes a contracts::RejectedVoucher with the #VER
//     block's own text as the original payload and Origin::File(path, #VER line);
//   - #PBUDGET rows become contracts::Budget messages for bfu.master.budget.
//
// Mapping (docs/sie-import.md, "From SIE to bfu messages"):
//   source      "sie-" + #ORGNR, else the company name (#FNAMN), else the file name, reduced to
//               an id (letters, digits, '.', '_', '-'; å ä → a, ö → o); ':' is not allowed in a
//               source, which is half of the "source:voucherId" key;
//   voucherId   "<fiscal year start YYYYMMDD>-<series>-<number>", with ".2", ".3", ... when
//               the file repeats the key (BL writes every depreciation voucher as "# 1"), so it
//               is unique in the file and the same on every import of the same file: ingest's
//               duplicate detection then recognises a re-import. Bytes outside letters, digits,
//               '.', '_', '-' are written as '_' and two hex digits ("#" -> "_23"), so that ids
//               and keys built from it stay valid. A voucher without a number (4I) uses
//               "L<#VER line>" as number. Outside every #RAR year: the date's year;
//   line unit   the row's dimension-1 object (cost centre), else ConvertOptions::default_unit;
//               a row with neither rejects its voucher (missing_unit);
//   project     the dimension-6 object; other dimensions are kept in dims as "dim<n>";
//   transDate   the row's transdat, defaulting to the voucher date;
//   #RTRANS     counted once (the parser drops its #TRANS copy); #BTRANS ignored.
//
// Thread-safety: pure functions over values.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/master.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/sie/model.hpp"

namespace bfu::sie_import {

struct ConvertOptions {
    // The unit of rows that carry no dimension-1 object (e.g. bank and VAT rows); empty: such
    // a row rejects its voucher.
    std::string default_unit;
    // Replaces the derived source when not empty (must be an id: no ':').
    std::string source;
    // The path recorded in each voucher's origin (the file as the operator named it).
    std::string path;
    // Budget revision for #PBUDGET rows: the decision reference ("KF § 12/2026") the budget
    // schema requires, the revision number, and its date (YYYY-MM-DD; empty = #GEN, else
    // budget_fallback_date). Without a reference the budgets are built but not publishable.
    std::string budget_ref;
    std::int64_t budget_revision = 0;
    std::string budget_date;
    std::string budget_fallback_date;
};

// One reason a voucher or budget row could not be converted.
struct ConvertIssue {
    std::string code;        // missing_unit, ambiguous_object, schema, no_account_group,
                             // fiscal_year_not_calendar, bad_unit
    std::uint32_t line = 0;  // the SIE line the reason is about
    std::string field;
    std::string message;
};

struct ConvertedVoucher {
    contracts::Voucher voucher;
    contracts::Origin origin;  // File(path, #VER line)
};

// A voucher of the file that will not reach bfu.erp.vouchers: rejected by the parser
// (unbalanced, bad amount, ...) or by the conversion (no unit, ...).
struct RejectedSieVoucher {
    std::string voucher_id;  // as it would have been
    std::string key;         // SIE series-number
    std::uint32_t line = 0;  // the #VER line
    std::uint32_t end_line = 0;
    std::vector<ConvertIssue> reasons;
    contracts::RejectedVoucher message;  // for bfu.ledger.rejected
};

struct BudgetIssue {
    std::uint32_t line = 0;  // the #PBUDGET row
    ConvertIssue reason;
};

struct Conversion {
    std::string source;
    std::vector<ConvertedVoucher> vouchers;
    std::vector<RejectedSieVoucher> rejected;  // parser rejects and conversion rejects
    std::uint64_t lines = 0;                   // lines of the converted vouchers
    std::vector<contracts::Budget> budgets;    // one per calendar year, unit, account group
    std::vector<BudgetIssue> budget_rejected;  // #PBUDGET rows that could not be mapped
    bool budget_publishable = false;           // a valid budget reference was given
};

// "sie-<orgnr | company | file>" as described above.
[[nodiscard]] std::string SourceFor(const sie::FileInfo& info);

// The voucherIds of the file's accepted vouchers, in order (occurrence suffixes applied).
// `bytes` is the file as read (for the rejected vouchers' original text); may be empty.
[[nodiscard]] Conversion Convert(const sie::SieFile& file, std::string_view bytes,
                                 const ConvertOptions& options, core::TimePoint now);

// Lines first..last (1-based, inclusive) of bytes, as written.
[[nodiscard]] std::string_view SourceLines(std::string_view bytes, std::uint32_t first,
                                           std::uint32_t last);

}  // namespace bfu::sie_import
