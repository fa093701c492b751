#pragma once
// A small municipality used by several domain tests:
//   KF
//   ├── KS ── FV (förvaltning, kommundirektör)
//   └── VON (nämnd, reports to KS)
//       └── OMS (sektor, reports to FV)
//           ├── HT (verksamhet hemtjänst) ── HT1, HT2 (enheter)
//           └── SB (verksamhet särskilt boende) ── SB1 (enhet)
#include <string>
#include <vector>

#include "bfu/domain/org.hpp"

namespace bfu::domain::testing {

inline UnitSpec Spec(const std::string& id, Level level, const std::string& parent,
                     std::int64_t mandate_kr) {
    UnitSpec s;
    s.id = core::UnitId(id);
    s.name = id;
    s.level = level;
    if (!parent.empty()) s.parent = core::UnitId(parent);
    s.manager = {"Chef " + id, std::string(ToString(level)) + "schef", "chef." + id + "@kommun.se"};
    s.mandate = core::Money::FromKronor(mandate_kr);
    return s;
}

inline std::vector<UnitSpec> SmallMunicipality() {
    return {
        Spec("KF", Level::kKf, "", 1'000'000'000),
        Spec("KS", Level::kKs, "KF", 50'000'000),
        Spec("FV", Level::kForvaltning, "KS", 10'000'000),
        Spec("VON", Level::kNamnd, "KF", 5'000'000),
        Spec("OMS", Level::kSektor, "VON", 2'000'000),
        Spec("HT", Level::kVerksamhet, "OMS", 500'000),
        Spec("HT1", Level::kEnhet, "HT", 100'000),
        Spec("HT2", Level::kEnhet, "HT", 100'000),
        Spec("SB", Level::kVerksamhet, "OMS", 500'000),
        Spec("SB1", Level::kEnhet, "SB", 100'000),
    };
}

inline Organisation BuildSmall(std::vector<UnitMove> moves = {}) {
    return Organisation::Build(SmallMunicipality(), std::move(moves)).value();
}

inline UnitIndex U(const Organisation& org, const std::string& id) { return *org.Find(id); }

}  // namespace bfu::domain::testing
