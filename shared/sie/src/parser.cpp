#include "bfu/sie/parser.hpp"

#include <array>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>

#include "bfu/sie/crc32.hpp"
#include "bfu/sie/encoding.hpp"
#include "bfu/sie/lexer.hpp"

namespace bfu::sie {
namespace {

// Fields kept per record; the standard's longest record (#TRANS) has seven. Further fields
// are read (and checksummed) but ignored, as the standard asks of extra fields.
constexpr std::size_t kMaxFields = 12;
// Reasons kept per rejected voucher; a voucher of a million broken rows stays small.
constexpr std::size_t kMaxReasonsPerVoucher = 50;
// #RAR years kept: real files have two or three. The bound keeps the per-row year lookup
// constant-time on hostile input.
constexpr std::size_t kMaxFiscalYears = 64;

enum class Label {
    kUnknown,
    kFlagga,
    kProgram,
    kFormat,
    kGen,
    kSietyp,
    kFnamn,
    kOrgnr,
    kFnr,
    kKptyp,
    kValuta,
    kTaxar,
    kOmfattn,
    kRar,
    kKonto,
    kKtyp,
    kEnhet,
    kSru,
    kDim,
    kUnderdim,
    kObjekt,
    kVer,
    kTrans,
    kRtrans,
    kBtrans,
    kIb,
    kUb,
    kOib,
    kOub,
    kRes,
    kPsaldo,
    kPbudget,
    kKsumma,
};

struct LabelName {
    std::string_view name;
    Label label;
};

// #TRANS first: it is most of every file.
constexpr std::array<LabelName, 32> kLabels = {{
    {"#TRANS", Label::kTrans},     {"#VER", Label::kVer},       {"#RTRANS", Label::kRtrans},
    {"#BTRANS", Label::kBtrans},   {"#PSALDO", Label::kPsaldo}, {"#PBUDGET", Label::kPbudget},
    {"#IB", Label::kIb},           {"#UB", Label::kUb},         {"#RES", Label::kRes},
    {"#OIB", Label::kOib},         {"#OUB", Label::kOub},       {"#KONTO", Label::kKonto},
    {"#KTYP", Label::kKtyp},       {"#SRU", Label::kSru},       {"#ENHET", Label::kEnhet},
    {"#OBJEKT", Label::kObjekt},   {"#DIM", Label::kDim},       {"#UNDERDIM", Label::kUnderdim},
    {"#RAR", Label::kRar},         {"#FLAGGA", Label::kFlagga}, {"#PROGRAM", Label::kProgram},
    {"#FORMAT", Label::kFormat},   {"#GEN", Label::kGen},       {"#SIETYP", Label::kSietyp},
    {"#FNAMN", Label::kFnamn},     {"#ORGNR", Label::kOrgnr},   {"#FNR", Label::kFnr},
    {"#KPTYP", Label::kKptyp},     {"#VALUTA", Label::kValuta}, {"#TAXAR", Label::kTaxar},
    {"#OMFATTN", Label::kOmfattn}, {"#KSUMMA", Label::kKsumma},
}};

Label ClassifyExact(std::string_view label) {
    for (const LabelName& l : kLabels) {
        if (l.name.size() == label.size() &&
            std::memcmp(l.name.data(), label.data(), label.size()) == 0) {
            return l.label;
        }
    }
    return Label::kUnknown;
}

// Labels are upper case in the standard; a writer that lower-cases them still means them, and
// ignoring "#trans" as unknown would silently drop rows.
Label Classify(std::string_view label) {
    const Label exact = ClassifyExact(label);
    if (exact != Label::kUnknown || label.size() > 16) return exact;
    char upper[16];
    for (std::size_t i = 0; i < label.size(); ++i) {
        const char c = label[i];
        upper[i] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    }
    return ClassifyExact(std::string_view(upper, label.size()));
}

struct Record {
    std::string_view label;
    Label kind = Label::kUnknown;
    std::array<Field, kMaxFields> fields;
    std::size_t count = 0;
    LexError error = LexError::kNone;

    [[nodiscard]] bool Has(std::size_t i) const { return i < count; }
    // The field's raw text, or empty when absent.
    [[nodiscard]] std::string_view Raw(std::size_t i) const {
        return i < count ? fields[i].text : std::string_view();
    }
};

// FNV-1a over series, a separator no field can hold unescaped, and number.
std::uint64_t HashKey(std::string_view series, std::string_view number) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    auto mix = [&h](std::string_view s) {
        for (char c : s) {
            h ^= static_cast<unsigned char>(c);
            h *= 0x100000001b3ull;
        }
    };
    mix(series);
    mix(std::string_view("\n", 1));
    mix(number);
    return h;
}

std::string_view LexErrorText(LexError e) {
    switch (e) {
        case LexError::kUnterminatedQuote:
            return "a quoted field is not closed before the end of the line";
        case LexError::kUnterminatedList:
            return "an object list '{' is not closed with '}' on the same line";
        case LexError::kNestedList:
            return "an object list contains '{'; lists cannot nest";
        case LexError::kNone:
            break;
    }
    return "";
}

bool EndsWithSi(std::string_view name) {
    if (name.size() < 3) return false;
    const std::string_view ext = name.substr(name.size() - 3);
    return ext[0] == '.' && (ext[1] == 's' || ext[1] == 'S') && (ext[2] == 'i' || ext[2] == 'I');
}

class Parser {
public:
    Parser(std::string_view bytes, std::string_view file_name, const ParseOptions& options)
        : options_(options), file_name_(file_name) {
        const EncodingGuess guess = DetectEncoding(bytes);
        data_ = bytes.substr(guess.bom_length);
        encoding_ = guess.encoding;
        if (options.encoding) {
            // An override is honoured unless it would let invalid UTF-8 into the model.
            const bool fits = *options.encoding == Encoding::kCp437 ||
                              *options.encoding == Encoding::kLatin1 ||
                              (*options.encoding == Encoding::kUtf8 && IsValidUtf8(data_)) ||
                              guess.encoding == Encoding::kAscii;
            if (fits) {
                encoding_ = *options.encoding;
            } else {
                override_refused_ = true;
            }
        }
        out_.info.file_name = std::string(file_name);
        out_.info.encoding = encoding_;
        out_.info.kind =
            options.kind.value_or(EndsWithSi(file_name) ? FileKind::k4I : FileKind::k4E);
        out_.stats.bytes = bytes.size();
    }

