#include "bfu/ingest/voucher_checker.hpp"

#include <nlohmann/json.hpp>

#include "bfu/contracts/envelope.hpp"
#include "bfu/domain/calendar.hpp"
#include "bfu/domain/workdays.hpp"
#include "bfu/text/swedish.hpp"

namespace bfu::ingest {

namespace {

using contracts::RejectReason;

RejectReason Reason(std::string code, std::string field, std::optional<std::int64_t> line,
                    std::string message) {
    return RejectReason{std::move(code), std::move(field), line, std::move(message)};
}

// Identifies one delivery of a payload: the same record read twice has the same id.
std::string OriginId(const contracts::Origin& o) {
    switch (o.kind) {
        case contracts::OriginKind::kKafka:
            return "kafka:" + o.topic + ":" + std::to_string(o.partition) + ":" +
                   std::to_string(o.offset);
        case contracts::OriginKind::kHttp:
            return "http:" + o.request_id;
        case contracts::OriginKind::kFile:
            return "file:" + o.file + ":" + std::to_string(o.file_line);
    }
    return {};
}

// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence; "…" marks a cut.
void CutUtf8(std::string& s, std::size_t max) {
    if (s.size() <= max) return;
    static constexpr std::string_view kEllipsis = "\u2026";
    std::size_t n = max - kEllipsis.size();
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0U) == 0x80U) --n;
    s.resize(n);
    s.append(kEllipsis);
}

std::string LineField(std::size_t i, std::string_view name) {
    return "/lines/" + std::to_string(i) + "/" + std::string(name);
}

}  // namespace

void CapReasons(std::vector<RejectReason>& reasons) {
    for (auto& r : reasons) {
        CutUtf8(r.field, kMaxReasonTextBytes);
        CutUtf8(r.message, kMaxReasonTextBytes);
    }
    if (reasons.size() <= kMaxReasons) return;
    const std::size_t all = reasons.size();
    const std::size_t left_out = all - (kMaxReasons - 1);
    reasons.resize(kMaxReasons - 1);
    reasons.push_back(
        Reason("more_reasons", "", std::nullopt,
               "ytterligare " + text::Figure(static_cast<double>(left_out), "st") +
                   " fel visas inte (" + text::Figure(static_cast<double>(all), "st") +
                   " i allt): rätta de listade och skicka verifikationen igen, så visas resten"));
}

VoucherChecker::VoucherChecker(CheckRules rules) : rules_(std::move(rules)) {
    rules_.lifecycle.pinned_years.insert(rules_.open_years.begin(), rules_.open_years.end());
}

std::shared_ptr<const domain::LifecycleView> VoucherChecker::LifecycleOn(
    core::TimePoint now) const {
    const domain::Date today = domain::StockholmDate(now);
    std::lock_guard lock(mu_);
    if (!view_ || view_date_ != today || view_master_ != master_.get()) {
        static const domain::ClosingBook kNone;
        view_ = std::make_shared<const domain::LifecycleView>(domain::LifecycleView::On(
            today, rules_.lifecycle, master_ ? master_->closings : kNone));
        view_date_ = today;
        view_master_ = master_.get();
    }
    return view_;
}

void VoucherChecker::SetMaster(std::shared_ptr<const service::MasterData> master) {
    std::lock_guard lock(mu_);
    master_ = std::move(master);
}

std::shared_ptr<const service::MasterData> VoucherChecker::master() const {
    std::lock_guard lock(mu_);
    return master_;
}

bool VoucherChecker::Remember(const std::string& voucher_key, const contracts::Origin& origin) {
    std::lock_guard lock(seen_mu_);
    return seen_.try_emplace(voucher_key, origin).second;
}

void VoucherChecker::Forget(const std::string& voucher_key, const contracts::Origin& origin) {
    std::lock_guard lock(seen_mu_);
    auto it = seen_.find(voucher_key);
    if (it != seen_.end() && OriginId(it->second) == OriginId(origin)) seen_.erase(it);
}

bool VoucherChecker::Knows(std::string_view voucher_key) const {
    const std::string key(voucher_key);
    std::lock_guard lock(seen_mu_);
    return seen_.contains(key);
}

std::size_t VoucherChecker::Remembered() const {
    std::lock_guard lock(seen_mu_);
    return seen_.size();
}

std::optional<contracts::Origin> VoucherChecker::AcceptedElsewhere(
    const std::string& key, const contracts::Origin& origin) const {
    std::lock_guard lock(seen_mu_);
    auto it = seen_.find(key);
    if (it == seen_.end() || OriginId(it->second) == OriginId(origin)) return std::nullopt;
    return it->second;
}

