#pragma once
// The SIE inbox: a folder the ERP drops SIE 4 files into (config ingest.inbox.dir; empty = off).
//
// Each file is taken once. Life of a file:
//   <dir>/x.se            dropped by the ERP; taken when its size and modification time are
//                         the same on two polls in a row (a file still being written changes);
//   <dir>/processing/x.se moved there by an atomic rename, then parsed and converted
//                         (bfu::sie_import) and its vouchers published to bfu.erp.vouchers
//                         exactly as `bfu import sie` does, so ingest's checks and durable
//                         duplicate detection apply to them;
//   <dir>/done/x.se       when published, with done/x.se.report.json beside it (counts,
//                         reconciliation, rejected vouchers with their lines);
//   <dir>/failed/x.se     when the file is broken (a file-level error, e.g. #KSUMMA), with
//                         failed/x.se.report.json naming file and line; nothing is published.
// A file found in processing/ (a crash or a failed publish) is done again on the next poll; the
// vouchers it had already published are then dropped by ingest as duplicates (same
// source:voucherId). Names starting with '.' are never taken, so a writer may write
// ".x.se.part" and rename it to "x.se" when complete. Only .se, .si and .sie (any case).
// A name already in done/ or failed/ gets "-2", "-3", ... before its extension there.
//
// Ownership and threads: InboxComponent owns one polling thread and one idempotent producer;
// Inbox (the logic) is not synchronised and is used by that one thread only.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "bfu/config/config.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/core/result.hpp"
#include "bfu/runtime/app.hpp"
#include "bfu/sie_import/convert.hpp"
#include "bfu/sie_import/publish.hpp"

namespace bfu::ingest {

struct InboxSettings {
    std::filesystem::path dir;
    std::string default_unit;  // unit of rows without a cost centre (ConvertOptions)
};

struct InboxCounts {
    std::uint64_t done = 0;
    std::uint64_t failed = 0;
    std::uint64_t retried = 0;  // publish failures (the file stays in processing/)
};

class Inbox {
public:
    using Publisher =
        std::function<core::Result<sie_import::Published>(const sie_import::Conversion&)>;
    using Log = std::function<void(const std::string& event, const nlohmann::json& fields)>;

    // Creates processing/, done/ and failed/ under settings.dir; throws std::runtime_error
    // when it cannot (a start-up error).
    Inbox(InboxSettings settings, Publisher publish, const core::Clock& clock, Log log = {});

    // One round: redo what is in processing/, then take every stable file. Returns what this
    // round finished.
    InboxCounts Poll();

    [[nodiscard]] const InboxCounts& totals() const { return totals_; }

private:
    struct Seen {
        std::uintmax_t size = 0;
        std::filesystem::file_time_type mtime;
    };
    // Processes one file in processing/; false when publishing failed (the file stays).
    bool Process(const std::filesystem::path& file, InboxCounts& counts);
    void Finish(const std::filesystem::path& file, const std::string& folder,
                const nlohmann::json& report);

    InboxSettings settings_;
    Publisher publish_;
    const core::Clock& clock_;
    Log log_;
    std::map<std::string, Seen> seen_;
    InboxCounts totals_;
};

// Whether name is an SIE file the inbox takes (.se, .si, .sie; not starting with '.').
[[nodiscard]] bool IsInboxFile(const std::string& name);

// The ingest.inbox.* config fields.
void AddInboxFields(config::Schema& schema);
// Adds the inbox component when ingest.inbox.dir is set.
void AddInbox(runtime::Context& ctx);

}  // namespace bfu::ingest
