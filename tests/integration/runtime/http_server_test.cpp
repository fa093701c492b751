#include "bfu/runtime/http_server.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <sstream>

#include "bfu/runtime/app.hpp"
#include "bfu/runtime/metrics.hpp"
#include "http_client.hpp"

namespace bfu::runtime {
namespace {

using testing::Get;
using ::testing::HasSubstr;
using testing::Post;
using testing::SendRaw;

// Parses Prometheus text format into "name{labels}" -> value, checking every line's shape.
std::map<std::string, double> ParseExposition(const std::string& text) {
    std::map<std::string, double> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) continue;
        const auto sp = line.rfind(' ');
        EXPECT_NE(sp, std::string::npos) << line;
        if (sp == std::string::npos) continue;
        out[line.substr(0, sp)] = std::stod(line.substr(sp + 1));
    }
    return out;
}

class HttpServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        HttpServerOptions o;
        o.port = 0;
        o.max_body_bytes = 1024;
        server_ = std::make_unique<HttpServer>(o);
        AddOpsRoutes(*server_, metrics_, [this] {
            std::vector<std::string> missing;
            if (!consumer_ready_.load()) missing.emplace_back("kafka-consumer");
            return missing;
        });
        server_->Handle("POST", "/v1/echo", [](const HttpRequest& r) {
            auto resp = HttpResponse::Json(201, r.body);
            resp.headers.emplace_back("X-Query", r.query);
            return resp;
        });
        server_->Handle("GET", "/boom", [](const HttpRequest&) -> HttpResponse {
            throw std::runtime_error("bad");
        });
        server_->Start();
        ASSERT_NE(server_->port(), 0);
    }

    MetricsRegistry metrics_;
    std::atomic<bool> consumer_ready_{true};
    std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, HealthzIsOkWhileAlive) {
    auto r = Get(server_->port(), "/healthz");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "ok\n");
    EXPECT_EQ(r.headers["connection"], "close");
    EXPECT_EQ(r.headers["content-length"], "3");
}

TEST_F(HttpServerTest, ReadyzReflectsComponentReadiness) {
    EXPECT_EQ(Get(server_->port(), "/readyz").status, 200);
    consumer_ready_ = false;
    auto r = Get(server_->port(), "/readyz");
    EXPECT_EQ(r.status, 503);
    EXPECT_THAT(r.body, HasSubstr("kafka-consumer"));
    consumer_ready_ = true;
    EXPECT_EQ(Get(server_->port(), "/readyz").status, 200);
}

TEST_F(HttpServerTest, MetricsServesTheRegistryInTextFormat) {
    auto& c = metrics_.GetCounter("bfu_vouchers_total", "vouchers seen", {{"source", "erp"}});
    c.Inc(3);
    metrics_.GetHistogram("bfu_handle_seconds", "handling time", {0.5}).Observe(0.1);
    auto r = Get(server_->port(), "/metrics");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
    auto values = ParseExposition(r.body);
    EXPECT_EQ(values["bfu_vouchers_total{source=\"erp\"}"], 3.0);
    EXPECT_EQ(values["bfu_handle_seconds_bucket{le=\"0.5\"}"], 1.0);
    EXPECT_EQ(values["bfu_handle_seconds_count"], 1.0);
    c.Inc();
    EXPECT_EQ(ParseExposition(
                  Get(server_->port(), "/metrics").body)["bfu_vouchers_total{source=\"erp\"}"],
              4.0);
}

TEST_F(HttpServerTest, UnknownPathIs404AndWrongMethodIs405) {
    EXPECT_EQ(Get(server_->port(), "/nope").status, 404);
    auto r = Get(server_->port(), "/v1/echo");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.headers["allow"], "POST");
}

TEST_F(HttpServerTest, PostBodyReachesTheHandlerWithQuery) {
    const std::string body = R"({"voucher":"V-1","amount":"12.50"})";
    auto r = SendRaw(server_->port(), "POST /v1/echo?dry_run=1 HTTP/1.1\r\nContent-Length: " +
                                          std::to_string(body.size()) + "\r\n\r\n" + body);
    EXPECT_EQ(r.status, 201);
    EXPECT_EQ(r.body, body);
    EXPECT_EQ(r.headers["x-query"], "dry_run=1");
    EXPECT_EQ(r.headers["content-type"], "application/json");
}

TEST_F(HttpServerTest, BodyOverTheLimitIs413) {
    auto r = Post(server_->port(), "/v1/echo", std::string(4096, 'x'));
    EXPECT_EQ(r.status, 413);
    EXPECT_THAT(r.body, HasSubstr("1024"));
    // At the limit exactly it is accepted.
    EXPECT_EQ(Post(server_->port(), "/v1/echo", std::string(1024, 'y')).status, 201);
}