CheckResult VoucherChecker::Check(std::string_view payload, const contracts::Origin& origin,
                                  core::TimePoint now) {
    return Finish(Prepare(payload, origin, now), origin);
}

CheckResult VoucherChecker::Prepare(std::string_view payload, const contracts::Origin& origin,
                                    core::TimePoint now) const {
    CheckResult out;
    out.rejected.origin = origin;
    auto reject = [&](std::vector<RejectReason> reasons) {
        out.kind = CheckResult::Kind::kRejected;
        CapReasons(reasons);
        // The payload is kept verbatim only when it is rejected (copying every accepted
        // voucher's bytes showed in ingest's profile), and only its first kMaxOriginalBytes.
        if (payload.size() > kMaxOriginalBytes) {
            reasons.push_back(Reason(
                "original_truncated", "", std::nullopt,
                "verifikationen är " + text::Decimal(static_cast<double>(payload.size()), 0) +
                    " byte" + ", mer än som sparas med en avvisning: de första " +
                    text::Decimal(static_cast<double>(kMaxOriginalBytes), 0) + " byte" +
                    " sparas här, hela verifikationen finns kvar hos avsändaren"));
            out.rejected.original =
                contracts::Payload::FromBytes(payload.substr(0, kMaxOriginalBytes));
        } else {
            out.rejected.original = contracts::Payload::FromBytes(payload);
        }
        out.rejected.reasons = std::move(reasons);
        out.rejected.rejected_at = core::ToRfc3339(now);
        // A rejected voucher is not remembered: the ERP may send it again once the cause is
        // mended (an account opened, master data published), and it is then checked afresh.
        return out;
    };

    nlohmann::json doc = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) {
        return reject({Reason("schema", "", std::nullopt, "the payload is not valid JSON")});
    }
    std::string pointer_prefix;
    if (doc.is_object() && doc.contains("specversion")) {
        auto env = contracts::Envelope::FromJson(doc);
        if (!env.ok()) {
            return reject({Reason("schema", env.error().field, std::nullopt, env.error().message)});
        }
        if (env->type != contracts::Voucher::kType) {
            return reject(
                {Reason("schema", "/type", std::nullopt,
                        "expected an event of type " + std::string(contracts::Voucher::kType) +
                            ", got " + env->type)});
        }
        doc = env->data;
        pointer_prefix = "/data";
    }
    // Source and id are read leniently first, so even a schema failure is keyed and found.
    if (doc.is_object()) {
        auto s = doc.find("source");
        auto id = doc.find("voucherId");
        if (s != doc.end() && s->is_string())
            out.rejected.source = core::SourceId(s->get<std::string>());
        if (id != doc.end() && id->is_string()) {
            out.rejected.voucher_id = core::VoucherId(id->get<std::string>());
        }
        if (out.rejected.source && out.rejected.voucher_id) {
            out.voucher_key = contracts::keys::Voucher(out.rejected.source->value(),
                                                       out.rejected.voucher_id->value());
        }
    }
    if (payload.size() > kMaxVoucherBytes) {
        return reject({Reason(
            "too_large", "", std::nullopt,
            "verifikationen är " + text::Decimal(static_cast<double>(payload.size()), 0) +
                " byte, mer än de " + text::Decimal(static_cast<double>(kMaxVoucherBytes), 0) +
                " byte som tas emot: dela upp den på flera verifikationer")});
    }
    std::vector<core::Error> errors;
    auto voucher = contracts::Voucher::FromJson(doc, &errors);
    // Counted for the control totals whatever the decision: what came in.
    if (voucher.ok()) {
        out.line_count = static_cast<std::int64_t>(voucher->lines.size());
        // Checked: a voucher whose debit does not fit in 64-bit öre is rejected (Validate
        // says why) and counts 0 öre, never a wrapped sum.
        std::int64_t gross = 0;
        for (const auto& l : voucher->lines) {
            if (l.amount_ore > 0 && __builtin_add_overflow(gross, l.amount_ore, &gross)) {
                gross = 0;
                break;
            }
        }
        out.amount_ore = gross;
    } else if (doc.is_object()) {
        auto lines = doc.find("lines");
        if (lines != doc.end() && lines->is_array()) {
            out.line_count = static_cast<std::int64_t>(lines->size());
        }
    }
    if (!voucher.ok()) {
        std::vector<RejectReason> reasons;
        if (errors.empty()) errors.push_back(voucher.error());
        for (const auto& e : errors) {
            reasons.push_back(Reason("schema", pointer_prefix + e.field, std::nullopt, e.message));
        }
        return reject(std::move(reasons));
    }
    auto md = master();
    if (!md) {
        // Without master data nothing can be checked; a retry later would pass, but ingest
        // cannot hold the partition, so the voucher is rejected with a reason that says so and
        // can be replayed from bfu.ledger.rejected once master data is in place.
        return reject({Reason("no_master_data", "", std::nullopt,
                              "no organisation published yet: run `bfu import org FILE` first")});
    }
    std::vector<contracts::LedgerLine> lines;
    auto reasons = Validate(*voucher, *md, *LifecycleOn(now), lines);
    // Fields point into the original payload, so inside an envelope they start at /data (as
    // the schema errors above do).
    for (auto& r : reasons) {
        if (!r.field.empty()) r.field = pointer_prefix + r.field;
    }
    if (!reasons.empty()) return reject(std::move(reasons));
    out.kind = CheckResult::Kind::kAccepted;  // unless Finish finds it accepted already
    out.lines = std::move(lines);
    return out;
}

