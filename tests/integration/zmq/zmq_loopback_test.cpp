// ZeroMQ on loopback TCP: request/reply, lazy-pirate retries against a server that is down and
// then comes up, and PUB/SUB with a topic filter.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "bfu/zmq/zmq.hpp"
#include "support/ports.hpp"

namespace bfu::zmq {
namespace {

using namespace std::chrono_literals;
using bfu::testing::FreePort;
using ::testing::HasSubstr;
using ::testing::StartsWith;

core::Result<Json> Echo(const Json& req) {
    if (req.value("op", "") == "fail") {
        return core::Error(core::Errc::kNotFound, "unit", "no unit " + req.value("unit", ""));
    }
    if (req.value("op", "") == "throw") throw std::runtime_error("handler exploded");
    return Json{{"echo", req}};
}

TEST(JsonServer, EphemeralBindReportsTheBoundEndpoint) {
    ::zmq::context_t ctx;
    JsonServer server(ctx, "tcp://127.0.0.1:0", Echo);
    server.Start();
    EXPECT_THAT(server.endpoint(), StartsWith("tcp://127.0.0.1:"));
    EXPECT_NE(server.endpoint(), "tcp://127.0.0.1:0");
    EXPECT_NE(server.endpoint(), "tcp://127.0.0.1:*");
}

TEST(JsonServer, RequestReplyRoundTrip) {
    ::zmq::context_t ctx;
    JsonServer server(ctx, "tcp://127.0.0.1:0", Echo);
    server.Start();
    JsonClient client(ctx, server.endpoint(), {.timeout = 5s, .attempts = 1, .on_retry = {}});
    for (int i = 0; i < 20; ++i) {
        auto r = client.Call({{"op", "status"}, {"n", i}});
        ASSERT_TRUE(r.ok()) << r.error().ToString();
        EXPECT_EQ(r.value()["echo"]["n"], i);
    }
    EXPECT_EQ(server.requests_served(), 20U);
}

TEST(JsonServer, HandlerErrorsComeBackAsErrors) {
    ::zmq::context_t ctx;
    JsonServer server(ctx, "tcp://127.0.0.1:0", Echo);
    server.Start();
    JsonClient client(ctx, server.endpoint(), {.timeout = 5s, .attempts = 1, .on_retry = {}});
    auto r = client.Call({{"op", "fail"}, {"unit", "9999"}});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::Errc::kNotFound);
    EXPECT_EQ(r.error().field, "unit");
    EXPECT_EQ(r.error().message, "no unit 9999");
    EXPECT_TRUE(r.error().IsPoison());

    auto thrown = client.Call({{"op", "throw"}});
    ASSERT_FALSE(thrown.ok());
    EXPECT_EQ(thrown.error().code, core::Errc::kInternal);
    EXPECT_THAT(thrown.error().message, HasSubstr("handler exploded"));
    // The server still answers after a throwing handler.
    EXPECT_TRUE(client.Call({{"op", "ping"}}).ok());
}

TEST(JsonServer, NonJsonRequestGetsInvalidArgumentReply) {
    ::zmq::context_t ctx;
    JsonServer server(ctx, "tcp://127.0.0.1:0", Echo);
    server.Start();
    ::zmq::socket_t req(ctx, ::zmq::socket_type::req);
    req.set(::zmq::sockopt::linger, 0);
    req.connect(server.endpoint());
    req.send(::zmq::str_buffer("{not json"), ::zmq::send_flags::none);
    ::zmq::message_t reply;
    req.set(::zmq::sockopt::rcvtimeo, 5000);
    ASSERT_TRUE(req.recv(reply, ::zmq::recv_flags::none));
    auto r = DecodeReply(reply.to_string_view());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::Errc::kInvalidArgument);
}

TEST(JsonClient, TimesOutAfterAllAttemptsWhenNobodyAnswers) {
    ::zmq::context_t ctx;
    const auto endpoint = "tcp://127.0.0.1:" + std::to_string(FreePort());
    int retries = 0;
    JsonClient client(ctx, endpoint,
                      {.timeout = 100ms, .attempts = 3, .on_retry = [&](int) { ++retries; }});
    auto r = client.Call({{"op", "status"}});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::Errc::kTimeout);
    EXPECT_TRUE(r.error().IsRetryable());
    EXPECT_THAT(r.error().message, HasSubstr("3 attempts"));
    EXPECT_EQ(retries, 2);
}

