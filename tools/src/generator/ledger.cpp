// Exempelkommun's month: the vouchers of its ERP, payroll and e-commerce systems, its HR
// figures and its goal outcomes (municipality.hpp). Every amount is split exactly (largest
// remainder), so each enhet's month sums to its plan to the öre.
#include <algorithm>
#include <array>
#include <map>

#include "bfu/domain/budget.hpp"
#include "bfu/domain/workdays.hpp"
#include "model.hpp"

namespace bfu::generator {

namespace {

using contracts::Voucher;
using contracts::VoucherLine;
using domain::Date;

const char* const kMonthNames[] = {"januari",   "februari", "mars",     "april",
                                   "maj",       "juni",     "juli",     "augusti",
                                   "september", "oktober",  "november", "december"};

std::string Two(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }

bool Working(Date d) { return domain::IsWorkingDay(d, {}); }

Date DayOf(int year, int month, int day) { return *Date::FromYmd(year, month, day); }

Date WorkingOnOrBefore(Date d) {
    while (!Working(d)) d = d.AddDays(-1);
    return d;
}

Date WorkingOnOrAfter(Date d) {
    while (!Working(d)) d = d.AddDays(1);
    return d;
}

std::vector<Date> WorkingDaysOf(int year, int month) {
    std::vector<Date> out;
    for (int day = 1; day <= domain::DaysInMonth(year, month); ++day) {
        const Date d = DayOf(year, month, day);
        if (Working(d)) out.push_back(d);
    }
    return out;
}

VoucherLine Line(const char* account, const std::string& unit, std::int64_t ore, const char* text) {
    VoucherLine l;
    l.account = core::AccountNo(account);
    l.unit = core::UnitId(unit);
    l.amount_ore = ore;
    if (text != nullptr && *text != '\0') l.text = text;
    return l;
}

std::vector<std::int64_t> Split(std::int64_t total, const std::vector<std::int64_t>& weights) {
    if (weights.empty()) return {};
    return domain::SpreadByWeights(total, weights);
}

std::vector<std::int64_t> RandomWeights(Random& r, std::size_t n, std::int64_t lo,
                                        std::int64_t hi) {
    std::vector<std::int64_t> w(n);
    for (auto& x : w) x = r.Between(lo, hi);
    return w;
}

// The part of `budget_part` that `normal` of `budget` is, with the remainder to the last part:
// scales a month's composition to its outcome exactly.
std::vector<std::int64_t> Scale(std::int64_t normal, const std::vector<std::int64_t>& parts) {
    std::int64_t sum = 0;
    for (auto p : parts) sum += p;
    std::vector<std::int64_t> out(parts.size(), 0);
    if (parts.empty()) return out;
    if (sum == 0) {
        out.back() = normal;
        return out;
    }
    std::int64_t given = 0;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        out[i] = static_cast<std::int64_t>(static_cast<Int128>(normal) * parts[i] / sum);
        given += out[i];
    }
    out.back() = normal - given;
    return out;
}

struct AccountWeight {
    const char* account;
    const char* text;
    int weight;
};

std::vector<AccountWeight> PurchaseMix(Kind k) {
    std::vector<AccountWeight> mix = {{"4010", "Förbrukningsmaterial", 50},
                                      {"4040", "Köpta tjänster", 22},
                                      {"4080", "IT-tjänster och licenser", 10}};
    switch (k) {
        case Kind::kGrundskola:
        case Kind::kGymnasium:
        case Kind::kVuxenutbildning:
        case Kind::kBibliotek:
        case Kind::kKulturskola:
        case Kind::kForskola:
            mix.push_back({"4030", k == Kind::kBibliotek ? "Medier" : "Läromedel", 35});
            break;
        case Kind::kKost:
        case Kind::kSarskiltBoende:
        case Kind::kLssBoende:
        case Kind::kHvb:
            mix.push_back({"4020", "Livsmedel", 45});
            break;
        default:
            break;
    }
    return mix;
}

const char* FixedText(const char* account) {
    std::string_view a = account;
    if (a == "4050") return "Köp av plats, extern placering";
    if (a == "4020") return "Livsmedel, leverans";
    if (a == "6170") return "Fastighetsunderhåll";
    return "Entreprenad";
}

class MonthBuilder {
public:
    MonthBuilder(const Municipality::Impl& m, int month) : m_(m), month_(month) {
        const int n = domain::DaysInMonth(m.year, month);
        for (int d = 1; d <= n; ++d) days_.push_back({DayOf(m.year, month, d), {}, {}});
        working_ = WorkingDaysOf(m.year, month);
        period_ = std::to_string(m.year) + Two(month);
    }