namespace {

// A voucher already accepted is a duplicate whatever its content now: nothing of the rejection
// or of the lines is kept.
CheckResult DuplicateOf(CheckResult out, contracts::Origin first) {
    out.kind = CheckResult::Kind::kDuplicate;
    out.first_origin = std::move(first);
    out.lines.clear();
    out.rejected.reasons.clear();
    out.rejected.original = {};
    out.rejected.rejected_at.clear();
    return out;
}

}  // namespace

CheckResult VoucherChecker::Finish(CheckResult prepared, const contracts::Origin& origin) {
    CheckResult out = std::move(prepared);
    if (out.kind == CheckResult::Kind::kDuplicate || out.voucher_key.empty()) return out;
    if (auto first = AcceptedElsewhere(out.voucher_key, origin)) {
        return DuplicateOf(std::move(out), std::move(*first));
    }
    if (out.kind == CheckResult::Kind::kRejected) return out;
    {
        // Claimed atomically: another way in may have accepted the same voucher meanwhile.
        std::lock_guard lock(seen_mu_);
        auto [it, inserted] = seen_.try_emplace(out.voucher_key, origin);
        if (!inserted && OriginId(it->second) != OriginId(origin)) {
            contracts::Origin first = it->second;
            return DuplicateOf(std::move(out), std::move(first));
        }
    }
    return out;
}

CheckResult VoucherChecker::Lookup(CheckResult prepared, const contracts::Origin& origin) const {
    if (prepared.kind == CheckResult::Kind::kDuplicate || prepared.voucher_key.empty()) {
        return prepared;
    }
    if (auto first = AcceptedElsewhere(prepared.voucher_key, origin)) {
        return DuplicateOf(std::move(prepared), std::move(*first));
    }
    return prepared;
}