TEST(JsonClient, RetriesUntilAServerThatWasDownComesUp) {
    ::zmq::context_t ctx;
    const auto endpoint = "tcp://127.0.0.1:" + std::to_string(FreePort());
    std::unique_ptr<JsonServer> server;
    int retries = 0;
    // The server comes up only after the first attempt has timed out against nothing.
    JsonClient client(ctx, endpoint,
                      {.timeout = 300ms, .attempts = 10, .on_retry = [&](int attempt) {
                           ++retries;
                           if (attempt == 1) {
                               server = std::make_unique<JsonServer>(ctx, endpoint, Echo);
                               server->Start();
                           }
                       }});
    auto r = client.Call({{"op", "status"}, {"unit", "1100"}});
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(r.value()["echo"]["unit"], "1100");
    EXPECT_GE(retries, 1);
    ASSERT_TRUE(server);
    EXPECT_EQ(server->endpoint(), endpoint);
}

TEST(JsonClient, RetriesWhenTheFirstReplyIsTooLate) {
    ::zmq::context_t ctx;
    std::atomic<int> calls{0};
    JsonServer server(ctx, "tcp://127.0.0.1:0", [&](const Json& req) -> core::Result<Json> {
        // The first call is slower than the client's timeout; its reply goes to a closed
        // socket and is dropped, and the retried request is answered.
        if (calls.fetch_add(1) == 0) std::this_thread::sleep_for(400ms);
        return Json{{"echo", req}};
    });
    server.Start();
    int retries = 0;
    JsonClient client(ctx, server.endpoint(),
                      {.timeout = 150ms, .attempts = 5, .on_retry = [&](int) { ++retries; }});
    auto r = client.Call({{"q", 1}});
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_GE(retries, 1);
    EXPECT_GE(calls.load(), 2);
    // The client stays usable after a retried call.
    auto again = client.Call({{"q", 2}});
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again.value()["echo"]["q"], 2);
}

TEST(PubSub, SubscriberReceivesOnlyItsTopicPrefix) {
    ::zmq::context_t ctx;
    Publisher pub(ctx, "tcp://127.0.0.1:0");
    EXPECT_THAT(pub.endpoint(), StartsWith("tcp://127.0.0.1:"));
    Subscriber sub(ctx, pub.endpoint(), {"alert.unit."});
    // PUB drops messages until the subscription has reached it (the "slow joiner"), so publish
    // in rounds until the first matching message arrives, within a deadline.
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    std::optional<Message> got;
    int round = 0;
    while (!got && std::chrono::steady_clock::now() < deadline) {
        ASSERT_TRUE(pub.Publish("other.unit.1100", R"({"n":)" + std::to_string(round) + "}").ok());
        ASSERT_TRUE(pub.PublishJson("alert.unit.1100", Json{{"n", round}}).ok());
        ++round;
        auto r = sub.Receive(50ms);
        ASSERT_TRUE(r.ok()) << r.error().ToString();
        got = std::move(r).value();
    }
    ASSERT_TRUE(got) << "no message within the deadline";
    EXPECT_EQ(got->topic, "alert.unit.1100");
    EXPECT_TRUE(Json::parse(got->payload).contains("n"));
    // Once connected, every published message matching the prefix arrives, in order, and
    // nothing outside it.
    ASSERT_TRUE(pub.Publish("other.x", "no").ok());
    ASSERT_TRUE(pub.PublishJson("alert.unit.2200", Json{{"final", true}}).ok());
    std::vector<Message> rest;
    while (true) {
        auto r = sub.Receive(500ms);
        ASSERT_TRUE(r.ok());
        if (!r.value()) break;
        rest.push_back(*r.value());
        if (rest.back().topic == "alert.unit.2200") break;
    }
    ASSERT_FALSE(rest.empty());
    EXPECT_EQ(rest.back().topic, "alert.unit.2200");
    EXPECT_EQ(Json::parse(rest.back().payload)["final"], true);
    for (const auto& m : rest) EXPECT_THAT(m.topic, StartsWith("alert.unit."));
}

TEST(PubSub, ReceiveTimesOutWithNothing) {
    ::zmq::context_t ctx;
    Publisher pub(ctx, "tcp://127.0.0.1:0");
    Subscriber sub(ctx, pub.endpoint(), {"alert."});
    auto r = sub.Receive(50ms);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r.value());
}

}  // namespace
}  // namespace bfu::zmq
