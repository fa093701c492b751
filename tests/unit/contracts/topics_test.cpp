// schemas/topics.tsv (read by ops/stack), schemas/asyncapi.yaml (the contract) and the C++
// constants must name the same topics with the same keys and owners.
#include "bfu/contracts/topics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "bfu/contracts/registry.hpp"
#include "test_support.hpp"

namespace bfu::contracts {
namespace {

std::vector<std::string> SplitTabs(const std::string& line) {
    std::vector<std::string> out;
    std::string field;
    std::istringstream in(line);
    while (std::getline(in, field, '\t')) out.push_back(field);
    return out;
}

std::string Trim(std::string s) {
    const auto first = s.find_first_not_of(" \t\"'");
    const auto last = s.find_last_not_of(" \t\"'\r");
    return first == std::string::npos ? std::string{} : s.substr(first, last - first + 1);
}

struct AsyncApiChannel {
    std::string key;
    std::string owner;
};

// A line-oriented reading of the channels in asyncapi.yaml: each channel block has an
// `address:`, an `x-key:` and an `x-owner:` line (the document keeps that layout on purpose).
std::map<std::string, AsyncApiChannel> ReadAsyncApiChannels() {
    std::istringstream in(test::ReadText(test::SchemasDir() / "asyncapi.yaml"));
    std::map<std::string, AsyncApiChannel> channels;
    std::string line;
    std::string current;
    bool in_channels = false;
    while (std::getline(in, line)) {
        if (line.rfind("channels:", 0) == 0) {
            in_channels = true;
            continue;
        }
        if (!line.empty() && line[0] != ' ' && line[0] != '#') in_channels = false;
        if (!in_channels) continue;
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        const std::string name = Trim(line.substr(0, colon));
        const std::string value = Trim(line.substr(colon + 1));
        if (name == "address") {
            current = value;
            channels[current] = {};
        } else if (name == "x-key" && !current.empty()) {
            channels[current].key = value;
        } else if (name == "x-owner" && !current.empty()) {
            channels[current].owner = value;
        }
    }
    return channels;
}

TEST(ContractsTopics, TsvMatchesTheConstants) {
    std::istringstream in(test::ReadText(test::SchemasDir() / "topics.tsv"));
    std::string line;
    ASSERT_TRUE(std::getline(in, line));
    EXPECT_EQ(SplitTabs(line), (std::vector<std::string>{"name", "partitions", "cleanup.policy",
                                                         "key", "owner", "configs"}));
    std::vector<std::vector<std::string>> rows;
    while (std::getline(in, line)) {
        if (!line.empty()) rows.push_back(SplitTabs(line));
    }
    ASSERT_EQ(rows.size(), topics::kAll.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& spec = topics::kAll[i];
        SCOPED_TRACE(std::string(spec.name));
        ASSERT_EQ(rows[i].size(), 6U);
        EXPECT_EQ(rows[i][0], spec.name);
        EXPECT_EQ(rows[i][1], std::to_string(spec.partitions));
        EXPECT_EQ(rows[i][2], spec.cleanup_policy);
        EXPECT_EQ(rows[i][3], spec.key);
        EXPECT_EQ(rows[i][4], spec.owner);
        // "-" stands for no configs: ops/stack reads the file with tab as a whitespace IFS,
        // so an empty last column would not survive.
        EXPECT_EQ(rows[i][5], spec.configs.empty() ? "-" : spec.configs);
    }
}

TEST(ContractsTopics, ConfigsAddToTheCleanupPolicy) {
    const auto* found = std::find_if(topics::kAll.begin(), topics::kAll.end(), [](const auto& t) {
        return t.name == topics::kIngestDecisions;
    });
    ASSERT_NE(found, topics::kAll.end());
    const auto configs = topics::TopicConfigs(*found);
    EXPECT_EQ(configs, (std::map<std::string, std::string>{{"cleanup.policy", "delete"},
                                                           {"retention.ms", "-1"}}));
    const auto* lines = std::find_if(topics::kAll.begin(), topics::kAll.end(),
                                     [](const auto& t) { return t.name == topics::kLedgerLines; });
    ASSERT_NE(lines, topics::kAll.end());
    EXPECT_EQ(topics::TopicConfigs(*lines),
              (std::map<std::string, std::string>{{"cleanup.policy", "delete"}}));
    // The ERP's vouchers take records as large as a rejection (ingest's HTTP way hands
    // vouchers over through the topic).
    EXPECT_EQ(topics::TopicConfigs(topics::kAll.front()),
              (std::map<std::string, std::string>{
                  {"cleanup.policy", "delete"},
                  {"max.message.bytes", std::to_string(topics::kLargeRecordMaxBytes)}}));
    const topics::TopicSpec two{"x", 1, "compact", "k", "o", "a=1,b=two"};
    EXPECT_EQ(topics::TopicConfigs(two),
              (std::map<std::string, std::string>{
                  {"cleanup.policy", "compact"}, {"a", "1"}, {"b", "two"}}));
}

TEST(ContractsTopics, TheClockTopicIsOnePartitionCompacted) {
    const auto* clock = std::find_if(topics::kAll.begin(), topics::kAll.end(),
                                     [](const auto& t) { return t.name == topics::kClock; });
    ASSERT_NE(clock, topics::kAll.end());
    EXPECT_EQ(clock->name, "bfu.clock");
    EXPECT_EQ(clock->partitions, 1);
    EXPECT_EQ(topics::TopicConfigs(*clock),
              (std::map<std::string, std::string>{{"cleanup.policy", "compact"}}));
    EXPECT_EQ(clock->key, "clock");
    EXPECT_EQ(clock->owner, "bfu clock");
}

TEST(ContractsTopics, TheCaseworkTopicsAreKeptForEverWithOneWriter) {
    const std::map<std::string_view, std::pair<int, std::string_view>> expected = {
        {topics::kCaseMeasures, {3, "measure id"}},
        {topics::kCaseComments, {3, "unit id"}},
        {topics::kCasePlans, {3, "plan id"}},
        {topics::kCaseDecisions, {1, "decision id"}},
    };
    for (const auto& [name, partitions_key] : expected) {
        SCOPED_TRACE(std::string(name));
        const auto* spec = std::find_if(topics::kAll.begin(), topics::kAll.end(),
                                        [&](const auto& t) { return t.name == name; });
        ASSERT_NE(spec, topics::kAll.end());
        EXPECT_EQ(spec->partitions, partitions_key.first);
        EXPECT_EQ(spec->key, partitions_key.second);
        EXPECT_EQ(spec->owner, "casework");
        EXPECT_EQ(topics::TopicConfigs(*spec),
                  (std::map<std::string, std::string>{{"cleanup.policy", "delete"},
                                                      {"retention.ms", "-1"}}));
    }
    EXPECT_EQ(topics::kCaseMeasures, "bfu.casework.measures");
    EXPECT_EQ(topics::kCaseComments, "bfu.casework.comments");
    EXPECT_EQ(topics::kCasePlans, "bfu.casework.plans");
    EXPECT_EQ(topics::kCaseDecisions, "bfu.casework.decisions");
}

TEST(ContractsTopics, TheBudgetKeyNamesTheRevision) {
    const auto* budget = std::find_if(topics::kAll.begin(), topics::kAll.end(), [](const auto& t) {
        return t.name == topics::kMasterBudget;
    });
    ASSERT_NE(budget, topics::kAll.end());
    EXPECT_EQ(budget->key, "year:unit:accountGroup:revision");
    EXPECT_EQ(budget->cleanup_policy, "compact");
}

TEST(ContractsTopics, AsyncApiChannelsMatchTheConstants) {
    const auto channels = ReadAsyncApiChannels();
    ASSERT_EQ(channels.size(), topics::kAll.size());
    for (const auto& spec : topics::kAll) {
        SCOPED_TRACE(std::string(spec.name));
        const auto it = channels.find(std::string(spec.name));
        ASSERT_NE(it, channels.end()) << "no channel with this address in asyncapi.yaml";
        EXPECT_EQ(it->second.key, spec.key);
        EXPECT_EQ(it->second.owner, spec.owner);
    }
}

TEST(ContractsTopics, EveryMessageHasAKnownTopicAndEveryTopicAMessage) {
    std::set<std::string_view> names;
    for (const auto& spec : topics::kAll) names.insert(spec.name);
    EXPECT_EQ(names.size(), topics::kAll.size()) << "duplicate topic names";
    std::set<std::string_view> used;
    for (const auto& m : AllMessages()) {
        EXPECT_TRUE(names.count(m.topic) == 1) << m.name << " -> " << m.topic;
        used.insert(m.topic);
    }
    EXPECT_EQ(used, names);
}

TEST(ContractsTopics, AsyncApiReferencesEveryMessageSchema) {
    const std::string doc = test::ReadText(test::SchemasDir() / "asyncapi.yaml");
    for (const auto& m : AllMessages()) {
        const std::string ref = "./json/" + std::string(m.name) + ".schema.json";
        EXPECT_NE(doc.find(ref), std::string::npos) << "asyncapi.yaml does not reference " << ref;
        EXPECT_NE(doc.find(std::string(m.type)), std::string::npos)
            << "asyncapi.yaml does not name the type " << m.type;
    }
    EXPECT_NE(doc.find("asyncapi: 3.0.0"), std::string::npos);
}

}  // namespace
}  // namespace bfu::contracts
