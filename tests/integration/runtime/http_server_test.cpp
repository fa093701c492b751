#include "bfu/runtime/http_server.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "bfu/http/client.hpp"
#include "bfu/runtime/app.hpp"
#include "bfu/runtime/metrics.hpp"
#include "http_client.hpp"

namespace bfu::runtime {
namespace {

using namespace std::chrono_literals;
using testing::Connect;
using testing::Get;
using ::testing::HasSubstr;
using testing::Post;
using testing::ReadOne;
using testing::ReadUntilClosed;
using testing::SendAll;
using testing::SendRaw;

// Polls `pred` until true or `timeout`.
template <typename Pred>
bool Eventually(Pred pred, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred()) return true;
        std::this_thread::sleep_for(10ms);
    }
    return pred();
}

// Sockets closed when the test ends.
struct Sockets {
    std::vector<int> fds;
    ~Sockets() {
        for (const int fd : fds) ::close(fd);
    }
};

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
    // cpp-httplib parses the request line and refuses any version but HTTP/1.0 and 1.1 with 400
    // (the hand-written server said 505).
    EXPECT_EQ(SendRaw(server_->port(), "GET /healthz HTTP/2.0\r\n\r\n").status, 400);
    EXPECT_EQ(SendRaw(server_->port(), "GET /healthz HTTP/1.1\r\nno colon here\r\n\r\n").status,
              400);
    EXPECT_EQ(SendRaw(server_->port(), "GET /healthz HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n").status,
              400);
    EXPECT_EQ(
        SendRaw(server_->port(), "POST /v1/echo HTTP/1.1\r\nContent-Length: abc\r\n\r\n").status,
        400);
    EXPECT_EQ(SendRaw(server_->port(),
                      "POST /v1/echo HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}")
                  .status,
              400);
    EXPECT_EQ(SendRaw(server_->port(),
                      "POST /v1/echo HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: "
                      "chunked\r\n\r\n0\r\n\r\n")
                  .status,
              400);
    EXPECT_EQ(SendRaw(server_->port(), "POST /v1/echo HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n")
                  .status,
              501);
    EXPECT_EQ(SendRaw(server_->port(),
                      "GET /healthz HTTP/1.1\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n")
                  .status,
              431);
    // Many headers, each short, over max_header_bytes (16 KiB) together.
    std::string many = "GET /healthz HTTP/1.1\r\n";
    for (int i = 0; i < 400; ++i)
        many += "X-H" + std::to_string(i) + ": " + std::string(40, 'b') + "\r\n";
    EXPECT_EQ(SendRaw(server_->port(), many + "\r\n").status, 431);
    // A single header line over 8 KiB but within max_header_bytes: cpp-httplib's own limit, 400.
    EXPECT_EQ(SendRaw(server_->port(),
                      "GET /healthz HTTP/1.1\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n")
                  .status,
              400);
    // After all of that the server still answers.
    EXPECT_EQ(Get(server_->port(), "/healthz").status, 200);
}

