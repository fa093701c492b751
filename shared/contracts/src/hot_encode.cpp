#include "bfu/contracts/hot_encode.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <string_view>

namespace bfu::contracts {
namespace {

// Appends compact JSON the way nlohmann::json::dump(-1, ' ', false, replace) writes it. The
// caller writes object keys in std::map order (byte-wise), which is the order nlohmann keeps.
class JsonText {
public:
    explicit JsonText(std::size_t reserve) { out_.reserve(reserve); }

    void BeginObject() {
        Separate();
        out_.push_back('{');
        first_ = true;
    }
    void EndObject() {
        out_.push_back('}');
        first_ = false;
    }
    void BeginArray() {
        Separate();
        out_.push_back('[');
        first_ = true;
    }
    void EndArray() {
        out_.push_back(']');
        first_ = false;
    }
    void Key(std::string_view key) {
        Separate();
        out_.push_back('"');
        out_.append(key);  // keys here are fixed ASCII names
        out_.append("\":");
        first_ = true;  // the value that follows takes no comma
    }
    void String(std::string_view s) {
        Separate();
        out_.push_back('"');
        Escaped(s);
        out_.push_back('"');
    }
    void Int(std::int64_t v) {
        Separate();
        std::array<char, 24> buf{};
        const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
        out_.append(buf.data(), r.ptr);
    }
    void Bool(bool v) {
        Separate();
        out_.append(v ? "true" : "false");
    }
    // Floating point numbers are rare on these messages: nlohmann's own shortest form.
    void Double(double v) {
        Separate();
        out_.append(nlohmann::json(v).dump());
    }

    // False when a string was not valid UTF-8: the text differs from nlohmann's replacement.
    [[nodiscard]] bool valid() const { return valid_; }
    [[nodiscard]] std::string Take() { return std::move(out_); }

private:
    void Separate() {
        if (!first_) out_.push_back(',');
        first_ = false;
    }

    void Escaped(std::string_view s) {
        std::size_t i = 0;
        while (i < s.size()) {
            // Copy the run of bytes that need no escape in one go.
            std::size_t run = i;
            while (run < s.size() && Plain(static_cast<unsigned char>(s[run]))) ++run;
            out_.append(s.data() + i, run - i);
            i = run;
            if (i == s.size()) break;
            const auto c = static_cast<unsigned char>(s[i]);
            if (c >= 0x80U) {
                const std::size_t n = Utf8Length(s.substr(i));
                if (n == 0) {
                    valid_ = false;
                    return;
                }
                out_.append(s.substr(i, n));
                i += n;
                continue;
            }
            EscapeAscii(c);
            ++i;
        }
    }

    static bool Plain(unsigned char c) { return c >= 0x20U && c < 0x80U && c != '"' && c != '\\'; }

    void EscapeAscii(unsigned char c) {
        switch (c) {
            case '"':
                out_.append("\\\"");
                break;
            case '\\':
                out_.append("\\\\");
                break;
            case '\b':
                out_.append("\\b");
                break;
            case '\f':
                out_.append("\\f");
                break;
            case '\n':
                out_.append("\\n");
                break;
            case '\r':
                out_.append("\\r");
                break;
            case '\t':
                out_.append("\\t");
                break;
            default: {
                static constexpr std::string_view kHex = "0123456789abcdef";
                out_.append("\\u00");
                out_.push_back(kHex[c >> 4U]);
                out_.push_back(kHex[c & 0xFU]);
            }
        }
    }

    // Bytes in the well-formed UTF-8 sequence that starts s (RFC 3629: no overlong forms, no
    // surrogates, nothing above U+10FFFF), or 0.
    static std::size_t Utf8Length(std::string_view s) {
        const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
        const auto cont = [&](std::size_t k) { return k < s.size() && (b(k) & 0xC0U) == 0x80U; };
        const unsigned char c = b(0);
        if (c >= 0xC2U && c <= 0xDFU) return cont(1) ? 2 : 0;
        if (c >= 0xE0U && c <= 0xEFU) {
            if (!cont(1) || !cont(2)) return 0;
            if (c == 0xE0U && b(1) < 0xA0U) return 0;   // overlong
            if (c == 0xEDU && b(1) >= 0xA0U) return 0;  // surrogate
            return 3;
        }
        if (c >= 0xF0U && c <= 0xF4U) {
            if (!cont(1) || !cont(2) || !cont(3)) return 0;
            if (c == 0xF0U && b(1) < 0x90U) return 0;   // overlong
            if (c == 0xF4U && b(1) >= 0x90U) return 0;  // above U+10FFFF
            return 4;
        }
        return 0;
    }

