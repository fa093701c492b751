// The measures and action plans that answer each deviation, read from casework's topics (kept
// by the notifier as tables), so that an alert shows what has been done about its deviation.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bfu/contracts/casework.hpp"
#include "bfu/service/master_table.hpp"

namespace bfu::notifier {

class CaseworkIndex {
public:
    // The template data (CaseworkData) of the measures and plans answering `deviation_id`:
    // measures naming it or belonging to a plan that answers it, and those plans. Null when
    // none. The index is rebuilt when either snapshot has changed since the last call; records
    // that do not decode are skipped (casework is their one writer and checks them).
    [[nodiscard]] nlohmann::json For(const std::string& deviation_id,
                                     std::shared_ptr<const service::MasterSnapshot> measures,
                                     std::shared_ptr<const service::MasterSnapshot> plans);

private:
    void Rebuild();

    std::shared_ptr<const service::MasterSnapshot> measures_;
    std::shared_ptr<const service::MasterSnapshot> plans_;
    std::map<std::string, std::vector<contracts::CaseMeasure>> measures_by_deviation_;
    std::map<std::string, std::vector<contracts::CasePlan>> plans_by_deviation_;
};

}  // namespace bfu::notifier
