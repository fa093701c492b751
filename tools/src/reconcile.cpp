#include "reconcile.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "bfu/contracts/analysis.hpp"
#include "bfu/contracts/deviation_event_id.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/outputs.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/domain/calendar.hpp"
#include "bfu/kafka/loop.hpp"
#include "bfu/service/status_keys.hpp"
#include "bfu/text/swedish.hpp"

namespace bfu::cli::reconcile {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// The first month a placement counts in: its own month from the 1st, else the next (as
// analysis places a unit moved in the middle of a month).
int EffectiveMonthCode(const std::string& valid_from) {
    auto d = domain::Date::Parse(valid_from);
    if (!d.ok()) return 0;
    auto p = domain::Period::Containing(*d);
    if (d->day() != 1) p = p.Next();
    return p.Code();
}

std::int64_t ToInt(const std::string& s, bool* ok) {
    try {
        std::size_t used = 0;
        const auto v = std::stoll(s, &used);
        *ok = used == s.size();
        return v;
    } catch (const std::exception&) {
        *ok = false;
        return 0;
    }
}

std::string PeriodOf(int year, int month_index) {
    auto p = domain::Period::Of(year, month_index + 1);
    return p.ok() ? p->ToString() : std::string();
}

// The latest report of the year in the reporting folder's manifest: of the root's scope if
// there is one, else of any scope; latest by asOf, then period.
std::optional<json> LatestReport(const fs::path& dir, int year, const std::string& root) {
    if (dir.empty()) return std::nullopt;
    std::ifstream in(dir / std::to_string(year) / "rapporter.json");
    if (!in) return std::nullopt;
    json j = json::parse(in, nullptr, false);
    if (j.is_object() && j.contains("reports")) j = j["reports"];
    if (!j.is_array()) return std::nullopt;
    const json* best = nullptr;
    auto better = [&](const json& a, const json& b) {
        const bool ra = a.value("scope", "") == root;
        const bool rb = b.value("scope", "") == root;
        if (ra != rb) return ra;
        const auto ka = std::make_pair(a.value("asOf", ""), a.value("period", ""));
        const auto kb = std::make_pair(b.value("asOf", ""), b.value("period", ""));
        return ka > kb;
    };
    for (const auto& r : j) {
        if (!r.is_object() || !r.contains("files")) continue;
        bool has_json = false;
        for (const auto& f : r["files"]) has_json = has_json || f.value("format", "") == "json";
        if (!has_json) continue;
        if (best == nullptr || better(r, *best)) best = &r;
    }
    if (best == nullptr) return std::nullopt;
    for (const auto& f : (*best)["files"]) {
        if (f.value("format", "") != "json") continue;
        std::ifstream rin(f.value("path", ""));
        json report = json::parse(rin, nullptr, false);
        if (report.is_discarded() || !report.contains("units")) return std::nullopt;
        report["__file"] = f.value("path", "");
        return report;
    }
    return std::nullopt;
}

std::string CheckName(const std::string& check) {
    if (check == "analys") return "analysens celler";
    if (check == "redis") return "Redis";
    return "rapporten";
}

}  // namespace

// ---- OrgByMonth ----

void OrgByMonth::Add(contracts::OrgUnit u) {
    const std::string id = u.id.value();
    units_[id] = std::move(u);
}

std::string OrgByMonth::ParentIn(const std::string& id, int period_code) const {
    auto it = units_.find(id);
    if (it == units_.end()) return {};
    const auto& u = it->second;
    std::string parent = u.parent ? u.parent->value() : std::string();
    if (EffectiveMonthCode(u.valid_from) <= period_code || u.history.empty()) return parent;
    // The latest earlier placement in force in that month.
    std::string found = u.history.front().parent.value();
    for (const auto& h : u.history) {
        if (EffectiveMonthCode(h.valid_from) <= period_code) found = h.parent.value();
    }
    return found;
}

std::vector<std::string> OrgByMonth::Line(const std::string& id, int period_code) const {
    std::vector<std::string> out;
    std::string u = id;
    for (int guard = 0; guard < 16 && !u.empty(); ++guard) {
        out.push_back(u);
        u = ParentIn(u, period_code);
    }
    return out;
}