    SieFile Run() {
        if (override_refused_) {
            AddIssue(Severity::kWarning, "encoding_override_refused", "",
                     std::string("the bytes are not valid ") +
                         std::string(ToString(*options_.encoding)) + "; read as " +
                         std::string(ToString(encoding_)));
        }
        const char* p = data_.data();
        const char* end = p + data_.size();
        while (p < end) {
            const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
            const char* line_end = nl != nullptr ? static_cast<const char*>(nl) : end;
            ++line_no_;
            ProcessLine(std::string_view(p, static_cast<std::size_t>(line_end - p)));
            p = line_end + 1;
        }
        out_.stats.lines = line_no_;
        if (block_ != Block::kNone) {
            AddReason("unterminated_block", "",
                      "the file ends inside the #VER block opened on line " +
                          std::to_string(cur_.source_line));
            FinishVoucher();
        }
        if (ksumma_ == Ksumma::kActive) {
            AddIssue(Severity::kError, "checksum_not_closed", "#KSUMMA",
                     "the file opens with #KSUMMA but has no closing #KSUMMA with the "
                     "checksum: it is probably cut off; export it again");
        }
        if (labelled_lines_ == 0) {
            AddIssue(Severity::kError, "not_sie", "",
                     "no SIE record (a line starting with #LABEL) found; is this an SIE file?");
        }
        return std::move(out_);
    }

private:
    enum class Block { kNone, kAfterVer, kInBlock };
    enum class Ksumma { kNone, kActive, kDone };

    // --- issues ---

    Issue MakeIssue(Severity s, std::string_view code, std::string_view field,
                    std::string message) const {
        Issue i;
        i.severity = s;
        i.code = std::string(code);
        i.file = file_name_;
        i.line = line_no_;
        i.field = std::string(field);
        i.message = std::move(message);
        return i;
    }

    void AddIssue(Severity s, std::string_view code, std::string_view field, std::string message) {
        if (issue_budget_used_ >= options_.max_issues) {
            ++out_.stats.issues_dropped;
            return;
        }
        ++issue_budget_used_;
        out_.issues.push_back(MakeIssue(s, code, field, std::move(message)));
    }

    // A reason the current voucher is rejected.
    void AddReason(std::string_view code, std::string_view field, std::string message) {
        voucher_failed_ = true;
        if (cur_reasons_.size() >= kMaxReasonsPerVoucher ||
            issue_budget_used_ >= options_.max_issues) {
            ++out_.stats.issues_dropped;
            return;
        }
        ++issue_budget_used_;
        cur_reasons_.push_back(MakeIssue(Severity::kError, code, field, std::move(message)));
    }

    // --- text ---

    // What the file says, quoted for a message: short whatever the input, and UTF-8 so that
    // every message can go into JSON.
    std::string Quote(std::string_view raw) const {
        constexpr std::size_t kMax = 40;
        std::string_view shown = raw;
        if (shown.size() > kMax) {
            std::size_t cut = kMax;
            if (encoding_ == Encoding::kUtf8) {
                while (cut > 0 && (static_cast<unsigned char>(shown[cut]) & 0xC0) == 0x80) --cut;
            }
            shown = shown.substr(0, cut);
        }
        std::string out = "'";
        AppendUtf8(out, shown, encoding_);
        if (shown.size() < raw.size()) out += "...";
        out += '\'';
        return out;
    }

    std::string Text(const Field& f) {
        std::string out;
        if (f.kind == FieldKind::kQuotedEscaped) {
            scratch_.clear();
            AppendUnescaped(scratch_, f.text);
            AppendUtf8(out, scratch_, encoding_);
        } else {
            AppendUtf8(out, f.text, encoding_);
        }
        return out;
    }

    std::string Text(const Record& r, std::size_t i) {
        return r.Has(i) ? Text(r.fields[i]) : std::string();
    }

    // As Text, into a string whose capacity is reused (rows of a streamed parse).
    void AssignText(std::string& out, const Record& r, std::size_t i) {
        out.clear();
        if (!r.Has(i)) return;
        const Field& f = r.fields[i];
        if (f.kind == FieldKind::kQuotedEscaped) {
            scratch_.clear();
            AppendUnescaped(scratch_, f.text);
            AppendUtf8(out, scratch_, encoding_);
        } else {
            AppendUtf8(out, f.text, encoding_);
        }
    }

