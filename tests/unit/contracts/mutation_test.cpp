// Agreement beyond the hand-written examples: every valid example is mutated many times in a
// deterministic way (a property dropped, a value replaced by a tricky one, an unknown property
// added, an array item repeated) and the schema and the C++ decoder must still give the same
// verdict on every mutant.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/registry.hpp"
#include "test_support.hpp"

namespace bfu::contracts {
namespace {

using Json = nlohmann::json;

// Values that sit on the edges of the schema rules. Integers above INT64_MAX are left out on
// purpose: valijson reads them through int64 and wraps, so it cannot be the reference there
// (the decoder rejects them).
std::vector<Json> Pool() {
    return {"",
            "x",
            "HT NORR",
            "a:b",
            "HT-NORR",
            "5011",
            "50A1",
            "2026-02-30",
            "2026-02-29",
            "2026-04-31",
            "202613",
            "202612",
            "2026-03-31T12:00:00Z",
            "2026-03-31T12:00:00",
            "2026-03-31T24:00:00Z",
            "-1234.50",
            "1.234",
            "1 234,50",
            "\xC2\xA7 1/2026",
            "a@b",
            "kafka",
            "enhet",
            "utf8",
            "a\r\nb",
            "a@b\n",
            "https://x",
            "ftp://x",
            "BFU_KEY",
            "commented",
            "pending",
            "<a.1@b>",
            "a\nb",
            "a\tb",
            "foreslagen",
            "budget_revision",
            "deviation",
            "KF \xC2\xA7 7/2026",
            0,
            -1,
            1,
            6,
            7,
            9,
            10,
            12,
            1899,
            2026,
            1.5,
            -0.5,
            100.5,
            2147483647,
            2147483648,
            INT64_C(9223372036854775807),
            true,
            false,
            nullptr,
            Json::array(),
            Json::object(),
            Json::array({"HT-NORR"})};
}

// Every location in the document, as JSON pointers.
void Collect(const Json& j, const Json::json_pointer& at, std::vector<Json::json_pointer>& out) {
    out.push_back(at);
    if (j.is_object()) {
        for (const auto& [key, value] : j.items()) Collect(value, at / key, out);
    } else if (j.is_array()) {
        for (std::size_t i = 0; i < j.size(); ++i) Collect(j[i], at / i, out);
    }
}

struct Mutant {
    Json value;
    std::string what;
};

Mutant Mutate(const Json& original, std::mt19937& rng, const std::vector<Json>& pool) {
    std::vector<Json::json_pointer> places;
    Collect(original, Json::json_pointer(), places);
    Mutant m{original, ""};
    const auto pick = [&rng](std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
    };
    const Json::json_pointer at = places[pick(places.size())];
    switch (pick(4)) {
        case 0:  // drop it
            if (!at.empty()) {
                Json& parent = m.value[at.parent_pointer()];
                if (parent.is_object()) {
                    parent.erase(at.back());
                } else {
                    parent.erase(static_cast<std::size_t>(std::stoul(at.back())));
                }
                m.what = "drop " + at.to_string();
                break;
            }
            [[fallthrough]];
        case 1: {  // replace it
            const Json& v = pool[pick(pool.size())];
            m.value[at] = v;
            m.what = "set " + at.to_string() + " = " + v.dump();
            break;
        }
        case 2:  // an unknown property, where the place is an object
            if (m.value[at].is_object()) {
                m.value[at]["zzUnknown"] = 1;
                m.what = "add " + at.to_string() + "/zzUnknown";
                break;
            }
            [[fallthrough]];
        default:  // repeat an array item, else replace with a pool value
            if (m.value[at].is_array() && !m.value[at].empty()) {
                Json copy = m.value[at][0];
                m.value[at].push_back(copy);
                m.what = "repeat " + at.to_string() + "/0";
            } else {
                const Json& v = pool[pick(pool.size())];
                m.value[at] = v;
                m.what = "set " + at.to_string() + " = " + v.dump();
            }
            break;
    }
    return m;
}

bool CppAccepts(const std::string& message, const Json& value) {
    if (message == "envelope") return Envelope::FromJson(value).ok();
    return FindMessageByName(message)->check(value).empty();
}

TEST(ContractsMutation, SchemaAndDecoderAgreeOnMutatedExamples) {
    constexpr int kMutantsPerExample = 20;
    std::mt19937 rng(20260331);  // fixed: the same mutants every run
    const std::vector<Json> pool = Pool();
    int mutants = 0;
    int rejected = 0;
    std::vector<std::string> disagreements;
    for (const auto& message : test::ExampleMessages()) {
        test::SchemaValidator schema(message);
        for (const auto& file : test::ExampleFiles(message, "valid-")) {
            const Json original = test::ReadJson(file);
            for (int i = 0; i < kMutantsPerExample; ++i) {
                const Mutant m = Mutate(original, rng, pool);
                const bool schema_ok = schema.Validate(m.value).empty();
                const bool cpp_ok = CppAccepts(message, m.value);
                ++mutants;
                if (!schema_ok) ++rejected;
                if (schema_ok != cpp_ok) {
                    disagreements.push_back(message + "/" + file.filename().string() + ": " +
                                            m.what + " -> schema " +
                                            (schema_ok ? "accepts" : "rejects") + ", decoder " +
                                            (cpp_ok ? "accepts" : "rejects"));
                }
            }
        }
    }
    std::string list;
    for (std::size_t i = 0; i < disagreements.size() && i < 15; ++i) {
        list += disagreements[i] + "\n";
    }
    EXPECT_TRUE(disagreements.empty())
        << disagreements.size() << " of " << mutants << " mutants disagree:\n"
        << list;
    // The mutants must exercise both verdicts, or the test proves nothing.
    EXPECT_GT(rejected, mutants / 4);
    EXPECT_LT(rejected, mutants);
}

}  // namespace
}  // namespace bfu::contracts
