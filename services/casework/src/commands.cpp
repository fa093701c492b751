#include "bfu/casework/commands.hpp"

#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <random>
#include <set>

#include "bfu/contracts/formats.hpp"
#include "bfu/core/money.hpp"
#include "bfu/domain/measures.hpp"
#include "bfu/domain/workdays.hpp"
#include "bfu/service/reporting_line.hpp"

namespace bfu::casework {

namespace {

using contracts::CaseMeasure;
using contracts::CasePlan;
using nlohmann::json;

core::Error Refuse(core::Errc code, std::string field, std::string message) {
    return core::Error(code, std::move(field), std::move(message));
}

core::Result<std::string> Text(const json& r, const char* field, const char* what) {
    auto it = r.find(field);
    if (it == r.end() || !it->is_string() || it->get<std::string>().empty()) {
        return Refuse(core::Errc::kInvalidArgument, field,
                      std::string("\"") + field + "\" saknas: " + what);
    }
    return it->get<std::string>();
}

// A string member, or `fallback` when it is absent or not a string (never throws).
std::string StrOr(const json& r, const char* field, std::string fallback) {
    if (!r.is_object()) return fallback;
    auto it = r.find(field);
    if (it == r.end() || !it->is_string()) return fallback;
    return it->get<std::string>();
}

// A text member that may be left out (then `fallback`) but, when given, must be text.
core::Result<std::string> TextOr(const json& r, const char* field, std::string fallback) {
    auto it = r.find(field);
    if (it == r.end() || it->is_null()) return fallback;
    if (!it->is_string()) {
        return Refuse(core::Errc::kInvalidArgument, field,
                      std::string("\"") + field + "\" ska vara text");
    }
    return it->get<std::string>();
}

std::optional<std::string> OptText(const json& r, const char* field) {
    if (!r.is_object()) return std::nullopt;
    auto it = r.find(field);
    if (it == r.end() || !it->is_string() || it->get<std::string>().empty()) return std::nullopt;
    return it->get<std::string>();
}

core::Result<std::vector<std::string>> TextList(const json& r, const char* field, bool required) {
    auto it = r.find(field);
    if (it == r.end() || it->is_null()) {
        if (required) {
            return Refuse(core::Errc::kInvalidArgument, field,
                          std::string("\"") + field + "\" saknas: en lista med id:n");
        }
        return std::vector<std::string>{};
    }
    if (!it->is_array()) {
        return Refuse(core::Errc::kInvalidArgument, field,
                      std::string("\"") + field + "\" ska vara en lista med id:n");
    }
    std::vector<std::string> out;
    for (const auto& v : *it) {
        if (!v.is_string() || v.get<std::string>().empty()) {
            return Refuse(core::Errc::kInvalidArgument, field,
                          std::string("\"") + field + "\" ska bara innehålla id:n (text)");
        }
        out.push_back(v.get<std::string>());
    }
    return out;
}

core::Result<domain::Period> PeriodField(const json& r, const char* field, bool required,
                                         std::optional<domain::Period>* optional_out = nullptr) {
    auto v = OptText(r, field);
    if (!v) {
        if (required) {
            return Refuse(core::Errc::kInvalidArgument, field,
                          std::string("\"") + field + "\" saknas: en månad ÅÅÅÅ-MM");
        }
        if (optional_out != nullptr) optional_out->reset();
        return domain::Period{};
    }
    auto p = domain::Period::Parse(*v);
    if (!p.ok()) {
        return Refuse(
            core::Errc::kInvalidArgument, field,
            std::string("\"") + field + "\" ska vara en månad ÅÅÅÅ-MM, inte '" + *v + "'");
    }
    if (optional_out != nullptr) *optional_out = *p;
    return *p;
}

// SEK as text ("-25000", "−25 000", "1 234,50") or a whole number, into öre.
core::Result<std::int64_t> Sek(const json& r, const char* field) {
    auto it = r.find(field);
    if (it == r.end()) {
        return Refuse(core::Errc::kInvalidArgument, field,
                      std::string("\"") + field + "\" saknas: ett belopp i kronor, t.ex. -25000");
    }
    if (it->is_number_integer()) {
        auto m = core::Money::FromKronorChecked(it->get<std::int64_t>());
        if (!m.ok()) {
            return Refuse(core::Errc::kInvalidArgument, field,
                          std::string("\"") + field + "\" är ett för stort belopp");
        }
        return m->ore();
    }
    if (it->is_string()) {
        auto m = core::Money::Parse(it->get<std::string>());
        if (!m.ok()) {
            return Refuse(core::Errc::kInvalidArgument, field,
                          std::string("\"") + field + "\": '" + it->get<std::string>() +
                              (m.error().code == core::Errc::kOutOfRange
                                   ? "' är ett för stort belopp"
                                   : "' är inget belopp i kronor (skriv t.ex. -25000, "
                                     "−25 000 eller 1 234,50)"));
        }
        return m->ore();
    }
    return Refuse(core::Errc::kInvalidArgument, field,
                  std::string("\"") + field + "\" ska vara ett belopp i kronor");
}

std::string Hex8(std::string_view text) {
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), d);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 6; ++i) {
        out += kHex[d[i] >> 4];
        out += kHex[d[i] & 15];
    }
    return out;
}

