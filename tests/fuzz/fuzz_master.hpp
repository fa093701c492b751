#pragma once
// The small fixed municipality the fuzz targets check against (a copy in miniature of
// tests/unit/services/test_master.hpp, which needs GoogleTest): year 2026, "now"
// 2026-03-31T12:00:00Z,
//   KF ── NAM (nämnd, chair per@ex.se) ── SEK (sara@ex.se) ── VER (olof@ex.se) ─┬─ ENH1
//   (maja@ex.se)
//                                                                             └─ ENH2 (emil@ex.se)
//   accounts 1110 investment, 1930 balance sheet, 3510 intakter, 4010 material, 5011 personal,
//   5999 personal (inactive); budgets ENH1 personal and material 2026.
// Built once per process (a function-local static) and never changed.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/master.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/service/master_data.hpp"

namespace bfu::fuzz {

inline constexpr int kYear = 2026;

// 2026-03-31T12:00:00Z.
inline core::TimePoint Now() { return core::FromUnixMillis(1774958400LL * 1000); }

template <typename T>
void Put(service::MasterSnapshot& s, const T& message) {
    s[std::string(T::kTopic)][message.Key()] = contracts::EncodeMessage(
        message, {"fuzz-" + message.Key(), "bfu/fuzz", Now(), message.Key()});
}

inline void Unit(service::MasterSnapshot& s, const std::string& id,
                 std::optional<std::string> parent, contracts::OrgLevel level,
                 const std::string& email, std::int64_t mandate_ore) {
    contracts::OrgUnit u;
    u.id = core::UnitId(id);
    if (parent) u.parent = core::UnitId(*parent);
    u.level = level;
    u.name = "Enhet " + id;
    u.manager.name = "Chef " + id;
    u.manager.role = "chef";
    u.manager.email = email;
    u.mandate_ore = mandate_ore;
    u.valid_from = "2026-01-01";
    Put(s, u);
}

inline void Account(service::MasterSnapshot& s, const std::string& number, int account_class,
                    const std::string& group, bool active = true, bool investment = false) {
    contracts::Account a;
    a.number = core::AccountNo(number);
    a.name = "Konto " + number;
    a.account_class = account_class;
    a.group = group;
    a.active = active;
    a.investment = investment;
    Put(s, a);
}

inline void Budget(service::MasterSnapshot& s, const std::string& unit, const std::string& group,
                   std::int64_t annual_ore) {
    contracts::Budget b;
    b.unit = core::UnitId(unit);
    b.account_group = group;
    b.year = kYear;
    b.annual_ore = annual_ore;
    b.profile.kind = contracts::ProfileKind::kEven;
    b.revision.ref = "KF § 1/2025";
    b.revision.date = "2025-11-28";
    Put(s, b);
}

inline service::MasterSnapshot Snapshot() {
    using L = contracts::OrgLevel;
    service::MasterSnapshot s;
    Unit(s, "KF", std::nullopt, L::kKf, "karin@ex.se", 0);
    Unit(s, "NAM", "KF", L::kNamnd, "per@ex.se", 300'000'000);
    Unit(s, "SEK", "NAM", L::kSektor, "sara@ex.se", 100'000'000);
    Unit(s, "VER", "SEK", L::kVerksamhet, "olof@ex.se", 50'000'000);
    Unit(s, "ENH1", "VER", L::kEnhet, "maja@ex.se", 10'000'000);
    Unit(s, "ENH2", "VER", L::kEnhet, "emil@ex.se", 1'000'000);
    Account(s, "1110", 1, "investering", true, true);
    Account(s, "1930", 1, "balansrakning");
    Account(s, "3510", 3, "intakter");
    Account(s, "4010", 4, "material");
    Account(s, "5011", 5, "personal");
    Account(s, "5999", 5, "personal", /*active=*/false);
    Budget(s, "ENH1", "personal", 120'000'000);
    Budget(s, "ENH1", "material", 12'000'000);
    return s;
}

// The master data of Snapshot(); aborts when it does not build (a broken fixture, not a
// finding of the input).
inline std::shared_ptr<const service::MasterData> Master() {
    static const std::shared_ptr<const service::MasterData> md = [] {
        auto built = service::MasterData::Build(Snapshot(), "", kYear);
        if (!built.ok() || !built.value()->problems.empty()) std::abort();
        return built.value();
    }();
    return md;
}

}  // namespace bfu::fuzz