TEST_F(HttpServerTest, ExpectContinueGetsInterimResponse) {
    auto r = SendRaw(server_->port(),
                     "POST /v1/echo HTTP/1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n"
                     "{}");
    EXPECT_EQ(r.status, 201);
    EXPECT_EQ(r.body, "{}");
}

TEST_F(HttpServerTest, MalformedRequestsAreRefused) {
    EXPECT_EQ(SendRaw(server_->port(), "GARBAGE\r\n\r\n").status, 400);
    EXPECT_EQ(SendRaw(server_->port(), "GET /healthz HTTP/2.0\r\n\r\n").status, 505);
    EXPECT_EQ(SendRaw(server_->port(), "GET /healthz HTTP/1.1\r\nno colon here\r\n\r\n").status,
              400);
    EXPECT_EQ(
        SendRaw(server_->port(), "POST /v1/echo HTTP/1.1\r\nContent-Length: abc\r\n\r\n").status,
        400);
    EXPECT_EQ(SendRaw(server_->port(),
                      "POST /v1/echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                  .status,
              411);
    EXPECT_EQ(SendRaw(server_->port(),
                      "GET /healthz HTTP/1.1\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n")
                  .status,
              431);
}

TEST_F(HttpServerTest, HandlerExceptionIs500AndServerKeepsServing) {
    auto r = Get(server_->port(), "/boom");
    EXPECT_EQ(r.status, 500);
    EXPECT_THAT(r.body, HasSubstr("bad"));
    EXPECT_EQ(Get(server_->port(), "/healthz").status, 200);
}

TEST_F(HttpServerTest, RequestSplitAcrossManyWritesIsAssembled) {
    // Byte by byte: the server must not assume one read per request.
    const std::string body = "[1,2,3]";
    const std::string req = "POST /v1/echo HTTP/1.1\r\nContent-Length: 7\r\n\r\n" + body;
    auto r = SendRaw(server_->port(), req, /*piece=*/1);
    EXPECT_EQ(r.status, 201);
    EXPECT_EQ(r.body, body);
}

class CountingReader : public BodyReader {
public:
    explicit CountingReader(std::size_t* total) : total_(total) {}
    std::optional<HttpResponse> OnData(std::string_view chunk) override {
        *total_ += chunk.size();
        if (chunk.find('!') != std::string_view::npos) {
            return HttpResponse::Text(422, "bang at " + std::to_string(*total_) + "\n");
        }
        return std::nullopt;
    }
    HttpResponse OnEnd() override {
        return HttpResponse::Text(200, "got " + std::to_string(*total_) + "\n");
    }

private:
    std::size_t* total_;
};

TEST(HttpServerStreaming, LargeBodyIsDeliveredInPiecesBeyondTheBufferedLimit) {
    HttpServerOptions o;
    o.max_body_bytes = 16;
    HttpServer server(o);
    std::size_t total = 0;
    server.HandleStreaming(
        "POST", "/v1/upload",
        [&total](const HttpRequest&) {
            total = 0;
            return std::make_unique<CountingReader>(&total);
        },
        /*max_body_bytes=*/1 << 20);
    server.Start();
    auto r = Post(server.port(), "/v1/upload", std::string(300000, 'a'));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "got 300000\n");
    EXPECT_EQ(Post(server.port(), "/v1/upload", std::string(2 << 20, 'a')).status, 413);
    EXPECT_EQ(Post(server.port(), "/v1/upload", std::string(100, 'a') + "!").status, 422);
}

TEST(HttpServerLifecycle, StopReleasesThePortAndIsIdempotent) {
    HttpServer server;
    server.Handle("GET", "/x", [](const HttpRequest&) { return HttpResponse::Text(200, "x"); });
    server.Start();
    const auto port = server.port();
    EXPECT_EQ(Get(port, "/x").status, 200);
    server.Stop();
    server.Stop();
    EXPECT_EQ(Get(port, "/x").status, 0);  // connection refused
}

TEST(HttpServerLifecycle, BindFailureThrowsNamingTheAddress) {
    HttpServer first;
    first.Start();
    HttpServerOptions o;
    o.port = first.port();
    HttpServer second(o);
    try {
        second.Start();
        FAIL() << "expected a bind failure";
    } catch (const std::system_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("127.0.0.1:" + std::to_string(first.port())));
    }
}

}  // namespace
}  // namespace bfu::runtime
