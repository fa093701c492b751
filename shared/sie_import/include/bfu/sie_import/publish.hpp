#pragma once
// Publishing a Conversion: what `bfu import sie` and the ingest inbox both do.
//
//   vouchers  -> bfu.erp.vouchers, key source:voucherId, the voucher in a CloudEvents envelope
//                whose id is that key (a re-import carries the same ids), with headers
//                bfu-origin-file / bfu-origin-line naming the file and the #VER line;
//   rejected  -> bfu.ledger.rejected (vouchers the SIE reader or the conversion turned down
//                never reach ingest's checks, yet must not be lost), key source:voucherId;
//   budgets   -> bfu.master.budget, key year:unit:accountGroup:revision, only when publishable.
//
// The producer is idempotent (kafka::Producer); everything is flushed before returning, so a
// success means the broker has every message. A failure part-way leaves some messages
// published: publishing again is safe, because ingest drops a voucher it has already taken
// (source:voucherId) and the budget topic is compacted by key.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "bfu/core/clock.hpp"
#include "bfu/core/result.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/sie_import/convert.hpp"

namespace bfu::sie_import {

inline constexpr std::string_view kOriginFileHeader = "bfu-origin-file";
inline constexpr std::string_view kOriginLineHeader = "bfu-origin-line";

struct PublishTopics {
    std::string vouchers;  // the (prefixed) bfu.erp.vouchers
    std::string rejected;  // the (prefixed) bfu.ledger.rejected
    std::string budget;    // the (prefixed) bfu.master.budget
};

struct PublishOptions {
    std::string event_source = "bfu/sie-import";  // the envelopes' source
    bool rejected = true;                         // publish the rejected vouchers
    bool budget = true;                           // publish budgets (when publishable)
    std::chrono::milliseconds flush_timeout{30000};
};

struct Published {
    std::uint64_t vouchers = 0;
    std::uint64_t rejected = 0;
    std::uint64_t budgets = 0;
};

[[nodiscard]] core::Result<Published> Publish(kafka::Producer& producer,
                                              const Conversion& conversion,
                                              const PublishTopics& topics,
                                              const PublishOptions& options, core::TimePoint now);

}  // namespace bfu::sie_import
