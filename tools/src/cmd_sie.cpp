// `bfu import sie FILE [--dry-run] [--json] [--unit DEFAULT_UNIT] [--source ID]
//                      [--budget-ref REF] [--budget-revision N]`
// Reads an SIE 4 file, converts it (bfu::sie_import) and, unless --dry-run, publishes the
// vouchers to bfu.erp.vouchers (where ingest checks them like any ERP voucher), the vouchers
// the reader rejected to bfu.ledger.rejected and the #PBUDGET budgets to bfu.master.budget.
// A broken file (a file-level error such as a #KSUMMA mismatch) publishes nothing: exit 2.
#include <fstream>
#include <iostream>
#include <sstream>

#include "bfu/contracts/topics.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/sie_import/report.hpp"
#include "commands.hpp"

namespace bfu::cli {

int ImportSie(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    const Args a = Parse(args, 2, {"dry-run", "json"});
    if (a.positional.size() != 1) {
        throw UsageError(
            "try: bfu import sie FILE [--dry-run] [--json] [--unit DEFAULT_UNIT] "
            "[--source ID] [--budget-ref REF] [--budget-revision N]");
    }
    const std::string& path = a.positional[0];
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        err << "bfu: " << path << ": cannot open\n";
        return 2;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    const std::string bytes = buffer.str();

    sie_import::ConvertOptions options;
    options.default_unit = a.Opt("unit");
    options.source = a.Opt("source");
    if (options.source.find(':') != std::string::npos) {
        throw UsageError("--source must be an id without ':' (it is half of source:voucherId)");
    }
    options.budget_ref = a.Opt("budget-ref");
    try {
        options.budget_revision = std::stoll(a.Opt("budget-revision", "0"));
    } catch (...) {
        throw UsageError("--budget-revision must be a number, 0 for the budget as first decided");
    }
    core::WallClock clock;
    options.budget_fallback_date = core::ToRfc3339(clock.Now()).substr(0, 10);
    const auto import = sie_import::Prepare(bytes, path, options, clock.Now());

    if (const auto errors = import.FileErrors(); !errors.empty()) {
        for (const auto& e : errors) err << e.ToString() << "\n";
        err << path << ": the file is broken (" << errors.size()
            << (errors.size() == 1 ? " error" : " errors") << "); nothing was published\n";
        return 2;
    }
    const bool dry_run = a.Flag("dry-run");
    std::optional<sie_import::Published> published;
    if (!dry_run) {
        Env env;
        auto kafka_config = KafkaFromEnv(env);
        // A voucher or a rejection of up to 16 MiB, as the topics take (topics.tsv).
        kafka_config.properties["message.max.bytes"] =
            std::to_string(contracts::topics::kLargeRecordMaxBytes);
        auto producer = kafka::Producer::Create(kafka_config);
        if (!producer.ok()) {
            err << "bfu: " << producer.error().ToString() << "\n";
            return 1;
        }
        sie_import::PublishTopics topics{Topic(env, contracts::topics::kErpVouchers),
                                         Topic(env, contracts::topics::kLedgerRejected),
                                         Topic(env, contracts::topics::kMasterBudget)};
        sie_import::PublishOptions publish_options;
        publish_options.event_source = "bfu/cli";
        auto result = sie_import::Publish(**producer, import.conversion, topics, publish_options,
                                          clock.Now());
        if (!result.ok()) {
            err << "bfu: " << path << ": publishing failed: " << result.error().ToString()
                << " (publishing again is safe: ingest drops vouchers it already took)\n";
            return 1;
        }
        published = *result;
    }
    if (a.Flag("json")) {
        out << sie_import::ReportJson(import, dry_run, published).dump(2) << "\n";
    } else {
        out << sie_import::Summary(import, published);
    }
    return 0;
}

}  // namespace bfu::cli