    // --- checksum ---

    void FeedChecksum(std::string_view bytes) {
        crc_.Update(bytes);
        crc_bare_.Update(bytes);
    }

    void FeedChecksum(const Field& f) {
        if (f.kind == FieldKind::kList) {
            FieldCursor inner(f.text);
            Field item;
            while (inner.Next(item)) FeedChecksum(item);
        } else if (f.kind == FieldKind::kQuotedEscaped) {
            scratch_.clear();
            AppendUnescaped(scratch_, f.text);
            FeedChecksum(scratch_);
        } else {
            FeedChecksum(f.text);
        }
    }

    // --- lines ---

    void ProcessLine(std::string_view line) {
        std::size_t i = 0;
        while (i < line.size() && IsSpace(line[i])) ++i;
        if (i == line.size()) return;
        const char c = line[i];
        if (c == '#') {
            std::size_t j = i;
            while (j < line.size() && !IsSpace(line[j])) ++j;
            ++labelled_lines_;
            ReadRecord(line.substr(i, j - i), line.substr(j));
            return;
        }
        if ((c == '{' || c == '}') && IsBlank(line.substr(i + 1))) {
            if (c == '{') {
                OpenBlock();
            } else {
                CloseBlock();
            }
            return;
        }
        AddIssue(Severity::kWarning, "no_label", "",
                 "the line does not start with a #LABEL (or is not a lone '{' or '}'); "
                 "ignored");
    }

    static bool IsBlank(std::string_view s) {
        for (char c : s) {
            if (!IsSpace(c)) return false;
        }
        return true;
    }

    void ReadRecord(std::string_view label, std::string_view rest) {
        Record r;
        r.label = label;
        r.kind = Classify(label);
        const bool is_closing_ksumma = r.kind == Label::kKsumma && ksumma_ == Ksumma::kActive;
        const bool feed = ksumma_ == Ksumma::kActive && !is_closing_ksumma;
        if (feed) {
            crc_.Update(label);
            crc_bare_.Update(label.substr(1));
        }
        FieldCursor cursor(rest);
        Field f;
        while (cursor.Next(f)) {
            if (feed) FeedChecksum(f);
            if (r.count < kMaxFields) r.fields[r.count++] = f;
        }
        r.error = cursor.error();
        Dispatch(r);
    }

    void Dispatch(Record& r) {
        // A known record other than a row inside a block means the block was never closed.
        if (block_ != Block::kNone && r.kind != Label::kUnknown && r.kind != Label::kTrans &&
            r.kind != Label::kRtrans && r.kind != Label::kBtrans) {
            if (block_ == Block::kAfterVer) {
                AddReason("missing_block", std::string(r.label),
                          "the #VER on line " + std::to_string(cur_.source_line) +
                              " has no '{' block of rows before " + std::string(r.label));
            } else {
                AddReason("unterminated_block", std::string(r.label),
                          "the #VER block opened on line " + std::to_string(cur_.source_line) +
                              " is not closed with '}' before " + std::string(r.label));
            }
            FinishVoucher();
        }
        if (r.kind == Label::kUnknown) {
            ++out_.stats.unknown_records;
            return;
        }
        if (r.error == LexError::kUnterminatedQuote) {
            // Exporters cut long texts at a fixed width and lose the closing quote; the line
            // end still ends the field unambiguously, so the record is read.
            AddIssue(Severity::kWarning, "unterminated_quote", r.label,
                     std::string(LexErrorText(r.error)) + "; read up to the line end");
            r.error = LexError::kNone;
        }
        if (r.error != LexError::kNone) {
            const std::string message =
                std::string(LexErrorText(r.error)) + "; " + std::string(r.label) + " not read";
            if (r.kind == Label::kTrans || r.kind == Label::kRtrans || r.kind == Label::kBtrans) {
                if (block_ != Block::kNone) {
                    AddReason("syntax", std::string(r.label), message);
                    return;
                }
            }
            if (r.kind == Label::kVer) {
                // Still a voucher: counted, and rejected with the reason, never dropped.
                StartVoucher(r);
                AddReason("syntax", "#VER", message);
                return;
            }
            AddIssue(Severity::kError, "syntax", r.label, message);
            return;
        }
        switch (r.kind) {
            case Label::kTrans:
            case Label::kRtrans:
            case Label::kBtrans:
                Row(r);
                break;
            case Label::kVer:
                StartVoucher(r);
                break;
            case Label::kIb:
            case Label::kUb:
            case Label::kRes:
                YearBalance(r);
                break;
            case Label::kOib:
            case Label::kOub:
                ObjectBalance(r);
                break;
            case Label::kPsaldo:
            case Label::kPbudget:
                PeriodRow(r);
                break;
            case Label::kKonto:
            case Label::kKtyp:
            case Label::kEnhet:
            case Label::kSru:
                AccountRecord(r);
                break;
            case Label::kDim:
            case Label::kUnderdim:
                DimensionRecord(r);
                break;
            case Label::kObjekt:
                ObjectRecord(r);
                break;
            case Label::kRar:
                FiscalYearRecord(r);
                break;
            case Label::kKsumma:
                ChecksumRecord(r);
                break;
            default:
                InfoRecord(r);
                break;
        }
    }

