#pragma once
// The casework service's pure parts under test: the standard municipality of
// services/test_master.hpp, widened with what the decide stage needs, deviations as
// bfu.deviations holds them, and a CaseBook that every accepted command's events are applied to
// the way the service applies them (ExecuteLocked: measures, comments, plans, decisions).
//
// The municipality (year 2026, "now" 2026-03-31T12:00:00Z):
//   KF (Karin) ── KS (Lars) ── FORV (Maria)
//    ├── NAM  Omsorgsnämnden, chair Per, secretary Siv ── SEK (Sara) ── VER (Olof) ─┬─ ENH1 (Maja)
//    │                                                                              └─ ENH2 (Emil)
//    └── NAM2 Utbildningsnämnden, chair Ulla, secretary Bo ── SEK2 (Gustav) ── VER2 (Hanna)
//                                                                             └─ ENH3 (Ida)
//   budgets: the standard ones, plus ENH1 material revision 1 (§ 12/2026, 150 000 kr) and
//   ENH2 lokaler 2026 with an explicit monthly profile.
//   deviations: budget:2026:ENH1 open, 500 000 kr over; forecast:2026:ENH1 open, 100 000 kr;
//   budget:2026:ENH2 closed; budget:2026:ENH3 open (another sektor).
#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <cctype>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/casework/book.hpp"
#include "bfu/casework/commands.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/master.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/service/deviation_table.hpp"
#include "bfu/service/master_data.hpp"
#include "services/test_master.hpp"

namespace bfu::casework::test {

using bfu::test::kYear;
using bfu::test::TestNow;
using nlohmann::json;

inline constexpr const char* kDevEnh1 = "budget:2026:ENH1";
inline constexpr const char* kForecastEnh1 = "forecast:2026:ENH1";
inline constexpr const char* kDevEnh2Closed = "budget:2026:ENH2";
inline constexpr const char* kDevEnh3 = "budget:2026:ENH3";
inline constexpr std::int64_t kDevEnh1Ore = 50'000'000;  // 500 000 kr over
inline constexpr const char* kNow = "2026-03-31T12:00:00.000Z";

// "m-", "c-", "plan-" ids made from a command id: the first 6 bytes of its SHA-256, in hex.
inline std::string IdFrom(std::string_view prefix, std::string_view command_id) {
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(command_id.data()), command_id.size(), d);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(prefix);
    for (int i = 0; i < 6; ++i) {
        out += kHex[d[i] >> 4];
        out += kHex[d[i] & 15];
    }
    return out;
}

template <typename T>
void PutRecord(bfu::test::SnapshotBuilder& b, const T& message) {
    b.Raw(T::kTopic, message.Key(),
          contracts::EncodeMessage(
              message, {"test-" + message.Key(), "bfu/test", TestNow(), message.Key()}));
}

inline contracts::OrgUnit NamndUnit(const std::string& id, const std::string& name,
                                    const contracts::Person& chair,
                                    const contracts::Person& secretary) {
    contracts::OrgUnit u;
    u.id = core::UnitId(id);
    u.parent = core::UnitId("KF");
    u.level = contracts::OrgLevel::kNamnd;
    u.name = name;
    u.manager = chair;
    u.mandate_ore = 300'000'000;
    u.valid_from = "2026-01-01";
    u.secretary = secretary;
    return u;
}

inline bfu::test::SnapshotBuilder CaseworkBuilder() {
    using L = contracts::OrgLevel;
    auto b = bfu::test::StandardBuilder();
    // NAM again, now with its secretary (who records its decisions).
    PutRecord(b, NamndUnit("NAM", "Omsorgsnämnden", {"Per Holm", "ordförande", "per@ex.se"},
                           {"Siv Sjö", "nämndsekreterare", "siv@ex.se"}));
    PutRecord(b, NamndUnit("NAM2", "Utbildningsnämnden", {"Ulla Ek", "ordförande", "ulla@ex.se"},
                           {"Bo Sten", "nämndsekreterare", "bo@ex.se"}));
    b.Unit("SEK2", "NAM2", L::kSektor, "Sektor utbildning", "Gustav Ny", "gustav@ex.se",
           100'000'000)
        .Unit("VER2", "SEK2", L::kVerksamhet, "Grundskola", "Hanna Ås", "hanna@ex.se", 50'000'000)
        .Unit("ENH3", "VER2", L::kEnhet, "Skola Norr", "Ida Lund", "ida@ex.se", 10'000'000);
    // ENH1 material as revised once (§ 12/2026): a revision now makes revision 2.
    contracts::Budget material;
    material.unit = core::UnitId("ENH1");
    material.account_group = "material";
    material.year = kYear;
    material.annual_ore = 15'000'000;
    material.profile.kind = contracts::ProfileKind::kPersonnel;
    material.revision = {1, "§ 12/2026", "2026-02-10"};
    PutRecord(b, material);
    // ENH2 lokaler with its own monthly distribution: not revisable by a decision.
    contracts::Budget lokaler;
    lokaler.unit = core::UnitId("ENH2");
    lokaler.account_group = "lokaler";
    lokaler.year = kYear;
    lokaler.annual_ore = 12'000'000;
    lokaler.profile.kind = contracts::ProfileKind::kExplicit;
    lokaler.profile.months.fill(1'000'000);
    lokaler.revision = {0, "KF § 1/2025", "2025-11-28"};
    PutRecord(b, lokaler);
    return b;
}

