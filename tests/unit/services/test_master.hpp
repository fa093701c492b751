#pragma once
// Master data for the service unit tests: contract messages encoded as they lie on the
// compacted topics, gathered into a MasterSnapshot, and the small municipality most tests
// use. Amounts are chosen so that every expected figure is easy to work out by hand.
//
// The standard municipality (year 2026):
//   KF ── KS ── FORV (förvaltning)
//    └── NAM (nämnd) ── SEK (sektor) ── VER (verksamhet) ─┬─ ENH1 (enhet, mandate 100 000 kr)
//                                                          └─ ENH2 (enhet, mandate  10 000 kr)
//   accounts 1110 investment asset, 1930 and 2440 balance sheet, 3510 intakter, 4010 material,
//   5011 personal, 5999 personal (inactive), 6110 lokaler
//   budgets (even profile): ENH1 personal 1 200 000 kr (10 000 000 öre a month), ENH1
//   material 120 000 kr (1 000 000 öre a month), ENH2 personal 2 400 000 kr (20 000 000 öre a
//   month); plus a 2025 budget for ENH2 that a 2026 build must ignore.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/master.hpp"
#include "bfu/contracts/outputs.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/service/master_data.hpp"

namespace bfu::test {

inline constexpr int kYear = 2026;

// 2026-03-31T12:00:00Z.
inline core::TimePoint TestNow() { return core::FromUnixMillis(1774958400LL * 1000); }

class SnapshotBuilder {
public:
    explicit SnapshotBuilder(std::string prefix = {}) : prefix_(std::move(prefix)) {}

    SnapshotBuilder& Unit(const std::string& id, std::optional<std::string> parent,
                          contracts::OrgLevel level, const std::string& name,
                          const std::string& manager, const std::string& email,
                          std::int64_t mandate_ore) {
        contracts::OrgUnit u;
        u.id = core::UnitId(id);
        if (parent) u.parent = core::UnitId(*parent);
        u.level = level;
        u.name = name;
        u.manager.name = manager;
        u.manager.role = RoleOf(level);
        u.manager.email = email;
        u.mandate_ore = mandate_ore;
        u.valid_from = "2026-01-01";
        return Put(contracts::topics::kMasterOrg, u.Key(), u);
    }

    SnapshotBuilder& Account(const std::string& number, int account_class, const std::string& group,
                             bool active = true, bool investment = false) {
        contracts::Account a;
        a.number = core::AccountNo(number);
        a.name = "Konto " + number;
        a.account_class = account_class;
        a.group = group;
        a.active = active;
        a.investment = investment;
        return Put(contracts::topics::kMasterAccounts, a.Key(), a);
    }

    SnapshotBuilder& Budget(const std::string& unit, const std::string& group, int year,
                            std::int64_t annual_ore,
                            contracts::ProfileKind profile = contracts::ProfileKind::kEven) {
        contracts::Budget b;
        b.unit = core::UnitId(unit);
        b.account_group = group;
        b.year = year;
        b.annual_ore = annual_ore;
        b.profile.kind = profile;
        b.revision.ref = "KF § 1/2025";
        b.revision.date = "2025-11-28";
        return Put(contracts::topics::kMasterBudget, b.Key(), b);
    }

    // A unit record as the test writes it (history, decisionRef, ...).
    SnapshotBuilder& Org(const contracts::OrgUnit& u) {
        return Put(contracts::topics::kMasterOrg, u.Key(), u);
    }

    // A decision of the finance unit on bfu.calendar (the latest per key stands, as in the
    // table a service reads).
    SnapshotBuilder& Closing(contracts::CalendarKind kind, int year, const std::string& ref,
                             std::optional<std::string> period, const std::string& date,
                             std::optional<std::string> by = std::nullopt) {
        contracts::CalendarEvent e;
        e.kind = kind;
        e.year = year;
        e.ref = ref;
        e.period = std::move(period);
        e.date = date;
        e.by = std::move(by);
        return Put(contracts::topics::kCalendar, e.Key(), e);
    }

