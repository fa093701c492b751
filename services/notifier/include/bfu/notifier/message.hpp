#pragma once
// What an alert says, as data for the templates (bfu::text::Templates): every figure already
// formatted by the one Swedish formatter (bfu/text/swedish.hpp), every code given its Swedish
// name (levels, kinds, severity, account groups and accounts, goals and HR figures with their
// unit), and what the reader is expected to do and by when. The templates (files a
// municipality can edit, services/notifier/templates/ by default) turn the data into a subject
// line, a plain text and an HTML part; docs/services/notifier.md lists every field.
//
// Pure functions; thread-safe.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "bfu/contracts/analysis.hpp"
#include "bfu/contracts/casework.hpp"
#include "bfu/contracts/common.hpp"
#include "bfu/core/result.hpp"
#include "bfu/service/master_data.hpp"
#include "bfu/text/templates.hpp"

namespace bfu::notifier {

// Why this person gets the message.
enum class Role {
    kResponsible,  // the manager of the deviation's unit
    kSuperior,     // told at once up the reporting line, or responsible after an escalation
    kReminded,     // did not acknowledge in time: the deviation went on up without them
    kMailbox,      // a unit's registered address (a nämnd's registrator)
    kWebhook,      // a unit's chat or system channel
};

struct Links {
    std::string acknowledge;  // empty: no link (closed deviations, links switched off)
    std::string comment;
    std::string measure;
};

// Template data for one deviation event to one recipient. `master` may be null (ids are shown
// instead of names).
[[nodiscard]] nlohmann::json DeviationData(const contracts::DeviationEvent& event,
                                           const service::MasterData* master,
                                           const contracts::Person& recipient, Role role,
                                           const Links& links);

struct Rendered {
    std::string subject;  // one line: line breaks and tabs become spaces
    std::string text;
    std::string html;  // empty when the set has no "<base>.html"
};

// The measures and action plans answering a deviation, as template data under "arende":
// {"har_atgarder", "atgarder": [{"text","status","effekt" (per month),"fran","till"}],
//  "planer": [{"titel","status","beslut"}], "har_planer"}; null when there are none.
[[nodiscard]] nlohmann::json CaseworkData(const std::vector<contracts::CaseMeasure>& measures,
                                          const std::vector<contracts::CasePlan>& plans);

// Renders "<base>.amne.txt", "<base>.txt" and "<base>.html" (if present) with `data`.
[[nodiscard]] core::Result<Rendered> Render(const text::Templates& templates, std::string_view base,
                                            const nlohmann::json& data);

// The Swedish name of an account group: the chart's name, the Kommun-Bas default name for a
// known id, else the id.
[[nodiscard]] std::string GroupName(const service::MasterData* master, std::string_view group);

// A goal or HR deviation's indicator: its Swedish name and its measure unit ("%", "timmar", a
// goal's own unit from MasterData::goals).
struct Indicator {
    std::string name;
    std::string measure_unit;
};
[[nodiscard]] Indicator IndicatorOf(const contracts::DeviationEvent& event,
                                    const service::MasterData* master);

// The unit's name, or its id when unknown.
[[nodiscard]] std::string UnitName(const service::MasterData* master, std::string_view unit);

}  // namespace bfu::notifier
