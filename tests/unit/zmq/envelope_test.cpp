#include <gtest/gtest.h>

#include "bfu/zmq/zmq.hpp"

namespace bfu::zmq {
namespace {

TEST(Envelope, OkReplyDecodesToTheResult) {
    auto r = DecodeReply(OkReply(Json{{"unit", "1100"}, {"status", "red"}}).dump());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value()["status"], "red");
}

TEST(Envelope, ErrorReplyKeepsCodeFieldAndMessage) {
    const core::Error err(core::Errc::kNotFound, "unit", "no unit 9999");
    const auto wire = ErrorReply(err).dump();
    auto r = DecodeReply(wire);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), err);
    EXPECT_EQ(Json::parse(wire)["error"]["code"], "not_found");
}

TEST(Envelope, EveryErrorCodeRoundTrips) {
    for (auto code :
         {core::Errc::kInvalidArgument, core::Errc::kNotFound, core::Errc::kAlreadyExists,
          core::Errc::kFailedPrecondition, core::Errc::kPermissionDenied, core::Errc::kOutOfRange,
          core::Errc::kUnavailable, core::Errc::kTimeout, core::Errc::kInternal,
          core::Errc::kConfig}) {
        EXPECT_EQ(ParseErrc(core::ToString(code)), code) << core::ToString(code);
        auto r = DecodeReply(ErrorReply({code, "m"}).dump());
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, code);
    }
    EXPECT_FALSE(ParseErrc("bogus"));
}

TEST(Envelope, GarbageOrForeignRepliesAreInternalErrors) {
    for (const char* wire : {"not json", "[1,2]", R"({"result": 1})", R"({"ok": "yes"})"}) {
        auto r = DecodeReply(wire);
        ASSERT_FALSE(r.ok()) << wire;
        EXPECT_EQ(r.error().code, core::Errc::kInternal) << wire;
    }
    auto unknown = DecodeReply(R"({"ok": false, "error": {"code": "weird", "message": "x"}})");
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().code, core::Errc::kInternal);
    EXPECT_EQ(unknown.error().message, "x");
}

TEST(NormalizeBindEndpoint, PortZeroBecomesWildcard) {
    EXPECT_EQ(NormalizeBindEndpoint("tcp://127.0.0.1:0"), "tcp://127.0.0.1:*");
    EXPECT_EQ(NormalizeBindEndpoint("tcp://127.0.0.1:5550"), "tcp://127.0.0.1:5550");
    EXPECT_EQ(NormalizeBindEndpoint("inproc://x0"), "inproc://x0");
}

}  // namespace
}  // namespace bfu::zmq
