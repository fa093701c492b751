// `bfu import org|accounts|budget|goals|hr|goal-outcomes FILE`: master data (and HR figures and
// goal outcomes) from JSON or CSV,
// every record checked by its contract's decoder before anything is published, so a file is
// published whole or not at all. Formats and one example each: docs/import.md. The CSV reader
// is bfu/cli/import_csv.hpp (its own library, so that it is unit-tested and fuzzed alone).
#include <fstream>
#include <sstream>

#include "bfu/cli/import_csv.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/master.hpp"
#include "bfu/contracts/ops.hpp"
#include "bfu/kafka/producer.hpp"
#include "commands.hpp"

namespace bfu::cli {
namespace {

using nlohmann::json;

template <typename T>
int ImportRecords(const std::string& kind, const std::string& path, std::ostream& out,
                  std::ostream& err) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError(path + ": cannot open");
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    std::vector<std::string> errors;
    std::vector<Record> records;
    if (IsCsv(path, text)) {
        try {
            records = ReadCsv(path, text, kind, errors);
        } catch (const CsvError& e) {
            throw UsageError(e.what());
        }
    } else {
        auto values = ReadRecords(path);
        for (std::size_t i = 0; i < values.size(); ++i) {
            records.push_back({std::move(values[i]), path + ": record " + std::to_string(i + 1)});
        }
    }
    std::vector<T> decoded;
    for (const Record& r : records) {
        std::vector<core::Error> found;
        auto d = T::FromJson(r.value, &found);
        if (!d.ok()) {
            if (found.empty()) found.push_back(d.error());
            for (const auto& e : found) {
                errors.push_back(r.where + ": " + (r.csv ? ColumnOf(e.field) : e.field) + ": " +
                                 e.message);
            }
            continue;
        }
        decoded.push_back(std::move(d).value());
    }
    if (!errors.empty()) {
        for (const auto& e : errors) err << e << "\n";
        err << path << ": " << errors.size() << (errors.size() == 1 ? " error" : " errors")
            << " in " << records.size() << " records; nothing was published\n";
        return 2;
    }
    if (decoded.empty()) {
        err << path << ": no records; nothing was published\n";
        return 2;
    }
    Env env;
    auto producer = kafka::Producer::Create(KafkaFromEnv(env));
    if (!producer.ok()) {
        err << producer.error().ToString() << "\n";
        return 1;
    }
    const std::string topic = Topic(env, T::kTopic);
    core::WallClock clock;
    for (const auto& r : decoded) {
        auto s = (*producer)->Produce(
            topic, r.Key(),
            contracts::EncodeMessage(r,
                                     {contracts::NewEventId(), "bfu/cli", clock.Now(), r.Key()}));
        if (!s.ok()) {
            err << s.error().ToString() << "\n";
            return 1;
        }
    }
    if (auto s = (*producer)->Flush(std::chrono::seconds(30)); !s.ok()) {
        err << s.error().ToString() << "\n";
        return 1;
    }
    out << "published " << decoded.size() << " records from " << path << " to " << topic << "\n";
    return 0;
}

}  // namespace

int ImportMaster(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.size() != 3)
        throw UsageError("try: bfu import org|accounts|budget|goals|hr|goal-outcomes FILE");
    const auto& kind = args[1];
    const auto& path = args[2];
    if (kind == "org") return ImportRecords<contracts::OrgUnit>(kind, path, out, err);
    if (kind == "accounts") return ImportRecords<contracts::Account>(kind, path, out, err);
    if (kind == "budget") return ImportRecords<contracts::Budget>(kind, path, out, err);
    if (kind == "goals") return ImportRecords<contracts::Goal>(kind, path, out, err);
    if (kind == "hr") return ImportRecords<contracts::HrFigure>(kind, path, out, err);
    if (kind == "goal-outcomes") {
        return ImportRecords<contracts::GoalOutcome>(kind, path, out, err);
    }
    throw UsageError("bfu import: unknown kind '" + kind +
                     "' (org, accounts, budget, goals, hr, goal-outcomes, sie)");
}

}  // namespace bfu::cli
