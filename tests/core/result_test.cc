// Result<T>'s std::expected-shaped members and ErrorCode's printing.
#include <passkey/result.h>

#include <memory>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_util.h"

namespace passkey {
namespace {

Result<int> Ok(int v) { return v; }
Result<int> Failed(ErrorCode code) { return Unexpected(code, "failed"); }

// Converting construction, as std::expected's: anything T is implicitly
// constructible from converts implicitly; an explicit conversion stays
// explicit.
struct ExplicitFromInt {
  explicit ExplicitFromInt(int v) : value(v) {}
  int value;
};

static_assert(std::is_convertible_v<const char*, Result<std::string>>);
static_assert(std::is_convertible_v<std::string_view, Result<std::string_view>>);
static_assert(!std::is_convertible_v<int, Result<ExplicitFromInt>>);
static_assert(std::is_constructible_v<Result<ExplicitFromInt>, int>);
static_assert(!std::is_constructible_v<Result<std::string>, double>);

TEST(ResultTest, ConvertsFromWhatTheValueTypeConvertsFrom) {
  Result<std::string> from_literal = "x";
  ASSERT_THAT(from_literal, IsOk());
  EXPECT_EQ(*from_literal, "x");

  Result<std::unique_ptr<int>> move_only = std::make_unique<int>(7);
  ASSERT_THAT(move_only, IsOk());
  EXPECT_EQ(**move_only, 7);

  Result<ExplicitFromInt> explicit_value(3);
  EXPECT_EQ(explicit_value->value, 3);

  Result<std::string> in_place(std::in_place, 3, 'z');
  EXPECT_EQ(*in_place, "zzz");
}

TEST(ResultTest, ValueOrReturnsTheValueOrTheFallback) {
  EXPECT_EQ(Ok(4).value_or(9), 4);
  EXPECT_EQ(Failed(ErrorCode::kInternal).value_or(9), 9);
  const Result<std::string> failed = Unexpected(ErrorCode::kInvalidArgument, "no");
  EXPECT_EQ(failed.value_or("fallback"), "fallback");
  Result<std::unique_ptr<int>> move_only = std::make_unique<int>(5);
  EXPECT_EQ(*std::move(move_only).value_or(nullptr), 5);
}

TEST(ResultTest, ErrorOrReturnsTheErrorOrTheFallback) {
  const Error fallback{ErrorCode::kInternal, "none"};
  EXPECT_EQ(Ok(1).error_or(fallback).code, ErrorCode::kInternal);
  EXPECT_EQ(Failed(ErrorCode::kChallengeMismatch).error_or(fallback).code,
            ErrorCode::kChallengeMismatch);
  const Status ok;
  EXPECT_EQ(ok.error_or(fallback).message, "none");
  const Status failed = Unexpected(ErrorCode::kOriginMismatch, "origin");
  EXPECT_EQ(failed.error_or(fallback).code, ErrorCode::kOriginMismatch);
}

TEST(ResultTest, AndThenChainsOnSuccessAndPassesTheErrorOn) {
  auto half = [](int v) -> Result<std::string> {
    if (v % 2 != 0) return Unexpected(ErrorCode::kInvalidArgument, "odd");
    return std::to_string(v / 2);
  };
  Result<std::string> chained = Ok(8).and_then(half);
  ASSERT_THAT(chained, IsOk());
  EXPECT_EQ(*chained, "4");
  EXPECT_THAT(Ok(7).and_then(half), HasError(ErrorCode::kInvalidArgument));
  int calls = 0;
  auto counted = [&](int v) {
    ++calls;
    return Ok(v);
  };
  Result<int> skipped = Failed(ErrorCode::kSignatureInvalid).and_then(counted);
  EXPECT_THAT(skipped, HasError(ErrorCode::kSignatureInvalid));
  EXPECT_EQ(skipped.error().message, "failed");
  EXPECT_EQ(calls, 0);

  // Status: a function of no argument.
  Result<int> after_status = OkStatus().and_then([] { return Ok(2); });
  EXPECT_EQ(*after_status, 2);
  const Status failed_status = Unexpected(ErrorCode::kUserNotPresent, "up");
  EXPECT_THAT(failed_status.and_then([] { return Ok(2); }), HasError(ErrorCode::kUserNotPresent));
}

TEST(ResultTest, TransformMapsTheValueAndKeepsTheError) {
  Result<std::string> text = Ok(12).transform([](int v) { return std::to_string(v); });
  ASSERT_THAT(text, IsOk());
  EXPECT_EQ(*text, "12");
  EXPECT_THAT(Failed(ErrorCode::kRpIdMismatch).transform([](int v) { return v + 1; }),
              HasError(ErrorCode::kRpIdMismatch));

  // A function returning void gives a Status.
  int seen = 0;
  Status status = Ok(3).transform([&](int v) { seen = v; });
  EXPECT_THAT(status, IsOk());
  EXPECT_EQ(seen, 3);

  // On an rvalue the value is moved into the function.
  Result<std::unique_ptr<int>> owned = std::make_unique<int>(11);
  Result<int> moved = std::move(owned).transform([](std::unique_ptr<int> p) { return *p; });
  EXPECT_EQ(*moved, 11);

  Result<int> from_status = OkStatus().transform([] { return 5; });
  EXPECT_EQ(*from_status, 5);
  const Status failed_status = Unexpected(ErrorCode::kTypeMismatch, "type");
  EXPECT_THAT(failed_status.transform([] { return 5; }), HasError(ErrorCode::kTypeMismatch));
}

TEST(ResultTest, OrElseRecoversOrReplacesTheError) {
  auto recover = [](const Error& error) -> Result<int> {
    if (error.code == ErrorCode::kUnavailable) return 0;
    return Unexpected(ErrorCode::kInternal, "wrapped: " + error.message);
  };
  EXPECT_EQ(*Ok(6).or_else(recover), 6);
  EXPECT_EQ(*Failed(ErrorCode::kUnavailable).or_else(recover), 0);
  Result<int> replaced = Failed(ErrorCode::kMalformedCbor).or_else(recover);
  EXPECT_THAT(replaced, HasError(ErrorCode::kInternal));
  EXPECT_EQ(replaced.error().message, "wrapped: failed");

  const Status failed_status = Unexpected(ErrorCode::kUnavailable, "later");
  EXPECT_THAT(failed_status.or_else([](const Error&) { return OkStatus(); }), IsOk());
  EXPECT_THAT(OkStatus().or_else([](const Error&) -> Status {
    return Unexpected(ErrorCode::kInternal, "not called");
  }),
              IsOk());
}

TEST(ResultTest, ErrorCodeStreamsAsItsStableName) {
  std::ostringstream out;
  out << ErrorCode::kChallengeMismatch << ' ' << ErrorCode::kUnavailable << ' '
      << static_cast<ErrorCode>(0);
  EXPECT_EQ(out.str(), "challenge_mismatch unavailable unknown_error");
}

TEST(ResultTest, ParseErrorCodeInvertsErrorCodeName) {
  for (const ErrorCode code : {ErrorCode::kInvalidArgument, ErrorCode::kMalformedResponse,
                               ErrorCode::kUserHandleMissing, ErrorCode::kUnavailable}) {
    const Result<ErrorCode> parsed = ParseErrorCode(ErrorCodeName(code));
    ASSERT_THAT(parsed, IsOk()) << ErrorCodeName(code);
    EXPECT_EQ(*parsed, code);
  }
  for (const char* name : {"", "unknown_error", "Invalid_Argument", "invalid_argument "}) {
    EXPECT_THAT(ParseErrorCode(name), HasError(ErrorCode::kInvalidArgument)) << name;
  }
}

#if defined(__cpp_lib_format)
TEST(ResultTest, ErrorCodeFormatsAsItsStableName) {
  EXPECT_EQ(std::format("{}", ErrorCode::kOriginMismatch), "origin_mismatch");
  EXPECT_EQ(std::format("[{:>10}]", ErrorCode::kInternal), "[internal_error]");
  EXPECT_EQ(std::format("[{:>16}]", ErrorCode::kInternal), "[  internal_error]");
}
#endif

}  // namespace
}  // namespace passkey