// A new entity's id: from the client's command id when there is one (so a command sent again
// names the same entity), else random.
std::string NewId(std::string_view prefix, const std::optional<std::string>& command_id) {
    if (command_id) return std::string(prefix) + Hex8(*command_id);
    std::random_device rd;
    return std::string(prefix) + Hex8(std::to_string(rd()) + std::to_string(rd()));
}

// The person acting on `unit`: its manager or a manager above it in the line, on `day`.
core::Result<contracts::Person> LineManager(const domain::Organisation& org,
                                            const core::UnitId& unit, const std::string& email,
                                            domain::Date day) {
    auto p = service::FindLineManager(org, unit, email, day);
    if (!p) {
        return Refuse(core::Errc::kPermissionDenied, "by",
                      email + " är inte chef för " + unit.value() +
                          " eller för någon enhet ovanför i linjen");
    }
    return *p;
}

core::Result<core::UnitId> KnownUnit(const domain::Organisation& org, const std::string& id,
                                     const char* field) {
    if (!org.Find(id)) {
        return Refuse(core::Errc::kNotFound, field, "enheten '" + id + "' finns inte");
    }
    return core::UnitId(id);
}

std::optional<contracts::MeasureStatus> ParseStatus(std::string s) {
    // Accept the Swedish words with or without diacritics.
    const std::pair<const char*, const char*> kAlias[] = {
        {"föreslagen", "foreslagen"}, {"pågår", "pagar"}, {"genomförd", "genomford"}};
    for (const auto& [from, to] : kAlias) {
        if (s == from) s = to;
    }
    return contracts::ParseEnum<contracts::MeasureStatus>(s);
}

domain::MeasureStatus ToDomain(contracts::MeasureStatus s) {
    return static_cast<domain::MeasureStatus>(static_cast<int>(s));
}
domain::PlanState ToDomain(contracts::PlanState s) {
    return static_cast<domain::PlanState>(static_cast<int>(s));
}
contracts::PlanState ToWire(domain::PlanState s) {
    return static_cast<contracts::PlanState>(static_cast<int>(s));
}

json MeasureReply(const CaseMeasure& m) {
    return json{{"id", m.id.value()},
                {"status", std::string(contracts::ToString(m.status))},
                {"unit", m.unit.value()},
                {"area", m.area.value()},
                {"effectOrePerMonth", m.effect_ore_per_month}};
}

// The nämnd above a sektor (the nearest ancestor of level nämnd), on `day`.
std::optional<domain::UnitIndex> NamndOf(const domain::Organisation& org, domain::UnitIndex u,
                                         domain::Date day) {
    for (auto a : org.AncestorsAt(u, day)) {
        if (org.unit(a).level == domain::Level::kNamnd) return a;
    }
    return std::nullopt;
}

class Decider {
public:
    Decider(const json& r, const CaseContext& ctx) : r_(r), ctx_(ctx) {
        day_ = domain::StockholmDate(ctx.now);
        at_ = core::ToRfc3339(ctx.now);
        command_id_ = OptText(r, "commandId");
    }

    core::Result<CaseOutput> Run() {
        if (!r_.is_object()) {
            return Refuse(core::Errc::kInvalidArgument, "op", "ett kommando är ett JSON-objekt");
        }
        if (ctx_.master == nullptr || ctx_.book == nullptr) {
            return Refuse(core::Errc::kUnavailable, "service",
                          "ärendehanteringen har ingen organisation än; försök igen strax");
        }
        const std::string op = StrOr(r_, "op", "");
        if (command_id_ && !contracts::IsCommandId(*command_id_)) {
            return Refuse(core::Errc::kInvalidArgument, "commandId",
                          "ett kommando-id är 1–128 bokstäver, siffror, '_', '.', ':', '-'");
        }
        auto by = Text(r_, "by", "e-postadressen till den som gör det");
        if (!by.ok()) return std::move(by).error();
        by_email_ = *by;
        if (command_id_ && ctx_.book->HasCommand(*command_id_)) {
            CaseOutput out;
            out.reply = json{{"op", op}, {"applied", false}, {"commandId", *command_id_}};
            return out;
        }
        if (op == "measure.propose") return ProposeMeasure();
        if (op == "measure.status") return MeasureStatus();
        if (op == "comment.add") return AddComment();
        if (op == "plan.draft") return DraftPlan();
        if (op == "plan.change") return ChangePlan();
        if (op == "plan.propose") return ProposePlan();
        if (op == "decision.record") return RecordDecision();
        return Refuse(core::Errc::kInvalidArgument, "op",
                      "okänt kommando '" + op +
                          "' (measure.propose, measure.status, comment.add, plan.draft, "
                          "plan.change, plan.propose, decision.record)");
    }

private:
    const domain::Organisation& org() const { return ctx_.master->org; }

    contracts::MeasureEvent MeasureEvt(contracts::MeasureEventKind kind, CaseMeasure m,
                                       std::int64_t version, const contracts::Person& by) const {
        contracts::MeasureEvent e;
        e.event = kind;
        e.measure = std::move(m);
        e.version = version;
        e.by = by;
        e.at = at_;
        e.command_id = command_id_;
        if (auto c = OptText(r_, "comment")) e.comment = *c;
        return e;
    }

