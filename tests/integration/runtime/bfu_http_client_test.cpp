// bfu::http::Client against the project's HttpServer and, for https, cpp-httplib's SSLServer
// with a certificate made for the test.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "bfu/http/client.hpp"
#include "bfu/runtime/http_server.hpp"

namespace bfu::http {
namespace {

using namespace std::chrono_literals;
using core::Errc;
using runtime::HttpRequest;
using runtime::HttpResponse;
using ::testing::HasSubstr;

std::string Base(std::uint16_t port) { return "http://127.0.0.1:" + std::to_string(port); }

class HttpClientTest : public ::testing::Test {
protected:
    void SetUp() override {
        server_.Handle("GET", "/hello", [](const HttpRequest& r) {
            auto resp =
                HttpResponse::Text(200, "hello " + std::string(r.Header("x-who").value_or("?")));
            resp.headers.emplace_back("X-Thing", "42");
            return resp;
        });
        server_.Handle("POST", "/echo", [](const HttpRequest& r) {
            auto resp = HttpResponse::Json(201, r.body);
            resp.headers.emplace_back("X-Type", std::string(r.Header("content-type").value_or("")));
            return resp;
        });
        server_.Handle("GET", "/slow", [](const HttpRequest&) {
            std::this_thread::sleep_for(1500ms);
            return HttpResponse::Text(200, "late");
        });
        server_.Start();
    }

    runtime::HttpServer server_;
    Client client_;
};

TEST_F(HttpClientTest, GetReturnsStatusBodyAndHeaders) {
    auto r = client_.Get(Base(server_.port()) + "/hello", {{"X-Who", "Anna"}});
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->reason, "OK");
    EXPECT_EQ(r->body, "hello Anna");
    EXPECT_EQ(r->Header("x-thing"), std::optional<std::string_view>("42"));
    EXPECT_EQ(r->Header("X-THING"), std::optional<std::string_view>("42"));
    EXPECT_EQ(r->Header("content-length"), std::optional<std::string_view>("10"));
    EXPECT_FALSE(r->Header("x-none").has_value());
}

TEST_F(HttpClientTest, PostSendsTheBodyAndItsContentType) {
    auto r = client_.Post(Base(server_.port()) + "/echo", R"({"a":1})", "application/json");
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(r->status, 201);
    EXPECT_EQ(r->body, R"({"a":1})");
    EXPECT_EQ(r->Header("x-type"), std::optional<std::string_view>("application/json"));
    // Without a content type argument, the one among the headers; else text/plain.
    auto h = client_.Post(Base(server_.port()) + "/echo", "x", "",
                          {{"Content-Type", "application/x-ndjson"}});
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->Header("x-type"), std::optional<std::string_view>("application/x-ndjson"));
    auto plain = client_.Post(Base(server_.port()) + "/echo", "x", "");
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(plain->Header("x-type"), std::optional<std::string_view>("text/plain"));
}

TEST_F(HttpClientTest, AnErrorStatusIsAResponseNotAnError) {
    auto r = client_.Get(Base(server_.port()) + "/nowhere");
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(r->status, 404);
    auto m = client_.Post(Base(server_.port()) + "/hello", "", "");
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->status, 405);
}

TEST_F(HttpClientTest, NoServerIsUnavailable) {
    runtime::HttpServer gone;
    gone.Start();
    const auto port = gone.port();
    gone.Stop();
    auto r = client_.Get(Base(port) + "/x");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kUnavailable);
    EXPECT_TRUE(r.error().IsRetryable());
    EXPECT_THAT(r.error().message, HasSubstr("127.0.0.1:" + std::to_string(port)));
    auto unresolvable = client_.Get("http://no-such-host.invalid/x", {}, 2s);
    ASSERT_FALSE(unresolvable.ok());
    EXPECT_EQ(unresolvable.error().code, Errc::kUnavailable);
}

TEST_F(HttpClientTest, ASlowAnswerIsATimeout) {
    auto r = client_.Get(Base(server_.port()) + "/slow", {}, 200ms);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kTimeout) << r.error().ToString();
}

TEST(HttpClientUrl, BadUrlsAreInvalidArguments) {
    Client client;
    for (const char* url : {"ftp://example.se/x", "127.0.0.1:80/x", "http://", "http://:80/",
                            "http://h:0/", "http://h:99999/", "http://h:8x/", "http://u:p@h/",
                            "http://h/a b", "http://[::1/", "http://::1/"}) {
        auto r = client.Get(url);
        ASSERT_FALSE(r.ok()) << url;
        EXPECT_EQ(r.error().code, Errc::kInvalidArgument) << url << ": " << r.error().ToString();
        EXPECT_EQ(r.error().field, "url") << url;
    }
}

