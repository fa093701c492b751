// libFuzzer target for the commands that arrive on the services' ZeroMQ endpoints, decoded from
// untrusted JSON: the request as the JsonServer reads it (parsed without exceptions; a reply
// always made and serialisable, invalid UTF-8 replaced), dispatched by "op" to
//   analysis  deviation.ack (analysis::DecideCommand)
//   casework  measure.propose, measure.status, comment.add, plan.draft, plan.change,
//             plan.propose, decision.record (casework::DecideCaseCommand)
// against the fixed municipality of fuzz_master.hpp with two deviations (budget:2026:ENH1 open,
// budget:2026:ENH2 closed). A JSON array is a session: its commands are decided in order and
// what each accepted casework command makes is applied to the case book the next one sees, as
// the casework service does, so plans can be proposed and decided. The client's side is
// fuzzed too: the same bytes as a reply (zmq::DecodeReply). Invariants: no crash, hang or
// undefined behaviour; a refusal has a known code and a message; every event made encodes. A
// decoder that throws is a finding too (JsonServer would answer "internal", not a refusal).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/analysis/commands.hpp"
#include "bfu/casework/book.hpp"
#include "bfu/casework/commands.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/zmq/zmq.hpp"
#include "fuzz_master.hpp"

namespace {

using nlohmann::json;

// The deviation as bfu.deviations holds it (its latest status event).
bfu::service::DeviationRecord Deviation(const std::string& id, const std::string& unit, bool open) {
    bfu::service::DeviationRecord r;
    auto& e = r.latest;
    e.deviation_id = bfu::core::DeviationId(id);
    e.seq = open ? 1 : 2;
    e.unit = bfu::core::UnitId(unit);
    e.kind = bfu::contracts::DeviationKind::kBudget;
    e.year = bfu::fuzz::kYear;
    e.period = "202603";
    e.event = open ? bfu::contracts::DeviationEventKind::kOpened
                   : bfu::contracts::DeviationEventKind::kClosed;
    e.at = "2026-03-31T06:00:00.000Z";
    e.budget_ore = 30'000'000;
    e.outcome_ore = 80'000'000;
    e.deviation_ore = 50'000'000;
    e.severity = bfu::contracts::Severity::kMajor;
    e.responsible = {"Maja", "enhetschef", "maja@ex.se"};
    r.has_status = true;
    r.open = open;
    r.last_seq = e.seq;
    return r;
}

const std::map<std::string, bfu::service::DeviationRecord, std::less<>>& Deviations() {
    static const std::map<std::string, bfu::service::DeviationRecord, std::less<>> all = {
        {"budget:2026:ENH1", Deviation("budget:2026:ENH1", "ENH1", true)},
        {"budget:2026:ENH2", Deviation("budget:2026:ENH2", "ENH2", false)},
    };
    return all;
}

template <typename T>
void MustEncode(const T& event) {
    const bfu::contracts::EventMeta meta{"fuzz", "bfu/fuzz", bfu::fuzz::Now(), "k"};
    if (bfu::contracts::EncodeMessage(event, meta).empty()) std::abort();
}

template <typename E>
void ApplyAll(const std::vector<E>& events, bfu::casework::CaseBook& book) {
    for (const auto& e : events) {
        MustEncode(e);
        book.Apply(e);
    }
}

void CheckRefusal(const bfu::core::Error& e) {
    if (!bfu::zmq::ParseErrc(bfu::core::ToString(e.code))) std::abort();
    if (e.message.empty()) std::abort();
}

// One command, as the services' QueryServer dispatches it.
bfu::core::Result<json> Dispatch(const json& request, bfu::casework::CaseBook& book) {
    const auto op_it = request.is_object() ? request.find("op") : request.end();
    const bool analysis_op = request.is_object() && op_it != request.end() && op_it->is_string() &&
                             op_it->get<std::string>() == "deviation.ack";
    if (analysis_op || !request.is_object()) {
        const bfu::service::DeviationRecord* record = nullptr;
        if (request.is_object()) {
            const auto d = request.find("deviation");
            if (d != request.end() && d->is_string()) {
                const auto it = Deviations().find(d->get<std::string>());
                if (it != Deviations().end()) record = &it->second;
            }
        }
        auto decided = bfu::analysis::DecideCommand(request, record, bfu::fuzz::Master()->org,
                                                    bfu::fuzz::Now());
        if (!decided.ok()) return std::move(decided).error();
        if (decided->event) MustEncode(*decided->event);
        return std::move(decided->reply);
    }
    bfu::casework::CaseContext ctx;
    ctx.master = bfu::fuzz::Master().get();
    ctx.book = &book;
    ctx.deviation = [](std::string_view id) -> std::optional<bfu::service::DeviationRecord> {
        const auto it = Deviations().find(id);
        if (it == Deviations().end()) return std::nullopt;
        return it->second;
    };
    ctx.now = bfu::fuzz::Now();
    auto decided = bfu::casework::DecideCaseCommand(request, ctx);
    if (!decided.ok()) return std::move(decided).error();
    ApplyAll(decided->measures, book);
    ApplyAll(decided->comments, book);
    ApplyAll(decided->plans, book);
    ApplyAll(decided->decisions, book);
    for (const auto& b : decided->budgets) MustEncode(b);
    return std::move(decided->reply);
}

// What JsonServer::Handle answers: the reply envelope, always serialisable.
void Answer(const json& request, bfu::casework::CaseBook& book) {
    auto result = Dispatch(request, book);
    if (!result.ok()) CheckRefusal(result.error());
    const json reply = result.ok() ? bfu::zmq::OkReply(std::move(result).value())
                                   : bfu::zmq::ErrorReply(result.error());
    const std::string wire = reply.dump(-1, ' ', false, json::error_handler_t::replace);
    // The client reads back what the server sent.
    auto back = bfu::zmq::DecodeReply(wire);
    if (back.ok() != reply["ok"].get<bool>()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    // The client's side: any bytes as a reply.
    auto reply = bfu::zmq::DecodeReply(bytes);
    if (!reply.ok()) CheckRefusal(reply.error());

    const json request = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
    if (request.is_discarded()) return 0;  // answered invalid_argument "the request is not JSON"
    bfu::casework::CaseBook book;
    if (request.is_array() && !request.empty()) {
        for (const auto& command : request) Answer(command, book);
    } else {
        Answer(request, book);
    }
    return 0;
}
