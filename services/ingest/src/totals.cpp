#include "bfu/ingest/totals.hpp"

#include <limits>
#include <sstream>

#include "bfu/contracts/envelope.hpp"
#include "bfu/core/money.hpp"
#include "bfu/kafka/admin.hpp"
#include "bfu/kafka/reader.hpp"

namespace bfu::ingest {

namespace {

using nlohmann::json;

std::string Kr(std::int64_t ore) { return core::Money::FromOre(ore).ToString() + " kr"; }

json TallyJson(const Tally& t, bool with_lines) {
    json j = {{"vouchers", t.vouchers}, {"ore", t.ore}};
    if (with_lines) j["lines"] = t.lines;
    return j;
}

// t += v, saturating at the int64 limits; false when it would overflow (a sum is never wrapped,
// so an overflowing voucher can never make the totals "reconcile").
bool AddOre(std::int64_t& t, std::int64_t v) {
    std::int64_t sum = 0;
    if (__builtin_add_overflow(t, v, &sum)) {
        t = v > 0 ? std::numeric_limits<std::int64_t>::max()
                  : std::numeric_limits<std::int64_t>::min();
        return false;
    }
    t = sum;
    return true;
}

bool Count(Tally& t, const contracts::IngestDecision& d) {
    ++t.vouchers;
    t.lines += d.line_count;
    return AddOre(t.ore, d.gross_ore);
}

}  // namespace

contracts::IngestWay WayOf(const contracts::Origin& origin) {
    switch (origin.kind) {
        case contracts::OriginKind::kKafka:
            return contracts::IngestWay::kKafka;
        case contracts::OriginKind::kHttp:
            return contracts::IngestWay::kHttp;
        case contracts::OriginKind::kFile:
            return contracts::IngestWay::kSieFile;
    }
    return contracts::IngestWay::kKafka;
}

bool ControlTotals::Counts(const std::optional<core::SourceId>& source) const {
    return !source_ || (source && source->value() == *source_);
}

void ControlTotals::AddDecision(const contracts::IngestDecision& d) {
    if (!Counts(d.source)) return;
    const std::string way(contracts::ToString(d.way));
    const GroupKey group{way, d.source ? d.source->value() : std::string{}};
    auto& g = groups_[group];
    if (!Count(g.in, d)) overflowed_ = true;
    switch (d.result) {
        case contracts::IngestResult::kAccepted: {
            if (!Count(g.accepted, d)) overflowed_ = true;
            auto& a = accepted_[d.Key()];
            if (a.times++ == 0) {
                a.group = group;
                a.line_count = d.line_count;
                a.gross_ore = d.gross_ore;
            }
            break;
        }
        case contracts::IngestResult::kRejected:
            if (!Count(g.rejected, d)) overflowed_ = true;
            ++rejected_decided_[d.Key()];
            rejected_group_.emplace(d.Key(), group);
            break;
        case contracts::IngestResult::kDuplicate:
            if (!Count(g.duplicate, d)) overflowed_ = true;
            break;
    }
}

void ControlTotals::AddLine(const contracts::LedgerLine& line) {
    if (!Counts(line.voucher.source)) return;
    auto& seen = lines_[contracts::keys::Voucher(line.voucher.source.value(),
                                                 line.voucher.voucher_id.value())];
    seen.line_nos.insert(line.line_no);
    ++seen.lines;
    if (!AddOre(seen.debit_ore, line.amount_ore > 0 ? line.amount_ore : 0)) overflowed_ = true;
}

void ControlTotals::AddRejected(const contracts::RejectedVoucher& r) {
    if (!Counts(r.source)) return;
    const std::string way(contracts::ToString(WayOf(r.origin)));
    const std::string source = r.source ? r.source->value() : std::string{};
    rejected_records_.push_back({r.Key(), {way, source}});
    if (r.origin.kind == contracts::OriginKind::kFile) {
        // A voucher the SIE importer could not read (bfu import sie, the inbox) is rejected
        // before it reaches ingest, so it has no decision: it is counted in and rejected here.
        // Its amounts were not readable, so it adds no öre.
        auto& g = groups_[{way, source}];
        ++g.in.vouchers;
        ++g.rejected.vouchers;
        return;
    }
    ++rejected_seen_[r.Key()];
}

void ControlTotals::AddUndecodable(std::string what) { undecodable_.push_back(std::move(what)); }

std::map<ControlTotals::GroupKey, GroupTotals> ControlTotals::Groups() const {
    auto groups = groups_;
    for (const auto& [key, by_origin] : rejected_records_) {
        auto g = rejected_group_.find(key);
        ++groups[g != rejected_group_.end() ? g->second : by_origin].on_rejected.vouchers;
    }
    for (const auto& [key, seen] : lines_) {
        auto a = accepted_.find(key);
        if (a == accepted_.end()) continue;  // a difference, see Differences
        auto& g = groups[a->second.group].on_lines;
        ++g.vouchers;
        g.lines += seen.lines;
        (void)AddOre(g.ore, seen.debit_ore);  // saturated: it then differs from accepted
    }
    return groups;
}

std::vector<std::string> ControlTotals::Differences() const {
    std::vector<std::string> out;
    for (const auto& u : undecodable_) out.push_back(u);
    if (overflowed_) {
        out.push_back(
            "a sum of amounts goes beyond what 64-bit öre hold (about 92 000 000 000 000 000 "
            "öre): the totals cannot be added up");
    }
    for (const auto& [key, a] : accepted_) {
        if (a.times > 1) {
            out.push_back("voucher " + key + " is accepted " + std::to_string(a.times) +
                          " times (counted twice)");
        }
        auto seen = lines_.find(key);
        const std::int64_t lines = seen == lines_.end() ? 0 : seen->second.lines;
        const std::int64_t debit = seen == lines_.end() ? 0 : seen->second.debit_ore;
        if (lines != a.line_count) {
            out.push_back("voucher " + key + ": accepted with " + std::to_string(a.line_count) +
                          " lines, but bfu.ledger.lines holds " + std::to_string(lines));
        } else if (seen != lines_.end() &&
                   static_cast<std::int64_t>(seen->second.line_nos.size()) != lines) {
            out.push_back("voucher " + key + ": a line is on bfu.ledger.lines more than once");
        }
        if (debit != a.gross_ore) {
            out.push_back("voucher " + key + ": accepted with " + Kr(a.gross_ore) +
                          " debit, but its lines on bfu.ledger.lines sum to " + Kr(debit) +
                          " (difference " + std::to_string(debit - a.gross_ore) + " öre)");
        }
    }
    for (const auto& [key, seen] : lines_) {
        if (accepted_.count(key) == 0) {
            out.push_back("bfu.ledger.lines holds " + std::to_string(seen.lines) +
                          " lines of voucher " + key + ", which has no accepted decision");
        }
    }
    std::set<std::string> keys;
    for (const auto& [k, n] : rejected_decided_) keys.insert(k);
    for (const auto& [k, n] : rejected_seen_) keys.insert(k);
    for (const auto& k : keys) {
        auto d = rejected_decided_.find(k);
        auto s = rejected_seen_.find(k);
        const std::int64_t decided = d == rejected_decided_.end() ? 0 : d->second;
        const std::int64_t seen = s == rejected_seen_.end() ? 0 : s->second;
        if (decided != seen) {
            out.push_back("voucher " + k + ": rejected " + std::to_string(decided) +
                          " times, but bfu.ledger.rejected holds " + std::to_string(seen) +
                          " records");
        }
    }
    return out;
}

json ControlTotals::ToJson() const {
    json groups = json::array();
    for (const auto& [key, g] : Groups()) {
        groups.push_back({{"way", key.first},
                          {"source", key.second},
                          {"in", TallyJson(g.in, true)},
                          {"accepted", TallyJson(g.accepted, true)},
                          {"rejected", TallyJson(g.rejected, true)},
                          {"duplicate", TallyJson(g.duplicate, true)},
                          {"ledgerLines",
                           {{"vouchers", g.on_lines.vouchers},
                            {"lines", g.on_lines.lines},
                            {"debitOre", g.on_lines.ore}}},
                          {"ledgerRejected", {{"records", g.on_rejected.vouchers}}}});
    }
    const auto diffs = Differences();
    return {{"groups", groups}, {"differences", diffs}, {"reconciled", diffs.empty()}};
}

std::string ControlTotals::ToText() const {
    std::ostringstream out;
    const auto groups = Groups();
    if (groups.empty()) out << "inga verifikationer har tagits emot\n";
    for (const auto& [key, g] : groups) {
        out << key.first << " " << (key.second.empty() ? "(okänd källa)" : key.second) << "\n"
            << "  in:         " << g.in.vouchers << " verifikationer, " << Kr(g.in.ore) << "\n"
            << "  godkända:   " << g.accepted.vouchers << ", " << Kr(g.accepted.ore) << ", "
            << g.accepted.lines << " rader\n"
            << "  avvisade:   " << g.rejected.vouchers << ", " << Kr(g.rejected.ore) << "\n"
            << "  dubbletter: " << g.duplicate.vouchers << ", " << Kr(g.duplicate.ore) << "\n"
            << "  på bfu.ledger.lines:    " << g.on_lines.lines << " rader, " << Kr(g.on_lines.ore)
            << " debet\n"
            << "  på bfu.ledger.rejected: " << g.on_rejected.vouchers << " poster\n";
    }
    const auto diffs = Differences();
    if (diffs.empty()) {
        out << "kontrollsummorna stämmer på öret: in = godkända + avvisade + dubbletter\n";
    } else {
        out << diffs.size() << " differenser:\n";
        for (const auto& d : diffs) out << "  " << d << "\n";
    }
    return out.str();
}

core::Status ReadTopicToEnd(const kafka::KafkaConfig& config, const std::string& topic,
                            const std::function<void(const kafka::Message&)>& sink,
                            std::chrono::milliseconds timeout) {
    auto admin = kafka::Admin::Create(config);
    if (!admin.ok()) return std::move(admin).error();
    auto parts = (*admin)->PartitionCount(topic, config.startup_timeout);
    if (!parts.ok()) return std::move(parts).error();
    std::vector<kafka::TopicPartitionOffset> partitions;
    for (std::int32_t p = 0; p < *parts; ++p) {
        partitions.push_back({topic, p, kafka::kOffsetBeginning});
    }
    // An empty partition reports its end only when a fetch returns; the broker holds a fetch
    // for up to fetch.wait.max.ms (500 ms by default), several times over while reading.
    kafka::KafkaConfig c = config;
    c.properties.try_emplace("fetch.wait.max.ms", "10");
    auto reader = kafka::PartitionReader::Create(c);
    if (!reader.ok()) return std::move(reader).error();
    if (auto s = (*reader)->Add(partitions); !s.ok()) return s;
    return (*reader)->ReadToEnd(sink, timeout);
}

core::Result<ControlTotals> ReadControlTotals(const kafka::KafkaConfig& config,
                                              const TotalsTopics& topics,
                                              std::optional<std::string> source,
                                              std::chrono::milliseconds timeout) {
    ControlTotals totals(std::move(source));
    auto where = [](const kafka::Message& m) {
        return m.topic + " partition " + std::to_string(m.partition) + " offset " +
               std::to_string(m.offset);
    };
    auto s = ReadTopicToEnd(
        config, topics.decisions,
        [&](const kafka::Message& m) {
            auto d = contracts::DecodeMessage<contracts::IngestDecision>(m.value);
            if (d.ok()) {
                totals.AddDecision(*d);
            } else {
                totals.AddUndecodable(where(m) + ": not a decision: " + d.error().ToString());
            }
        },
        timeout);
    if (!s.ok()) return std::move(s).error();
    s = ReadTopicToEnd(
        config, topics.lines,
        [&](const kafka::Message& m) {
            auto l = contracts::DecodeMessage<contracts::LedgerLine>(m.value);
            if (l.ok()) {
                totals.AddLine(*l);
            } else {
                totals.AddUndecodable(where(m) + ": not a ledger line: " + l.error().ToString());
            }
        },
        timeout);
    if (!s.ok()) return std::move(s).error();
    s = ReadTopicToEnd(
        config, topics.rejected,
        [&](const kafka::Message& m) {
            auto r = contracts::DecodeMessage<contracts::RejectedVoucher>(m.value);
            if (r.ok()) {
                totals.AddRejected(*r);
            } else {
                totals.AddUndecodable(where(m) +
                                      ": not a rejected voucher: " + r.error().ToString());
            }
        },
        timeout);
    if (!s.ok()) return std::move(s).error();
    return totals;
}

}  // namespace bfu::ingest