    std::vector<DayVouchers> Take() { return std::move(days_); }

    void Enhet(const EnhetPlan& e) {
        const auto& unit = m_.org[e.unit];
        const std::string& id = unit.id.value();
        const MonthPlan p = m_.PlanOf(e, month_);
        Random r(Mix(m_.seed, 21, e.unit, static_cast<std::uint64_t>(month_)));
        Payroll(e, id, unit.name, p, r);
        Material(e, id, p, r);
        Premises(e, id, p, r);
        Energy(e, id, p, r);
        Other(e, id, p, r);
        Revenue(e, id, unit.name, p, r);
    }

    // The quality-assurance stories of the month (after the enheter).
    void QualityStories() {
        const auto& first = m_.org[m_.enheter.front().unit].id.value();
        if (month_ == 1 && !Day(working_.front()).kafka.empty()) {
            // The ERP's first voucher of the year is posted again over HTTP after a timeout.
            Day(working_.front()).http.push_back(Day(working_.front()).kafka.front());
        }
        if (month_ == 2) {
            const Date d = WorkingOnOrAfter(DayOf(m_.year, 2, 12));
            Voucher bad = Invoice("LF-" + period_ + "-QA1", d, "4999", first, 1'250'000,
                                  "Inköp, felkonterat på okänt konto");
            Add(d, Way::kKafka, bad);
            Voucher fixed = Invoice("LF-" + period_ + "-QA1-K", NextWorking(d), "4010", first,
                                    1'250'000, "Inköp, rättad kontering");
            Add(NextWorking(d), Way::kKafka, fixed);
        }
        if (month_ == 4) {
            const Date d = WorkingOnOrAfter(DayOf(m_.year, 4, 9));
            Voucher bad = Invoice("LF-" + period_ + "-QA2", d, "4040", first + "X", 860'000,
                                  "Konsulttjänst, felaktigt ansvar");
            Add(d, Way::kKafka, bad);
            Voucher fixed = Invoice("LF-" + period_ + "-QA2-K", NextWorking(d), "4040", first,
                                    860'000, "Konsulttjänst, rättat ansvar");
            Add(NextWorking(d), Way::kKafka, fixed);
        }
        if (month_ == 6) {
            const Date d = WorkingOnOrAfter(DayOf(m_.year, 6, 10));
            Voucher bad = Invoice("LF-" + period_ + "-QA3", d, "4010", first, 432'150,
                                  "Inköp, avrundningsfel");
            bad.lines.back().amount_ore += 1;  // one öre off: it does not balance
            Add(d, Way::kKafka, bad);
            Voucher fixed = Invoice("LF-" + period_ + "-QA3-K", NextWorking(d), "4010", first,
                                    432'150, "Inköp, rättad");
            Add(NextWorking(d), Way::kKafka, fixed);
            // After a timeout the ERP connector sends the last batch of a day once more the next
            // working day: ingest takes them for duplicates.
            const Date from = WorkingOnOrAfter(DayOf(m_.year, 6, 16));
            const Date again = NextWorking(from);
            auto& src = Day(from).kafka;
            auto& dst = Day(again).kafka;
            const std::size_t n = std::min<std::size_t>(40, src.size());
            dst.insert(dst.begin(), src.end() - static_cast<std::ptrdiff_t>(n), src.end());
        }
        if (month_ == 10) {
            // The e-commerce system posts a day's batch twice over HTTP.
            for (const Date d : working_) {
                if (d.day() < 14) continue;
                auto& http = Day(d).http;
                if (http.empty()) continue;
                const std::vector<Voucher> copy = http;
                http.insert(http.end(), copy.begin(), copy.end());
                break;
            }
        }
    }

private:
    DayVouchers& Day(Date d) { return days_[static_cast<std::size_t>(d.day() - 1)]; }

    Date NextWorking(Date d) const { return WorkingOnOrAfter(d.AddDays(1)); }

    Date RandomWorkingDay(Random& r) const {
        return working_[static_cast<std::size_t>(
            r.Between(0, static_cast<std::int64_t>(working_.size()) - 1))];
    }

    void Add(Date d, Way way, Voucher v) {
        auto& day = Day(d);
        (way == Way::kHttp ? day.http : day.kafka).push_back(std::move(v));
    }

    Voucher Make(std::string_view source, std::string id, Date d, std::string text) const {
        Voucher v;
        v.source = core::SourceId(std::string(source));
        v.voucher_id = core::VoucherId(std::move(id));
        v.series = source == kPayrollSource ? "L" : (source == kEhandelSource ? "E" : "A");
        v.date = d.ToString();
        v.text = std::move(text);
        return v;
    }

    // A supplier invoice: cost (net), VAT to 2641, the gross to supplier debt.
    Voucher Invoice(std::string id, Date d, const char* account, const std::string& unit,
                    std::int64_t net, const char* text) const {
        Voucher v = Make(kErpSource, std::move(id), d, text);
        const std::int64_t vat = net / 4;
        v.lines = {Line(account, unit, net, text), Line("2641", unit, vat, "Ingående moms"),
                   Line("2440", unit, -(net + vat), "Leverantörsskuld")};
        return v;
    }

    void Payroll(const EnhetPlan& e, const std::string& id, const std::string& name,
                 const MonthPlan& p, Random& r) {
        const std::int64_t total = p.Group(kPersonal);
        if (total == 0) return;
        const KindInfo& k = Info(e.kind);
        const std::int64_t wages = total * 10000 / 13742;
        const std::int64_t fees = wages * 3142 / 10000;
        const std::int64_t pension = total - wages - fees;
        std::int64_t extra_wages = 0;
        for (const auto& x : p.extras) {
            if (x.group == kPersonal) extra_wages += x.ore * 10000 / 13742;
        }
        struct Pay {
            const char* account;
            const char* text;
            std::int64_t weight;
            int person;  // employee number, -1 for substitutes
        };
        std::vector<Pay> pays;
        const bool holiday = (k.care && month_ == 7) || (k.school_year && month_ == 6);
        for (int i = 0; i < e.employees; ++i) {
            pays.push_back({"5011", "Månadslön", 100 + r.Between(-15, 20), i});
            if (k.care && r.Chance(70)) pays.push_back({"5031", "OB-tillägg", r.Between(6, 12), i});
            if (r.Chance(k.care ? 10 : 4)) pays.push_back({"5041", "Övertidsersättning", 4, i});
            if (r.Chance(e.sick_x10 * 3 / 10)) pays.push_back({"5111", "Sjuklön", 6, i});
            if (holiday) pays.push_back({"5121", "Semestertillägg", 12, i});
        }
        int substitutes = std::max(1, e.employees * (k.care ? 15 : (k.school_year ? 8 : 4)) / 100);
        if (k.care && month_ == 7) substitutes *= 2;
        for (int i = 0; i < substitutes; ++i) pays.push_back({"5021", "Timlön vikarier", 25, -1});
        std::vector<std::int64_t> weights;
        for (const auto& x : pays) weights.push_back(x.weight);
        const auto amounts = Split(wages - extra_wages, weights);

        const Date payday = WorkingOnOrBefore(DayOf(m_.year, month_, 25));
        Voucher v = Make(kPayrollSource, "LON-" + period_ + "-" + id, payday,
                         "Lön " + std::string(kMonthNames[month_ - 1]) + " " +
                             std::to_string(m_.year) + ", " + name);
        std::vector<std::int64_t> per_person(static_cast<std::size_t>(e.employees) + 1, 0);
        for (std::size_t i = 0; i < pays.size(); ++i) {
            if (amounts[i] == 0) continue;
            v.lines.push_back(Line(pays[i].account, id, amounts[i], pays[i].text));
            per_person[pays[i].person < 0 ? per_person.size() - 1
                                          : static_cast<std::size_t>(pays[i].person)] += amounts[i];
        }
        for (const auto& x : p.extras) {
            if (x.group != kPersonal) continue;
            const std::int64_t part = x.ore * 10000 / 13742;
            const auto n = static_cast<std::size_t>(std::max(2, e.employees / 4));
            const auto split = Split(part, RandomWeights(r, n, 50, 150));
            for (auto a : split) {
                if (a != 0) v.lines.push_back(Line(x.account, id, a, x.text));
            }
            per_person.back() += part;
        }
        // Employer's contributions and pension per person, as the payroll system posts them.
        std::vector<std::int64_t> w;
        for (auto a : per_person) w.push_back(std::max<std::int64_t>(a, 0));
        if (std::all_of(w.begin(), w.end(), [](std::int64_t x) { return x == 0; })) w.back() = 1;
        const auto fee_lines = Split(fees, w);
        const auto pension_lines = Split(pension, w);
        for (std::size_t i = 0; i < w.size(); ++i) {
            if (fee_lines[i] != 0)
                v.lines.push_back(Line("5411", id, fee_lines[i], "Arbetsgivaravgifter"));
            if (pension_lines[i] != 0)
                v.lines.push_back(Line("5511", id, pension_lines[i], "Avtalspension"));
        }
        const std::int64_t tax = wages * 30 / 100;
        v.lines.push_back(Line("2710", id, -tax, "Källskatt"));
        v.lines.push_back(Line("2731", id, -(fees + pension), "Sociala avgifter"));
        v.lines.push_back(Line("1930", id, -(wages - tax), "Nettolöner"));
        Add(payday, Way::kKafka, std::move(v));
    }

    void Material(const EnhetPlan& e, const std::string& id, const MonthPlan& p, Random& r) {
        const KindInfo& k = Info(e.kind);
        const auto mi = static_cast<std::size_t>(month_ - 1);
        const std::int64_t budget = e.budget[kMaterial][mi];
        if (e.has[kMaterial] && budget != 0) {
            const bool fixed_here = k.fixed_hi_kr > 0 && k.fixed_account[0] == '4';
            const std::int64_t fixed_b = fixed_here ? e.fixed_ore : 0;
            const std::int64_t pay_b = static_cast<std::int64_t>(e.payments) * 9'400 * 100;
            const std::int64_t purchases_b = std::max<std::int64_t>(budget - fixed_b - pay_b, 0);
            const auto parts = Scale(p.normal[kMaterial], {fixed_b, pay_b, purchases_b});
            // Purchases: supplier invoices of 1-3 cost lines, a fifth of them small orders
            // through the e-commerce system (HTTP).
            int n = e.invoices;
            if (k.school_year && month_ == 7) n = std::max(2, n / 2);
            const auto mix = PurchaseMix(e.kind);
            std::vector<std::int64_t> mix_w;
            std::int64_t mix_total = 0;
            for (const auto& a : mix) {
                mix_w.push_back(a.weight);
                mix_total += a.weight;
            }
            const auto invoices =
                Split(parts[2], RandomWeights(r, static_cast<std::size_t>(n), 20, 400));
            for (std::size_t i = 0; i < invoices.size(); ++i) {
                if (invoices[i] == 0) continue;
                const Date d = RandomWorkingDay(r);
                const bool ehandel = r.Chance(20);
                Voucher v = Make(
                    ehandel ? kEhandelSource : kErpSource,
                    (ehandel ? "EH-" : "LF-") + period_ + "-" + id + "-" + std::to_string(i + 1), d,
                    ehandel ? "E-handel, beställning" : "Leverantörsfaktura");
                const auto lines = static_cast<std::size_t>(r.Between(1, ehandel ? 2 : 3));
                const auto amounts = Split(invoices[i], RandomWeights(r, lines, 30, 100));
                std::int64_t net = 0;
                bool food = false;
                for (auto a : amounts) {
                    // The account by the mix's weights.
                    std::int64_t pick = r.Between(1, mix_total);
                    std::size_t j = 0;
                    while (pick > mix_w[j]) pick -= mix_w[j++];
                    if (std::string_view(mix[j].account) == "4020") food = true;
                    v.lines.push_back(Line(mix[j].account, id, a, mix[j].text));
                    net += a;
                }
                const std::int64_t vat = food ? net * 12 / 100 : net / 4;
                v.lines.push_back(Line("2641", id, vat, "Ingående moms"));
                v.lines.push_back(Line("2440", id, -(net + vat), "Leverantörsskuld"));
                Add(d, ehandel ? Way::kHttp : Way::kKafka, std::move(v));
            }
            if (parts[0] != 0) {
                const auto n_fixed = static_cast<std::size_t>(r.Between(2, 4));
                const auto split = Split(parts[0], RandomWeights(r, n_fixed, 60, 140));
                for (std::size_t i = 0; i < split.size(); ++i) {
                    const Date d = RandomWorkingDay(r);
                    Add(d, Way::kKafka,
                        Invoice("LF-" + period_ + "-" + id + "-F" + std::to_string(i + 1), d,
                                k.fixed_account, id, split[i], FixedText(k.fixed_account)));
                }
            }
            if (parts[1] != 0) {
                // Payments to households (ekonomiskt bistånd) before the 20th.
                const Date d = WorkingOnOrBefore(DayOf(m_.year, month_, 19));
                Voucher v = Make(kErpSource, "BI-" + period_ + "-" + id, d,
                                 "Utbetalning ekonomiskt bistånd");
                const auto pay = Split(
                    parts[1], RandomWeights(r, static_cast<std::size_t>(e.payments), 40, 160));
                for (auto a : pay) v.lines.push_back(Line("4070", id, a, "Försörjningsstöd"));
                v.lines.push_back(Line("1930", id, -parts[1], "Utbetalning"));
                Add(d, Way::kKafka, std::move(v));
            }
        }
        Extras(id, p, kMaterial, r);
    }

    void Extras(const std::string& id, const MonthPlan& p, int group, Random& r) {
        int n = 0;
        for (const auto& x : p.extras) {
            if (x.group != group || x.ore == 0) continue;
            const Date d =
                group == kEnergi
                    ? working_.back()
                    : working_[static_cast<std::size_t>(r.Between(8, 14)) % working_.size()];
            Add(d, Way::kKafka,
                Invoice("LF-" + period_ + "-" + id + "-X" + std::to_string(++n), d, x.account, id,
                        x.ore, x.text));
        }
    }

    void Premises(const EnhetPlan& e, const std::string& id, const MonthPlan& p, Random& r) {
        const KindInfo& k = Info(e.kind);
        const auto mi = static_cast<std::size_t>(month_ - 1);
        if (e.has[kLokaler]) {
            const bool fixed_here = k.fixed_hi_kr > 0 && k.fixed_account[0] == '6';
            const std::int64_t fixed_b = fixed_here ? e.fixed_ore : 0;
            const std::int64_t budget = e.budget[kLokaler][mi];
            const auto parts =
                Scale(p.normal[kLokaler], {fixed_b, std::max<std::int64_t>(budget - fixed_b, 0)});
            if (parts[1] != 0) {
                const Date d = working_.front();
                Voucher v = Make(kErpSource, "HY-" + period_ + "-" + id, d,
                                 "Lokalhyra " + std::string(kMonthNames[month_ - 1]));
                v.lines = {Line("6110", id, parts[1], "Lokalhyra"),
                           Line("2440", id, -parts[1], "Leverantörsskuld")};
                Add(d, Way::kKafka, std::move(v));
            }
            if (parts[0] != 0) {
                const auto n = static_cast<std::size_t>(r.Between(3, 8));
                const auto split = Split(parts[0], RandomWeights(r, n, 40, 160));
                for (std::size_t i = 0; i < split.size(); ++i) {
                    const Date d = RandomWorkingDay(r);
                    Add(d, Way::kKafka,
                        Invoice("LF-" + period_ + "-" + id + "-U" + std::to_string(i + 1), d,
                                "6170", id, split[i], "Fastighetsunderhåll"));
                }
            }
        }
        Extras(id, p, kLokaler, r);
    }

    void Energy(const EnhetPlan& e, const std::string& id, const MonthPlan& p, Random& r) {
        if (e.has[kEnergi] && p.normal[kEnergi] != 0) {
            // One invoice per property on the last working day: electricity and district heat.
            const auto properties = static_cast<std::size_t>(
                e.kind == Kind::kFastighet ? r.Between(8, 15) : r.Between(1, 2));
            const auto split = Split(p.normal[kEnergi], RandomWeights(r, properties, 50, 150));
            const Date d = working_.back();
            for (std::size_t i = 0; i < split.size(); ++i) {
                Voucher v =
                    Make(kErpSource, "EN-" + period_ + "-" + id + "-" + std::to_string(i + 1), d,
                         "Energi fastighet " + std::to_string(i + 1));
                const std::int64_t el = split[i] * 4 / 10;
                const std::int64_t heat = split[i] - el;
                const std::int64_t vat = split[i] / 4;
                v.lines = {Line("6210", id, el, "El"), Line("6220", id, heat, "Fjärrvärme"),
                           Line("2641", id, vat, "Ingående moms"),
                           Line("2440", id, -(split[i] + vat), "Leverantörsskuld")};
                Add(d, Way::kKafka, std::move(v));
            }
        }
        Extras(id, p, kEnergi, r);
    }

    void Other(const EnhetPlan& e, const std::string& id, const MonthPlan& p, Random& r) {
        const KindInfo& k = Info(e.kind);
        if (!e.has[kOvrigt] || p.normal[kOvrigt] == 0) return;
        const auto parts =
            Scale(p.normal[kOvrigt], {static_cast<std::int64_t>(k.depreciation_kr) * 100,
                                      static_cast<std::int64_t>(k.ovrigt_kr) * 100});
        if (parts[0] != 0) {
            const Date d = working_.back();
            Voucher v = Make(kErpSource, "AV-" + period_ + "-" + id, d, "Avskrivningar");
            v.lines = {Line("7810", id, parts[0], "Avskrivningar inventarier"),
                       Line("1229", id, -parts[0], "Ackumulerade avskrivningar")};
            Add(d, Way::kKafka, std::move(v));
        }
        if (parts[1] != 0) {
            static constexpr AccountWeight kOther[] = {{"7110", "Kurser och konferenser", 30},
                                                       {"7210", "Telefoni och data", 40},
                                                       {"7310", "Leasing av fordon", 30}};
            const bool cars = e.kind == Kind::kHemtjanst;
            const auto split = Split(parts[1], cars ? std::vector<std::int64_t>{10, 20, 70}
                                                    : std::vector<std::int64_t>{30, 60, 10});
            for (std::size_t i = 0; i < split.size(); ++i) {
                if (split[i] == 0) continue;
                const Date d = RandomWorkingDay(r);
                Add(d, Way::kKafka,
                    Invoice("LF-" + period_ + "-" + id + "-O" + std::to_string(i + 1), d,
                            kOther[i].account, id, split[i], kOther[i].text));
            }
        }
    }

    void Revenue(const EnhetPlan& e, const std::string& id, const std::string& name,
                 const MonthPlan& p, Random& r) {
        const KindInfo& k = Info(e.kind);
        const auto mi = static_cast<std::size_t>(month_ - 1);
        if (!e.has[kIntakter] || p.normal[kIntakter] == 0) return;
        const std::int64_t fees_b = static_cast<std::int64_t>(e.customers) * e.fee_ore;
        const std::int64_t grant_b = -e.budget[kIntakter][mi] - fees_b;
        const auto parts =
            Scale(p.normal[kIntakter], {-fees_b, -std::max<std::int64_t>(grant_b, 0)});
        if (parts[0] != 0 && e.customers > 0) {
            // The billing run on the fifth working day: one line per customer and its receivable.
            const Date d = working_[std::min<std::size_t>(4, working_.size() - 1)];
            const std::int64_t budget_fees = -fees_b;
            auto customers = static_cast<std::size_t>(std::max<std::int64_t>(
                1, static_cast<std::int64_t>(e.customers) * parts[0] / budget_fees));
            Voucher v = Make(kErpSource, "KU-" + period_ + "-" + id, d,
                             "Debitering " + std::string(kMonthNames[month_ - 1]) + ", " + name);
            const auto split = Split(parts[0], RandomWeights(r, customers, 70, 130));
            for (auto a : split) {
                if (a == 0) continue;
                v.lines.push_back(Line(k.fee_account, id, a, "Avgift"));
                v.lines.push_back(Line("1510", id, -a, "Kundfordran"));
            }
            Add(d, Way::kKafka, std::move(v));
        }
        if (parts[1] != 0) {
            const Date d = working_[std::min<std::size_t>(9, working_.size() - 1)];
            Voucher v =
                Make(kErpSource, "SB-" + period_ + "-" + id, d, "Statsbidrag och ersättningar");
            v.lines = {Line("3610", id, parts[1], "Ersättning"),
                       Line("1930", id, -parts[1], "Inbetalning")};
            Add(d, Way::kKafka, std::move(v));
        }
    }

    const Municipality::Impl& m_;
    int month_;
    std::vector<DayVouchers> days_;
    std::vector<Date> working_;
    std::string period_;
};

void AppendEscaped(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (u < 0x20) {
                    out += "\\u00";
                    out += kHex[u >> 4];
                    out += kHex[u & 0xF];
                } else {
                    out += c;
                }
        }
    }
}

void AppendString(std::string& out, std::string_view key, std::string_view value) {
    out += '"';
    out += key;
    out += "\":\"";
    AppendEscaped(out, value);
    out += '"';
}

void AppendAmount(std::string& out, std::int64_t ore) {
    const bool negative = ore < 0;
    const std::uint64_t magnitude =
        negative ? static_cast<std::uint64_t>(-(ore + 1)) + 1U : static_cast<std::uint64_t>(ore);
    if (negative) out += '-';
    out += std::to_string(magnitude / 100U);
    out += '.';
    out += static_cast<char>('0' + magnitude % 100U / 10U);
    out += static_cast<char>('0' + magnitude % 10U);
}

}  // namespace

