#include "bfu/core/result.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace bfu::core {
namespace {

Result<int> Half(int x) {
    if (x % 2 != 0) return Error(Errc::kInvalidArgument, "x", "odd number " + std::to_string(x));
    return x / 2;
}

Result<int> Quarter(int x) {
    auto h = Half(x);
    BFU_TRY(h);
    return Half(*h);
}

TEST(Result, HoldsValueWhenOk) {
    auto r = Half(8);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, 4);
    EXPECT_EQ(r.value_or(-1), 4);
}

TEST(Result, HoldsErrorWithFieldWhenFailed) {
    auto r = Half(3);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
    EXPECT_EQ(r.error().field, "x");
    EXPECT_EQ(r.error().ToString(), "invalid_argument: x: odd number 3");
    EXPECT_EQ(r.value_or(-1), -1);
}

TEST(Result, TryPropagatesTheFirstError) {
    EXPECT_EQ(*Quarter(8), 2);
    auto r = Quarter(6);  // 6/2 = 3, then odd
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "odd number 3");
}

TEST(Result, MovesOnlyTypes) {
    Result<std::unique_ptr<int>> r(std::make_unique<int>(7));
    ASSERT_TRUE(r.ok());
    auto p = std::move(r).value();
    EXPECT_EQ(*p, 7);
}

TEST(Status, DefaultIsOkAndErrorIsNot) {
    Status s = Ok();
    EXPECT_TRUE(s.ok());
    Status bad = Error(Errc::kUnavailable, "broker down");
    EXPECT_FALSE(bad.ok());
    EXPECT_TRUE(bad.error().IsRetryable());
}

TEST(ErrorClass, ClassesEveryCode) {
    EXPECT_EQ(ClassOf(Errc::kUnavailable), ErrorClass::kRetryable);
    EXPECT_EQ(ClassOf(Errc::kTimeout), ErrorClass::kRetryable);
    EXPECT_EQ(ClassOf(Errc::kInternal), ErrorClass::kFatal);
    EXPECT_EQ(ClassOf(Errc::kConfig), ErrorClass::kFatal);
    EXPECT_EQ(ClassOf(Errc::kInvalidArgument), ErrorClass::kPoison);
    EXPECT_EQ(ClassOf(Errc::kNotFound), ErrorClass::kPoison);
    EXPECT_EQ(ClassOf(Errc::kAlreadyExists), ErrorClass::kPoison);
    EXPECT_EQ(ClassOf(Errc::kFailedPrecondition), ErrorClass::kPoison);
    EXPECT_EQ(ClassOf(Errc::kPermissionDenied), ErrorClass::kPoison);
    EXPECT_EQ(ClassOf(Errc::kOutOfRange), ErrorClass::kPoison);
    EXPECT_EQ(ToString(ErrorClass::kPoison), "poison");
}

}  // namespace
}  // namespace bfu::core