std::vector<RejectReason> VoucherChecker::Validate(
    const contracts::Voucher& v, const service::MasterData& md,
    const domain::LifecycleView& lifecycle, std::vector<contracts::LedgerLine>& lines) const {
    std::vector<RejectReason> reasons;
    auto date = domain::Date::Parse(v.date);
    if (!date.ok()) {
        reasons.push_back(Reason("invalid_date", "/date", std::nullopt, date.error().message));
        return reasons;
    }
    // Debit and credit are summed separately with checked arithmetic: about 185 lines of
    // 15-digit amounts would wrap an unchecked sum to exactly 0 and pass as balanced.
    std::int64_t debit = 0;
    std::int64_t credit = 0;
    bool overflow = false;
    for (const auto& l : v.lines) {
        auto& side = l.amount_ore > 0 ? debit : credit;
        overflow = overflow || __builtin_add_overflow(side, l.amount_ore, &side);
    }
    std::int64_t sum = 0;
    if (overflow || __builtin_add_overflow(debit, credit, &sum)) {
        reasons.push_back(
            Reason("amount_out_of_range", "/lines", std::nullopt,
                   "the lines' debit or credit sums beyond what an amount can hold (about "
                   "92 000 000 000 000 000 öre); split the voucher"));
        return reasons;
    }
    if (sum != 0) {
        reasons.push_back(
            Reason("unbalanced", "/lines", std::nullopt,
                   "the lines sum to " + core::Money::FromOre(sum).ToString() + " kr, not 0"));
    }
    const std::int64_t line_count = static_cast<std::int64_t>(v.lines.size());
    for (std::size_t i = 0; i < v.lines.size(); ++i) {
        const auto& l = v.lines[i];
        const auto line_no = static_cast<std::int64_t>(i + 1);
        domain::Date posting_date = *date;
        if (l.trans_date) {
            auto td = domain::Date::Parse(*l.trans_date);
            if (!td.ok()) {
                reasons.push_back(
                    Reason("invalid_date", LineField(i, "transDate"), line_no, td.error().message));
                continue;
            }
            posting_date = *td;
        }
        domain::Period period = domain::Period::Containing(posting_date);
        // The member that decided the period: what a year or period rejection points at
        // (built only for a rejection: most lines pass).
        std::string_view period_member = l.trans_date ? "transDate" : "";
        const auto period_field = [&] {
            return period_member.empty() ? std::string("/date") : LineField(i, period_member);
        };
        if (l.accrual_period) {
            auto ap = domain::Period::Parse(*l.accrual_period);
            if (!ap.ok()) {
                reasons.push_back(Reason("invalid_date", LineField(i, "accrualPeriod"), line_no,
                                         ap.error().message));
                continue;
            }
            period = *ap;
            period_member = "accrualPeriod";
        }
        const std::string& account = l.account.value();
        const std::string& unit = l.unit.value();
        auto cls = domain::ClassOfAccount(account);
        if (!cls.ok()) {
            reasons.push_back(
                Reason("unknown_account", LineField(i, "account"), line_no, cls.error().message));
            continue;
        }
        bool investment = false;
        if (!md.accounts.empty()) {
            auto it = md.accounts.find(account);
            if (it == md.accounts.end()) {
                reasons.push_back(
                    Reason("unknown_account", LineField(i, "account"), line_no,
                           "account " + account + " is not in the chart of accounts"));
                continue;
            }
            if (!it->second.active) {
                reasons.push_back(Reason("inactive_account", LineField(i, "account"), line_no,
                                         "account " + account + " is not active"));
                continue;
            }
            investment = it->second.investment;
        }
        if (!md.org.Find(unit)) {
            reasons.push_back(Reason("unknown_unit", LineField(i, "unit"), line_no,
                                     "cost centre " + unit + " is not in the organisation"));
            continue;
        }
        if (rules_.closed_periods.count(period.ToString()) != 0) {
            const auto open = lifecycle.FirstOpenFrom(period);
            reasons.push_back(Reason(
                "period_closed", period_field(), line_no,
                "perioden " + domain::PeriodDash(period) +
                    " är stängd (ingest.closed_periods): bokför rättelsen i en öppen period" +
                    (open ? " (tidigast " + domain::PeriodDash(*open) + ")" : std::string())));
            continue;
        }
        if (const auto status = lifecycle.StatusOf(period); !status.open()) {
            const bool not_open = status.state == domain::PeriodState::kYearNotOpenYet ||
                                  status.state == domain::PeriodState::kYearNotOpen;
            reasons.push_back(Reason(not_open ? "year_not_open" : "period_closed", period_field(),
                                     line_no, domain::ClosedPeriodMessage(period, lifecycle)));
            continue;
        }
        contracts::LedgerLine out;
        out.voucher = {v.source, v.voucher_id, v.series, v.date};
        out.line_no = line_no;
        out.line_count = line_count;
        out.unit = l.unit;
        out.account = l.account;
        out.account_class = account[0] - '0';
        auto info = md.chart.Resolve(account, investment);
        if (info.ok()) {
            out.account_group = md.chart.groups()[info->group].id;
            out.is_investment = info->kind == domain::GroupKind::kInvestment;
            out.is_operating =
                !out.is_investment && info->account_class != domain::AccountClass::kBalanceSheet;
        } else {
            // A balance-sheet line passes (the voucher must balance) but is no follow-up outcome.
            out.account_group = "balansrakning";
            out.is_operating = false;
            out.is_investment = false;
        }
        out.period = period.ToString();
        out.fiscal_year = period.year();
        out.amount_ore = l.amount_ore;
        out.project = l.project;
        out.trans_date = l.trans_date;
        out.text = l.text;
        out.quantity = l.quantity;
        out.accrual = l.accrual;
        out.accrual_period = l.accrual_period;
        out.dims = l.dims;
        lines.push_back(std::move(out));
    }
    return reasons;
}

void BatchClaims::Note(const CheckResult& check, const contracts::Origin& origin) {
    if (check.kind == CheckResult::Kind::kAccepted && !check.voucher_key.empty()) {
        claims_.emplace_back(check.voucher_key, origin);
    }
}

std::size_t BatchClaims::TakeBack(VoucherChecker& checker,
                                  const std::vector<contracts::Origin>& dropped) {
    std::unordered_set<std::string> ids;
    for (const auto& o : dropped) ids.insert(OriginId(o));
    std::size_t taken = 0;
    std::erase_if(claims_, [&](const auto& claim) {
        if (!ids.contains(OriginId(claim.second))) return false;
        checker.Forget(claim.first, claim.second);
        ++taken;
        return true;
    });
    return taken;
}

std::size_t BatchClaims::TakeBackAll(VoucherChecker& checker) {
    for (const auto& [key, origin] : claims_) checker.Forget(key, origin);
    const std::size_t taken = claims_.size();
    claims_.clear();
    return taken;
}

}  // namespace bfu::ingest