    contracts::PlanEvent PlanEvt(contracts::PlanEventKind kind, CasePlan p, std::int64_t version,
                                 const contracts::Person& by) const {
        contracts::PlanEvent e;
        e.event = kind;
        e.plan = std::move(p);
        e.version = version;
        e.by = by;
        e.at = at_;
        e.command_id = command_id_;
        if (auto c = OptText(r_, "comment")) e.comment = *c;
        return e;
    }

    // Whether `unit` lies in `sektor`'s subtree (the sektor included).
    bool InSektor(const core::UnitId& unit, const core::UnitId& sektor) const {
        auto u = org().Find(unit);
        auto s = org().Find(sektor);
        return u && s && org().IsInSubtreeAt(*u, *s, day_);
    }

    // A body decides for the units under it (the KF for every unit).
    core::Status BodyCovers(const core::UnitId& body, const core::UnitId& unit) const {
        auto b = org().Find(body);
        auto u = org().Find(unit);
        if (b && u && (*b == org().root() || org().IsInSubtreeAt(*u, *b, day_))) return core::Ok();
        return Refuse(core::Errc::kPermissionDenied, "body",
                      body.value() + " beslutar inte om " + unit.value() +
                          ": enheten hör inte till dess ansvarsområde");
    }

    static std::vector<std::string> Unique(std::vector<std::string> ids) {
        std::vector<std::string> out;
        for (auto& id : ids) {
            if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(std::move(id));
        }
        return out;
    }

    core::Result<std::optional<service::DeviationRecord>> OpenDeviation(const std::string& id) {
        auto d = ctx_.deviation ? ctx_.deviation(id) : std::nullopt;
        if (!d) {
            return Refuse(core::Errc::kNotFound, "deviation",
                          "avvikelsen '" + id + "' finns inte; `bfu deviations` visar dem");
        }
        if (!d->open) {
            return Refuse(core::Errc::kFailedPrecondition, "deviation",
                          "avvikelsen " + id + " är avslutad; den behöver inga nya åtgärder");
        }
        return d;
    }

    core::Result<CaseOutput> ProposeMeasure() {
        CaseMeasure m;
        std::optional<service::DeviationRecord> dev;
        if (auto d = OptText(r_, "deviation")) {
            auto open = OpenDeviation(*d);
            if (!open.ok()) return std::move(open).error();
            dev = *open;
            m.deviation_id = dev->latest.deviation_id;
            m.unit = dev->latest.unit;
        } else {
            auto u = Text(r_, "unit", "enheten åtgärden gäller (eller \"deviation\")");
            if (!u.ok()) return std::move(u).error();
            auto unit = KnownUnit(org(), *u, "unit");
            if (!unit.ok()) return std::move(unit).error();
            m.unit = *unit;
        }
        auto area_text = OptText(r_, "area");
        auto area = KnownUnit(org(), area_text.value_or(m.unit.value()), "area");
        if (!area.ok()) return std::move(area).error();
        m.area = *area;
        auto by = LineManager(org(), m.unit, by_email_, day_);
        if (!by.ok()) return std::move(by).error();
        if (auto in_area = LineManager(org(), m.area, by_email_, day_); !in_area.ok()) {
            return Refuse(core::Errc::kPermissionDenied, "area",
                          by_email_ + " får inte besluta om åtgärder i " + m.area.value() +
                              ": enheten ligger utanför din linje");
        }
        auto text = Text(r_, "text", "vad åtgärden är");
        if (!text.ok()) return std::move(text).error();
        m.text = *text;
        if (r_.contains("responsible") && r_["responsible"].is_object()) {
            const auto& p = r_["responsible"];
            m.responsible.name = StrOr(p, "name", "");
            if (p.contains("email") && p["email"].is_string()) {
                m.responsible.email = p["email"].get<std::string>();
            }
            m.responsible.role = StrOr(p, "role", "ansvarig");
        } else if (auto who = OptText(r_, "who")) {
            m.responsible = {*who, "ansvarig", std::nullopt};
        } else {
            m.responsible = *by;
        }
        if (m.responsible.name.empty()) {
            return Refuse(core::Errc::kInvalidArgument, "responsible",
                          "\"responsible\" behöver ett namn");
        }
        auto effect = Sek(r_, "effectSekPerMonth");
        if (!effect.ok()) return std::move(effect).error();
        m.effect_ore_per_month = *effect;
        auto from = PeriodField(r_, "from", true);
        if (!from.ok()) return std::move(from).error();
        m.from_period = from->ToString();
        std::optional<domain::Period> to;
        auto to_ok = PeriodField(r_, "to", false, &to);
        if (!to_ok.ok()) return std::move(to_ok).error();
        if (to) {
            if (*to < *from) {
                return Refuse(core::Errc::kInvalidArgument, "to",
                              "\"to\" (" + to->ToString() + ") ligger före \"from\" (" +
                                  from->ToString() + ")");
            }
            m.to_period = to->ToString();
        }
        m.status = contracts::MeasureStatus::kProposed;
        m.id = core::MeasureId(OptText(r_, "measure").value_or(NewId("m-", command_id_)));
        if (!contracts::IsId(m.id.value())) {
            return Refuse(core::Errc::kInvalidArgument, "measure",
                          "ett åtgärds-id är bokstäver, siffror, '_', '.', '-'");
        }
        if (ctx_.book->FindMeasure(m.id.value()) != nullptr) {
            return Refuse(core::Errc::kAlreadyExists, "measure",
                          "åtgärden " + m.id.value() + " finns redan");
        }
        CaseOutput out;
        if (auto plan_id = OptText(r_, "plan")) {
            const auto* plan = ctx_.book->FindPlan(*plan_id);
            if (plan == nullptr) {
                return Refuse(core::Errc::kNotFound, "plan",
                              "åtgärdsplanen '" + *plan_id + "' finns inte");
            }
            auto next =
                domain::NextPlanState(ToDomain(plan->current.state), domain::PlanAction::kChange);
            if (!next.ok()) return std::move(next).error();
            if (auto plan_by = LineManager(org(), plan->current.sektor, by_email_, day_);
                !plan_by.ok()) {
                return std::move(plan_by).error();
            }
            if (!InSektor(m.unit, plan->current.sektor)) {
                return Refuse(core::Errc::kInvalidArgument, "plan",
                              "åtgärden gäller " + m.unit.value() + ", som inte hör till sektorn " +
                                  plan->current.sektor.value() + " och dess åtgärdsplan");
            }
            m.plan_id = *plan_id;
            CasePlan p = plan->current;
            p.measures.push_back(m.id);
            out.plans.push_back(
                PlanEvt(contracts::PlanEventKind::kChanged, p, plan->version + 1, *by));
        }
        out.measures.push_back(MeasureEvt(contracts::MeasureEventKind::kProposed, m, 1, *by));
        out.reply =
            json{{"op", "measure.propose"}, {"applied", true}, {"measure", MeasureReply(m)}};
        return out;
    }

