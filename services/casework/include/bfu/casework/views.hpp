#pragma once
// What a unit's casework looks like to people (bfu status, the reports, the managers' web
// page): its measures with their expected and realised effect, its open deviations with how
// much the measures cover, its action plans and their state, the decisions, its comments.
// Pure; the service writes it to Redis (<prefix>casework:<unit>, a JSON string) whenever it
// may have changed.
//
// JSON: {"unit", "measures": [{"id","text","status","area","areaName","responsible",
//   "effectOrePerMonth","from","to","expectedYearOre","realised":{"months","realisedOre",
//   "expectedOre","baselinePerMonthOre"},"planId","decisionRef","deviation"}],
//   "deviations": [{"id","kind","deviationOre","coveredOre","uncoveredOre","measures":[ids]}],
//   "plans": [{"id","title","state","version","sektor","body","decisionRef","measures",
//   "deviations"}], "decisions": [{"id","ref","date","body","subject","outcome","text",
//   "revision"}], "comments": [{"period","subject","text","by","at","deviation"}]}
#include <array>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/casework/book.hpp"
#include "bfu/domain/calendar.hpp"
#include "bfu/service/deviation_table.hpp"
#include "bfu/service/master_data.hpp"

namespace bfu::casework {

// A unit's monthly deviation (outcome minus budget, öre) through the month aggregated.
struct UnitMonths {
    std::array<std::int64_t, 12> deviation{};
    domain::Period through;
};

struct ViewInputs {
    const CaseBook* book = nullptr;
    const service::MasterData* master = nullptr;
    // The unit's deviations as bfu.deviations holds them (open and closed).
    std::function<std::vector<service::DeviationRecord>(std::string_view unit)> deviations;
    std::function<std::optional<UnitMonths>(std::string_view unit)> months;
};

[[nodiscard]] nlohmann::json UnitView(std::string_view unit, const ViewInputs& in);

// The year effect (öre) of the measures that count (decided, ongoing, done) among `measures`.
[[nodiscard]] std::vector<std::int64_t> CountedEffects(const std::vector<MeasureRecord>& measures,
                                                       domain::FiscalYear year);

}  // namespace bfu::casework