    // --- header records ---

    void InfoRecord(const Record& r) {
        FileInfo& info = out_.info;
        switch (r.kind) {
            case Label::kFlagga:
                info.flag = Text(r, 0);
                break;
            case Label::kProgram:
                info.program = Text(r, 0);
                info.program_version = Text(r, 1);
                break;
            case Label::kFormat:
                info.declared_format = Text(r, 0);
                break;
            case Label::kGen:
                info.generated = Date::Parse(r.Raw(0));
                if (!info.generated) {
                    AddIssue(Severity::kWarning, "bad_date", "#GEN date",
                             "#GEN date " + Quote(r.Raw(0)) + " is not a date YYYYMMDD");
                }
                info.generated_by = Text(r, 1);
                break;
            case Label::kSietyp:
                info.sie_type = Text(r, 0);
                if (info.sie_type != "4") {
                    AddIssue(Severity::kWarning, "not_type_4", "#SIETYP",
                             "#SIETYP " + Quote(info.sie_type) +
                                 ": only type 4 files carry vouchers; balances are read");
                }
                break;
            case Label::kFnamn:
                info.company_name = Text(r, 0);
                break;
            case Label::kOrgnr:
                info.org_number = Text(r, 0);
                break;
            case Label::kFnr:
                info.company_id = Text(r, 0);
                break;
            case Label::kKptyp:
                info.chart_type = Text(r, 0);
                break;
            case Label::kValuta:
                info.currency = Text(r, 0);
                break;
            case Label::kTaxar:
                info.tax_year = Text(r, 0);
                break;
            case Label::kOmfattn:
                info.covered_until = Date::Parse(r.Raw(0));
                break;
            default:
                break;
        }
    }

    void FiscalYearRecord(const Record& r) {
        std::int32_t index = 0;
        if (!ParseInt32(r.Raw(0), index) || index > 0) {
            AddIssue(Severity::kError, "bad_year", "#RAR årsnr",
                     "#RAR year index " + Quote(r.Raw(0)) + " is not 0, -1, -2, ...");
            return;
        }
        const std::optional<Date> start = Date::Parse(r.Raw(1));
        const std::optional<Date> end = Date::Parse(r.Raw(2));
        if (!start || !end || *end < *start) {
            AddIssue(Severity::kError, "bad_year_range", "#RAR start/slut",
                     "#RAR " + std::to_string(index) + " needs a start and an end date " +
                         "YYYYMMDD, start not after end; got " + Quote(r.Raw(1)) + " " +
                         Quote(r.Raw(2)));
            return;
        }
        for (FiscalYear& y : out_.fiscal_years) {
            if (y.index == index) {
                AddIssue(Severity::kWarning, "duplicate", "#RAR",
                         "#RAR " + std::to_string(index) + " given twice; the last one holds");
                y.start = *start;
                y.end = *end;
                return;
            }
        }
        if (out_.fiscal_years.size() >= kMaxFiscalYears) {
            AddIssue(Severity::kError, "too_many_years", "#RAR",
                     "more than " + std::to_string(kMaxFiscalYears) + " #RAR years; ignored");
            return;
        }
        out_.fiscal_years.push_back({index, *start, *end});
    }

    // Once per account: a non-numeric account is read, but said aloud.
    void NoteAccount(std::string_view number, std::string_view label, std::string_view field) {
        if (IsNumericAccount(number)) return;
        if (!non_numeric_accounts_.emplace(number).second) return;
        AddIssue(
            Severity::kWarning, "non_numeric_account",
            std::string(label) + " " + std::string(field),
            "account " + Quote(number) + " is not numeric as BAS accounts are; read as written");
    }

    Account* AccountFor(std::string_view number) {
        auto [it, inserted] = account_index_.try_emplace(std::string(number), 0);
        if (inserted) {
            it->second = out_.accounts.size();
            Account a;
            a.number = std::string(number);
            a.source_line = line_no_;
            out_.accounts.push_back(std::move(a));
        }
        return &out_.accounts[it->second];
    }

    void AccountRecord(const Record& r) {
        const std::string_view number = r.Raw(0);
        if (!IsAccountNumber(number)) {
            AddIssue(Severity::kError, "bad_account", std::string(r.label) + " kontonr",
                     "account number " + Quote(number) + " is not 1-20 letters or digits; " +
                         std::string(r.label) + " ignored");
            return;
        }
        NoteAccount(number, r.label, "kontonr");
        Account* a = AccountFor(number);
        switch (r.kind) {
            case Label::kKonto:
                a->name = Text(r, 1);
                a->source_line = line_no_;
                break;
            case Label::kKtyp: {
                std::string type = Text(r, 1);
                if (type != "T" && type != "S" && type != "K" && type != "I") {
                    AddIssue(Severity::kWarning, "bad_account_type", "#KTYP kontotyp",
                             "account type " + Quote(type) + " is not T, S, K or I; ignored");
                    return;
                }
                a->type = std::move(type);
                break;
            }
            case Label::kEnhet:
                a->unit = Text(r, 1);
                break;
            case Label::kSru:
                a->sru = Text(r, 1);
                break;
            default:
                break;
        }
    }