inline std::shared_ptr<const service::MasterData> CaseworkMaster() {
    auto md = service::MasterData::Build(CaseworkBuilder().snapshot(), "", kYear);
    EXPECT_TRUE(md.ok()) << (md.ok() ? "" : md.error().message);
    if (md.ok()) {
        for (const auto& p : (*md)->problems) ADD_FAILURE() << "master data problem: " << p;
    }
    return md.ok() ? md.value() : nullptr;
}

// A deviation as bfu.deviations holds it (its latest status event).
inline service::DeviationRecord Deviation(
    const std::string& id, const std::string& unit, std::int64_t deviation_ore, bool open = true,
    contracts::DeviationKind kind = contracts::DeviationKind::kBudget,
    const std::string& period = "202603") {
    service::DeviationRecord r;
    auto& e = r.latest;
    e.deviation_id = core::DeviationId(id);
    e.seq = open ? 1 : 2;
    e.unit = core::UnitId(unit);
    e.kind = kind;
    e.year = kYear;
    e.period = period;
    e.event =
        open ? contracts::DeviationEventKind::kOpened : contracts::DeviationEventKind::kClosed;
    e.at = "2026-03-31T06:00:00.000Z";
    e.budget_ore = 30'000'000;
    e.outcome_ore = 30'000'000 + deviation_ore;
    e.deviation_ore = deviation_ore;
    e.severity = contracts::Severity::kMajor;
    e.responsible = {"Maja Öberg", "enhetschef", "maja@ex.se"};
    r.has_status = true;
    r.open = open;
    r.last_seq = e.seq;
    return r;
}

// The world a command is decided in; Do() applies what a command made, as the service does.
class World {
public:
    World() : master(CaseworkMaster()) {
        Add(Deviation(kDevEnh1, "ENH1", kDevEnh1Ore));
        Add(Deviation(kForecastEnh1, "ENH1", 10'000'000, true, contracts::DeviationKind::kForecast,
                      "202602"));
        Add(Deviation(kDevEnh2Closed, "ENH2", 3'000'000, false));
        Add(Deviation(kDevEnh3, "ENH3", 8'000'000));
    }

    void Add(service::DeviationRecord r) {
        const std::string id = r.id().value();
        deviations[id] = std::move(r);
    }

    [[nodiscard]] CaseContext Ctx() const {
        CaseContext c;
        c.master = master.get();
        c.book = &book;
        c.deviation = [this](std::string_view id) -> std::optional<service::DeviationRecord> {
            auto it = deviations.find(std::string(id));
            if (it == deviations.end()) return std::nullopt;
            return it->second;
        };
        c.now = now;
        return c;
    }

    [[nodiscard]] core::Result<CaseOutput> Decide(const json& request) const {
        return DecideCaseCommand(request, Ctx());
    }

    void Apply(const CaseOutput& out) {
        for (const auto& e : out.measures) book.Apply(e);
        for (const auto& e : out.comments) book.Apply(e);
        for (const auto& e : out.plans) book.Apply(e);
        for (const auto& e : out.decisions) book.Apply(e);
        for (const auto& b : out.budgets) budgets.push_back(b);
    }

    // Decides and applies; a refusal fails the test (and an empty output is returned).
    CaseOutput Do(const json& request) {
        auto r = Decide(request);
        EXPECT_TRUE(r.ok()) << request.dump()
                            << "\n  refused: " << (r.ok() ? "" : r.error().ToString());
        if (!r.ok()) return {};
        Apply(*r);
        return std::move(r).value();
    }

