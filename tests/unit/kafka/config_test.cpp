// ValidateConfig and the factories reject bad settings before any network I/O.
#include "bfu/kafka/config.hpp"

#include <gtest/gtest.h>

#include "bfu/kafka/admin.hpp"
#include "bfu/kafka/consumer.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/kafka/transaction.hpp"

namespace bfu::kafka {
namespace {

KafkaConfig Valid() {
    KafkaConfig c;
    c.brokers = "127.0.0.1:19092";
    c.group_id = "g";
    c.transactional_id = "tx";
    return c;
}

TEST(KafkaConfig, ValidConfigPassesForEveryRole) {
    for (ClientRole role : {ClientRole::kProducer, ClientRole::kTransactionalProducer,
                            ClientRole::kConsumer, ClientRole::kAdmin}) {
        const core::Status s = ValidateConfig(Valid(), role);
        EXPECT_TRUE(s.ok()) << s.error().ToString();
    }
}

TEST(KafkaConfig, UnknownPropertyIsRejectedByName) {
    KafkaConfig c = Valid();
    c.properties["no.such.property"] = "1";
    const core::Status s = ValidateConfig(c, ClientRole::kProducer);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, core::Errc::kConfig);
    EXPECT_TRUE(s.error().IsFatal());
    EXPECT_EQ(s.error().field, "kafka.properties.no.such.property");
    EXPECT_NE(s.error().message.find("'no.such.property'"), std::string::npos);
    EXPECT_NE(s.error().message.find("No such configuration property"), std::string::npos);
}

TEST(KafkaConfig, BadValueIsRejectedWithTheValue) {
    KafkaConfig c = Valid();
    c.properties["enable.idempotence"] = "perhaps";
    const core::Status s = ValidateConfig(c, ClientRole::kProducer);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("'enable.idempotence' = 'perhaps'"), std::string::npos);
}

TEST(KafkaConfig, MissingBrokersIsRejected) {
    KafkaConfig c = Valid();
    c.brokers.clear();
    const core::Status s = ValidateConfig(c, ClientRole::kAdmin);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().field, "kafka.brokers");
    EXPECT_NE(s.error().message.find("BFU_KAFKA_BROKERS"), std::string::npos);
}

TEST(KafkaConfig, ConsumerNeedsGroupIdButProducerDoesNot) {
    KafkaConfig c = Valid();
    c.group_id.clear();
    EXPECT_TRUE(ValidateConfig(c, ClientRole::kProducer).ok());
    const core::Status s = ValidateConfig(c, ClientRole::kConsumer);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().field, "kafka.group_id");
}

TEST(KafkaConfig, TransactionalProducerNeedsTransactionalId) {
    KafkaConfig c = Valid();
    c.transactional_id.clear();
    EXPECT_TRUE(ValidateConfig(c, ClientRole::kProducer).ok());
    const core::Status s = ValidateConfig(c, ClientRole::kTransactionalProducer);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().field, "kafka.transactional_id");
}

TEST(KafkaConfig, NonPositiveStartupTimeoutIsRejected) {
    KafkaConfig c = Valid();
    c.startup_timeout = std::chrono::milliseconds(0);
    EXPECT_FALSE(ValidateConfig(c, ClientRole::kProducer).ok());
}

// The factories check the config first, so these fail without touching the network.
TEST(KafkaConfig, FactoriesFailOnUnknownPropertyBeforeConnecting) {
    KafkaConfig c = Valid();
    c.properties["bogus.setting"] = "x";
    auto p = Producer::Create(c);
    ASSERT_FALSE(p.ok());
    EXPECT_NE(p.error().message.find("bogus.setting"), std::string::npos);
    auto k = Consumer::Create(c);
    ASSERT_FALSE(k.ok());
    EXPECT_NE(k.error().message.find("bogus.setting"), std::string::npos);
    auto t = TransactionalProducer::Create(c);
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.error().code, core::Errc::kConfig);
    auto a = Admin::Create(c);
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.error().code, core::Errc::kConfig);
}

}  // namespace
}  // namespace bfu::kafka
