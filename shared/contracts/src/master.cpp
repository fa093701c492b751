#include "bfu/contracts/master.hpp"

#include "reader.hpp"

namespace bfu::contracts {
namespace {

using detail::Json;
using detail::ObjectReader;
using detail::Reader;
using detail::Str;

void ReadPlacement(Reader& r, const Json& j, const std::string& path, OrgPlacement& out) {
    ObjectReader o(r, j, path);
    o.Field("parent", out.parent, Str::kId);
    o.Field("validFrom", out.valid_from, Str::kDate);
    o.Field("decisionRef", out.decision_ref, Str::kDecisionRef);
    o.Finish();
}

void ReadOrgUnit(Reader& r, const Json& j, const std::string& path, OrgUnit& out) {
    ObjectReader o(r, j, path);
    o.Field("id", out.id, Str::kId);
    o.Field("parent", out.parent, Str::kId);
    o.Field("level", out.level);
    o.Field("name", out.name, Str::kLine);
    o.Object("manager", out.manager, detail::ReadPerson);
    o.Field("mandateOre", out.mandate_ore, 0);
    o.Array("reportsTo", out.reports_to, detail::IdItem<core::UnitId>(Str::kId), true);
    o.Field("validFrom", out.valid_from, Str::kDate);
    o.Field("validTo", out.valid_to, Str::kDate);
    o.Field("mailbox", out.mailbox, Str::kEmail);
    o.Array("webhooks", out.webhooks, detail::ReadWebhook, false);
    o.Object("secretary", out.secretary, detail::ReadPerson);
    o.Array("history", out.history, ReadPlacement, false, 1);
    o.Field("decisionRef", out.decision_ref, Str::kDecisionRef);
    // The placements follow each other in time and end before the record's own (the decoder's
    // rule; the schema cannot compare dates). Dates YYYY-MM-DD compare as text.
    if (o.valid() && r.ok()) {
        // The schema's uniqueItems, reported where the schema reports it: on the array.
        for (std::size_t i = 0; i < out.history.size() && r.ok(); ++i) {
            for (std::size_t k = i + 1; k < out.history.size(); ++k) {
                if (out.history[i] == out.history[k]) {
                    r.Fail(detail::Child(path, "history"),
                           "placements " + std::to_string(i + 1) + " and " + std::to_string(k + 1) +
                               " are the same; list each placement once");
                    break;
                }
            }
        }
    }
    if (o.valid() && r.ok()) {
        std::string previous;
        for (std::size_t i = 0; i < out.history.size(); ++i) {
            const std::string& from = out.history[i].valid_from;
            if (!previous.empty() && from <= previous) {
                r.Fail(detail::Child(detail::Child(detail::Child(path, "history"), i), "validFrom"),
                       "placement " + std::to_string(i + 1) + " from " + from +
                           " does not come after the one before it (" + previous + ")");
                break;
            }
            previous = from;
        }
        if (!previous.empty() && out.valid_from <= previous) {
            r.Fail(detail::Child(path, "validFrom"),
                   "validFrom " + out.valid_from +
                       " does not come after the last placement in "
                       "history (" +
                       previous + ")");
        }
        if (!out.history.empty() && !out.parent) {
            r.Fail(detail::Child(path, "parent"), "a unit with history has a parent");
        }
    }
    o.Finish();
}

void ReadAccount(Reader& r, const Json& j, const std::string& path, Account& out) {
    ObjectReader o(r, j, path);
    o.Field("number", out.number, Str::kAccountNo);
    o.Field("name", out.name, Str::kNonEmpty);
    o.Field("class", out.account_class, 0, 9);
    o.Field("group", out.group, Str::kId);
    o.Field("active", out.active);
    o.Field("investment", out.investment);
    o.Finish();
}

void ReadProfile(Reader& r, const Json& j, const std::string& path, BudgetProfile& out) {
    ObjectReader o(r, j, path);
    o.Field("kind", out.kind);
    o.FixedArray("months", out.months, detail::OreItem);
    o.Finish();
}

void ReadRevision(Reader& r, const Json& j, const std::string& path, BudgetRevision& out) {
    ObjectReader o(r, j, path);
    o.Field("no", out.no, 0);
    o.Field("ref", out.ref, Str::kDecisionRef);
    o.Field("date", out.date, Str::kDate);
    o.Finish();
}

void ReadBudget(Reader& r, const Json& j, const std::string& path, Budget& out) {
    ObjectReader o(r, j, path);
    o.Field("unit", out.unit, Str::kId);
    o.Field("accountGroup", out.account_group, Str::kId);
    o.Field("year", out.year, 1900, 2999);
    o.Field("kind", out.kind);
    o.Field("annualOre", out.annual_ore);
    o.Object("profile", out.profile, ReadProfile);
    o.Object("revision", out.revision, ReadRevision);
    o.Finish();
}

void ReadGoal(Reader& r, const Json& j, const std::string& path, Goal& out) {
    ObjectReader o(r, j, path);
    o.Field("id", out.id, Str::kId);
    o.Field("unit", out.unit, Str::kId);
    o.Field("year", out.year, 1900, 2999);
    o.Field("name", out.name, Str::kNonEmpty);
    o.Field("description", out.description, Str::kAny);
    o.Number("target", out.target);
    o.Field("direction", out.direction);
    o.Field("measureUnit", out.measure_unit, Str::kNonEmpty);
    o.Finish();
}

}  // namespace

nlohmann::json OrgUnit::ToJson() const {
    Json j = {{"id", id.value()},
              {"level", std::string(ToString(level))},
              {"name", name},
              {"manager", manager.ToJson()},
              {"mandateOre", mandate_ore},
              {"reportsTo", detail::IdsJson(reports_to)},
              {"validFrom", valid_from}};
    if (parent) j["parent"] = parent->value();
    if (valid_to) j["validTo"] = *valid_to;
    if (mailbox) j["mailbox"] = *mailbox;
    if (!webhooks.empty()) {
        Json arr = Json::array();
        for (const auto& w : webhooks) arr.push_back(w.ToJson());
        j["webhooks"] = std::move(arr);
    }
    if (secretary) j["secretary"] = secretary->ToJson();
    if (!history.empty()) {
        Json arr = Json::array();
        for (const auto& h : history) arr.push_back(h.ToJson());
        j["history"] = std::move(arr);
    }
    if (decision_ref) j["decisionRef"] = *decision_ref;
    return j;
}

nlohmann::json OrgPlacement::ToJson() const {
    Json j = {{"parent", parent.value()}, {"validFrom", valid_from}};
    if (decision_ref) j["decisionRef"] = *decision_ref;
    return j;
}

core::Result<OrgUnit> OrgUnit::FromJson(const nlohmann::json& j,
                                        std::vector<core::Error>* all_errors) {
    return detail::Decode<OrgUnit>(j, all_errors, ReadOrgUnit);
}

nlohmann::json Account::ToJson() const {
    return {{"number", number.value()}, {"name", name},     {"class", account_class},
            {"group", group},           {"active", active}, {"investment", investment}};
}

core::Result<Account> Account::FromJson(const nlohmann::json& j,
                                        std::vector<core::Error>* all_errors) {
    return detail::Decode<Account>(j, all_errors, ReadAccount);
}

nlohmann::json Budget::ToJson() const {
    return {
        {"unit", unit.value()},
        {"accountGroup", account_group},
        {"year", year},
        {"kind", std::string(ToString(kind))},
        {"annualOre", annual_ore},
        {"profile", {{"kind", std::string(ToString(profile.kind))}, {"months", profile.months}}},
        {"revision", {{"no", revision.no}, {"ref", revision.ref}, {"date", revision.date}}}};
}

core::Result<Budget> Budget::FromJson(const nlohmann::json& j,
                                      std::vector<core::Error>* all_errors) {
    return detail::Decode<Budget>(j, all_errors, ReadBudget);
}

nlohmann::json Goal::ToJson() const {
    Json j = {{"id", id},
              {"unit", unit.value()},
              {"year", year},
              {"name", name},
              {"target", target},
              {"direction", std::string(ToString(direction))},
              {"measureUnit", measure_unit}};
    if (description) j["description"] = *description;
    return j;
}

core::Result<Goal> Goal::FromJson(const nlohmann::json& j, std::vector<core::Error>* all_errors) {
    return detail::Decode<Goal>(j, all_errors, ReadGoal);
}

}  // namespace bfu::contracts