std::string OrgByMonth::Root() const {
    for (const auto& [id, u] : units_) {
        if (!u.parent) return id;
    }
    return {};
}

std::int64_t UnitFigures::LedgerYear() const {
    std::int64_t sum = 0;
    for (auto v : ledger) sum += v;
    return sum;
}

std::int64_t Result::DeadLetterCount() const {
    std::int64_t n = 0;
    for (const auto& d : dead_letters) n += d.count;
    return n;
}

// ---- Reading ----

core::Result<Result> Run(const Options& options, const Env& env) {
    Result r;
    const auto cfg = KafkaFromEnv(env);
    const std::string prefix = env.Get("BFU_KAFKA_TOPIC_PREFIX");
    auto read = [&](std::string_view base, const std::function<void(const kafka::Message&)>& fn) {
        return ingest::ReadTopicToEnd(cfg, Topic(env, base), fn, options.timeout);
    };
    // The organisation, latest record per unit.
    BFU_TRY(read(contracts::topics::kMasterOrg, [&](const kafka::Message& m) {
        if (m.value.empty()) return;
        auto u = contracts::DecodeMessage<contracts::OrgUnit>(m.value);
        if (u.ok()) r.org.Add(std::move(u).value());
    }));
    // Analysis's cells: the latest aggregate per year:unit.
    std::map<std::pair<int, std::string>, MonthOre> cells;
    int latest_year = 0;
    BFU_TRY(read(contracts::topics::kUnitAggregates, [&](const kafka::Message& m) {
        if (m.value.empty()) return;
        auto a = contracts::DecodeMessage<contracts::UnitAggregate>(m.value);
        if (!a.ok()) return;
        MonthOre months{};
        for (std::size_t i = 0; i < months.size(); ++i) {
            months[i] = a->totals.months[i].outcome_ore;
        }
        cells[{a->year, a->unit.value()}] = months;
        latest_year = std::max(latest_year, a->year);
    }));
    r.year = options.year != 0 ? options.year : latest_year;
    // The latest report, so that the ledger can also be summed as it stood at its asOf.
    const auto report = LatestReport(options.reports_dir, r.year, r.org.Root());
    const std::string report_as_of = report ? report->value("asOf", "") : std::string();

    // The control totals and the ledger.
    BFU_TRY(read(contracts::topics::kIngestDecisions, [&](const kafka::Message& m) {
        auto d = contracts::DecodeMessage<contracts::IngestDecision>(m.value);
        if (d.ok()) {
            r.totals.AddDecision(*d);
        } else {
            r.totals.AddUndecodable("bfu.ingest.decisions offset " + std::to_string(m.offset));
        }
    }));
    BFU_TRY(read(contracts::topics::kLedgerRejected, [&](const kafka::Message& m) {
        auto x = contracts::DecodeMessage<contracts::RejectedVoucher>(m.value);
        if (x.ok()) {
            r.totals.AddRejected(*x);
        } else {
            r.totals.AddUndecodable("bfu.ledger.rejected offset " + std::to_string(m.offset));
        }
    }));
    // Per unit and month of the year (month index in the low bits): all, and as at the report.
    std::map<std::pair<std::string, int>, std::pair<std::int64_t, std::int64_t>> booked;
    BFU_TRY(read(contracts::topics::kLedgerLines, [&](const kafka::Message& m) {
        auto l = contracts::DecodeMessage<contracts::LedgerLine>(m.value);
        if (!l.ok()) {
            r.totals.AddUndecodable("bfu.ledger.lines offset " + std::to_string(m.offset));
            return;
        }
        r.totals.AddLine(*l);
        ++r.lines;
        if (!l->is_operating || l->fiscal_year != r.year) return;
        auto p = domain::Period::Parse(l->period);
        if (!p.ok()) return;
        auto& cell = booked[{l->unit.value(), p->Code()}];
        cell.first += l->amount_ore;
        if (!report_as_of.empty() && l->voucher.date <= report_as_of) cell.second += l->amount_ore;
    }));
    // Rolled up through each month's tree.
    for (const auto& [key, ore] : booked) {
        const int month = key.second % 100;
        if (month < 1 || month > 12) continue;
        for (const auto& u : r.org.Line(key.first, key.second)) {
            auto& f = r.units[u];
            f.ledger[static_cast<std::size_t>(month - 1)] += ore.first;
            f.ledger_at_report[static_cast<std::size_t>(month - 1)] += ore.second;
        }
    }
    for (const auto& [key, months] : cells) {
        if (key.first != r.year) continue;
        r.units[key.second].analysis = months;
        ++r.aggregates;
    }
    for (const auto& [id, u] : r.org.units()) r.units[id];  // every published unit is checked

    // Dead letters per topic and reason.
    std::map<std::pair<std::string, std::string>, DeadLetters> dead;
    BFU_TRY(read(contracts::topics::kDeadLetter, [&](const kafka::Message& m) {
        std::string topic = kafka::FindHeader(m.headers, kafka::kDlqTopicHeader).value_or("?");
        if (!prefix.empty() && topic.rfind(prefix, 0) == 0) topic = topic.substr(prefix.size());
        const std::string reason =
            kafka::FindHeader(m.headers, kafka::kDlqErrcHeader).value_or("okänd");
        auto& d = dead[{topic, reason}];
        d.topic = topic;
        d.reason = reason;
        if (d.count++ == 0) {
            d.example = kafka::FindHeader(m.headers, kafka::kDlqReasonHeader).value_or("");
        }
    }));
    for (auto& [key, d] : dead) r.dead_letters.push_back(std::move(d));

    // Deviation events: per deviation, the seqs seen; per event id, its event type.
    std::map<std::string, std::set<std::int64_t>> seqs;
    std::map<std::string, std::string> event_of;
    BFU_TRY(read(contracts::topics::kDeviations, [&](const kafka::Message& m) {
        auto e = contracts::DecodeMessage<contracts::DeviationEvent>(m.value);
        if (!e.ok()) return;
        const std::string id = contracts::DeviationEventId(*e);
        const std::string what(contracts::ToString(e->event));
        auto [it, inserted] = event_of.try_emplace(id, what);
        if (!inserted) {
            ++r.deviations.copies;
            if (it->second != what) r.deviations.conflicting.push_back(id);
            return;
        }
        seqs[e->deviation_id.value()].insert(e->seq);
    }));
    r.deviations.deviations = seqs.size();
    r.deviations.events = event_of.size();
    for (const auto& [dev, have] : seqs) {
        for (std::int64_t s = 1; s <= *have.rbegin(); ++s) {
            if (have.count(s) == 0) r.deviations.missing.push_back(dev + ":" + std::to_string(s));
        }
    }

    // Alerts: planned, sent (once), delivered.
    struct AlertState {
        bool planned = false;
        bool queued = false;  // for the recipient's daily digest
        int sent = 0;
        bool delivered = false;
        bool failed_last = false;
    };
    std::map<std::string, AlertState> alerts;
    BFU_TRY(read(contracts::topics::kAlerts, [&](const kafka::Message& m) {
        auto a = contracts::DecodeMessage<contracts::Alert>(m.value);
        if (!a.ok()) return;
        auto& st = alerts[a->alert_id];
        switch (a->status) {
            case contracts::AlertStatus::kPending:
                st.planned = true;
                break;
            case contracts::AlertStatus::kQueued:
                st.queued = true;
                break;
            case contracts::AlertStatus::kSent:
                ++st.sent;
                st.delivered = true;
                st.failed_last = false;
                break;
            case contracts::AlertStatus::kDelivered:
            case contracts::AlertStatus::kDigested:
                st.delivered = true;
                st.failed_last = false;
                break;
            case contracts::AlertStatus::kFailed:
                st.failed_last = true;
                break;
        }
    }));
    r.alerts_delivered = options.alerts_delivered;
    for (const auto& [id, st] : alerts) {
        if (st.planned) ++r.alerts.planned;
        if (st.queued && !st.delivered) ++r.alerts.waiting_for_digest;
        if (st.delivered) ++r.alerts.delivered;
        if (st.failed_last) ++r.alerts.failed;
        if (st.sent > 1) r.alerts.sent_twice.push_back(id);
        if (st.planned && !st.delivered) r.alerts.undelivered.push_back(id);
    }

    // Redis: the unit's status in the year.
    if (options.with_redis) {
        try {
            auto redis = RedisFromEnv(env);
            const std::string rp = env.Get("BFU_REDIS_PREFIX", "bfu:");
            for (auto& [id, f] : r.units) {
                auto h = redis->HGetAll(service::status_keys::UnitYear(rp, id, r.year));
                if (!h.ok()) {
                    r.redis_error = h.error().ToString();
                    break;
                }
                auto it = h->find("outcome_year_ore");
                if (it == h->end()) continue;
                bool ok = false;
                const auto v = ToInt(it->second, &ok);
                if (!ok) {
                    r.differences.push_back({"redis", id, "", f.LedgerYear(), 0});
                    continue;
                }
                f.redis = v;
                ++r.redis_units;
            }
        } catch (const std::exception& e) {
            r.redis_error = e.what();
        }
    }

    // The report's months.
    if (report) {
        ReportInfo info;
        info.file = report->value("__file", "");
        info.kind = report->value("kind", "");
        info.period = report->value("period", "");
        info.as_of = report_as_of;
        if (report->contains("scope")) info.scope = (*report)["scope"].value("unit", "");
        for (const auto& u : (*report)["units"]) {
            const std::string id = u.value("unit", "");
            if (id.empty() || !u.contains("months")) continue;
            MonthOre months{};
            for (const auto& m : u["months"]) {
                auto p = domain::Period::Parse(m.value("period", ""));
                if (!p.ok() || p->year() != r.year) continue;
                months[static_cast<std::size_t>(p->month() - 1)] = m.value("outcomeOre", 0LL);
            }
            r.units[id].report = months;
            ++info.units;
        }
        r.report = info;
    }

    // Compare.
    const int report_months = [&] {
        if (!r.report) return 0;
        auto p = domain::Period::Parse(r.report->period);
        return p.ok() && p->year() == r.year ? p->month() : 0;
    }();
    for (const auto& [id, f] : r.units) {
        for (std::size_t m = 0; m < 12; ++m) {
            const auto cell = f.analysis ? (*f.analysis)[m] : 0;
            if (cell != f.ledger[m]) {
                r.differences.push_back(
                    {"analys", id, PeriodOf(r.year, static_cast<int>(m)), f.ledger[m], cell});
            }
            if (f.report && static_cast<int>(m) < report_months &&
                (*f.report)[m] != f.ledger_at_report[m]) {
                r.differences.push_back({"rapport", id, PeriodOf(r.year, static_cast<int>(m)),
                                         f.ledger_at_report[m], (*f.report)[m]});
            }
        }
        if (options.with_redis && r.redis_error.empty()) {
            const auto year = f.LedgerYear();
            const auto redis = f.redis.value_or(0);
            if (redis != year) r.differences.push_back({"redis", id, "", year, redis});
        }
    }
    return r;
}