    void DimensionRecord(const Record& r) {
        std::int32_t number = 0;
        if (!ParseInt32(r.Raw(0), number) || number <= 0) {
            AddIssue(Severity::kError, "bad_dimension", std::string(r.label) + " dimensionsnr",
                     "dimension number " + Quote(r.Raw(0)) + " is not a positive number");
            return;
        }
        std::int32_t parent = 0;
        if (r.kind == Label::kUnderdim &&
            (!ParseInt32(r.Raw(2), parent) || parent <= 0 || parent == number)) {
            AddIssue(Severity::kError, "bad_dimension", "#UNDERDIM superdimension",
                     "superdimension " + Quote(r.Raw(2)) + " is not another dimension number");
            return;
        }
        auto [it, inserted] = dimension_index_.try_emplace(number, out_.dimensions.size());
        if (inserted) out_.dimensions.push_back({number, {}, 0});
        Dimension& d = out_.dimensions[it->second];
        d.name = Text(r, 1);
        d.parent = parent;
    }

    void ObjectRecord(const Record& r) {
        std::int32_t dim = 0;
        if (!ParseInt32(r.Raw(0), dim) || dim <= 0) {
            AddIssue(Severity::kError, "bad_dimension", "#OBJEKT dimensionsnr",
                     "dimension number " + Quote(r.Raw(0)) + " is not a positive number");
            return;
        }
        if (!r.Has(1)) {
            AddIssue(Severity::kError, "missing_field", "#OBJEKT objektnr",
                     "#OBJEKT has no object number");
            return;
        }
        std::string id = Text(r, 1);
        auto key = std::make_pair(dim, id);
        auto [it, inserted] = object_index_.try_emplace(std::move(key), out_.objects.size());
        if (inserted) out_.objects.push_back({dim, std::move(id), {}});
        out_.objects[it->second].name = Text(r, 2);
    }

    // --- object lists ---

    // Reads "{dim obj dim obj ...}"; on error returns false with a message in error.
    bool ParseObjects(const Field& list, std::vector<ObjectRef>& out, std::string& error) {
        FieldCursor cursor(list.text);
        Field dim_field;
        Field obj_field;
        while (cursor.Next(dim_field)) {
            std::int32_t dim = 0;
            if (!ParseInt32(dim_field.text, dim) || dim <= 0) {
                error = "object list " + Quote(list.text) + ": dimension " + Quote(dim_field.text) +
                        " is not a positive number";
                return false;
            }
            if (!cursor.Next(obj_field)) {
                error = "object list " + Quote(list.text) + ": dimension " + std::to_string(dim) +
                        " has no object";
                return false;
            }
            out.push_back({dim, Text(obj_field)});
        }
        if (cursor.error() != LexError::kNone) {
            error = std::string(LexErrorText(cursor.error()));
            return false;
        }
        return true;
    }

    // --- vouchers ---

    void StartVoucher(const Record& r) {
        ++out_.stats.ver_records;
        RecycleLines();
        cur_.date = Date{};
        cur_.registered.reset();
        cur_.removed_rows = 0;
        cur_.end_line = 0;
        cur_reasons_.clear();
        voucher_failed_ = false;
        pending_rtrans_ = kNoPending;
        cur_.source_line = line_no_;
        block_ = Block::kAfterVer;
        AssignText(cur_.series, r, 0);
        AssignText(cur_.number, r, 1);
        const std::optional<Date> date = Date::Parse(r.Raw(2));
        if (date) {
            cur_.date = *date;
            if (!out_.fiscal_years.empty() && !out_.FiscalYearOf(*date)) {
                AddIssue(Severity::kWarning, "outside_fiscal_years", "#VER verdatum",
                         "voucher " + cur_.Key() + " is dated " + date->ToString() +
                             ", outside every #RAR year");
            }
        } else {
            AddReason(r.Has(2) ? "bad_date" : "missing_field", "#VER verdatum",
                      "voucher date " + Quote(r.Raw(2)) + " is not a date YYYYMMDD");
        }
        if (!cur_.number.empty()) {
            // Some exporters reuse a number (BL writes every depreciation voucher as "# 1");
            // a key that is not unique cannot serve alone as the voucher's identity. A 64-bit
            // hash of the key keeps this cheap per voucher; a false alarm needs a collision
            // (odds about n^2 / 2^65: nil for any real file).
            const std::uint64_t key = HashKey(cur_.series, cur_.number);
            auto [it, inserted] = voucher_keys_.try_emplace(key, line_no_);
            if (!inserted) {
                AddIssue(Severity::kWarning, "duplicate_voucher_key", "#VER vernr",
                         "voucher " + Quote(cur_.Key()) +
                             " (series and number) was already used on line " +
                             std::to_string(it->second) + "; the two are different vouchers");
            }
        }
        AssignText(cur_.text, r, 3);
        if (r.Has(4) && !r.Raw(4).empty()) {
            cur_.registered = Date::Parse(r.Raw(4));
            if (!cur_.registered) {
                AddIssue(
                    Severity::kWarning, "bad_date", "#VER regdatum",
                    "registration date " + Quote(r.Raw(4)) + " is not a date YYYYMMDD; ignored");
            }
        }
        AssignText(cur_.sign, r, 5);
    }

    // Rows of a finished voucher go back to a pool, so that a streamed parse reuses their
    // strings and object lists instead of allocating per row.
    void RecycleLines() {
        for (VoucherLine& l : cur_.lines) spare_.push_back(std::move(l));
        cur_.lines.clear();
    }

