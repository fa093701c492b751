#include "bfu/sie/reconcile.hpp"

#include <algorithm>
#include <set>
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

template <typename Map, typename Key>
core::Money LookupCell(const Map& map, const Key& key) {
    auto it = map.find(key);
    return it == map.end() ? core::Money() : it->second.amount;
}

std::optional<std::int32_t> YearOf(const std::vector<FiscalYear>& years, Date d) {
    for (const FiscalYear& y : years) {
        if (y.start <= d && d <= y.end) return y.index;
    }
    return std::nullopt;
}

}  // namespace

void Outcomes::Add(const Voucher& v) {
    ++vouchers_;
    std::vector<ObjectRef> unique;
    for (const VoucherLine& l : v.lines) {
        ++lines_;
        const Period period = Period::Of(l.date);
        OutcomeCell& cell = by_account_period_[{l.account, period}];
        if (!AddTo(cell.amount, l.amount)) ++overflows_;
        ++cell.lines;
        // A row names each object once per dimension; a list that repeats a pair must not
        // count the row twice.
        const std::vector<ObjectRef>* objects = &l.objects;
        if (l.objects.size() > 1) {
            unique = l.objects;
            std::sort(unique.begin(), unique.end());
            unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
            objects = &unique;
        }
        for (const ObjectRef& o : *objects) {
            OutcomeCell& oc = by_object_[{l.account, period, o.dimension, o.id}];
            if (!AddTo(oc.amount, l.amount)) ++overflows_;
            ++oc.lines;
        }
        const std::optional<std::int32_t> year = YearOf(fiscal_years_, l.date);
        if (!year) {
            ++rows_outside_years_;
            continue;
        }
        if (!AddTo(by_year_account_[{*year, l.account}], l.amount)) ++overflows_;
        for (const ObjectRef& o : *objects) {
            if (!AddTo(by_year_object_[{*year, l.account, o.dimension, o.id}], l.amount)) {
                ++overflows_;
            }
        }
        auto it = std::lower_bound(years_.begin(), years_.end(), *year);
        if (it == years_.end() || *it != *year) years_.insert(it, *year);
    }
}

Outcomes ComputeOutcomes(const SieFile& file) {
    Outcomes o(file.fiscal_years);
    for (const Voucher& v : file.vouchers) o.Add(v);
    return o;
}

Reconciliation Reconcile(const SieFile& file, const Outcomes& outcomes,
                         const ReconcileOptions& options) {
    Reconciliation r;
    if (file.info.kind == FileKind::k4I && !options.force) {
        r.skipped_reason =
            "SIE 4I import file: the standard defines it as vouchers only, so balances in it "
            "do not describe its vouchers";
        return r;
    }
    if (outcomes.overflows() > 0) {
        r.skipped_reason = "amounts too large to sum in int64 öre";
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

    std::map<Outcomes::YearAccount, core::Money> ib;
    std::map<Outcomes::YearAccountObject, core::Money> oib;
    for (const Balance& b : file.balances) {
        if (b.kind == BalanceKind::kIb) ib[{b.year, b.account}] = b.amount;
        if (b.kind == BalanceKind::kOib && b.objects.size() == 1) {
            oib[{b.year, b.account, b.objects[0].dimension, b.objects[0].id}] = b.amount;
        }
    }

    std::set<Outcomes::YearAccount> year_rows;  // (year, account) with #RES or #UB
    std::set<std::int32_t> years_with_year_rows;
    std::set<Outcomes::AccountPeriod> psaldo_rows;  // (account, period) with #PSALDO {}
    std::set<std::int32_t> years_with_psaldo;

    auto add = [&r](const Balance& b, core::Money computed) {
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
    auto fail_overflow = [&r]() {
        r.performed = false;
        r.skipped_reason = "amounts too large to sum in int64 öre";
        r.differences.clear();
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
                add(b, Lookup(outcomes.by_year_account(), std::make_pair(b.year, b.account)));
                break;
            case BalanceKind::kUb: {
                year_rows.insert({b.year, b.account});
                years_with_year_rows.insert(b.year);
                core::Money computed = Lookup(ib, std::make_pair(b.year, b.account));
                if (!AddTo(computed,
                           Lookup(outcomes.by_year_account(), std::make_pair(b.year, b.account)))) {
                    fail_overflow();
                    return r;
                }
                add(b, computed);
                break;
            }
            case BalanceKind::kOub: {
                if (b.objects.size() != 1) {
                    ++r.not_checked;
                    break;
                }
                const auto key =
                    std::make_tuple(b.year, b.account, b.objects[0].dimension, b.objects[0].id);
                core::Money computed = Lookup(oib, key);
                if (!AddTo(computed, Lookup(outcomes.by_year_object(), key))) {
                    fail_overflow();
                    return r;
                }
                add(b, computed);
                break;
            }
            case BalanceKind::kPsaldo: {
                years_with_psaldo.insert(b.year);
                if (b.objects.empty()) {
                    psaldo_rows.insert({b.account, *b.period});
                    add(b, LookupCell(outcomes.by_account_period(),
                                      std::make_pair(b.account, *b.period)));
                } else if (b.objects.size() == 1) {
                    add(b, LookupCell(outcomes.by_object(),
                                      std::make_tuple(b.account, *b.period, b.objects[0].dimension,
                                                      b.objects[0].id)));
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
    auto missing = [&](BalanceKind kind, std::int32_t year, std::optional<Period> period,
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
    std::set<Outcomes::YearAccount> candidates;
    for (const auto& [key, amount] : outcomes.by_year_account()) candidates.insert(key);
    for (const auto& [key, amount] : ib) candidates.insert(key);
    for (const auto& key : candidates) {
        const auto& [year, account] = key;
        if (years_with_year_rows.count(year) == 0 || year_rows.count(key) != 0) continue;
        auto t = ktyp.find(account);
        const AccountClass cls = ClassOf(account, t == ktyp.end() ? "" : t->second);
        core::Money computed = Lookup(outcomes.by_year_account(), key);
        if (cls == AccountClass::kResult) {
            missing(BalanceKind::kRes, year, std::nullopt, account, computed);
        } else {
            if (!AddTo(computed, Lookup(ib, key))) {
                fail_overflow();
                return r;
            }
            missing(BalanceKind::kUb, year, std::nullopt, account, computed);
        }
    }
    for (const auto& [key, cell] : outcomes.by_account_period()) {
        if (psaldo_rows.count(key) != 0) continue;
        const Date first{key.second.year, key.second.month, 1};
        const std::optional<std::int32_t> year = file.FiscalYearOf(first);
        if (!year || years_with_psaldo.count(*year) == 0) continue;
        missing(BalanceKind::kPsaldo, *year, key.second, key.first, cell.amount);
    }

    std::sort(r.differences.begin(), r.differences.end(),
              [](const Difference& a, const Difference& b) {
                  return std::tie(a.kind, a.year, a.account, a.period, a.objects, a.source_line) <
                         std::tie(b.kind, b.year, b.account, b.period, b.objects, b.source_line);
              });
    return r;
}

}  // namespace bfu::sie