    core::Result<CaseOutput> MeasureStatus() {
        auto id = Text(r_, "measure", "åtgärdens id");
        if (!id.ok()) return std::move(id).error();
        const auto* rec = ctx_.book->FindMeasure(*id);
        if (rec == nullptr) {
            return Refuse(core::Errc::kNotFound, "measure", "åtgärden '" + *id + "' finns inte");
        }
        auto status_text = Text(r_, "status", "pagar, genomford eller avbruten");
        if (!status_text.ok()) return std::move(status_text).error();
        auto status = ParseStatus(*status_text);
        if (!status) {
            return Refuse(core::Errc::kInvalidArgument, "status",
                          "okänd status '" + *status_text +
                              "' (foreslagen, beslutad, pagar, genomford, avbruten)");
        }
        if (*status == contracts::MeasureStatus::kDecided) {
            return Refuse(core::Errc::kFailedPrecondition, "status",
                          "en åtgärd blir beslutad genom nämndens beslut: bfu decision record");
        }
        auto by = LineManager(org(), rec->current.unit, by_email_, day_);
        if (!by.ok()) return std::move(by).error();
        if (auto s =
                domain::CheckMeasureTransition(ToDomain(rec->current.status), ToDomain(*status));
            !s.ok()) {
            return s.error();
        }
        CaseMeasure m = rec->current;
        m.status = *status;
        CaseOutput out;
        out.measures.push_back(
            MeasureEvt(contracts::MeasureEventKind::kStatus, m, rec->version + 1, *by));
        out.reply = json{{"op", "measure.status"}, {"applied", true}, {"measure", MeasureReply(m)}};
        return out;
    }

    core::Result<CaseOutput> AddComment() {
        contracts::CommentEvent c;
        std::optional<service::DeviationRecord> dev;
        if (auto d = OptText(r_, "deviation")) {
            dev = ctx_.deviation ? ctx_.deviation(*d) : std::nullopt;
            if (!dev) {
                return Refuse(core::Errc::kNotFound, "deviation",
                              "avvikelsen '" + *d + "' finns inte");
            }
            c.deviation_id = dev->latest.deviation_id;
            c.unit = dev->latest.unit;
            c.subject = contracts::CommentSubject::kDeviation;
        } else {
            auto u = Text(r_, "unit", "enheten kommentaren gäller");
            if (!u.ok()) return std::move(u).error();
            auto unit = KnownUnit(org(), *u, "unit");
            if (!unit.ok()) return std::move(unit).error();
            c.unit = *unit;
            auto subject_text = TextOr(r_, "subject", "outcome");
            if (!subject_text.ok()) return std::move(subject_text).error();
            const std::string subject = *subject_text;
            auto s = contracts::ParseEnum<contracts::CommentSubject>(subject);
            if (!s) {
                return Refuse(
                    core::Errc::kInvalidArgument, "subject",
                    "okänt ämne '" + subject + "' (outcome, deviation, goal, hr, general)");
            }
            c.subject = *s;
        }
        auto by = LineManager(org(), c.unit, by_email_, day_);
        if (!by.ok()) return std::move(by).error();
        std::optional<domain::Period> period;
        auto p = PeriodField(r_, "period", false, &period);
        if (!p.ok()) return std::move(p).error();
        if (!period && dev) {
            auto dp = domain::Period::Parse(dev->latest.period);
            if (dp.ok()) period = *dp;
        }
        if (!period) period = domain::Period::Containing(day_);
        c.period = period->ToString();
        if (auto g = OptText(r_, "goal")) c.goal_id = *g;
        auto text = Text(r_, "text", "kommentarens text");
        if (!text.ok()) return std::move(text).error();
        c.text = *text;
        c.comment_id = NewId("c-", command_id_);
        c.by = *by;
        c.at = at_;
        c.command_id = command_id_;
        CaseOutput out;
        out.comments.push_back(c);
        out.reply = json{{"op", "comment.add"},
                         {"applied", true},
                         {"comment", c.comment_id},
                         {"unit", c.unit.value()},
                         {"period", c.period}};
        return out;
    }