    VoucherLine TakeLine() {
        if (spare_.empty()) return {};
        VoucherLine l = std::move(spare_.back());
        spare_.pop_back();
        return l;
    }

    void OpenBlock() {
        switch (block_) {
            case Block::kAfterVer:
                block_ = Block::kInBlock;
                break;
            case Block::kInBlock:
                AddReason("syntax", "{",
                          "a second '{' inside the #VER block opened on line " +
                              std::to_string(cur_.source_line));
                break;
            case Block::kNone:
                AddIssue(Severity::kError, "syntax", "{",
                         "'{' without a #VER before it; the rows up to '}' belong to no voucher");
                orphan_block_ = true;
                break;
        }
    }

    void CloseBlock() {
        switch (block_) {
            case Block::kInBlock:
                FinishVoucher();
                break;
            case Block::kAfterVer:
                AddReason("missing_block", "}",
                          "the #VER on line " + std::to_string(cur_.source_line) +
                              " has '}' without '{'");
                FinishVoucher();
                break;
            case Block::kNone:
                if (!orphan_block_) {
                    AddIssue(Severity::kError, "syntax", "}", "'}' without an open #VER block");
                }
                orphan_block_ = false;
                break;
        }
    }

    void Row(const Record& r) {
        if (block_ == Block::kNone) {
            AddIssue(Severity::kError, "row_outside_voucher", r.label,
                     std::string(r.label) + " outside a #VER block; not counted");
            return;
        }
        if (block_ == Block::kAfterVer) {
            AddReason("missing_block", std::string(r.label),
                      "the #VER on line " + std::to_string(cur_.source_line) +
                          " has no '{' before its rows");
            block_ = Block::kInBlock;
        }
        if (r.kind == Label::kBtrans) {
            ++out_.stats.btrans_records;
            ++cur_.removed_rows;
            pending_rtrans_ = kNoPending;
            return;
        }
        const bool added = r.kind == Label::kRtrans;
        if (added) {
            ++out_.stats.rtrans_records;
        } else {
            ++out_.stats.trans_records;
        }
        VoucherLine line = TakeLine();
        if (!ReadRow(r, line)) {
            pending_rtrans_ = kNoPending;
            spare_.push_back(std::move(line));
            return;
        }
        if (!added && pending_rtrans_ != kNoPending) {
            VoucherLine& original = cur_.lines[pending_rtrans_];
            pending_rtrans_ = kNoPending;
            if (original.account == line.account && original.objects == line.objects &&
                original.amount == line.amount) {
                // The #TRANS copy of an #RTRANS: the row counts once. The copy's date and
                // text are what readers without #RTRANS book, so they are kept.
                ++out_.stats.rtrans_copies;
                original.date = line.date;
                original.date_given = line.date_given;
                if (!line.text.empty()) original.text.swap(line.text);
                spare_.push_back(std::move(line));
                return;
            }
        }
        line.kind = added ? LineKind::kAdded : LineKind::kTrans;
        pending_rtrans_ = added ? cur_.lines.size() : kNoPending;
        cur_.lines.push_back(std::move(line));
    }

    // Reads kontonr {objektlista} belopp transdat transtext kvantitet sign.
    bool ReadRow(const Record& r, VoucherLine& line) {
        const std::string label(r.label);
        // The line may be a recycled one: every field is set below.
        line.objects.clear();
        line.date_given = false;
        line.quantity.clear();
        line.kind = LineKind::kTrans;
        line.source_line = line_no_;
        if (!IsAccountNumber(r.Raw(0))) {
            AddReason(r.Has(0) ? "bad_account" : "missing_field", label + " kontonr",
                      "account " + Quote(r.Raw(0)) +
                          " is not an account number (1-20 letters or digits)");
            return false;
        }
        line.account.assign(r.Raw(0));
        NoteAccount(line.account, r.label, "kontonr");
        std::size_t i = 1;
        if (r.Has(1) && r.fields[1].kind == FieldKind::kList) {
            std::string error;
            if (!ParseObjects(r.fields[1], line.objects, error)) {
                AddReason("bad_objects", label + " objektlista", std::move(error));
                return false;
            }
            i = 2;
        } else {
            AddIssue(Severity::kWarning, "missing_object_list", label + " objektlista",
                     label + " has no object list {...}; read as an empty one");
        }
        std::int64_t ore = 0;
        if (!ParseAmountOre(r.Raw(i), ore)) {
            AddReason(r.Has(i) ? "bad_amount" : "missing_field", label + " belopp",
                      "amount " + Quote(r.Raw(i)) +
                          " is not an SIE amount (e.g. -1234.50: digits, a point, at most two "
                          "decimals)");
            return false;
        }
        line.amount = core::Money::FromOre(ore);
        line.date = cur_.date;
        if (r.Has(i + 1) && !r.Raw(i + 1).empty()) {
            const std::optional<Date> d = Date::Parse(r.Raw(i + 1));
            if (!d) {
                AddReason("bad_date", label + " transdat",
                          "transaction date " + Quote(r.Raw(i + 1)) + " is not a date YYYYMMDD");
                return false;
            }
            line.date = *d;
            line.date_given = true;
        }
        AssignText(line.text, r, i + 2);
        if (r.Has(i + 3) && !r.Raw(i + 3).empty()) {
            if (IsDecimal(r.Raw(i + 3))) {
                line.quantity = std::string(r.Raw(i + 3));
            } else {
                AddIssue(Severity::kWarning, "bad_quantity", label + " kvantitet",
                         "quantity " + Quote(r.Raw(i + 3)) + " is not a number; ignored");
            }
        }
        AssignText(line.sign, r, i + 4);
        return true;
    }

