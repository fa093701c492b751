#include "bfu/service/master_feed.hpp"

#include <chrono>

#include "bfu/service/kafka_settings.hpp"
#include "bfu/service/service_config.hpp"

namespace bfu::service {

std::shared_ptr<MasterFeed> MasterFeed::Add(runtime::Context& ctx, std::string_view service,
                                            const std::vector<std::string_view>& base_topics,
                                            std::shared_ptr<const MunicipalRules> rules) {
    const auto& cfg = ctx.config();
    auto feed = std::make_shared<MasterFeed>();
    feed->log_ = &ctx.logger();
    feed->prefix_ = cfg.GetString("kafka.topic_prefix");
    feed->year_ = FollowUpYear(cfg);
    feed->rules_ = std::move(rules);
    std::vector<std::string> topics;
    for (auto t : base_topics) topics.push_back(Topic(cfg, t));
    // The table lives as long as the service; the feed outlives every caller's use of it.
    MasterFeed* raw = feed.get();
    feed->table_ = &ctx.Emplace<MasterTable>(
        KafkaSettings(cfg, service), std::move(topics),
        [raw](const MasterSnapshot& snapshot) { raw->OnSnapshot(snapshot); }, ctx);
    return feed;
}

void MasterFeed::OnSnapshot(const MasterSnapshot& snapshot) {
    auto md = MasterData::Build(snapshot, prefix_, year_, rules_.get());
    if (!md.ok()) {
        log_->Warn("master data not usable yet", {{"reason", md.error().ToString()}});
        return;
    }
    for (const auto& p : (*md)->problems) log_->Warn("master record left out", {{"problem", p}});
    std::lock_guard lock(mu_);
    pending_ = *md;
    latest_ = *md;
}

std::shared_ptr<const MasterData> MasterFeed::Take() {
    std::lock_guard lock(mu_);
    return std::exchange(pending_, nullptr);
}

std::shared_ptr<const MasterData> MasterFeed::Latest() const {
    std::lock_guard lock(mu_);
    return latest_;
}

void MasterFeed::WaitCaughtUp(std::stop_token stop) const {
    while (!stop.stop_requested() && !table_->WaitCaughtUp(std::chrono::milliseconds(200))) {
    }
}

}  // namespace bfu::service
