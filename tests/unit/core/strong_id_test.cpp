#include "bfu/core/strong_id.hpp"

#include <gtest/gtest.h>

#include <type_traits>
#include <unordered_set>

namespace bfu::core {
namespace {

TEST(StrongId, DistinctTypesDoNotConvert) {
    static_assert(!std::is_convertible_v<UnitId, AccountNo>);
    static_assert(!std::is_convertible_v<std::string, UnitId>);
    static_assert(std::is_constructible_v<UnitId, std::string>);
}

TEST(StrongId, ComparesAndHashesByValue) {
    UnitId a("1001"), b("1001"), c("1002");
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    EXPECT_LT(a, c);
    std::unordered_set<UnitId> set{a, b, c};
    EXPECT_EQ(set.size(), 2u);
}

}  // namespace
}  // namespace bfu::core