    // The plan's deviations: each exists and lies in the sektor's subtree.
    core::Status CheckDeviations(const CasePlan& p) {
        if (p.deviations.empty()) {
            return Refuse(core::Errc::kInvalidArgument, "deviations",
                          "en åtgärdsplan gäller minst en avvikelse");
        }
        const auto sektor = org().Find(p.sektor);
        for (const auto& d : p.deviations) {
            auto rec = ctx_.deviation ? ctx_.deviation(d.value()) : std::nullopt;
            if (!rec) {
                return Refuse(core::Errc::kNotFound, "deviations",
                              "avvikelsen '" + d.value() + "' finns inte");
            }
            auto u = org().Find(rec->latest.unit);
            if (!u || !sektor || !org().IsInSubtreeAt(*u, *sektor, day_)) {
                return Refuse(core::Errc::kInvalidArgument, "deviations",
                              "avvikelsen " + d.value() + " gäller " + rec->latest.unit.value() +
                                  ", som inte hör till sektorn " + p.sektor.value());
            }
        }
        for (const auto& m : p.measures) {
            const auto* rec = ctx_.book->FindMeasure(m.value());
            if (rec == nullptr) {
                return Refuse(core::Errc::kNotFound, "measures",
                              "åtgärden '" + m.value() + "' finns inte");
            }
            if (!InSektor(rec->current.unit, p.sektor)) {
                return Refuse(core::Errc::kInvalidArgument, "measures",
                              "åtgärden " + m.value() + " gäller " + rec->current.unit.value() +
                                  ", som inte hör till sektorn " + p.sektor.value());
            }
        }
        return core::Ok();
    }

    core::Status ReadPlanFields(CasePlan& p, bool required) {
        if (auto t = OptText(r_, "title")) {
            p.title = *t;
        } else if (required) {
            return Refuse(core::Errc::kInvalidArgument, "title",
                          "\"title\" saknas: planens rubrik");
        }
        if (auto t = OptText(r_, "text")) {
            p.text = *t;
        } else if (required) {
            return Refuse(core::Errc::kInvalidArgument, "text",
                          "\"text\" saknas: hur och i vilken verksamhet åtgärderna ska hålla "
                          "ramen");
        }
        if (r_.contains("deviations") || required) {
            auto devs = TextList(r_, "deviations", required);
            if (!devs.ok()) return devs.error();
            p.deviations.clear();
            for (auto& d : *devs) p.deviations.emplace_back(d);
        }
        if (r_.contains("measures")) {
            auto ms = TextList(r_, "measures", false);
            if (!ms.ok()) return ms.error();
            p.measures.clear();
            for (auto& m : *ms) p.measures.emplace_back(m);
        }
        return CheckDeviations(p);
    }

    core::Result<CaseOutput> DraftPlan() {
        auto s = Text(r_, "sektor", "sektorn som tar fram planen");
        if (!s.ok()) return std::move(s).error();
        auto sektor = KnownUnit(org(), *s, "sektor");
        if (!sektor.ok()) return std::move(sektor).error();
        const auto u = *org().Find(*sektor);
        if (org().unit(u).level != domain::Level::kSektor) {
            return Refuse(core::Errc::kInvalidArgument, "sektor",
                          s.value() + " är ingen sektor; en åtgärdsplan tas fram av en sektor");
        }
        auto by = LineManager(org(), *sektor, by_email_, day_);
        if (!by.ok()) return std::move(by).error();
        auto namnd = NamndOf(org(), u, day_);
        if (!namnd) {
            return Refuse(core::Errc::kFailedPrecondition, "sektor",
                          "sektorn " + s.value() + " hör inte till någon nämnd");
        }
        CasePlan p;
        p.id = OptText(r_, "plan").value_or(NewId("plan-", command_id_));
        if (!contracts::IsId(p.id)) {
            return Refuse(core::Errc::kInvalidArgument, "plan",
                          "ett plan-id är bokstäver, siffror, '_', '.', '-'");
        }
        if (ctx_.book->FindPlan(p.id) != nullptr) {
            return Refuse(core::Errc::kAlreadyExists, "plan",
                          "åtgärdsplanen " + p.id + " finns redan");
        }
        p.sektor = *sektor;
        p.body = org().unit(*namnd).id;
        p.state = contracts::PlanState::kDraft;
        if (auto st = ReadPlanFields(p, true); !st.ok()) return st.error();
        CaseOutput out;
        out.plans.push_back(PlanEvt(contracts::PlanEventKind::kDrafted, p, 1, *by));
        // Its measures belong to it from now on.
        for (const auto& mid : p.measures) {
            const auto* m = ctx_.book->FindMeasure(mid.value());
            CaseMeasure cm = m->current;
            cm.plan_id = p.id;
            out.measures.push_back(
                MeasureEvt(contracts::MeasureEventKind::kChanged, cm, m->version + 1, *by));
        }
        out.reply = json{{"op", "plan.draft"},
                         {"applied", true},
                         {"plan", p.id},
                         {"state", std::string(contracts::ToString(p.state))},
                         {"body", p.body.value()}};
        return out;
    }