// ---- Output ----

std::string ToText(const Result& r, std::size_t max_listed) {
    std::ostringstream o;
    auto yes = [](bool ok) { return ok ? std::string("stämmer på öret") : "STÄMMER INTE"; };
    std::map<std::string, std::size_t> by_check;
    for (const auto& d : r.differences) ++by_check[d.check];
    o << "avstämning " << r.year
      << ": huvudboken mot analysens celler, Redis och senaste rapporten, per enhet och månad\n";
    o << "  huvudboken (bfu.ledger.lines): " << text::Decimal(static_cast<double>(r.lines), 0)
      << " rader, " << r.units.size() << " enheter\n";
    o << "  kontrollsummor (in = godkända + avvisade + dubbletter): " << yes(r.TotalsReconcile())
      << "\n";
    for (const auto& diff : r.totals.Differences()) o << "    " << diff << "\n";
    o << "  analysens celler (bfu.unit.aggregates, " << r.aggregates
      << " enheter): " << yes(by_check["analys"] == 0) << "\n";
    if (!r.redis_error.empty()) {
        o << "  Redis: kunde inte läsas: " << r.redis_error << "\n";
    } else {
        o << "  Redis (status per enhet och år, " << r.redis_units
          << " enheter): " << yes(by_check["redis"] == 0) << "\n";
    }
    if (r.report) {
        o << "  senaste rapporten (" << r.report->kind << " " << r.report->scope << " "
          << r.report->period << " per " << r.report->as_of << ", " << r.report->units
          << " enheter): " << yes(by_check["rapport"] == 0) << "\n";
    } else {
        o << "  senaste rapporten: ingen rapport att jämföra med\n";
    }
    o << "  avvikelsehändelser (bfu.deviations): " << r.deviations.events << " för "
      << r.deviations.deviations << " avvikelser, " << r.deviations.missing.size() << " saknas, "
      << r.deviations.conflicting.size() << " id med olika innehåll (" << r.deviations.copies
      << " kopior av samma händelse, som mottagarna tar bort)\n";
    for (std::size_t i = 0; i < r.deviations.missing.size() && i < max_listed; ++i) {
        o << "    saknas: " << r.deviations.missing[i] << "\n";
    }
    for (std::size_t i = 0; i < r.deviations.conflicting.size() && i < max_listed; ++i) {
        o << "    olika händelser med samma id: " << r.deviations.conflicting[i] << "\n";
    }
    o << "  larm (bfu.alerts): " << r.alerts.planned << " planerade, " << r.alerts.delivered
      << " skickade, " << r.alerts.sent_twice.size() << " skickade två gånger, "
      << r.alerts.undelivered.size() << " ej skickade, " << r.alerts.waiting_for_digest
      << " väntar på dagens sammanfattning"
      << (r.alerts_delivered ? "" : " (räknas inte som fel utan --alerts-delivered)") << "\n";
    for (std::size_t i = 0; i < r.alerts.sent_twice.size() && i < max_listed; ++i) {
        o << "    skickat två gånger: " << r.alerts.sent_twice[i] << "\n";
    }
    if (r.alerts_delivered) {
        for (std::size_t i = 0; i < r.alerts.undelivered.size() && i < max_listed; ++i) {
            o << "    ej skickat: " << r.alerts.undelivered[i] << "\n";
        }
    }
    o << "  döda brev (bfu.dlq): " << r.DeadLetterCount() << "\n";
    for (const auto& d : r.dead_letters) {
        o << "    " << d.topic << " (" << d.reason << "): " << d.count << ", t.ex. " << d.example
          << "\n";
    }
    std::size_t listed = 0;
    for (const auto& d : r.differences) {
        if (listed++ == max_listed) {
            o << "  ... och " << (r.differences.size() - max_listed) << " skillnader till\n";
            break;
        }
        o << "  skillnad: " << CheckName(d.check) << " " << d.unit << " "
          << (d.period.empty() ? std::to_string(r.year) : d.period) << ": huvudboken "
          << text::Amount(d.ledger_ore) << " kr, " << CheckName(d.check) << " "
          << text::Amount(d.other_ore) << " kr (" << text::Amount(d.other_ore - d.ledger_ore)
          << " kr)\n";
    }
    const std::size_t all = r.differences.size() + r.totals.Differences().size() +
                            r.deviations.missing.size() + r.deviations.conflicting.size() +
                            r.alerts.sent_twice.size() +
                            (r.alerts_delivered ? r.alerts.undelivered.size() : 0);
    o << (r.Ok() ? "0 skillnader: inget förlorat, inget räknat två gånger\n"
                 : std::to_string(all) + " skillnader\n");
    return o.str();
}

