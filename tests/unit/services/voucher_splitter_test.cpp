// VoucherSplitter: a streamed body cut into voucher payloads, whatever the chunking.
#include "bfu/ingest/voucher_splitter.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bfu::ingest {
namespace {

struct Split {
    std::vector<std::string> elements;
    bool not_json = false;
    std::string error;
};

// Feeds `body` in pieces of `chunk` bytes (0: whole).
Split SplitBody(const std::string& body, bool ndjson, std::size_t chunk = 0) {
    VoucherSplitter s(ndjson);
    Split out;
    auto emit = [&](std::string_view e) { out.elements.emplace_back(e); };
    if (chunk == 0) chunk = body.size() + 1;
    for (std::size_t i = 0; i < body.size(); i += chunk) {
        s.Feed(std::string_view(body).substr(i, chunk), emit);
    }
    s.Finish(emit);
    out.not_json = s.not_json();
    out.error = s.error();
    EXPECT_EQ(s.emitted(), out.elements.size());
    return out;
}

const std::string kA = R"({"source":"s","voucherId":"A","text":"a ] } , \" [ {"})";
const std::string kB = R"({"source":"s","voucherId":"B","lines":[{"x":[1,2,{"y":"}"}]}]})";

TEST(VoucherSplitter, CutsAnArrayIntoItsElementsWhateverTheChunking) {
    const std::string body = " [\n  " + kA + " ,\n" + kB + "\n] \n";
    for (std::size_t chunk : {0u, 1u, 2u, 3u, 7u, 64u}) {
        SCOPED_TRACE(chunk);
        auto r = SplitBody(body, false, chunk);
        ASSERT_EQ(r.elements.size(), 2u);
        EXPECT_EQ(r.elements[0], kA);
        EXPECT_EQ(r.elements[1], kB);
        EXPECT_FALSE(r.not_json);
        EXPECT_EQ(r.error, "");
    }
}

TEST(VoucherSplitter, TakesOneObjectOrSeveralWithoutTheNdjsonContentType) {
    auto one = SplitBody(kA, false, 5);
    ASSERT_EQ(one.elements.size(), 1u);
    EXPECT_EQ(one.elements[0], kA);
    auto lines = SplitBody(kA + "\n" + kB + "\r\n", false, 3);
    ASSERT_EQ(lines.elements.size(), 2u);
    EXPECT_EQ(lines.elements[1], kB);
    EXPECT_EQ(lines.error, "");
}

TEST(VoucherSplitter, NdjsonIsOneElementPerNonBlankLineEvenWhenALineIsNotJson) {
    auto r = SplitBody(kA + "\n\n  \ngarbage line\r\n" + kB, true, 4);
    ASSERT_EQ(r.elements.size(), 3u);
    EXPECT_EQ(r.elements[0], kA);
    EXPECT_EQ(r.elements[1], "garbage line");
    EXPECT_EQ(r.elements[2], kB);
    EXPECT_FALSE(r.not_json);
}

TEST(VoucherSplitter, AGarbageLineBetweenObjectsIsItsOwnElement) {
    auto r = SplitBody(kA + "\nnot json\n" + kB, false, 2);
    ASSERT_EQ(r.elements.size(), 3u);
    EXPECT_EQ(r.elements[1], "not json");
    EXPECT_EQ(r.elements[2], kB);
}

TEST(VoucherSplitter, ABodyThatIsNotJsonAtTheTopIsRefusedWholeAndEmitsNothing) {
    auto r = SplitBody("hello [" + kA + "]", false);
    EXPECT_TRUE(r.not_json);
    EXPECT_TRUE(r.elements.empty());
    EXPECT_NE(r.error.find("starts with 'h'"), std::string::npos) << r.error;
    auto empty = SplitBody("  \n", false);
    EXPECT_TRUE(empty.not_json);
    EXPECT_TRUE(SplitBody("", true).not_json);
}

TEST(VoucherSplitter, AnUnclosedArrayEmitsItsLastElementAndSaysSo) {
    auto r = SplitBody("[" + kA + "," + kB.substr(0, 20), false, 6);
    ASSERT_EQ(r.elements.size(), 2u);
    EXPECT_EQ(r.elements[0], kA);
    EXPECT_EQ(r.elements[1], kB.substr(0, 20));
    EXPECT_FALSE(r.not_json);
    EXPECT_NE(r.error.find("not closed"), std::string::npos);
}

TEST(VoucherSplitter, KeepsTheSendersIndexesForEmptyElementsAndNotesTrailingText) {
    auto r = SplitBody("[" + kA + ",," + kB + "] extra", false);
    ASSERT_EQ(r.elements.size(), 3u);
    EXPECT_EQ(r.elements[1], "");
    EXPECT_EQ(r.elements[2], kB);
    EXPECT_NE(r.error.find("after the closing"), std::string::npos);
    auto none = SplitBody("[ ]", false);
    EXPECT_TRUE(none.elements.empty());
    EXPECT_EQ(none.error, "");
}

TEST(VoucherSplitter, AnObjectCutShortAtTheEndIsEmittedAndNamed) {
    auto r = SplitBody(kA + "\n" + kB.substr(0, 30), false);
    ASSERT_EQ(r.elements.size(), 2u);
    EXPECT_EQ(r.elements[1], kB.substr(0, 30));
    EXPECT_NE(r.error.find("ends inside"), std::string::npos);
}

}  // namespace
}  // namespace bfu::ingest
