#include "bfu/sie/reconcile.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

namespace bfu::sie {
namespace {

// Checked accumulation: hostile input can hold amounts whose sum leaves int64.
bool AddTo(core::Money& total, core::Money amount) {
    auto sum = core::Money::Add(total, amount);
    if (!sum.ok()) return false;
    total = *sum;
    return true;
}

template <typename Map, typename Key>
core::Money Lookup(const Map& map, const Key& key) {
    auto it = map.find(key);
    return it == map.end() ? core::Money() : it->second;
}

std::optional<std::int32_t> YearOf(const std::vector<FiscalYear>& years, Date d) {
    for (const FiscalYear& y : years) {
        if (y.start <= d && d <= y.end) return y.index;
    }
    return std::nullopt;
}

std::size_t Mix(std::size_t h, std::size_t v) {
    // boost::hash_combine's mixing step.
    return h ^ (v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2));
}

std::size_t HashInt(std::int64_t v) { return std::hash<std::int64_t>{}(v); }
std::size_t HashText(const std::string& s) { return std::hash<std::string_view>{}(s); }
std::size_t HashPeriod(Period p) { return HashInt(p.year * 16 + p.month); }

}  // namespace

std::size_t OutcomeKeyHash::operator()(const AccountPeriodKey& k) const noexcept {
    return Mix(HashText(k.account), HashPeriod(k.period));
}
std::size_t OutcomeKeyHash::operator()(const ObjectKey& k) const noexcept {
    return Mix(Mix(Mix(HashText(k.account), HashPeriod(k.period)), HashInt(k.dimension)),
               HashText(k.object));
}
std::size_t OutcomeKeyHash::operator()(const YearAccountKey& k) const noexcept {
    return Mix(HashInt(k.year), HashText(k.account));
}
std::size_t OutcomeKeyHash::operator()(const YearObjectKey& k) const noexcept {
    return Mix(Mix(Mix(HashInt(k.year), HashText(k.account)), HashInt(k.dimension)),
               HashText(k.object));
}

void Outcomes::Add(const Voucher& v) {
    ++vouchers_;
    for (const VoucherLine& l : v.lines) {
        ++lines_;
        const Period period = Period::Of(l.date);
        ap_key_.account = l.account;
        ap_key_.period = period;
        OutcomeCell& cell = by_account_period_[ap_key_];
        if (!AddTo(cell.amount, l.amount)) ++overflows_;
        ++cell.lines;
        // A row names each object once per dimension; a list that repeats a pair must not
        // count the row twice.
        const std::vector<ObjectRef>* objects = &l.objects;
        if (l.objects.size() > 1) {
            unique_ = l.objects;
            std::sort(unique_.begin(), unique_.end());
            unique_.erase(std::unique(unique_.begin(), unique_.end()), unique_.end());
            objects = &unique_;
        }
        object_key_.account = l.account;
        object_key_.period = period;
        for (const ObjectRef& o : *objects) {
            object_key_.dimension = o.dimension;
            object_key_.object = o.id;
            OutcomeCell& oc = by_object_[object_key_];
            if (!AddTo(oc.amount, l.amount)) ++overflows_;
            ++oc.lines;
        }
        const std::optional<std::int32_t> year = YearOf(fiscal_years_, l.date);
        if (!year) {
            ++rows_outside_years_;
            continue;
        }
        year_key_.year = *year;
        year_key_.account = l.account;
        if (!AddTo(by_year_account_[year_key_], l.amount)) ++overflows_;
        year_object_key_.year = *year;
        year_object_key_.account = l.account;
        for (const ObjectRef& o : *objects) {
            year_object_key_.dimension = o.dimension;
            year_object_key_.object = o.id;
            if (!AddTo(by_year_object_[year_object_key_], l.amount)) ++overflows_;
        }
        auto it = std::lower_bound(years_.begin(), years_.end(), *year);
        if (it == years_.end() || *it != *year) years_.insert(it, *year);
    }
}

OutcomeCell Outcomes::AccountPeriod(const std::string& account, Period p) const {
    auto it = by_account_period_.find(AccountPeriodKey{account, p});
    return it == by_account_period_.end() ? OutcomeCell{} : it->second;
}

