// `bfu health URL` (bfu::http underneath) against the HttpServer on loopback.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "bfu/cli/cli.hpp"
#include "bfu/runtime/http_server.hpp"

namespace bfu::cli {
namespace {

using runtime::HttpRequest;
using runtime::HttpResponse;
using ::testing::HasSubstr;

struct Outcome {
    int code = -1;
    std::string out;
    std::string err;
};

Outcome Health(const std::string& url) {
    std::ostringstream out;
    std::ostringstream err;
    Outcome o;
    o.code = Run({"health", url}, out, err);
    o.out = out.str();
    o.err = err.str();
    return o;
}

TEST(CliHealth, ExitsZeroOnlyOn200AndPrintsTheStatus) {
    runtime::HttpServer server;
    server.Handle("GET", "/readyz",
                  [](const HttpRequest&) { return HttpResponse::Text(200, "ready\n"); });
    server.Handle("GET", "/down",
                  [](const HttpRequest&) { return HttpResponse::Text(503, "not ready\n"); });
    server.Start();
    const std::string base = "http://127.0.0.1:" + std::to_string(server.port());

    auto ok = Health(base + "/readyz");
    EXPECT_EQ(ok.code, 0) << ok.err;
    EXPECT_EQ(ok.out, "HTTP/1.1 200 OK\n");
    auto down = Health(base + "/down");
    EXPECT_EQ(down.code, 1);
    EXPECT_EQ(down.out, "HTTP/1.1 503 Service Unavailable\n");
    EXPECT_EQ(Health(base + "/nothing").code, 1);

    server.Stop();
    auto gone = Health(base + "/readyz");
    EXPECT_EQ(gone.code, 1);
    EXPECT_THAT(gone.err, HasSubstr("cannot connect"));
}

TEST(CliHealth, ABadUrlIsAUsageError) {
    auto r = Health("ftp://127.0.0.1/readyz");
    EXPECT_EQ(r.code, 2);
    EXPECT_THAT(r.err, HasSubstr("http"));
}

}  // namespace
}  // namespace bfu::cli