std::vector<DayVouchers> Municipality::VouchersOf(int month) const {
    MonthBuilder b(*impl_, month);
    for (const auto& e : impl_->enheter) b.Enhet(e);
    b.QualityStories();
    return b.Take();
}

std::vector<contracts::HrFigure> Municipality::HrOf(int month) const {
    constexpr std::array<int, 12> kSeason = {6, 8, 4, 0, -2, -4, -8, -4, 0, 2, 4, 5};
    constexpr std::array<int, 12> kOvertimeSick = {0, 0, 30, 38, 35, 22, 12, 6, 0, 0, 0, 0};
    std::vector<contracts::HrFigure> out;
    const auto& m = *impl_;
    const auto mi = static_cast<std::size_t>(month - 1);
    for (const auto& e : m.enheter) {
        const KindInfo& k = Info(e.kind);
        Random r(Mix(m.seed, 31, e.unit, mi));
        contracts::HrFigure h;
        h.unit = m.org[e.unit].id;
        h.period = std::to_string(m.year) + Two(month);
        h.headcount = e.employees + static_cast<int>(r.Between(-1, 1));
        const std::int64_t fte_x10 =
            static_cast<std::int64_t>(h.headcount) * r.Between(86, 95) / 10;
        h.fte = static_cast<double>(fte_x10) / 10.0;
        int sick = e.sick_x10 + kSeason[mi] + static_cast<int>(r.Between(-3, 3));
        std::int64_t overtime_x10 =
            static_cast<std::int64_t>(e.employees) * k.overtime_x10 * r.Between(80, 120) / 100;
        if ((e.stories & kStoryOvertime) != 0) {
            sick += kOvertimeSick[mi];
            if (month >= 3 && month <= 6) overtime_x10 *= 5;
            if (month >= 7 && month <= 9) overtime_x10 *= 2;
        }
        if ((e.stories & kStoryGoodSchool) != 0) sick = 31 + static_cast<int>(r.Between(-2, 2));
        h.sick_leave_pct = static_cast<double>(std::max(5, sick)) / 10.0;
        h.overtime_hours = static_cast<double>(overtime_x10) / 10.0;
        h.personnel_cost_ore = m.PlanOf(e, month).Group(kPersonal);
        out.push_back(std::move(h));
    }
    return out;
}

