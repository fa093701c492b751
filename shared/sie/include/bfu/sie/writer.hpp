#pragma once
// Writes SIE 4 text (UTF-8; convert with Utf8ToCp437 for a standard PC8 file). Used to
// export, and by the tests and the benchmark to produce input whose parse is known.
#include <string>
#include <string_view>

#include "bfu/core/money.hpp"
#include "bfu/sie/model.hpp"

namespace bfu::sie {

// A quoted field: "..." with " and \ escaped.
void AppendQuoted(std::string& out, std::string_view text);
// "-1234.50".
void AppendAmount(std::string& out, core::Money amount);
// "{1 "100" 6 "P1"}".
void AppendObjectList(std::string& out, const std::vector<ObjectRef>& objects);
// "#VER series number date text [regdate]" and its block with one #TRANS/#RTRANS per row
// (an #RTRANS is followed by its #TRANS copy, as the standard asks). Lines end with "\r\n"
// when crlf, else "\n".
void AppendVoucher(std::string& out, const Voucher& voucher, bool crlf = false);

}  // namespace bfu::sie