    void FinishVoucher() {
        cur_.end_line = line_no_;
        block_ = Block::kNone;
        pending_rtrans_ = kNoPending;
        core::Money sum;
        bool overflow = false;
        for (const VoucherLine& l : cur_.lines) {
            auto s = core::Money::Add(sum, l.amount);
            if (!s.ok()) {
                overflow = true;
                break;
            }
            sum = *s;
        }
        if (overflow) {
            AddReason("amount_overflow", "belopp", "the voucher's rows do not fit in a sum");
        } else if (!sum.IsZero()) {
            AddReason("unbalanced", "belopp",
                      "the rows sum to " + sum.ToString() + ", not 0 (debit must equal credit)");
        }
        if (!voucher_failed_) {
            if (options_.voucher_sink) {
                options_.voucher_sink(cur_, out_);
                ++out_.stats.vouchers_streamed;
                RecycleLines();  // cur_ keeps its strings' capacity for the next voucher
            } else {
                out_.vouchers.push_back(std::move(cur_));
                cur_ = Voucher{};
            }
        } else {
            out_.rejected.push_back({std::move(cur_), std::move(cur_reasons_)});
            cur_ = Voucher{};
        }
        cur_reasons_.clear();
        voucher_failed_ = false;
    }

    // --- balances ---

    // #IB/#UB/#RES årsnr konto saldo kvantitet
    void YearBalance(const Record& r) {
        Balance b;
        b.kind = r.kind == Label::kIb   ? BalanceKind::kIb
                 : r.kind == Label::kUb ? BalanceKind::kUb
                                        : BalanceKind::kRes;
        if (!ReadYear(r, 0, b.year) || !ReadAccount(r, 1, b.account) ||
            !ReadAmount(r, 2, b.amount)) {
            return;
        }
        b.quantity = ReadQuantity(r, 3);
        b.source_line = line_no_;
        out_.balances.push_back(std::move(b));
    }

    // #OIB/#OUB årsnr konto {dim obj} saldo kvantitet
    void ObjectBalance(const Record& r) {
        Balance b;
        b.kind = r.kind == Label::kOib ? BalanceKind::kOib : BalanceKind::kOub;
        if (!ReadYear(r, 0, b.year) || !ReadAccount(r, 1, b.account) ||
            !ReadObjects(r, 2, b.objects) || !ReadAmount(r, 3, b.amount)) {
            return;
        }
        b.quantity = ReadQuantity(r, 4);
        b.source_line = line_no_;
        out_.balances.push_back(std::move(b));
    }

    // #PSALDO/#PBUDGET årsnr period konto {dim obj} saldo kvantitet
    void PeriodRow(const Record& r) {
        std::int32_t year = 0;
        std::string account;
        std::vector<ObjectRef> objects;
        core::Money amount;
        if (!ReadYear(r, 0, year)) return;
        const std::optional<Period> period = Period::Parse(r.Raw(1));
        if (!period) {
            AddIssue(Severity::kError, "bad_period", std::string(r.label) + " period",
                     "period " + Quote(r.Raw(1)) + " is not YYYYMM; " + std::string(r.label) +
                         " not read");
            return;
        }
        if (!ReadAccount(r, 2, account) || !ReadObjects(r, 3, objects) ||
            !ReadAmount(r, 4, amount)) {
            return;
        }
        if (r.kind == Label::kPbudget) {
            BudgetRow row;
            row.year = year;
            row.period = *period;
            row.account = std::move(account);
            row.objects = std::move(objects);
            row.amount = amount;
            row.quantity = ReadQuantity(r, 5);
            row.source_line = line_no_;
            out_.budget.push_back(std::move(row));
            return;
        }
        Balance b;
        b.kind = BalanceKind::kPsaldo;
        b.year = year;
        b.period = *period;
        b.account = std::move(account);
        b.objects = std::move(objects);
        b.amount = amount;
        b.quantity = ReadQuantity(r, 5);
        b.source_line = line_no_;
        out_.balances.push_back(std::move(b));
    }

    bool ReadYear(const Record& r, std::size_t i, std::int32_t& year) {
        if (ParseInt32(r.Raw(i), year) && year <= 0) return true;
        AddIssue(Severity::kError, "bad_year", std::string(r.label) + " årsnr",
                 "year index " + Quote(r.Raw(i)) + " is not 0, -1, -2, ...; " +
                     std::string(r.label) + " not read");
        return false;
    }

    bool ReadAccount(const Record& r, std::size_t i, std::string& account) {
        if (IsAccountNumber(r.Raw(i))) {
            account = std::string(r.Raw(i));
            NoteAccount(account, r.label, "konto");
            return true;
        }
        AddIssue(Severity::kError, "bad_account", std::string(r.label) + " konto",
                 "account " + Quote(r.Raw(i)) + " is not an account number; " +
                     std::string(r.label) + " not read");
        return false;
    }