OutcomeCell Outcomes::AccountPeriodObject(const std::string& account, Period p,
                                          std::int32_t dimension, const std::string& object) const {
    auto it = by_object_.find(ObjectKey{account, p, dimension, object});
    return it == by_object_.end() ? OutcomeCell{} : it->second;
}

core::Money Outcomes::YearAccount(std::int32_t year, const std::string& account) const {
    return Lookup(by_year_account_, YearAccountKey{year, account});
}

core::Money Outcomes::YearAccountObject(std::int32_t year, const std::string& account,
                                        std::int32_t dimension, const std::string& object) const {
    return Lookup(by_year_object_, YearObjectKey{year, account, dimension, object});
}

std::vector<std::pair<AccountPeriodKey, OutcomeCell>> Outcomes::SortedByAccountPeriod() const {
    std::vector<std::pair<AccountPeriodKey, OutcomeCell>> out(by_account_period_.begin(),
                                                              by_account_period_.end());
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return std::tie(a.first.account, a.first.period) <
               std::tie(b.first.account, b.first.period);
    });
    return out;
}

std::vector<std::pair<ObjectKey, OutcomeCell>> Outcomes::SortedByObject() const {
    std::vector<std::pair<ObjectKey, OutcomeCell>> out(by_object_.begin(), by_object_.end());
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return std::tie(a.first.account, a.first.period, a.first.dimension, a.first.object) <
               std::tie(b.first.account, b.first.period, b.first.dimension, b.first.object);
    });
    return out;
}

Outcomes ComputeOutcomes(const SieFile& file) {
    Outcomes o(file.fiscal_years);
    for (const Voucher& v : file.vouchers) o.Add(v);
    return o;
}