// cpp-httplib reads chunked bodies, so a chunked upload is accepted (the hand-written server
// answered 411 and wanted Content-Length); the body limit holds for it too.
TEST_F(HttpServerTest, ChunkedUploadIsAcceptedWithinTheLimit) {
    auto r = SendRaw(server_->port(),
                     "POST /v1/echo?c=1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
    EXPECT_EQ(r.status, 201);
    EXPECT_EQ(r.body, "hello world");
    EXPECT_EQ(r.headers["x-query"], "c=1");
    std::string big = "POST /v1/echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 3; ++i) big += "200\r\n" + std::string(512, 'z') + "\r\n";
    big += "0\r\n\r\n";
    auto over = SendRaw(server_->port(), big);
    EXPECT_EQ(over.status, 413);
    EXPECT_THAT(over.body, HasSubstr("1024"));
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
    std::size_t total = 0;
    HttpServer server(o);
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

TEST(HttpServerStreaming, ChunkedBodyIsDeliveredInPiecesAndHeldToTheRouteLimit) {
    std::size_t total = 0;
    HttpServer server;
    server.HandleStreaming(
        "POST", "/v1/upload",
        [&total](const HttpRequest&) {
            total = 0;
            return std::make_unique<CountingReader>(&total);
        },
        /*max_body_bytes=*/4096);
    server.Start();
    std::string chunked = "POST /v1/upload HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 3; ++i) chunked += "3e8\r\n" + std::string(1000, 'a') + "\r\n";
    auto r = SendRaw(server.port(), chunked + "0\r\n\r\n");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "got 3000\n");
    // Two more chunks pass the route's limit: cut off there.
    for (int i = 0; i < 2; ++i) chunked += "3e8\r\n" + std::string(1000, 'a') + "\r\n";
    auto over = SendRaw(server.port(), chunked + "0\r\n\r\n");
    EXPECT_EQ(over.status, 413);
    EXPECT_THAT(over.body, HasSubstr("4096"));
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

TEST(HttpServerConnections, IdleConnectionsDoNotHoldUpOtherRequests) {
    std::atomic<int> calls{0};  // before the server, which stops first
    HttpServer server;          // 8 workers, idle_timeout 10 s
    server.Handle("GET", "/healthz", [&calls](const HttpRequest&) {
        ++calls;
        return HttpResponse::Text(200, "ok\n");
    });
    server.Start();
    Sockets idle;
    for (int i = 0; i < 50; ++i) {
        const int fd = Connect(server.port());
        ASSERT_GE(fd, 0);
        idle.fds.push_back(fd);
    }
    // Half-open too: a head begun and never finished, on a few more.
    for (int i = 0; i < 5; ++i) {
        const int fd = Connect(server.port());
        ASSERT_GE(fd, 0);
        ASSERT_TRUE(SendAll(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n"));
        idle.fds.push_back(fd);
    }
    // Well within the idle and header timeouts, so those connections are all still open.
    for (int i = 0; i < 3; ++i) {
        auto r = http::Client().Get(
            "http://127.0.0.1:" + std::to_string(server.port()) + "/healthz", {}, 3s);
        ASSERT_TRUE(r.ok()) << r.error().ToString();
        EXPECT_EQ(r->status, 200);
    }
    EXPECT_EQ(calls.load(), 3);
}

TEST(HttpServerConnections, ConnectionThatSendsNothingGets408) {
    HttpServerOptions o;
    o.idle_timeout = 200ms;
    HttpServer server(o);
    server.Start();
    const int fd = Connect(server.port());
    ASSERT_GE(fd, 0);
    const auto raw = ReadUntilClosed(fd);
    ::close(fd);
    EXPECT_EQ(testing::ParseRaw(raw).status, 408) << raw;
}

TEST(HttpServerConnections, StalledHeadGets408AndFreesItsWorker) {
    HttpServerOptions o;
    o.threads = 1;
    o.header_timeout = 300ms;
    HttpServer server(o);
    server.Handle("GET", "/x", [](const HttpRequest&) { return HttpResponse::Text(200, "x"); });
    server.Start();
    const int stalled = Connect(server.port());
    ASSERT_GE(stalled, 0);
    ASSERT_TRUE(SendAll(stalled, "GET /x HTTP/1.1\r\nHost: x\r\n"));
    // The only worker is held by the stalled head until its deadline, then serves this.
    EXPECT_EQ(Get(server.port(), "/x").status, 200);
    const auto raw = ReadUntilClosed(stalled);
    ::close(stalled);
    EXPECT_EQ(testing::ParseRaw(raw).status, 408) << raw;
}

class RecordingReader : public BodyReader {
public:
    struct Log {
        std::atomic<std::size_t> bytes{0};
        std::atomic<bool> ended{false};
        std::atomic<bool> destroyed{false};
    };
    explicit RecordingReader(Log* log) : log_(log) {}
    ~RecordingReader() override { log_->destroyed = true; }
    std::optional<HttpResponse> OnData(std::string_view chunk) override {
        log_->bytes += chunk.size();
        return std::nullopt;
    }
    HttpResponse OnEnd() override {
        log_->ended = true;
        return HttpResponse::Text(200, "done\n");
    }

private:
    Log* log_;
};

TEST(HttpServerConnections, StalledBodyEndsTheRequestWithoutOnEnd) {
    HttpServerOptions o;
    o.read_timeout = 300ms;
    RecordingReader::Log log;
    HttpServer server(o);
    server.HandleStreaming("POST", "/up", [&log](const HttpRequest&) {
        return std::make_unique<RecordingReader>(&log);
    });
    server.Handle("GET", "/x", [](const HttpRequest&) { return HttpResponse::Text(200, "x"); });
    server.Start();
    const int fd = Connect(server.port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(SendAll(fd, "POST /up HTTP/1.1\r\nContent-Length: 100\r\n\r\n0123456789"));
    EXPECT_TRUE(Eventually([&] { return log.destroyed.load(); }));
    EXPECT_FALSE(log.ended.load());
    EXPECT_EQ(log.bytes.load(), 10u);
    EXPECT_EQ(Get(server.port(), "/x").status, 200);
    ::close(fd);
}

TEST(HttpServerConnections, KeepAliveServesUpToTheBoundThenCloses) {
    HttpServerOptions o;
    o.keep_alive_max_requests = 2;
    HttpServer server(o);
    server.Handle("GET", "/x", [](const HttpRequest&) { return HttpResponse::Text(200, "x"); });
    server.Start();
    const int fd = Connect(server.port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(SendAll(fd, "GET /x HTTP/1.1\r\nHost: a\r\n\r\n"));
    auto first = ReadOne(fd);
    EXPECT_EQ(first.status, 200);
    EXPECT_EQ(first.body, "x");
    EXPECT_EQ(first.headers.count("connection"), 0u);
    EXPECT_EQ(first.headers.count("keep-alive"), 1u);
    ASSERT_TRUE(SendAll(fd, "GET /x HTTP/1.1\r\nHost: a\r\n\r\n"));
    auto second = testing::ParseRaw(ReadUntilClosed(fd));  // the server closes after it
    ::close(fd);
    EXPECT_EQ(second.status, 200);
    EXPECT_EQ(second.headers["connection"], "close");
}

TEST(HttpServerConnections, ConnectionsBeyondTheLimitGet503) {
    HttpServerOptions o;
    o.max_connections = 2;
    HttpServer server(o);
    server.Start();
    Sockets open;
    for (int i = 0; i < 2; ++i) open.fds.push_back(Connect(server.port()));
    const int third = Connect(server.port());
    ASSERT_GE(third, 0);
    const auto raw = ReadUntilClosed(third);
    ::close(third);
    EXPECT_EQ(testing::ParseRaw(raw).status, 503) << raw;
}

TEST(HttpServerConnections, StopClosesOpenConnections) {
    HttpServer server;
    server.Start();
    const int fd = Connect(server.port());
    ASSERT_GE(fd, 0);
    server.Stop();
    EXPECT_EQ(ReadUntilClosed(fd, 5s), "");  // closed without an answer, well before 5 s
    ::close(fd);
}

TEST(HttpServerConcurrency, PlainHandlersRunOnSeveralWorkersAtOnce) {
    std::mutex mu;
    std::condition_variable cv;
    int inside = 0;
    HttpServer server;
    server.Handle("GET", "/meet", [&](const HttpRequest&) {
        std::unique_lock lock(mu);
        ++inside;
        cv.notify_all();
        // Answers "met" only if the other request is being handled at the same time.
        const bool met = cv.wait_for(lock, 5s, [&] { return inside >= 2; });
        return HttpResponse::Text(200, met ? "met" : "alone");
    });
    server.Start();
    testing::RawResponse a;
    std::thread other([&] { a = Get(server.port(), "/meet"); });
    auto b = Get(server.port(), "/meet");
    other.join();
    EXPECT_EQ(a.body, "met");
    EXPECT_EQ(b.body, "met");
}

class OverlapReader : public BodyReader {
public:
    OverlapReader(std::atomic<int>* inside, std::atomic<bool>* overlapped)
        : inside_(inside), overlapped_(overlapped) {
        Step([] {});
    }
    ~OverlapReader() override {
        Step([] {});
    }
    std::optional<HttpResponse> OnData(std::string_view) override {
        Step([] { std::this_thread::sleep_for(std::chrono::microseconds(200)); });
        return std::nullopt;
    }
    HttpResponse OnEnd() override {
        Step([] {});
        return HttpResponse::Text(200, "ok\n");
    }

private:
    template <typename F>
    void Step(F work) {
        if (inside_->fetch_add(1) != 0) *overlapped_ = true;
        work();
        inside_->fetch_sub(1);
    }
    std::atomic<int>* inside_;
    std::atomic<bool>* overlapped_;
};

TEST(HttpServerConcurrency, StreamingStepsOfOneRouteNeverOverlap) {
    std::atomic<int> inside{0};
    std::atomic<bool> overlapped{false};
    HttpServer server;
    server.HandleStreaming(
        "POST", "/up",
        [&](const HttpRequest&) { return std::make_unique<OverlapReader>(&inside, &overlapped); },
        8 << 20);
    server.Start();
    std::vector<std::thread> senders;
    std::vector<int> statuses(4, 0);
    for (std::size_t i = 0; i < statuses.size(); ++i) {
        senders.emplace_back(
            [&, i] { statuses[i] = Post(server.port(), "/up", std::string(200'000, 'a')).status; });
    }
    for (auto& t : senders) t.join();
    for (const int status : statuses) EXPECT_EQ(status, 200);
    EXPECT_FALSE(overlapped.load());
}

TEST(HttpServerRouting, PrefixRoutesServeEveryPathBelowThem) {
    HttpServer server;
    auto echo = [](std::string tag) {
        return [tag](const HttpRequest& r) { return HttpResponse::Text(200, tag + " " + r.path); };
    };
    server.HandlePrefix("GET", "/reports/", echo("reports"));
    server.HandlePrefix("GET", "/reports/2026/", echo("year"));
    server.Handle("GET", "/reports/index", echo("exact"));
    server.Start();
    const auto port = server.port();
    EXPECT_EQ(Get(port, "/reports/a.html").body, "reports /reports/a.html");
    EXPECT_EQ(Get(port, "/reports/2026/senaste.html?x=1").body, "year /reports/2026/senaste.html");
    EXPECT_EQ(Get(port, "/reports/index").body, "exact /reports/index");
    EXPECT_EQ(Get(port, "/reports/").body, "reports /reports/");
    EXPECT_EQ(Get(port, "/reports").status, 404);
    EXPECT_EQ(Get(port, "/reportsX").status, 404);
    auto post = Post(port, "/reports/a.html", "{}");
    EXPECT_EQ(post.status, 405);
    EXPECT_EQ(post.headers["allow"], "GET");
}

TEST(HttpServerRouting, ParamDecodesQueryParametersAndFormFields) {
    HttpServer server;
    auto params = [](const HttpRequest& r) {
        std::string out;
        for (const char* name : {"name", "city", "empty", "flag", "missing"}) {
            const auto v = r.Param(name);
            out += std::string(name) + "=" + (v ? "[" + *v + "]" : "none") + ";";
        }
        return HttpResponse::Text(200, out);
    };
    server.Handle("GET", "/p", params);
    server.Handle("POST", "/p", params);
    server.Start();
    const auto port = server.port();
    EXPECT_EQ(Get(port, "/p?name=Anna+Karin&city=G%C3%B6teborg&empty=&flag").body,
              "name=[Anna Karin];city=[Göteborg];empty=[];flag=[];missing=none;");
    auto form = http::Client().Post("http://127.0.0.1:" + std::to_string(port) + "/p?name=Q",
                                    "name=Body&city=Sk%C3%B6vde+C&flag",
                                    "application/x-www-form-urlencoded; charset=utf-8");
    ASSERT_TRUE(form.ok()) << form.error().ToString();
    // The query is looked at first, then the form.
    EXPECT_EQ(form->body, "name=[Q];city=[Skövde C];empty=none;flag=[];missing=none;");
    // Not a form: the body is not taken apart.
    EXPECT_EQ(Post(port, "/p", "city=X").body,
              "name=none;city=none;empty=none;flag=none;missing=none;");
}

TEST(HttpServerRouting, PercentDecodeKeepsMalformedEscapes) {
    EXPECT_EQ(PercentDecode("a%20b+c"), "a b+c");
    EXPECT_EQ(PercentDecode("a%20b+c", true), "a b c");
    EXPECT_EQ(PercentDecode("100%"), "100%");
    EXPECT_EQ(PercentDecode("%zz%4"), "%zz%4");
    EXPECT_EQ(PercentDecode("%C3%A5"), "å");
}

}  // namespace
}  // namespace bfu::runtime