    // Common commands (each with a command id, so their ids are known).
    CaseOutput Propose(const std::string& cmd, json extra = json::object()) {
        json r{
            {"op", "measure.propose"}, {"by", "olof@ex.se"},          {"commandId", cmd},
            {"deviation", kDevEnh1},   {"text", "Färre timvikarier"}, {"effectSekPerMonth", -40000},
            {"from", "2026-04"}};
        r.update(extra);
        return Do(r);
    }
    CaseOutput Draft(const std::string& cmd, json extra = json::object()) {
        json r{{"op", "plan.draft"},
               {"by", "sara@ex.se"},
               {"commandId", cmd},
               {"sektor", "SEK"},
               {"title", "Åtgärdsplan hemtjänst 2026"},
               {"text", "Hemtjänsten håller ramen genom färre timvikarier."},
               {"deviations", json::array({kDevEnh1})}};
        r.update(extra);
        return Do(r);
    }
    CaseOutput ProposePlan(const std::string& cmd, const std::string& plan) {
        return Do(
            {{"op", "plan.propose"}, {"by", "sara@ex.se"}, {"commandId", cmd}, {"plan", plan}});
    }
    static json Decision(const std::string& ref, const std::string& subject, json ids,
                         const std::string& outcome = "bifall", const std::string& by = "siv@ex.se",
                         const std::string& body = "NAM") {
        return {{"op", "decision.record"},
                {"by", by},
                {"ref", ref},
                {"body", body},
                {"date", "2026-04-15"},
                {"meeting", "Omsorgsnämndens sammanträde 15 april"},
                {"text", "Nämnden beslutar enligt förslaget."},
                {"subject", subject},
                {"ids", std::move(ids)},
                {"outcome", outcome}};
    }

    std::shared_ptr<const service::MasterData> master;
    CaseBook book;
    std::map<std::string, service::DeviationRecord> deviations;
    std::vector<contracts::Budget> budgets;
    core::TimePoint now = TestNow();
};

// English words a Swedish refusal must not contain (after what it quotes is taken out: field
// names in "…", values in '…', commands in `…`).
inline std::vector<std::string> EnglishWords(std::string message) {
    static const std::regex kQuoted(R"re("[^"]*"|'[^']*'|`[^`]*`)re");
    message = std::regex_replace(message, kQuoted, " ");
    static const std::set<std::string> kEnglish = {
        "the",     "is",       "not",       "found",      "must",      "unknown", "invalid",
        "missing", "should",   "cannot",    "permission", "denied",    "already", "exists",
        "closed",  "amount",   "overflows", "contains",   "character", "part",    "range",
        "empty",   "write",    "has",       "needs",      "digit",     "decimal", "failed",
        "error",   "required", "expected",  "allowed",    "only",      "may",     "type",
        "string",  "number",   "object",    "array",      "with",      "this",    "that",
        "and",     "no",       "be",        "an",         "of",        "to",      "from"};
    std::vector<std::string> out;
    std::string word;
    auto flush = [&] {
        if (!word.empty() && kEnglish.count(word) != 0) out.push_back(word);
        word.clear();
    };
    for (const char ch : message) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x80 || std::isalpha(c) != 0) {
            word += static_cast<char>(std::tolower(c));
        } else {
            flush();
        }
    }
    flush();
    return out;
}

inline std::string Join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
    return out;
}

// A refusal with this code and field, said in Swedish.
inline ::testing::AssertionResult Refused(const core::Result<CaseOutput>& r, core::Errc code,
                                          const std::string& field) {
    if (r.ok()) {
        return ::testing::AssertionFailure()
               << "expected a refusal (" << core::ToString(code) << ", " << field
               << ") but it was applied: " << r->reply.dump();
    }
    const auto& e = r.error();
    if (e.code != code || e.field != field) {
        return ::testing::AssertionFailure() << "expected (" << core::ToString(code) << ", "
                                             << field << "), got " << e.ToString();
    }
    if (e.message.empty()) return ::testing::AssertionFailure() << "refusal without a message";
    if (auto english = EnglishWords(e.message); !english.empty()) {
        return ::testing::AssertionFailure()
               << "refusal not in Swedish (" << Join(english) << "): " << e.message;
    }
    return ::testing::AssertionSuccess();
}

inline contracts::Person Person(const std::string& name, const std::string& role,
                                const std::string& email) {
    return {name, role, email};
}

}  // namespace bfu::casework::test