json ToJson(const Result& r) {
    json j{{"year", r.year},
           {"ledgerLines", r.lines},
           {"units", r.units.size()},
           {"controlTotals", r.totals.ToJson()},
           {"controlTotalsReconcile", r.TotalsReconcile()},
           {"aggregates", r.aggregates},
           {"redisUnits", r.redis_units},
           {"differences", json::array()},
           {"deadLetters", json::array()},
           {"ok", r.Ok()}};
    if (!r.redis_error.empty()) j["redisError"] = r.redis_error;
    if (r.report) {
        j["report"] = {{"file", r.report->file},   {"kind", r.report->kind},
                       {"scope", r.report->scope}, {"period", r.report->period},
                       {"asOf", r.report->as_of},  {"units", r.report->units}};
    }
    for (const auto& d : r.differences) {
        json x{{"check", d.check},
               {"unit", d.unit},
               {"ledgerOre", d.ledger_ore},
               {"otherOre", d.other_ore}};
        if (!d.period.empty()) x["period"] = d.period;
        j["differences"].push_back(std::move(x));
    }
    for (const auto& d : r.dead_letters) {
        j["deadLetters"].push_back(
            {{"topic", d.topic}, {"reason", d.reason}, {"count", d.count}, {"example", d.example}});
    }
    j["deviationEvents"] = {{"deviations", r.deviations.deviations},
                            {"events", r.deviations.events},
                            {"copies", r.deviations.copies},
                            {"missing", r.deviations.missing},
                            {"conflicting", r.deviations.conflicting}};
    j["alerts"] = {{"planned", r.alerts.planned},
                   {"delivered", r.alerts.delivered},
                   {"failed", r.alerts.failed},
                   {"sentTwice", r.alerts.sent_twice},
                   {"undelivered", r.alerts.undelivered},
                   {"waitingForDigest", r.alerts.waiting_for_digest},
                   {"undeliveredIsDifference", r.alerts_delivered}};
    return j;
}

