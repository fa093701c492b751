#include "bfu/sie_import/publish.hpp"

#include "bfu/contracts/envelope.hpp"

namespace bfu::sie_import {

core::Result<Published> Publish(kafka::Producer& producer, const Conversion& conversion,
                                const PublishTopics& topics, const PublishOptions& options,
                                core::TimePoint now) {
    Published done;
    for (const ConvertedVoucher& cv : conversion.vouchers) {
        const std::string key = cv.voucher.Key();
        kafka::Headers headers = {
            {std::string(kOriginFileHeader), cv.origin.file},
            {std::string(kOriginLineHeader), std::to_string(cv.origin.file_line)}};
        auto s = producer.Produce(
            topics.vouchers, key,
            contracts::EncodeMessage(cv.voucher, {key, options.event_source, now, key}), headers);
        if (!s.ok()) return std::move(s).error();
        ++done.vouchers;
    }
    if (options.rejected) {
        for (const RejectedSieVoucher& r : conversion.rejected) {
            const std::string key = r.message.Key();
            auto s = producer.Produce(
                topics.rejected, key,
                contracts::EncodeMessage(r.message,
                                         {"rejected:" + key, options.event_source, now, key}));
            if (!s.ok()) return std::move(s).error();
            ++done.rejected;
        }
    }
    if (options.budget && conversion.budget_publishable) {
        for (const contracts::Budget& b : conversion.budgets) {
            const std::string key = b.Key();
            auto s = producer.Produce(
                topics.budget, key,
                contracts::EncodeMessage(
                    b, {"budget:" + key, options.event_source, now, b.unit.value()}));
            if (!s.ok()) return std::move(s).error();
            ++done.budgets;
        }
    }
    if (auto s = producer.Flush(options.flush_timeout); !s.ok()) return std::move(s).error();
    return done;
}

}  // namespace bfu::sie_import
