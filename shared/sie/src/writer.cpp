#include "bfu/sie/writer.hpp"

#include <cstdint>

namespace bfu::sie {

void AppendQuoted(std::string& out, std::string_view text) {
    out += '"';
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        // A line break would end the record; the standard has no escape for it.
        out += (c == '\n' || c == '\r') ? ' ' : c;
    }
    out += '"';
}

void AppendAmount(std::string& out, core::Money amount) {
    const std::int64_t ore = amount.ore();
    // Magnitude in unsigned so that INT64_MIN has one too.
    std::uint64_t mag =
        ore < 0 ? 0 - static_cast<std::uint64_t>(ore) : static_cast<std::uint64_t>(ore);
    if (ore < 0) out += '-';
    out += std::to_string(mag / 100);
    out += '.';
    const std::uint64_t frac = mag % 100;
    out += static_cast<char>('0' + frac / 10);
    out += static_cast<char>('0' + frac % 10);
}

void AppendObjectList(std::string& out, const std::vector<ObjectRef>& objects) {
    out += '{';
    bool first = true;
    for (const ObjectRef& o : objects) {
        if (!first) out += ' ';
        first = false;
        out += std::to_string(o.dimension);
        out += ' ';
        AppendQuoted(out, o.id);
    }
    out += '}';
}

namespace {

void AppendRow(std::string& out, std::string_view label, const VoucherLine& l,
               std::string_view eol) {
    out += label;
    out += ' ';
    out += l.account;
    out += ' ';
    AppendObjectList(out, l.objects);
    out += ' ';
    AppendAmount(out, l.amount);
    out += ' ';
    if (l.date_given) {
        out += l.date.ToSie();
    } else {
        out += "\"\"";
    }
    out += ' ';
    AppendQuoted(out, l.text);
    out += ' ';
    if (l.quantity.empty()) {
        out += "\"\"";
    } else {
        out += l.quantity;
    }
    if (!l.sign.empty()) {
        out += ' ';
        AppendQuoted(out, l.sign);
    }
    out += eol;
}

}  // namespace

void AppendVoucher(std::string& out, const Voucher& v, bool crlf) {
    const std::string_view eol = crlf ? "\r\n" : "\n";
    out += "#VER ";
    AppendQuoted(out, v.series);
    out += ' ';
    AppendQuoted(out, v.number);
    out += ' ';
    out += v.date.ToSie();
    out += ' ';
    AppendQuoted(out, v.text);
    if (v.registered || !v.sign.empty()) {
        out += ' ';
        if (v.registered) {
            out += v.registered->ToSie();
        } else {
            out += "\"\"";
        }
    }
    if (!v.sign.empty()) {
        out += ' ';
        AppendQuoted(out, v.sign);
    }
    out += eol;
    out += '{';
    out += eol;
    for (const VoucherLine& l : v.lines) {
        if (l.kind == LineKind::kAdded) {
            AppendRow(out, "#RTRANS", l, eol);
            VoucherLine copy = l;
            copy.sign.clear();
            AppendRow(out, "#TRANS", copy, eol);
        } else {
            AppendRow(out, "#TRANS", l, eol);
        }
    }
    out += '}';
    out += eol;
}

}  // namespace bfu::sie
