// The dead-letter record keeps the input and says why and where it came from.
#include <gtest/gtest.h>

#include "bfu/kafka/loop.hpp"
#include "bfu/kafka/message.hpp"

namespace bfu::kafka {
namespace {

TEST(DeadLetter, KeepsKeyValueHeadersAndAddsReasonAndOrigin) {
    Message m;
    m.topic = "bfu.erp.vouchers";
    m.partition = 4;
    m.offset = 1234;
    m.key = "erp:V-77";
    m.value = "{not json";
    m.headers = {{"ce_type", "voucher"}};
    const core::Error reason(core::Errc::kInvalidArgument, "amount", "not an integer");

    const OutMessage out = DeadLetter(m, reason, "bfu.dlq", "ingest");

    EXPECT_EQ(out.topic, "bfu.dlq");
    EXPECT_EQ(out.key, m.key);
    EXPECT_EQ(out.value, m.value);
    EXPECT_EQ(FindHeader(out.headers, "ce_type"), "voucher");
    EXPECT_EQ(FindHeader(out.headers, kDlqReasonHeader), reason.ToString());
    EXPECT_EQ(FindHeader(out.headers, kDlqErrcHeader), "invalid_argument");
    EXPECT_EQ(FindHeader(out.headers, kDlqTopicHeader), "bfu.erp.vouchers");
    EXPECT_EQ(FindHeader(out.headers, kDlqPartitionHeader), "4");
    EXPECT_EQ(FindHeader(out.headers, kDlqOffsetHeader), "1234");
    EXPECT_EQ(FindHeader(out.headers, kDlqSourceHeader), "ingest");
}

TEST(DeadLetter, NoSourceHeaderWhenSourceIsEmpty) {
    Message m;
    m.topic = "x";
    const OutMessage out =
        DeadLetter(m, core::Error(core::Errc::kNotFound, "no such unit"), kDeadLetterTopic, "");
    EXPECT_EQ(out.topic, "bfu.dlq");
    EXPECT_FALSE(FindHeader(out.headers, kDlqSourceHeader).has_value());
}

TEST(FindHeader, ReturnsFirstMatchOrNothing) {
    const Headers h = {{"a", "1"}, {"b", "2"}, {"a", "3"}};
    EXPECT_EQ(FindHeader(h, "a"), "1");
    EXPECT_EQ(FindHeader(h, "b"), "2");
    EXPECT_FALSE(FindHeader(h, "c").has_value());
}

}  // namespace
}  // namespace bfu::kafka
