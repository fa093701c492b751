#include "bfu/notifier/casework_index.hpp"

#include <algorithm>
#include <set>

#include "bfu/contracts/envelope.hpp"
#include "bfu/notifier/message.hpp"

namespace bfu::notifier {

nlohmann::json CaseworkIndex::For(const std::string& deviation_id,
                                  std::shared_ptr<const service::MasterSnapshot> measures,
                                  std::shared_ptr<const service::MasterSnapshot> plans) {
    if (measures != measures_ || plans != plans_) {
        measures_ = std::move(measures);
        plans_ = std::move(plans);
        Rebuild();
    }
    static const std::vector<contracts::CaseMeasure> kNoMeasures;
    static const std::vector<contracts::CasePlan> kNoPlans;
    const auto m = measures_by_deviation_.find(deviation_id);
    const auto p = plans_by_deviation_.find(deviation_id);
    return CaseworkData(m == measures_by_deviation_.end() ? kNoMeasures : m->second,
                        p == plans_by_deviation_.end() ? kNoPlans : p->second);
}

void CaseworkIndex::Rebuild() {
    measures_by_deviation_.clear();
    plans_by_deviation_.clear();
    std::map<std::string, contracts::CaseMeasure> all_measures;
    if (measures_) {
        for (const auto& [topic, records] : *measures_) {
            for (const auto& [key, value] : records) {
                auto e = contracts::DecodeMessage<contracts::MeasureEvent>(value);
                if (e.ok()) all_measures[e->measure.id.value()] = e->measure;
            }
        }
    }
    // deviation -> measure ids already listed, so a measure named by both is shown once.
    std::map<std::string, std::set<std::string>> listed;
    for (const auto& [id, m] : all_measures) {
        if (!m.deviation_id) continue;
        measures_by_deviation_[m.deviation_id->value()].push_back(m);
        listed[m.deviation_id->value()].insert(id);
    }
    if (plans_) {
        for (const auto& [topic, records] : *plans_) {
            for (const auto& [key, value] : records) {
                auto e = contracts::DecodeMessage<contracts::PlanEvent>(value);
                if (!e.ok()) continue;
                for (const auto& d : e->plan.deviations) {
                    plans_by_deviation_[d.value()].push_back(e->plan);
                    for (const auto& mid : e->plan.measures) {
                        const auto it = all_measures.find(mid.value());
                        if (it == all_measures.end()) continue;
                        if (listed[d.value()].insert(mid.value()).second) {
                            measures_by_deviation_[d.value()].push_back(it->second);
                        }
                    }
                }
            }
        }
    }
}

}  // namespace bfu::notifier
