#pragma once
// The SIE 4 parser: bytes in, a SieFile out. Pure (no I/O) except the ParseFile convenience.
//
// A broken file never aborts the parse. File-level problems become SieFile::issues (file, line,
// field, message); a broken voucher becomes a RejectedVoucher with every reason and parsing
// goes on after it, so each #VER ends up either in vouchers or in rejected, never lost:
// stats.ver_records == vouchers + rejected (plus the streamed ones, see voucher_sink).
//
// What the standard asks of a reader, and what this one does:
//   - unknown labels and extra fields are ignored (counted in stats.unknown_records);
//   - #RTRANS is a row added after registration and is followed by a #TRANS copy for readers
//     that do not know #RTRANS: the row counts once (the copy is recognised by account,
//     objects and amount; its transdat and text, which older readers would book, are kept);
//   - #BTRANS is a removed row: ignored (counted in Voucher::removed_rows);
//   - #KSUMMA: when the file opens with it, CRC-32 over every record up to the closing one is
//     checked; the bytes are each record's label and field contents in the file's own
//     encoding, without separators, quotes, braces and line ends (see crc32.hpp and
//     docs/sie-import.md).
// A voucher is rejected when its header or a row cannot be read (bad date, account, amount,
// object list), its block is not closed, or its rows do not sum to zero.
//
// Resources: time and memory are linear in the input; no recursion; issues are capped.
//
// Thread-safety: Parse is reentrant; share nothing mutable between calls.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "bfu/core/result.hpp"
#include "bfu/sie/model.hpp"

namespace bfu::sie {

struct ParseOptions {
    // Overrides the encoding detection (e.g. an operator who knows the ERP writes Latin-1).
    std::optional<Encoding> encoding;
    // Overrides the 4E/4I decision made from the file name (".si" -> 4I).
    std::optional<FileKind> kind;
    // Streaming: when set, each accepted voucher is shown here as soon as its block closes,
    // instead of being kept in SieFile::vouchers, so memory stays bounded by the largest
    // voucher. The reference is valid during the call only (the parser reuses the voucher's
    // storage for the next one: no allocation per row); copy what must outlive it. `so_far` is
    // the file as read up to this voucher: its header (#RAR fiscal years, #KONTO, #DIM, ...
    // which the standard places before the vouchers), e.g. to build an Outcomes. Rejected
    // vouchers are always kept in SieFile::rejected.
    std::function<void(const Voucher& voucher, const SieFile& so_far)> voucher_sink;
    // At most this many issues are kept (file-level plus voucher reasons); the rest are
    // counted in stats.issues_dropped. Hostile input cannot grow memory through issues.
    std::size_t max_issues = 10000;
};

[[nodiscard]] SieFile Parse(std::string_view bytes, std::string_view file_name,
                            const ParseOptions& options = {});

// Reads the whole file and parses it; an unreadable file is kNotFound/kUnavailable.
[[nodiscard]] core::Result<SieFile> ParseFile(const std::string& path,
                                              const ParseOptions& options = {});

}  // namespace bfu::sie
