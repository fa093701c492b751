// The report as an Excel workbook (libxlsxwriter, Debian's libxlsxwriter-dev): a summary sheet,
// a sheet per level of the organisation under the scope, the accounts and the forecast rounds.
// Amounts are numbers in kronor (öre / 100, so a cell times 100 is the JSON's öre), shown with
// the number format "#,##0", which Excel displays with the reader's separators (a space and a
// comma in Swedish); deviations, shares and totals are formulas, each written with the value it
// computes, so a reader that does not calculate (openpyxl, a preview) shows the same figure.
#include <xlsxwriter.h>

#include <cstdio>
#include <ctime>
#include <map>
#include <vector>

#include "bfu/domain/workdays.hpp"
#include "bfu/reporting/render.hpp"
#include "bfu/text/swedish.hpp"

namespace bfu::reporting {

namespace {

double Kr(std::int64_t ore) { return static_cast<double>(ore) / 100.0; }

std::string Cell(lxw_row_t row, lxw_col_t col) {
    char buf[32];
    lxw_rowcol_to_cell(buf, row, col);
    return buf;
}

std::string Range(lxw_row_t r1, lxw_col_t c1, lxw_row_t r2, lxw_col_t c2) {
    return Cell(r1, c1) + ":" + Cell(r2, c2);
}

std::string ShortMonth(int month) { return std::string(text::MonthName(month)).substr(0, 3); }

class Book {
public:
    explicit Book(const std::filesystem::path& path) {
        lxw_workbook_options options{};
        options.constant_memory = LXW_FALSE;
        options.tmpdir = nullptr;
        wb_ = workbook_new_opt(path.string().c_str(), &options);
        if (wb_ == nullptr) return;
        title_ = workbook_add_format(wb_);
        format_set_bold(title_);
        format_set_font_size(title_, 14);
        bold_ = workbook_add_format(wb_);
        format_set_bold(bold_);
        head_ = workbook_add_format(wb_);
        format_set_bold(head_);
        format_set_bg_color(head_, 0xEEF2F7);
        format_set_bottom(head_, LXW_BORDER_THIN);
        format_set_text_wrap(head_);
        kr_ = workbook_add_format(wb_);
        format_set_num_format(kr_, "#,##0");
        kr_sum_ = workbook_add_format(wb_);
        format_set_num_format(kr_sum_, "#,##0");
        format_set_bold(kr_sum_);
        format_set_top(kr_sum_, LXW_BORDER_THIN);
        sum_label_ = workbook_add_format(wb_);
        format_set_bold(sum_label_);
        format_set_top(sum_label_, LXW_BORDER_THIN);
        share_ = workbook_add_format(wb_);
        format_set_num_format(share_, "0.0%");
        share_sum_ = workbook_add_format(wb_);
        format_set_num_format(share_sum_, "0.0%");
        format_set_bold(share_sum_);
        format_set_top(share_sum_, LXW_BORDER_THIN);
    }
    Book(const Book&) = delete;
    Book& operator=(const Book&) = delete;
    ~Book() {
        if (wb_ != nullptr) (void)workbook_close(wb_);
    }

    [[nodiscard]] bool ok() const { return wb_ != nullptr; }
    lxw_workbook* wb() { return wb_; }

    // Closes and writes the file.
    lxw_error Close() {
        const lxw_error e = workbook_close(wb_);
        wb_ = nullptr;
        return e;
    }