    bool ReadObjects(const Record& r, std::size_t i, std::vector<ObjectRef>& objects) {
        if (!r.Has(i) || r.fields[i].kind != FieldKind::kList) {
            AddIssue(Severity::kError, "bad_objects", std::string(r.label) + " objektlista",
                     std::string(r.label) + " needs an object list {...} in field " +
                         std::to_string(i + 1) + "; not read");
            return false;
        }
        std::string error;
        if (!ParseObjects(r.fields[i], objects, error)) {
            AddIssue(Severity::kError, "bad_objects", std::string(r.label) + " objektlista",
                     std::move(error));
            return false;
        }
        return true;
    }

    bool ReadAmount(const Record& r, std::size_t i, core::Money& amount) {
        std::int64_t ore = 0;
        if (ParseAmountOre(r.Raw(i), ore)) {
            amount = core::Money::FromOre(ore);
            return true;
        }
        AddIssue(Severity::kError, "bad_amount", std::string(r.label) + " saldo",
                 "amount " + Quote(r.Raw(i)) + " is not an SIE amount; " + std::string(r.label) +
                     " not read");
        return false;
    }

    std::string ReadQuantity(const Record& r, std::size_t i) {
        if (r.Has(i) && IsDecimal(r.Raw(i))) return std::string(r.Raw(i));
        return {};
    }

    // --- checksum ---

    void ChecksumRecord(const Record& r) {
        if (!r.Has(0)) {
            if (ksumma_ == Ksumma::kNone) {
                ksumma_ = Ksumma::kActive;
                crc_.Reset();
                crc_bare_.Reset();
                out_.checksum = Checksum{};
            } else {
                AddIssue(Severity::kWarning, "checksum_repeated", "#KSUMMA",
                         "a second opening #KSUMMA; ignored");
            }
            return;
        }
        if (ksumma_ != Ksumma::kActive) {
            AddIssue(Severity::kError, "checksum_not_opened", "#KSUMMA",
                     "#KSUMMA with a value but no opening #KSUMMA before it; not checked");
            return;
        }
        ksumma_ = Ksumma::kDone;
        Checksum& c = *out_.checksum;
        c.closed = true;
        c.source_line = line_no_;
        c.computed = crc_.Value();
        std::int64_t declared = 0;
        if (!ParseInt64(r.Raw(0), declared)) {
            AddIssue(Severity::kError, "bad_checksum", "#KSUMMA kontrollsumma",
                     "checksum " + Quote(r.Raw(0)) + " is not a number");
            return;
        }
        // Writers differ in printing the CRC signed or unsigned; both mean the same 32 bits.
        c.declared = static_cast<std::uint32_t>(static_cast<std::uint64_t>(declared));
        c.ok = c.declared == crc_.Value() || c.declared == crc_bare_.Value();
        if (!c.ok) {
            AddIssue(Severity::kError, "checksum_mismatch", "#KSUMMA",
                     "the checksum " + std::to_string(c.declared) +
                         " does not match the content (" + std::to_string(c.computed) +
                         "): the file was changed or damaged after export");
        }
    }

    static constexpr std::size_t kNoPending = static_cast<std::size_t>(-1);

    const ParseOptions& options_;
    std::string file_name_;
    std::string_view data_;
    Encoding encoding_ = Encoding::kAscii;
    bool override_refused_ = false;
    SieFile out_;
    std::uint32_t line_no_ = 0;
    std::uint64_t labelled_lines_ = 0;
    std::size_t issue_budget_used_ = 0;
    std::string scratch_;

    Block block_ = Block::kNone;
    bool orphan_block_ = false;
    Voucher cur_;
    std::vector<VoucherLine> spare_;  // recycled rows, see RecycleLines
    std::vector<Issue> cur_reasons_;
    bool voucher_failed_ = false;
    std::size_t pending_rtrans_ = kNoPending;

    std::unordered_map<std::string, std::size_t> account_index_;
    std::set<std::string, std::less<>> non_numeric_accounts_;
    std::unordered_map<std::uint64_t, std::uint32_t> voucher_keys_;  // HashKey -> #VER line
    std::map<std::int32_t, std::size_t> dimension_index_;
    std::map<std::pair<std::int32_t, std::string>, std::size_t> object_index_;

    Ksumma ksumma_ = Ksumma::kNone;
    Crc32 crc_;       // label with its '#', as the standard's example shows
    Crc32 crc_bare_;  // label without '#', as some writers compute it
};

}  // namespace

SieFile Parse(std::string_view bytes, std::string_view file_name, const ParseOptions& options) {
    return Parser(bytes, file_name, options).Run();
}

core::Result<SieFile> ParseFile(const std::string& path, const ParseOptions& options) {
    // stdio rather than istreambuf_iterator: g++ 12 -O3 warns falsely inside <streambuf>.
    std::FILE* in = std::fopen(path.c_str(), "rb");
    if (in == nullptr) {
        return core::Error(core::Errc::kNotFound, "path", "cannot open SIE file '" + path + "'");
    }
    std::string bytes;
    char buffer[1 << 16];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, in)) > 0) bytes.append(buffer, n);
    const bool failed = std::ferror(in) != 0;
    std::fclose(in);
    if (failed) {
        return core::Error(core::Errc::kUnavailable, "path",
                           "reading SIE file '" + path + "' failed");
    }
    return Parse(bytes, path, options);
}

}  // namespace bfu::sie