Reconciliation Reconcile(const SieFile& file, const Outcomes& outcomes,
                         const ReconcileOptions& options) {
    constexpr const char* kOverflow = "amounts too large to sum in int64 öre";
    Reconciliation r;
    if (file.info.kind == FileKind::k4I && !options.force) {
        r.skipped_reason =
            "SIE 4I import file: the standard defines it as vouchers only, so balances in it "
            "do not describe its vouchers";
        return r;
    }
    if (outcomes.overflows() > 0) {
        r.skipped_reason = kOverflow;
        return r;
    }
    r.performed = true;

    std::set<std::int32_t> years(outcomes.years_with_rows().begin(),
                                 outcomes.years_with_rows().end());
    for (const RejectedVoucher& rv : file.rejected) {
        if (rv.voucher.date.year == 0) continue;  // no readable date
        if (auto y = file.FiscalYearOf(rv.voucher.date)) years.insert(*y);
    }
    r.years_checked.assign(years.begin(), years.end());

    using YearAccount = std::pair<std::int32_t, std::string>;
    using YearObject = std::tuple<std::int32_t, std::string, std::int32_t, std::string>;
    std::map<YearAccount, core::Money> ib;
    std::map<YearObject, core::Money> oib;
    for (const Balance& b : file.balances) {
        if (b.kind == BalanceKind::kIb) ib[{b.year, b.account}] = b.amount;
        if (b.kind == BalanceKind::kOib && b.objects.size() == 1) {
            oib[{b.year, b.account, b.objects[0].dimension, b.objects[0].id}] = b.amount;
        }
    }

    std::set<YearAccount> year_rows;  // (year, account) with #RES or #UB
    std::set<std::int32_t> years_with_year_rows;
    std::set<std::pair<std::string, Period>> psaldo_rows;  // (account, period): #PSALDO {}
    std::set<std::int32_t> years_with_psaldo;
    bool overflow = false;

    auto compare = [&r](const Balance& b, core::Money computed) {
        ++r.checked;
        if (computed == b.amount) return;
        Difference d;
        d.kind = b.kind;
        d.year = b.year;
        d.period = b.period;
        d.account = b.account;
        d.objects = b.objects;
        d.expected = b.amount;
        d.computed = computed;
        d.source_line = b.source_line;
        r.differences.push_back(std::move(d));
    };

    for (const Balance& b : file.balances) {
        if (b.kind == BalanceKind::kIb || b.kind == BalanceKind::kOib) continue;
        if (years.count(b.year) == 0) {
            ++r.not_checked;
            continue;
        }
        switch (b.kind) {
            case BalanceKind::kRes:
                year_rows.insert({b.year, b.account});
                years_with_year_rows.insert(b.year);
                compare(b, outcomes.YearAccount(b.year, b.account));
                break;
            case BalanceKind::kUb: {
                year_rows.insert({b.year, b.account});
                years_with_year_rows.insert(b.year);
                core::Money computed = Lookup(ib, YearAccount{b.year, b.account});
                overflow |= !AddTo(computed, outcomes.YearAccount(b.year, b.account));
                compare(b, computed);
                break;
            }
            case BalanceKind::kOub: {
                if (b.objects.size() != 1) {
                    ++r.not_checked;
                    break;
                }
                const ObjectRef& o = b.objects[0];
                core::Money computed =
                    Lookup(oib, YearObject{b.year, b.account, o.dimension, o.id});
                overflow |= !AddTo(
                    computed, outcomes.YearAccountObject(b.year, b.account, o.dimension, o.id));
                compare(b, computed);
                break;
            }
            case BalanceKind::kPsaldo: {
                years_with_psaldo.insert(b.year);
                if (b.objects.empty()) {
                    psaldo_rows.insert({b.account, *b.period});
                    compare(b, outcomes.AccountPeriod(b.account, *b.period).amount);
                } else if (b.objects.size() == 1) {
                    const ObjectRef& o = b.objects[0];
                    compare(b, outcomes.AccountPeriodObject(b.account, *b.period, o.dimension, o.id)
                                   .amount);
                } else {
                    ++r.not_checked;
                }
                break;
            }
            default:
                break;
        }
    }

    // Movements the exporter's balances do not mention at all. Exporters leave out zero
    // balances, so an absent row means 0.
    std::unordered_map<std::string, std::string> ktyp;
    for (const Account& a : file.accounts) ktyp.emplace(a.number, a.type);
    auto missing = [&r](BalanceKind kind, std::int32_t year, std::optional<Period> period,
                        const std::string& account, core::Money computed) {
        if (computed.IsZero()) return;
        Difference d;
        d.kind = kind;
        d.year = year;
        d.period = period;
        d.account = account;
        d.computed = computed;
        r.differences.push_back(std::move(d));
    };
    std::set<YearAccount> candidates;
    for (const auto& [key, amount] : outcomes.by_year_account()) {
        candidates.insert({key.year, key.account});
    }
    for (const auto& [key, amount] : ib) candidates.insert(key);
    for (const YearAccount& key : candidates) {
        const auto& [year, account] = key;
        if (years_with_year_rows.count(year) == 0 || year_rows.count(key) != 0) continue;
        auto t = ktyp.find(account);
        const AccountClass cls = ClassOf(account, t == ktyp.end() ? "" : t->second);
        core::Money computed = outcomes.YearAccount(year, account);
        if (cls == AccountClass::kResult) {
            missing(BalanceKind::kRes, year, std::nullopt, account, computed);
        } else {
            overflow |= !AddTo(computed, Lookup(ib, key));
            missing(BalanceKind::kUb, year, std::nullopt, account, computed);
        }
    }
    for (const auto& [key, cell] : outcomes.by_account_period()) {
        if (psaldo_rows.count({key.account, key.period}) != 0) continue;
        const Date first{key.period.year, key.period.month, 1};
        const std::optional<std::int32_t> year = file.FiscalYearOf(first);
        if (!year || years_with_psaldo.count(*year) == 0) continue;
        missing(BalanceKind::kPsaldo, *year, key.period, key.account, cell.amount);
    }

    if (overflow) {
        r.performed = false;
        r.skipped_reason = kOverflow;
        r.differences.clear();
        return r;
    }
    std::sort(r.differences.begin(), r.differences.end(),
              [](const Difference& a, const Difference& b) {
                  return std::tie(a.kind, a.year, a.account, a.period, a.objects, a.source_line) <
                         std::tie(b.kind, b.year, b.account, b.period, b.objects, b.source_line);
              });
    return r;
}

}  // namespace bfu::sie