TEST(HttpClientUrl, UrlsAreTakenApart) {
    auto a = ParseUrl("HTTPS://Example.se:8443/a/b?c=d#frag");
    ASSERT_TRUE(a.ok()) << a.error().ToString();
    EXPECT_TRUE(a->tls);
    EXPECT_EQ(a->host, "Example.se");
    EXPECT_EQ(a->port, 8443);
    EXPECT_EQ(a->target, "/a/b?c=d");
    auto b = ParseUrl("http://h?x=1");
    ASSERT_TRUE(b.ok());
    EXPECT_FALSE(b->tls);
    EXPECT_EQ(b->port, 80);
    EXPECT_EQ(b->target, "/?x=1");
    auto c = ParseUrl("https://[::1]");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->host, "::1");
    EXPECT_EQ(c->port, 443);
    EXPECT_EQ(c->target, "/");
    auto d = ParseUrl("http://h/rapport/åtgärd?q=a+b%20c");
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->target, "/rapport/%C3%A5tg%C3%A4rd?q=a+b%20c");
}

// A certificate for 127.0.0.1 and its key, made with the openssl tool into a fresh folder.
class TlsFiles {
public:
    TlsFiles() {
        dir_ = std::filesystem::temp_directory_path() /
               ("bfu-http-tls-" + std::to_string(::getpid()) + "-" +
                std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
        std::filesystem::create_directories(dir_);
        const std::string cmd =
            "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
            "-addext subjectAltName=IP:127.0.0.1 -keyout '" +
            key().string() + "' -out '" + cert().string() + "' >/dev/null 2>&1";
        ok_ = std::system(cmd.c_str()) == 0 && std::filesystem::exists(cert());
    }
    ~TlsFiles() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    TlsFiles(const TlsFiles&) = delete;
    TlsFiles& operator=(const TlsFiles&) = delete;
    [[nodiscard]] bool ok() const { return ok_; }
    [[nodiscard]] std::filesystem::path cert() const { return dir_ / "cert.pem"; }
    [[nodiscard]] std::filesystem::path key() const { return dir_ / "key.pem"; }

private:
    std::filesystem::path dir_;
    bool ok_ = false;
};

TEST(HttpClientTls, HttpsIsVerifiedAgainstTheCaFile) {
    TlsFiles files;
    if (!files.ok()) GTEST_SKIP() << "the openssl tool could not make a certificate";
    httplib::SSLServer tls(files.cert().c_str(), files.key().c_str());
    ASSERT_TRUE(tls.is_valid());
    tls.Get("/hi", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("hi over tls", "text/plain");
    });
    const int port = tls.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port, 0);
    std::thread serving([&tls] { tls.listen_after_bind(); });
    while (!tls.is_running()) std::this_thread::sleep_for(1ms);
    const std::string url = "https://127.0.0.1:" + std::to_string(port) + "/hi";

    auto verified = Client({.ca_file = files.cert().string()}).Get(url);
    ASSERT_TRUE(verified.ok()) << verified.error().ToString();
    EXPECT_EQ(verified->status, 200);
    EXPECT_EQ(verified->body, "hi over tls");
    // The system's store does not know the test's certificate.
    auto unknown = Client().Get(url);
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().code, Errc::kUnavailable) << unknown.error().ToString();
    auto unchecked = Client({.verify_tls = false}).Get(url);
    ASSERT_TRUE(unchecked.ok()) << unchecked.error().ToString();
    EXPECT_EQ(unchecked->body, "hi over tls");
    auto missing = Client({.ca_file = (files.cert().parent_path() / "none.pem").string()}).Get(url);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, Errc::kInvalidArgument);
    EXPECT_EQ(missing.error().field, "ca_file");

    tls.stop();
    serving.join();
}

TEST(HttpClientTls, HttpsToAPlainServerIsUnavailable) {
    runtime::HttpServer plain;
    plain.Handle("GET", "/x", [](const HttpRequest&) { return HttpResponse::Text(200, "x"); });
    plain.Start();
    auto r = Client().Get("https://127.0.0.1:" + std::to_string(plain.port()) + "/x", {}, 3s);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kUnavailable) << r.error().ToString();
}

}  // namespace
}  // namespace bfu::http
