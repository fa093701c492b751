#pragma once
// Character sets of SIE files. The standard prescribes PC8 (IBM code page 437) and says so with
// "#FORMAT PC8", but real exports are often UTF-8 or Latin-1 while still declaring PC8. The
// parser lexes the raw bytes (every SIE delimiter is ASCII, and none of these encodings uses
// ASCII bytes inside a multi-byte or high character) and converts only the text it keeps.
//
// Detection, in order:
//   1. a UTF-8 byte-order mark, or bytes that are valid UTF-8 with at least one non-ASCII
//      character -> UTF-8;
//   2. only ASCII bytes -> ASCII (every reading agrees);
//   3. otherwise count the bytes that are Swedish letters (å ä ö Å Ä Ö é ü Ü) in CP437 and in
//      Latin-1. The two sets do not overlap, and each set's bytes are unlikely in the other
//      encoding (CP437's are C1 control codes in Latin-1; Latin-1's are box drawing and Greek
//      in CP437), so the larger count wins. A tie (e.g. no Swedish letters at all) goes to the
//      declaration: CP437, which is what "#FORMAT PC8" and the absence of #FORMAT both mean.
// Latin-1 is decoded as Windows-1252 in 0x80-0x9F (e.g. 0x80 = €), as Windows exporters write.
#include <cstddef>
#include <string>
#include <string_view>

#include "bfu/sie/model.hpp"

namespace bfu::sie {

struct EncodingGuess {
    Encoding encoding = Encoding::kAscii;
    std::size_t bom_length = 0;  // bytes of a UTF-8 BOM to skip
    std::size_t cp437_letters = 0;
    std::size_t latin1_letters = 0;
};

[[nodiscard]] EncodingGuess DetectEncoding(std::string_view bytes);
[[nodiscard]] bool IsValidUtf8(std::string_view bytes);
// "ascii", "utf-8", "cp437", "latin-1".
[[nodiscard]] std::string_view ToString(Encoding e);

// Appends text (in encoding e) to out as UTF-8. ASCII and UTF-8 are copied unchanged.
void AppendUtf8(std::string& out, std::string_view text, Encoding e);
[[nodiscard]] std::string ToUtf8(std::string_view text, Encoding e);
// UTF-8 -> CP437 for writing standard PC8 files; characters CP437 lacks become '?'.
[[nodiscard]] std::string Utf8ToCp437(std::string_view utf8);

}  // namespace bfu::sie