    std::string out_;
    bool first_ = true;
    bool valid_ = true;
};

// The messages of one voucher share their time: format it once (strftime showed in profiles).
const std::string& TimeText(core::TimePoint t) {
    thread_local core::TimePoint last{};
    thread_local std::string text = core::ToRfc3339(last);
    if (t != last) {
        last = t;
        text = core::ToRfc3339(t);
    }
    return text;
}

// The envelope around a data object that `write_data` writes; keys in sorted order.
template <typename T, typename WriteData>
std::string EnvelopeText(const EventMeta& meta, std::size_t reserve, WriteData write_data) {
    JsonText w(reserve);
    w.BeginObject();
    w.Key("data");
    write_data(w);
    w.Key("datacontenttype");
    w.String(kDataContentType);
    w.Key("id");
    w.String(meta.id);
    w.Key("schemaversion");
    w.Int(T::kSchemaVersion);
    w.Key("source");
    w.String(meta.source);
    w.Key("specversion");
    w.String(kSpecVersion);
    if (!meta.subject.empty()) {
        w.Key("subject");
        w.String(meta.subject);
    }
    w.Key("time");
    w.String(TimeText(meta.time));
    w.Key("type");
    w.String(T::kType);
    w.EndObject();
    return w.valid() ? w.Take() : std::string{};
}

void WriteOrigin(JsonText& w, const Origin& o) {
    w.BeginObject();
    switch (o.kind) {
        case OriginKind::kKafka:
            w.Key("kind");
            w.String(ToString(o.kind));
            w.Key("offset");
            w.Int(o.offset);
            w.Key("partition");
            w.Int(o.partition);
            w.Key("topic");
            w.String(o.topic);
            break;
        case OriginKind::kHttp:
            w.Key("kind");
            w.String(ToString(o.kind));
            w.Key("requestId");
            w.String(o.request_id);
            break;
        case OriginKind::kFile:
            w.Key("file");
            w.String(o.file);
            w.Key("kind");
            w.String(ToString(o.kind));
            w.Key("line");
            w.Int(o.file_line);
            break;
    }
    w.EndObject();
}

void WriteLine(JsonText& w, const LedgerLine& l) {
    w.BeginObject();
    w.Key("account");
    w.String(l.account.value());
    w.Key("accountClass");
    w.Int(l.account_class);
    w.Key("accountGroup");
    w.String(l.account_group);
    if (l.accrual) {
        w.Key("accrual");
        w.Bool(*l.accrual);
    }
    if (l.accrual_period) {
        w.Key("accrualPeriod");
        w.String(*l.accrual_period);
    }
    w.Key("amountOre");
    w.Int(l.amount_ore);
    if (!l.dims.empty()) {
        w.Key("dims");
        w.BeginObject();
        for (const auto& [name, value] : l.dims) {
            w.Key(name);
            w.String(value);
        }
        w.EndObject();
    }
    w.Key("fiscalYear");
    w.Int(l.fiscal_year);
    w.Key("isInvestment");
    w.Bool(l.is_investment);
    w.Key("isOperating");
    w.Bool(l.is_operating);
    w.Key("lineCount");
    w.Int(l.line_count);
    w.Key("lineNo");
    w.Int(l.line_no);
    w.Key("period");
    w.String(l.period);
    if (l.project) {
        w.Key("project");
        w.String(*l.project);
    }
    if (l.quantity) {
        w.Key("quantity");
        w.Double(*l.quantity);
    }
    if (l.text) {
        w.Key("text");
        w.String(*l.text);
    }
    if (l.trans_date) {
        w.Key("transDate");
        w.String(*l.trans_date);
    }
    w.Key("unit");
    w.String(l.unit.value());
    w.Key("voucher");
    w.BeginObject();
    w.Key("date");
    w.String(l.voucher.date);
    if (l.voucher.series) {
        w.Key("series");
        w.String(*l.voucher.series);
    }
    w.Key("source");
    w.String(l.voucher.source.value());
    w.Key("voucherId");
    w.String(l.voucher.voucher_id.value());
    w.EndObject();
    w.EndObject();
}

void WriteDecision(JsonText& w, const IngestDecision& d) {
    w.BeginObject();
    w.Key("decidedAt");
    w.String(d.decided_at);
    if (d.first_origin) {
        w.Key("firstOrigin");
        WriteOrigin(w, *d.first_origin);
    }
    w.Key("grossOre");
    w.Int(d.gross_ore);
    w.Key("lineCount");
    w.Int(d.line_count);
    w.Key("origin");
    WriteOrigin(w, d.origin);
    w.Key("reasons");
    w.BeginArray();
    for (const auto& code : d.reasons) w.String(code);
    w.EndArray();
    w.Key("result");
    w.String(ToString(d.result));
    if (d.source) {
        w.Key("source");
        w.String(d.source->value());
    }
    if (d.voucher_id) {
        w.Key("voucherId");
        w.String(d.voucher_id->value());
    }
    w.Key("way");
    w.String(ToString(d.way));
    w.EndObject();
}

}  // namespace

std::string EncodeLedgerLine(const LedgerLine& line, const EventMeta& meta) {
    std::string text =
        EnvelopeText<LedgerLine>(meta, 640, [&](JsonText& w) { WriteLine(w, line); });
    return text.empty() ? EncodeMessage(line, meta) : text;
}

std::string EncodeIngestDecision(const IngestDecision& decision, const EventMeta& meta) {
    std::string text =
        EnvelopeText<IngestDecision>(meta, 512, [&](JsonText& w) { WriteDecision(w, decision); });
    return text.empty() ? EncodeMessage(decision, meta) : text;
}

}  // namespace bfu::contracts