    lxw_format *title_ = nullptr, *bold_ = nullptr, *head_ = nullptr, *kr_ = nullptr,
               *kr_sum_ = nullptr, *sum_label_ = nullptr, *share_ = nullptr, *share_sum_ = nullptr;

private:
    lxw_workbook* wb_ = nullptr;
};

void Header(Book& b, lxw_worksheet* ws, lxw_row_t row, const std::vector<std::string>& names) {
    for (std::size_t c = 0; c < names.size(); ++c) {
        worksheet_write_string(ws, row, static_cast<lxw_col_t>(c), names[c].c_str(), b.head_);
    }
}

void Money(Book& b, lxw_worksheet* ws, lxw_row_t row, lxw_col_t col, std::int64_t ore) {
    worksheet_write_number(ws, row, col, Kr(ore), b.kr_);
}

// A total of rows [first, last] of a column, as a SUM formula carrying its value.
void Total(Book& b, lxw_worksheet* ws, lxw_row_t row, lxw_col_t col, lxw_row_t first,
           lxw_row_t last, std::int64_t ore) {
    const std::string f = "=SUM(" + Range(first, col, last, col) + ")";
    worksheet_write_formula_num(ws, row, col, f.c_str(), b.kr_sum_, Kr(ore));
}

void Titles(Book& b, lxw_worksheet* ws, const Report& r, const std::string& what) {
    const int year = r.request.year();
    const std::string range =
        text::PeriodRange(domain::FiscalYear::Calendar(year).First(), r.request.period);
    const std::string title =
        std::string(KindTitle(r.request.kind)) + " " + range + " – " + r.scope_name;
    worksheet_write_string(ws, 0, 0, title.c_str(), b.title_);
    const std::string sub = what + ". Belopp i kronor; läget per " +
                            text::DateText(r.request.as_of) + ". Avvikelse = utfall − budget.";
    worksheet_write_string(ws, 1, 0, sub.c_str(), nullptr);
}

void SummarySheet(Book& b, const Report& r) {
    lxw_worksheet* ws = workbook_add_worksheet(b.wb(), "Sammanfattning");
    Titles(b, ws, r, "Sammanfattning per kontogrupp");
    worksheet_set_column(ws, 0, 0, 38, nullptr);
    worksheet_set_column(ws, 1, 6, 16, nullptr);
    const lxw_row_t head = 3;
    Header(b, ws, head, {"Kontogrupp", "Utfall", "Budget", "Avvikelse", "Andel", "Årsbudget"});
    const auto& scope = r.units.front();
    lxw_row_t row = head + 1;
    std::int64_t o = 0, bu = 0, a = 0;
    for (const auto& g : scope.groups) {
        if (g.investment) continue;
        worksheet_write_string(ws, row, 0, g.name.c_str(), nullptr);
        Money(b, ws, row, 1, g.outcome);
        Money(b, ws, row, 2, g.budget);
        const std::string dev = "=" + Cell(row, 1) + "-" + Cell(row, 2);
        worksheet_write_formula_num(ws, row, 3, dev.c_str(), b.kr_, Kr(g.deviation()));
        if (g.budget != 0) {
            const std::string share = "=" + Cell(row, 3) + "/ABS(" + Cell(row, 2) + ")";
            worksheet_write_formula_num(
                ws, row, 4, share.c_str(), b.share_,
                static_cast<double>(g.deviation()) /
                    static_cast<double>(g.budget < 0 ? -g.budget : g.budget));
        }
        Money(b, ws, row, 5, g.annual_budget);
        o += g.outcome;
        bu += g.budget;
        a += g.annual_budget;
        ++row;
    }
    const lxw_row_t first = head + 1, last = row - 1;
    const lxw_row_t sum_row = row;
    worksheet_write_string(ws, row, 0, "Summa verksamhetens nettokostnad", b.sum_label_);
    if (row > first) {
        Total(b, ws, row, 1, first, last, o);
        Total(b, ws, row, 2, first, last, bu);
        Total(b, ws, row, 3, first, last, o - bu);
        Total(b, ws, row, 5, first, last, a);
    }
    row += 2;
    worksheet_write_string(ws, row++, 0, "Helårsprognos per omgång", b.bold_);
    Header(b, ws, row++, {"Omgång", "Avser", "Helårsprognos", "Med åtgärder", "Mot årsbudget"});
    for (const auto& rf : r.rounds) {
        worksheet_write_number(ws, row, 0, rf.round, nullptr);
        worksheet_write_string(ws, row, 1, text::PeriodText(rf.cutoff).c_str(), nullptr);
        if (rf.forecast) {
            Money(b, ws, row, 2, *rf.forecast);
            if (sum_row > first) {
                // Against the annual budget's total above.
                char abs_cell[32];
                lxw_rowcol_to_cell_abs(abs_cell, sum_row, 5, LXW_TRUE, LXW_TRUE);
                const std::string f = "=" + Cell(row, 2) + "-" + abs_cell;
                worksheet_write_formula_num(ws, row, 4, f.c_str(), b.kr_,
                                            Kr(*rf.forecast - scope.annual_budget));
            }
        }
        if (rf.with_measures) Money(b, ws, row, 3, *rf.with_measures);
        ++row;
    }
}

void LevelSheet(Book& b, const Report& r, domain::Level level) {
    std::vector<const UnitFigures*> units;
    for (const auto& u : r.units) {
        if (u.level == level) units.push_back(&u);
    }
    if (units.empty()) return;
    const int p = r.request.period.month() - 1;
    lxw_worksheet* ws = workbook_add_worksheet(b.wb(), std::string(LevelSheetName(level)).c_str());
    Titles(b, ws, r, "Per " + std::string(LevelText(level)));
    std::vector<std::string> names = {
        "Id",        "Namn",  "Överordnad", "Utfall",        "Budget",
        "Avvikelse", "Andel", "Årsbudget",  "Helårsprognos", "Prognos mot årsbudget"};
    for (int m = 1; m <= p + 1; ++m) names.push_back("Utfall " + ShortMonth(m));
    const lxw_row_t head = 3;
    Header(b, ws, head, names);
    worksheet_set_column(ws, 0, 0, 10, nullptr);
    worksheet_set_column(ws, 1, 1, 30, nullptr);
    worksheet_set_column(ws, 2, 2, 12, nullptr);
    worksheet_set_column(ws, 3, static_cast<lxw_col_t>(names.size() - 1), 15, nullptr);
    worksheet_freeze_panes(ws, head + 1, 2);
    lxw_row_t row = head + 1;
    std::int64_t o = 0, bu = 0, a = 0;
    Months months{};
    for (const auto* u : units) {
        worksheet_write_string(ws, row, 0, u->id.c_str(), nullptr);
        worksheet_write_string(ws, row, 1, u->name.c_str(), nullptr);
        worksheet_write_string(ws, row, 2, u->parent.c_str(), nullptr);
        Money(b, ws, row, 3, u->outcome);
        Money(b, ws, row, 4, u->budget);
        const std::string dev = "=" + Cell(row, 3) + "-" + Cell(row, 4);
        worksheet_write_formula_num(ws, row, 5, dev.c_str(), b.kr_, Kr(u->deviation()));
        if (u->budget != 0) {
            const std::string share = "=" + Cell(row, 5) + "/ABS(" + Cell(row, 4) + ")";
            const double abs_budget = static_cast<double>(u->budget < 0 ? -u->budget : u->budget);
            worksheet_write_formula_num(ws, row, 6, share.c_str(), b.share_,
                                        static_cast<double>(u->deviation()) / abs_budget);
        }
        Money(b, ws, row, 7, u->annual_budget);
        if (u->forecast) {
            Money(b, ws, row, 8, *u->forecast);
            const std::string fd = "=" + Cell(row, 8) + "-" + Cell(row, 7);
            worksheet_write_formula_num(ws, row, 9, fd.c_str(), b.kr_,
                                        Kr(*u->forecast - u->annual_budget));
        }
        for (int m = 0; m <= p; ++m) {
            const auto i = static_cast<std::size_t>(m);
            Money(b, ws, row, static_cast<lxw_col_t>(10 + m), u->outcome_months[i]);
            months[i] += u->outcome_months[i];
        }
        o += u->outcome;
        bu += u->budget;
        a += u->annual_budget;
        ++row;
    }
    const lxw_row_t first = head + 1, last = row - 1;
    worksheet_write_string(ws, row, 1, "Summa", b.sum_label_);
    Total(b, ws, row, 3, first, last, o);
    Total(b, ws, row, 4, first, last, bu);
    Total(b, ws, row, 5, first, last, o - bu);
    Total(b, ws, row, 7, first, last, a);
    for (int m = 0; m <= p; ++m) {
        Total(b, ws, row, static_cast<lxw_col_t>(10 + m), first, last,
              months[static_cast<std::size_t>(m)]);
    }
}

void AccountSheet(Book& b, const Report& r) {
    const int p = r.request.period.month() - 1;
    lxw_worksheet* ws = workbook_add_worksheet(b.wb(), "Konton");
    Titles(b, ws, r, "Utfall per konto");
    std::vector<std::string> names = {"Konto", "Benämning", "Kontogrupp"};
    for (int m = 1; m <= p + 1; ++m) names.push_back(ShortMonth(m));
    names.push_back("Summa");
    const lxw_row_t head = 3;
    Header(b, ws, head, names);
    worksheet_set_column(ws, 0, 0, 9, nullptr);
    worksheet_set_column(ws, 1, 2, 28, nullptr);
    worksheet_set_column(ws, 3, static_cast<lxw_col_t>(names.size() - 1), 14, nullptr);
    worksheet_freeze_panes(ws, head + 1, 1);
    const auto sum_col = static_cast<lxw_col_t>(3 + p + 1);
    lxw_row_t row = head + 1;
    Months months{};
    std::int64_t total = 0;
    for (const auto& a : r.accounts) {
        worksheet_write_string(ws, row, 0, a.account.c_str(), nullptr);
        worksheet_write_string(ws, row, 1, a.name.c_str(), nullptr);
        worksheet_write_string(ws, row, 2, a.group_name.c_str(), nullptr);
        for (int m = 0; m <= p; ++m) {
            const auto i = static_cast<std::size_t>(m);
            Money(b, ws, row, static_cast<lxw_col_t>(3 + m), a.months[i]);
            months[i] += a.months[i];
        }
        const std::string f = "=SUM(" + Range(row, 3, row, static_cast<lxw_col_t>(3 + p)) + ")";
        worksheet_write_formula_num(ws, row, sum_col, f.c_str(), b.kr_, Kr(a.outcome));
        total += a.outcome;
        ++row;
    }
    if (r.accounts.empty()) return;
    const lxw_row_t first = head + 1, last = row - 1;
    worksheet_write_string(ws, row, 1, "Summa", b.sum_label_);
    for (int m = 0; m <= p; ++m) {
        Total(b, ws, row, static_cast<lxw_col_t>(3 + m), first, last,
              months[static_cast<std::size_t>(m)]);
    }
    Total(b, ws, row, sum_col, first, last, total);
}

}  // namespace

std::string_view LevelSheetName(domain::Level level) noexcept {
    switch (level) {
        case domain::Level::kKf:
            return "KF";
        case domain::Level::kKs:
            return "KS";
        case domain::Level::kForvaltning:
            return "Förvaltning";
        case domain::Level::kNamnd:
            return "Nämnder";
        case domain::Level::kSektor:
            return "Sektorer";
        case domain::Level::kVerksamhet:
            return "Verksamheter";
        case domain::Level::kEnhet:
            return "Enheter";
    }
    return "Enheter";
}

core::Status WriteXlsx(const Report& r, const std::filesystem::path& path) {
    Book b(path);
    if (!b.ok()) {
        return core::Error(core::Errc::kUnavailable, path.string(), "cannot create the workbook");
    }
    // The file's creation time is the cut-off, not the wall clock, so the same report gives
    // the same workbook.
    const std::string title = std::string(KindTitle(r.request.kind)) + " – " + r.scope_name;
    lxw_doc_properties props{};
    props.title = const_cast<char*>(title.c_str());
    props.author = const_cast<char*>("bfu, budgetuppföljning");
    props.created = static_cast<time_t>(
        std::chrono::duration_cast<std::chrono::seconds>(
            (CutoffOf(r.request.as_of) - std::chrono::seconds(1)).time_since_epoch())
            .count());
    workbook_set_properties(b.wb(), &props);
    SummarySheet(b, r);
    for (auto level : {domain::Level::kKf, domain::Level::kKs, domain::Level::kForvaltning,
                       domain::Level::kNamnd, domain::Level::kSektor, domain::Level::kVerksamhet,
                       domain::Level::kEnhet}) {
        LevelSheet(b, r, level);
    }
    AccountSheet(b, r);
    const lxw_error e = b.Close();
    if (e != LXW_NO_ERROR) {
        return core::Error(core::Errc::kUnavailable, path.string(),
                           std::string("the workbook was not written: ") + lxw_strerror(e));
    }
    return core::Ok();
}

}  // namespace bfu::reporting
