// bfu ingest totals [--json] [--source S]: ingest's control totals, reconciled against what
// is on the output topics (see bfu/ingest/totals.hpp). Exit 0 when everything reconciles to
// the öre, 1 with every difference named otherwise.
// bfu ingest duplicates [--json] [--source S]: the vouchers ingest took for duplicates, each
// with where it came from and where it was first accepted (from bfu.ingest.decisions).
#include <chrono>
#include <nlohmann/json.hpp>
#include <ostream>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/ingest/totals.hpp"
#include "commands.hpp"

namespace bfu::cli {

namespace {

constexpr std::chrono::minutes kReadTimeout{2};

std::string Describe(const contracts::Origin& o) {
    switch (o.kind) {
        case contracts::OriginKind::kKafka:
            return o.topic + " partition " + std::to_string(o.partition) + " offset " +
                   std::to_string(o.offset);
        case contracts::OriginKind::kHttp:
            return "HTTP " + o.request_id;
        case contracts::OriginKind::kFile:
            return o.file + " rad " + std::to_string(o.file_line);
    }
    return {};
}

int Totals(const Env& env, const Args& a, std::optional<std::string> source, std::ostream& out,
           std::ostream& err) {
    const ingest::TotalsTopics topics{Topic(env, contracts::topics::kIngestDecisions),
                                      Topic(env, contracts::topics::kLedgerLines),
                                      Topic(env, contracts::topics::kLedgerRejected)};
    auto totals =
        ingest::ReadControlTotals(KafkaFromEnv(env), topics, std::move(source), kReadTimeout);
    if (!totals.ok()) {
        err << "bfu ingest totals: " << totals.error().ToString() << "\n";
        return 1;
    }
    if (a.Flag("json")) {
        out << totals->ToJson().dump(2) << "\n";
    } else {
        out << totals->ToText();
    }
    return totals->Differences().empty() ? 0 : 1;
}

int Duplicates(const Env& env, const Args& a, const std::optional<std::string>& source,
               std::ostream& out, std::ostream& err) {
    nlohmann::json all = nlohmann::json::array();
    std::size_t count = 0;
    auto s = ingest::ReadTopicToEnd(
        KafkaFromEnv(env), Topic(env, contracts::topics::kIngestDecisions),
        [&](const kafka::Message& m) {
            auto d = contracts::DecodeMessage<contracts::IngestDecision>(m.value);
            if (!d.ok() || d->result != contracts::IngestResult::kDuplicate) return;
            if (source && (!d->source || d->source->value() != *source)) return;
            ++count;
            if (a.Flag("json")) {
                all.push_back(d->ToJson());
                return;
            }
            out << d->Key() << " (" << contracts::ToString(d->way) << ", " << d->decided_at
                << ")\n  kom från:        " << Describe(d->origin) << "\n  först godkänd:   "
                << (d->first_origin ? Describe(*d->first_origin) : std::string("?")) << "\n";
        },
        kReadTimeout);
    if (!s.ok()) {
        err << "bfu ingest duplicates: " << s.error().ToString() << "\n";
        return 1;
    }
    if (a.Flag("json")) out << all.dump(2) << "\n";
    if (!a.Flag("json") && count == 0) out << "inga dubbletter\n";
    return 0;
}

}  // namespace

int Ingest(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    const std::string usage = "try: bfu ingest totals|duplicates [--json] [--source S]";
    if (args.size() < 2 || (args[1] != "totals" && args[1] != "duplicates")) {
        throw UsageError(usage);
    }
    const Args a = Parse(args, 2, {"json"});
    if (!a.positional.empty()) throw UsageError(usage);
    for (const auto& [name, value] : a.options) {
        if (name != "json" && name != "source") throw UsageError("unknown option --" + name);
    }
    std::optional<std::string> source;
    if (a.Flag("source")) {
        if (a.Opt("source").empty()) throw UsageError("--source needs a source, e.g. visma");
        source = a.Opt("source");
    }
    Env env;
    if (args[1] == "totals") return Totals(env, a, std::move(source), out, err);
    return Duplicates(env, a, source, out, err);
}

}  // namespace bfu::cli