    core::Result<const PlanRecord*> PlanArg() {
        auto id = Text(r_, "plan", "åtgärdsplanens id");
        if (!id.ok()) return std::move(id).error();
        const auto* plan = ctx_.book->FindPlan(*id);
        if (plan == nullptr) {
            return Refuse(core::Errc::kNotFound, "plan", "åtgärdsplanen '" + *id + "' finns inte");
        }
        return plan;
    }

    core::Result<CaseOutput> ChangePlan() {
        auto plan = PlanArg();
        if (!plan.ok()) return std::move(plan).error();
        auto by = LineManager(org(), (*plan)->current.sektor, by_email_, day_);
        if (!by.ok()) return std::move(by).error();
        auto next =
            domain::NextPlanState(ToDomain((*plan)->current.state), domain::PlanAction::kChange);
        if (!next.ok()) return std::move(next).error();
        CasePlan p = (*plan)->current;
        if (auto st = ReadPlanFields(p, false); !st.ok()) return st.error();
        CaseOutput out;
        out.plans.push_back(
            PlanEvt(contracts::PlanEventKind::kChanged, p, (*plan)->version + 1, *by));
        // Measures the change adds belong to the plan from now on.
        const auto& before = (*plan)->current.measures;
        for (const auto& mid : p.measures) {
            if (std::find(before.begin(), before.end(), mid) != before.end()) continue;
            const auto* added = ctx_.book->FindMeasure(mid.value());
            CaseMeasure cm = added->current;
            cm.plan_id = p.id;
            out.measures.push_back(
                MeasureEvt(contracts::MeasureEventKind::kChanged, cm, added->version + 1, *by));
        }
        out.reply = json{{"op", "plan.change"},
                         {"applied", true},
                         {"plan", p.id},
                         {"version", (*plan)->version + 1}};
        return out;
    }

    core::Result<CaseOutput> ProposePlan() {
        auto plan = PlanArg();
        if (!plan.ok()) return std::move(plan).error();
        auto by = LineManager(org(), (*plan)->current.sektor, by_email_, day_);
        if (!by.ok()) return std::move(by).error();
        auto next =
            domain::NextPlanState(ToDomain((*plan)->current.state), domain::PlanAction::kPropose);
        if (!next.ok()) return std::move(next).error();
        CasePlan p = (*plan)->current;
        if (p.measures.empty()) {
            return Refuse(core::Errc::kFailedPrecondition, "measures",
                          "en åtgärdsplan behöver minst en åtgärd innan den föreslås nämnden");
        }
        p.state = ToWire(*next);
        CaseOutput out;
        out.plans.push_back(
            PlanEvt(contracts::PlanEventKind::kProposed, p, (*plan)->version + 1, *by));
        out.reply = json{{"op", "plan.propose"},
                         {"applied", true},
                         {"plan", p.id},
                         {"state", std::string(contracts::ToString(p.state))}};
        return out;
    }

