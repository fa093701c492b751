#include "bfu/sie/encoding.hpp"

#include <array>
#include <cstdint>
#include <cstring>

namespace bfu::sie {
namespace {

// CP437 0x80-0xFF as Unicode code points.
constexpr std::array<std::uint16_t, 128> kCp437High = {
    0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7, 0x00EA, 0x00EB, 0x00E8, 0x00EF,
    0x00EE, 0x00EC, 0x00C4, 0x00C5, 0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9,
    0x00FF, 0x00D6, 0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192, 0x00E1, 0x00ED, 0x00F3, 0x00FA,
    0x00F1, 0x00D1, 0x00AA, 0x00BA, 0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557,
    0x255D, 0x255C, 0x255B, 0x2510, 0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F,
    0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567, 0x2568, 0x2564, 0x2565, 0x2559,
    0x2558, 0x2552, 0x2553, 0x256B, 0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,
    0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4, 0x03A6, 0x0398, 0x03A9, 0x03B4,
    0x221E, 0x03C6, 0x03B5, 0x2229, 0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248,
    0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0,
};

// Windows-1252 0x80-0x9F (undefined positions keep their C1 code point).
constexpr std::array<std::uint16_t, 32> kCp1252High = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

// å ä ö Å Ä Ö é É ü Ü in each encoding.
constexpr std::array<unsigned char, 10> kCp437Letters = {0x86, 0x84, 0x94, 0x8F, 0x8E,
                                                         0x99, 0x82, 0x90, 0x81, 0x9A};
constexpr std::array<unsigned char, 10> kLatin1Letters = {0xE5, 0xE4, 0xF6, 0xC5, 0xC4,
                                                          0xD6, 0xE9, 0xC9, 0xFC, 0xDC};

constexpr std::array<bool, 256> MakeSet(const std::array<unsigned char, 10>& letters) {
    std::array<bool, 256> set{};
    for (unsigned char c : letters) set[c] = true;
    return set;
}
constexpr std::array<bool, 256> kIsCp437Letter = MakeSet(kCp437Letters);
constexpr std::array<bool, 256> kIsLatin1Letter = MakeSet(kLatin1Letters);

void AppendCodePoint(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

bool HasHighByte(std::string_view text) {
    for (char c : text) {
        if (static_cast<unsigned char>(c) >= 0x80) return true;
    }
    return false;
}

}  // namespace

bool IsValidUtf8(std::string_view bytes) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const unsigned char* end = p + bytes.size();
    while (p < end) {
        // ASCII runs dominate SIE files: skip eight bytes at a time.
        while (end - p >= 8) {
            std::uint64_t word;
            std::memcpy(&word, p, 8);
            if (word & 0x8080808080808080ull) break;
            p += 8;
        }
        if (p >= end) break;
        const unsigned char c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        std::size_t len;
        std::uint32_t min;
        std::uint32_t cp;
        if ((c & 0xE0) == 0xC0) {
            len = 2, min = 0x80, cp = c & 0x1Fu;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, min = 0x800, cp = c & 0x0Fu;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, min = 0x10000, cp = c & 0x07u;
        } else {
            return false;
        }
        if (static_cast<std::size_t>(end - p) < len) return false;
        for (std::size_t i = 1; i < len; ++i) {
            if ((p[i] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (p[i] & 0x3Fu);
        }
        // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        p += len;
    }
    return true;
}

EncodingGuess DetectEncoding(std::string_view bytes) {
    EncodingGuess g;
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") {
        g.encoding = Encoding::kUtf8;
        g.bom_length = 3;
        return g;
    }
    if (!HasHighByte(bytes)) {
        g.encoding = Encoding::kAscii;
        return g;
    }
    if (IsValidUtf8(bytes)) {
        g.encoding = Encoding::kUtf8;
        return g;
    }
    for (char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        if (kIsCp437Letter[c]) ++g.cp437_letters;
        if (kIsLatin1Letter[c]) ++g.latin1_letters;
    }
    g.encoding = g.latin1_letters > g.cp437_letters ? Encoding::kLatin1 : Encoding::kCp437;
    return g;
}

std::string_view ToString(Encoding e) {
    switch (e) {
        case Encoding::kAscii:
            return "ascii";
        case Encoding::kUtf8:
            return "utf-8";
        case Encoding::kCp437:
            return "cp437";
        case Encoding::kLatin1:
            return "latin-1";
    }
    return "unknown";
}

void AppendUtf8(std::string& out, std::string_view text, Encoding e) {
    if (e == Encoding::kAscii || e == Encoding::kUtf8 || !HasHighByte(text)) {
        out.append(text);
        return;
    }
    out.reserve(out.size() + text.size() * 2);
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x80) {
            out += ch;
        } else if (e == Encoding::kCp437) {
            AppendCodePoint(out, kCp437High[c - 0x80u]);
        } else if (c < 0xA0) {
            AppendCodePoint(out, kCp1252High[c - 0x80u]);
        } else {
            AppendCodePoint(out, c);
        }
    }
}

std::string ToUtf8(std::string_view text, Encoding e) {
    std::string out;
    AppendUtf8(out, text, e);
    return out;
}

std::string Utf8ToCp437(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
    const unsigned char* end = p + utf8.size();
    while (p < end) {
        std::uint32_t cp = *p;
        std::size_t len = 1;
        if (cp >= 0xC0 && cp < 0xE0 && end - p >= 2) {
            cp = ((cp & 0x1Fu) << 6) | (p[1] & 0x3Fu);
            len = 2;
        } else if (cp >= 0xE0 && cp < 0xF0 && end - p >= 3) {
            cp = ((cp & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
            len = 3;
        } else if (cp >= 0xF0 && end - p >= 4) {
            cp = 0x110000;  // outside the BMP: CP437 has none of these
            len = 4;
        }
        p += len;
        if (cp < 0x80) {
            out += static_cast<char>(cp);
            continue;
        }
        char mapped = '?';
        for (std::size_t i = 0; i < kCp437High.size(); ++i) {
            if (kCp437High[i] == cp) {
                mapped = static_cast<char>(0x80 + i);
                break;
            }
        }
        out += mapped;
    }
    return out;
}

}  // namespace bfu::sie
