#include "bfu/contracts/registry.hpp"

#include <array>

#include "bfu/contracts/analysis.hpp"
#include "bfu/contracts/casework.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/master.hpp"
#include "bfu/contracts/ops.hpp"
#include "bfu/contracts/outputs.hpp"

namespace bfu::contracts {
namespace {

template <typename T>
std::vector<core::Error> Check(const nlohmann::json& data) {
    std::vector<core::Error> errors;
    (void)T::FromJson(data, &errors);
    return errors;
}

template <typename T>
core::Result<nlohmann::json> Canonical(const nlohmann::json& data) {
    auto message = T::FromJson(data);
    if (!message.ok()) return std::move(message).error();
    return message->ToJson();
}

template <typename T>
constexpr MessageInfo Info(std::string_view name) {
    return MessageInfo{name, T::kType, T::kTopic, &Check<T>, &Canonical<T>};
}

constexpr std::array kMessages = {
    Info<Voucher>("voucher"),
    Info<LedgerLine>("ledger-line"),
    Info<RejectedVoucher>("rejected-voucher"),
    Info<OrgUnit>("org-unit"),
    Info<Account>("account"),
    Info<Budget>("budget"),
    Info<Goal>("goal"),
    Info<HrFigure>("hr-figure"),
    Info<GoalOutcome>("goal-outcome"),
    Info<UnitAggregate>("unit-aggregate"),
    Info<Forecast>("forecast"),
    Info<ForecastSubmission>("forecast-submission"),
    Info<DeviationEvent>("deviation-event"),
    Info<Alert>("alert"),
    Info<ReportPublished>("report-published"),
    Info<CalendarEvent>("calendar-event"),
    Info<DeadLetter>("dead-letter"),
    Info<IngestDecision>("ingest-decision"),
    Info<ClockTick>("clock-tick"),
    Info<MeasureEvent>("measure-event"),
    Info<CommentEvent>("comment-event"),
    Info<PlanEvent>("plan-event"),
    Info<DecisionEvent>("decision-event"),
};

}  // namespace

std::span<const MessageInfo> AllMessages() noexcept { return kMessages; }

const MessageInfo* FindMessageByName(std::string_view name) noexcept {
    for (const auto& m : kMessages) {
        if (m.name == name) return &m;
    }
    return nullptr;
}

const MessageInfo* FindMessageByType(std::string_view type) noexcept {
    for (const auto& m : kMessages) {
        if (m.type == type) return &m;
    }
    return nullptr;
}

}  // namespace bfu::contracts