    // The body's secretary or chair; nobody else records its decisions.
    core::Result<contracts::Person> BodyRecorder(const core::UnitId& body) {
        const auto& units = ctx_.master->org_units;
        auto lower = [](std::string s) {
            std::transform(s.begin(), s.end(), s.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            return s;
        };
        const std::string email = lower(by_email_);
        auto it = units.find(body.value());
        if (it != units.end()) {
            if (it->second.secretary && it->second.secretary->email &&
                lower(*it->second.secretary->email) == email) {
                return *it->second.secretary;
            }
            if (it->second.manager.email && lower(*it->second.manager.email) == email) {
                return it->second.manager;
            }
        }
        return Refuse(core::Errc::kPermissionDenied, "by",
                      by_email_ + " är varken sekreterare eller ordförande i " + body.value() +
                          " och kan inte registrera dess beslut");
    }

    core::Result<CaseOutput> RecordDecision() {
        contracts::DecisionEvent d;
        auto ref = Text(r_, "ref", "beslutets paragraf, t.ex. \"§ 45/2026\"");
        if (!ref.ok()) return std::move(ref).error();
        if (!contracts::IsDecisionRef(*ref)) {
            return Refuse(core::Errc::kInvalidArgument, "ref",
                          "en paragraf skrivs \"§ 45/2026\", inte '" + *ref + "'");
        }
        d.ref = *ref;
        auto body_text = Text(r_, "body", "nämnden, KS eller KF som beslutade");
        if (!body_text.ok()) return std::move(body_text).error();
        auto body = KnownUnit(org(), *body_text, "body");
        if (!body.ok()) return std::move(body).error();
        const auto level = org().unit(*org().Find(*body)).level;
        if (level != domain::Level::kNamnd && level != domain::Level::kKs &&
            level != domain::Level::kKf) {
            return Refuse(core::Errc::kInvalidArgument, "body",
                          body_text.value() + " är ingen nämnd, KS eller KF");
        }
        d.body = *body;
        auto by = BodyRecorder(d.body);
        if (!by.ok()) return std::move(by).error();
        auto date = Text(r_, "date", "sammanträdets datum ÅÅÅÅ-MM-DD");
        if (!date.ok()) return std::move(date).error();
        if (!contracts::IsDate(*date) || !domain::Date::Parse(*date).ok()) {
            return Refuse(core::Errc::kInvalidArgument, "date",
                          "ett datum skrivs ÅÅÅÅ-MM-DD, inte '" + *date + "'");
        }
        d.date = *date;
        if (auto m = OptText(r_, "meeting")) d.meeting = *m;
        auto text = Text(r_, "text", "beslutets text");
        if (!text.ok()) return std::move(text).error();
        d.text = *text;
        const std::string subject = StrOr(r_, "subject", "");
        auto subj = contracts::ParseEnum<contracts::DecisionSubject>(subject);
        if (!subj) {
            return Refuse(core::Errc::kInvalidArgument, "subject",
                          "\"subject\" ska vara plan, measure eller budget_revision");
        }
        d.subject = *subj;
        auto outcome_text = TextOr(r_, "outcome", "bifall");
        if (!outcome_text.ok()) return std::move(outcome_text).error();
        std::string outcome = *outcome_text;
        if (outcome == "återremiss") outcome = "aterremiss";
        auto out_enum = contracts::ParseEnum<contracts::DecisionOutcome>(outcome);
        if (!out_enum) {
            return Refuse(core::Errc::kInvalidArgument, "outcome",
                          "\"outcome\" ska vara bifall, aterremiss eller avslag");
        }
        d.outcome = *out_enum;
        d.decision_id = DecisionId(d.body.value(), d.ref);
        if (ctx_.book->FindDecision(d.decision_id) != nullptr) {
            return Refuse(core::Errc::kAlreadyExists, "ref",
                          "beslutet " + d.ref + " i " + d.body.value() + " finns redan");
        }
        d.by = *by;
        d.at = at_;
        d.command_id = command_id_;
        CaseOutput out;
        switch (d.subject) {
            case contracts::DecisionSubject::kPlan: {
                auto s = DecidePlans(d, out);
                if (!s.ok()) return s.error();
                break;
            }
            case contracts::DecisionSubject::kMeasure: {
                auto s = DecideMeasures(d, out);
                if (!s.ok()) return s.error();
                break;
            }
            case contracts::DecisionSubject::kBudgetRevision: {
                auto s = ReviseBudget(d, out);
                if (!s.ok()) return s.error();
                break;
            }
        }
        out.decisions.push_back(d);
        out.reply = json{{"op", "decision.record"},
                         {"applied", true},
                         {"decision", d.decision_id},
                         {"ref", d.ref},
                         {"subject", std::string(contracts::ToString(d.subject))},
                         {"outcome", std::string(contracts::ToString(d.outcome))}};
        if (d.revision) out.reply["revision"] = *d.revision;
        return out;
    }

    core::Status DecidePlans(contracts::DecisionEvent& d, CaseOutput& out) {
        auto listed = TextList(r_, "ids", true);
        if (!listed.ok()) return listed.error();
        const auto ids = Unique(std::move(listed).value());
        if (ids.empty()) {
            return Refuse(core::Errc::kInvalidArgument, "ids",
                          "vilken åtgärdsplan gäller beslutet?");
        }
        const domain::PlanAction action = d.outcome == contracts::DecisionOutcome::kApproved
                                              ? domain::PlanAction::kDecide
                                          : d.outcome == contracts::DecisionOutcome::kReferredBack
                                              ? domain::PlanAction::kReferBack
                                              : domain::PlanAction::kReject;
        const contracts::PlanEventKind kind =
            d.outcome == contracts::DecisionOutcome::kApproved ? contracts::PlanEventKind::kDecided
            : d.outcome == contracts::DecisionOutcome::kReferredBack
                ? contracts::PlanEventKind::kReferredBack
                : contracts::PlanEventKind::kRejected;
        for (const auto& id : ids) {
            const auto* plan = ctx_.book->FindPlan(id);
            if (plan == nullptr) {
                return Refuse(core::Errc::kNotFound, "ids",
                              "åtgärdsplanen '" + id + "' finns inte");
            }
            if (plan->current.body != d.body) {
                return Refuse(core::Errc::kPermissionDenied, "body",
                              "åtgärdsplanen " + id + " beslutas av " + plan->current.body.value() +
                                  ", inte av " + d.body.value());
            }
            auto next = domain::NextPlanState(ToDomain(plan->current.state), action);
            if (!next.ok()) return next.error();
            CasePlan p = plan->current;
            p.state = ToWire(*next);
            if (d.outcome == contracts::DecisionOutcome::kApproved) p.decision_ref = d.ref;
            out.plans.push_back(PlanEvt(kind, p, plan->version + 1, d.by));
            if (d.outcome != contracts::DecisionOutcome::kApproved) continue;
            for (const auto& mid : p.measures) {
                const auto* m = ctx_.book->FindMeasure(mid.value());
                if (m == nullptr || m->current.status != contracts::MeasureStatus::kProposed)
                    continue;
                CaseMeasure cm = m->current;
                cm.status = contracts::MeasureStatus::kDecided;
                cm.decision_ref = d.ref;
                out.measures.push_back(
                    MeasureEvt(contracts::MeasureEventKind::kStatus, cm, m->version + 1, d.by));
            }
            d.subject_ids.push_back(id);
        }
        return core::Ok();
    }

    core::Status DecideMeasures(contracts::DecisionEvent& d, CaseOutput& out) {
        auto listed = TextList(r_, "ids", true);
        if (!listed.ok()) return listed.error();
        const auto ids = Unique(std::move(listed).value());
        if (ids.empty()) {
            return Refuse(core::Errc::kInvalidArgument, "ids", "vilken åtgärd gäller beslutet?");
        }
        for (const auto& id : ids) {
            const auto* m = ctx_.book->FindMeasure(id);
            if (m == nullptr) {
                return Refuse(core::Errc::kNotFound, "ids", "åtgärden '" + id + "' finns inte");
            }
            if (auto s = BodyCovers(d.body, m->current.unit); !s.ok()) return s;
            if (d.outcome == contracts::DecisionOutcome::kReferredBack) {
                d.subject_ids.push_back(id);
                continue;
            }
            const auto to = d.outcome == contracts::DecisionOutcome::kApproved
                                ? contracts::MeasureStatus::kDecided
                                : contracts::MeasureStatus::kCancelled;
            if (auto s = domain::CheckMeasureTransition(ToDomain(m->current.status), ToDomain(to));
                !s.ok()) {
                return s;
            }
            CaseMeasure cm = m->current;
            cm.status = to;
            cm.decision_ref = d.ref;
            out.measures.push_back(
                MeasureEvt(contracts::MeasureEventKind::kStatus, cm, m->version + 1, d.by));
            d.subject_ids.push_back(id);
        }
        return core::Ok();
    }

    core::Status ReviseBudget(contracts::DecisionEvent& d, CaseOutput& out) {
        if (!r_.contains("year") || !r_["year"].is_number_integer()) {
            return Refuse(core::Errc::kInvalidArgument, "year",
                          "\"year\" saknas: budgetåret som revideras");
        }
        const int year = r_["year"].get<int>();
        auto it = r_.find("budget");
        if (it == r_.end() || !it->is_array() || it->empty()) {
            return Refuse(core::Errc::kInvalidArgument, "budget",
                          "\"budget\" saknas: en lista med {unit, accountGroup, annualSek}");
        }
        std::int64_t revision = 0;
        std::vector<std::pair<contracts::Budget, std::int64_t>> changes;
        for (std::size_t i = 0; i < it->size(); ++i) {
            const auto& line = (*it)[i];
            const std::string where = "budget/" + std::to_string(i);
            if (!line.is_object() || !line.contains("unit") || !line["unit"].is_string() ||
                !line.contains("accountGroup") || !line["accountGroup"].is_string()) {
                return Refuse(core::Errc::kInvalidArgument, where,
                              "varje rad i \"budget\" är {\"unit\", \"accountGroup\", "
                              "\"annualSek\"} med enhet och kontogrupp som text");
            }
            const std::string unit = line["unit"].get<std::string>();
            const std::string group = line["accountGroup"].get<std::string>();
            auto found =
                ctx_.master->budget_records.find(std::to_string(year) + ":" + unit + ":" + group);
            if (found == ctx_.master->budget_records.end()) {
                return Refuse(core::Errc::kNotFound, where,
                              "ingen budget " + std::to_string(year) + " för " + unit + " och " +
                                  group + " att revidera");
            }
            if (auto s = BodyCovers(d.body, core::UnitId(unit)); !s.ok()) return s;
            if (found->second.profile.kind == contracts::ProfileKind::kExplicit) {
                return Refuse(core::Errc::kInvalidArgument, where,
                              "budgeten för " + unit + " och " + group +
                                  " har en egen månadsfördelning; revidera den med bfu import "
                                  "budget");
            }
            auto annual = Sek(line, "annualSek");
            if (!annual.ok()) {
                return Refuse(core::Errc::kInvalidArgument, where + "/annualSek",
                              annual.error().message);
            }
            // The next number after the master data's and after every revision this service
            // decided (the master data may not have read the last one back yet).
            const auto latest = std::max(
                found->second.revision.no,
                ctx_.book->LatestRevision(std::to_string(year) + ":" + unit + ":" + group));
            revision = std::max(revision, latest + 1);
            changes.emplace_back(found->second, *annual);
            d.budget.push_back({core::UnitId(unit), group, *annual});
        }
        d.year = year;
        d.revision = revision;
        for (auto& [b, annual] : changes) {
            contracts::Budget nb = b;
            nb.annual_ore = annual;
            nb.revision.no = revision;
            nb.revision.ref = d.ref;
            nb.revision.date = d.date;
            out.budgets.push_back(std::move(nb));
        }
        return core::Ok();
    }

    const json& r_;
    const CaseContext& ctx_;
    domain::Date day_;
    std::string at_;
    std::optional<std::string> command_id_;
    std::string by_email_;
};

}  // namespace

std::string DecisionId(std::string_view body, std::string_view ref) {
    // "§ 45/2026" -> "45-2026"; anything before the "§" (e.g. "KF") is kept, made safe.
    std::string out(body);
    out += '-';
    bool dash = false;
    for (char c : ref) {
        const bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0;
        if (ok) {
            out += c;
            dash = false;
        } else if (!dash && out.back() != '-') {
            out += '-';
            dash = true;
        }
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out;
}

core::Result<CaseOutput> DecideCaseCommand(const json& request, const CaseContext& ctx) {
    Decider d(request, ctx);
    return d.Run();
}

}  // namespace bfu::casework