    // A record whose value is whatever the test says (e.g. not an envelope at all).
    SnapshotBuilder& Raw(std::string_view topic, const std::string& key, std::string value) {
        snapshot_[prefix_ + std::string(topic)][key] = std::move(value);
        return *this;
    }

    [[nodiscard]] const service::MasterSnapshot& snapshot() const { return snapshot_; }

private:
    static std::string RoleOf(contracts::OrgLevel level) {
        switch (level) {
            case contracts::OrgLevel::kEnhet:
                return "enhetschef";
            case contracts::OrgLevel::kVerksamhet:
                return "verksamhetschef";
            case contracts::OrgLevel::kSektor:
                return "sektorchef";
            case contracts::OrgLevel::kForvaltning:
                return "kommundirektör";
            default:
                return "ordförande";
        }
    }

    template <typename T>
    SnapshotBuilder& Put(std::string_view topic, const std::string& key, const T& message) {
        snapshot_[prefix_ + std::string(topic)][key] = contracts::EncodeMessage(
            message, {"test-" + key, "bfu/test", TestNow(), std::string(key)});
        return *this;
    }

    std::string prefix_;
    service::MasterSnapshot snapshot_;
};

inline constexpr std::int64_t kEnh1PersonalAnnual = 120'000'000;  // 10 000 000 öre a month
inline constexpr std::int64_t kEnh1MaterialAnnual = 12'000'000;   // 1 000 000 öre a month
inline constexpr std::int64_t kEnh2PersonalAnnual = 240'000'000;  // 20 000 000 öre a month

// The standard municipality of the file comment; ENH1's personnel budget can be varied.
inline SnapshotBuilder StandardBuilder(std::string prefix = {},
                                       std::int64_t enh1_personal = kEnh1PersonalAnnual) {
    using L = contracts::OrgLevel;
    SnapshotBuilder b(std::move(prefix));
    b.Unit("KF", std::nullopt, L::kKf, "Kommunfullmäktige", "Karin Ek", "karin@ex.se", 0)
        .Unit("KS", "KF", L::kKs, "Kommunstyrelsen", "Lars Berg", "lars@ex.se", 0)
        .Unit("FORV", "KS", L::kForvaltning, "Förvaltningen", "Maria Lind", "maria@ex.se",
              500'000'000)
        .Unit("NAM", "KF", L::kNamnd, "Omsorgsnämnden", "Per Holm", "per@ex.se", 300'000'000)
        .Unit("SEK", "NAM", L::kSektor, "Sektor omsorg", "Sara Nord", "sara@ex.se", 100'000'000)
        .Unit("VER", "SEK", L::kVerksamhet, "Hemtjänst", "Olof Björk", "olof@ex.se", 50'000'000)
        .Unit("ENH1", "VER", L::kEnhet, "Hemtjänst Öst", "Maja Öberg", "maja@ex.se", 10'000'000)
        .Unit("ENH2", "VER", L::kEnhet, "Hemtjänst Väst", "Emil Åkesson", "emil@ex.se", 1'000'000);
    b.Account("1110", 1, "investering", true, true)
        .Account("1930", 1, "balansrakning")
        .Account("2440", 2, "balansrakning")
        .Account("3510", 3, "intakter")
        .Account("4010", 4, "material")
        .Account("5011", 5, "personal")
        .Account("5999", 5, "personal", /*active=*/false)
        .Account("6110", 6, "lokaler");
    b.Budget("ENH1", "personal", kYear, enh1_personal)
        .Budget("ENH1", "material", kYear, kEnh1MaterialAnnual)
        .Budget("ENH2", "personal", kYear, kEnh2PersonalAnnual)
        .Budget("ENH2", "material", kYear - 1, 99'900'000);
    return b;
}

inline std::shared_ptr<const service::MasterData> StandardMaster(
    std::int64_t enh1_personal = kEnh1PersonalAnnual) {
    auto md = service::MasterData::Build(StandardBuilder({}, enh1_personal).snapshot(), "", kYear);
    EXPECT_TRUE(md.ok()) << (md.ok() ? "" : md.error().message);
    return md.ok() ? md.value() : nullptr;
}

}  // namespace bfu::test