std::vector<contracts::GoalOutcome> Municipality::GoalOutcomesOf(int month) const {
    std::vector<contracts::GoalOutcome> out;
    const auto& m = *impl_;
    for (const auto& e : m.enheter) {
        const KindInfo& k = Info(e.kind);
        for (int g = 0; g < e.goal_count; ++g) {
            const GoalTemplate& t = k.goals[g];
            Random r(Mix(m.seed, 41, e.unit * 4 + static_cast<std::uint64_t>(g),
                         static_cast<std::uint64_t>(month)));
            // How the unit does, per mille better (+) or worse (-) than its target.
            std::int64_t better = e.goal_offset_permille[g] + r.Between(-15, 15);
            if ((e.stories & kStoryGoodSchool) != 0) better = 110 + r.Between(0, 20);
            if ((e.stories & kStoryOvertime) != 0) {
                better = month == 4 ? -260 : (month == 8 ? -140 : -30);
            }
            const std::int64_t target = t.target_x10;
            std::int64_t value_x10 = t.higher_is_better ? target * (1000 + better) / 1000
                                                        : target * (1000 - better) / 1000;
            if (std::string_view(t.measure_unit) == "%")
                value_x10 = std::min<std::int64_t>(value_x10, 1000);
            contracts::GoalOutcome o;
            o.goal_id = "G-" + m.org[e.unit].id.value() + "-" + t.key;
            o.unit = m.org[e.unit].id;
            o.period = std::to_string(m.year) + Two(month);
            o.value = static_cast<double>(value_x10) / 10.0;
            out.push_back(std::move(o));
        }
    }
    return out;
}