std::string ToMetrics(const Result& r) {
    std::map<std::string, std::size_t> by_check = {{"analys", 0}, {"redis", 0}, {"rapport", 0}};
    for (const auto& d : r.differences) ++by_check[d.check];
    by_check["kontrollsummor"] = r.totals.Differences().size();
    by_check["avvikelser"] = r.deviations.missing.size() + r.deviations.conflicting.size();
    by_check["larm"] =
        r.alerts.sent_twice.size() + (r.alerts_delivered ? r.alerts.undelivered.size() : 0);
    std::ostringstream o;
    o << "# HELP bfu_reconcile_ok 1 when the ledger, analysis, Redis and the latest report agree "
         "to the öre and the control totals reconcile\n# TYPE bfu_reconcile_ok gauge\n"
      << "bfu_reconcile_ok{year=\"" << r.year << "\"} " << (r.Ok() ? 1 : 0) << "\n";
    o << "# HELP bfu_reconcile_differences Differences found, per check\n"
         "# TYPE bfu_reconcile_differences gauge\n";
    for (const auto& [check, n] : by_check) {
        o << "bfu_reconcile_differences{year=\"" << r.year << "\",check=\"" << check << "\"} " << n
          << "\n";
    }
    o << "# HELP bfu_reconcile_dead_letters Records on bfu.dlq, per topic and reason\n"
         "# TYPE bfu_reconcile_dead_letters gauge\n";
    for (const auto& d : r.dead_letters) {
        o << "bfu_reconcile_dead_letters{topic=\"" << d.topic << "\",reason=\"" << d.reason
          << "\"} " << d.count << "\n";
    }
    o << "# HELP bfu_reconcile_deviation_events Distinct deviation events on bfu.deviations\n"
         "# TYPE bfu_reconcile_deviation_events gauge\n"
      << "bfu_reconcile_deviation_events " << r.deviations.events << "\n";
    o << "# HELP bfu_reconcile_alerts Alerts on bfu.alerts, per state\n"
         "# TYPE bfu_reconcile_alerts gauge\n"
      << "bfu_reconcile_alerts{state=\"planned\"} " << r.alerts.planned << "\n"
      << "bfu_reconcile_alerts{state=\"delivered\"} " << r.alerts.delivered << "\n"
      << "bfu_reconcile_alerts{state=\"sent_twice\"} " << r.alerts.sent_twice.size() << "\n"
      << "bfu_reconcile_alerts{state=\"undelivered\"} " << r.alerts.undelivered.size() << "\n";
    o << "# HELP bfu_reconcile_ledger_lines Records on bfu.ledger.lines\n"
         "# TYPE bfu_reconcile_ledger_lines gauge\n"
      << "bfu_reconcile_ledger_lines " << r.lines << "\n";
    return o.str();
}

}  // namespace bfu::cli::reconcile
