// The HTTP server's request head parsing, without a socket: header lines (ParseHeaderLines) and
// body framing (ParseBodyFraming). The server's answers to the same heads on a real connection
// are in tests/integration/runtime/http_server_test.cpp.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "bfu/runtime/http_server.hpp"

namespace bfu::runtime {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

TEST(ParseHeaderLines, LowerCasesNamesTrimsValuesAndKeepsArrivalOrder) {
    const auto r = ParseHeaderLines(
        "POST /v1/vouchers HTTP/1.1\r\nHost: x\r\nContent-Type:\t application/json \r\n"
        "X-B: 2\r\nx-a: 1\r\n\r\nbody");
    EXPECT_FALSE(r.malformed);
    const Headers want{
        {"host", "x"}, {"content-type", "application/json"}, {"x-b", "2"}, {"x-a", "1"}};
    EXPECT_EQ(r.headers, want);
}

TEST(ParseHeaderLines, RefusesLinesWithoutAProperNameButKeepsTheOthers) {
    for (const char* bad :
         {"NoColon", ": empty name", "Bad Name: v", " folded: v", "\tfolded: v", "X-A: a\nb"}) {
        const auto r =
            ParseHeaderLines(std::string("GET / HTTP/1.1\r\n") + bad + "\r\nHost: x\r\n\r\n");
        EXPECT_TRUE(r.malformed) << bad;
        EXPECT_EQ(r.headers, (Headers{{"host", "x"}})) << bad;
    }
}

TEST(ParseHeaderLines, AHeadCutOffBeforeItsEmptyLineIsMalformed) {
    EXPECT_TRUE(ParseHeaderLines("GET / HTTP/1.1\r\nHost: x").malformed);
    EXPECT_FALSE(ParseHeaderLines("GET / HTTP/1.1\r\nHost: x\r\n").malformed);
    // A request line alone (nothing after it) has no headers and nothing malformed.
    EXPECT_FALSE(ParseHeaderLines("GET / HTTP/1.1").malformed);
    EXPECT_TRUE(ParseHeaderLines("").headers.empty());
}

TEST(ParseBodyFraming, ReadsContentLengthAndChunked) {
    auto f = ParseBodyFraming({{"content-length", "42"}, {"content-length", "42"}});
    EXPECT_EQ(f.status, 0);
    EXPECT_EQ(f.content_length, 42U);
    EXPECT_FALSE(f.chunked);
    f = ParseBodyFraming({{"transfer-encoding", "Chunked"}});
    EXPECT_EQ(f.status, 0);
    EXPECT_TRUE(f.chunked);
    EXPECT_FALSE(f.content_length.has_value());
    f = ParseBodyFraming({});
    EXPECT_EQ(f.status, 0);
    EXPECT_FALSE(f.chunked);
    EXPECT_FALSE(f.content_length.has_value());
}

TEST(ParseBodyFraming, RefusesWhatCannotFrameABody) {
    const std::vector<std::pair<Headers, int>> cases = {
        {{{"content-length", ""}}, 400},
        {{{"content-length", "-1"}}, 400},
        {{{"content-length", "1 2"}}, 400},
        {{{"content-length", "99999999999999999999999"}}, 400},
        {{{"content-length", "1"}, {"content-length", "2"}}, 400},
        {{{"transfer-encoding", "gzip"}}, 501},
        {{{"transfer-encoding", "chunked"}, {"transfer-encoding", "chunked"}}, 501},
        {{{"transfer-encoding", "chunked"}, {"content-length", "3"}}, 400},
    };
    for (const auto& [headers, status] : cases) {
        const auto f = ParseBodyFraming(headers);
        EXPECT_EQ(f.status, status) << headers.front().second;
        EXPECT_FALSE(f.reason.empty());
        EXPECT_FALSE(f.content_length.has_value());
        EXPECT_FALSE(f.chunked);
    }
}

}  // namespace
}  // namespace bfu::runtime