std::string VoucherJson(const contracts::Voucher& v) {
    for (const auto& l : v.lines) {
        if (l.project || l.trans_date || l.quantity || l.accrual || l.accrual_period ||
            !l.dims.empty()) {
            return v.ToJson().dump();
        }
    }
    // nlohmann's objects keep their keys sorted: date, lines, registeredAt, series, source,
    // text, voucherId; a line's account, amount, text, unit.
    std::string out;
    out.reserve(160 + v.lines.size() * 64);
    out += '{';
    AppendString(out, "date", v.date);
    out += ",\"lines\":[";
    for (std::size_t i = 0; i < v.lines.size(); ++i) {
        const auto& l = v.lines[i];
        if (i > 0) out += ',';
        out += '{';
        AppendString(out, "account", l.account.value());
        out += ",\"amount\":\"";
        AppendAmount(out, l.amount_ore);
        out += '"';
        if (l.text) {
            out += ',';
            AppendString(out, "text", *l.text);
        }
        out += ',';
        AppendString(out, "unit", l.unit.value());
        out += '}';
    }
    out += ']';
    if (v.registered_at) {
        out += ',';
        AppendString(out, "registeredAt", *v.registered_at);
    }
    if (v.series) {
        out += ',';
        AppendString(out, "series", *v.series);
    }
    out += ',';
    AppendString(out, "source", v.source.value());
    if (v.text) {
        out += ',';
        AppendString(out, "text", *v.text);
    }
    out += ',';
    AppendString(out, "voucherId", v.voucher_id.value());
    out += '}';
    return out;
}

}  // namespace bfu::generator
