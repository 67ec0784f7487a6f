// Test helpers: exact-error matchers, hex, test data files.
#ifndef PASSKEY_TESTS_TEST_UTIL_H_
#define PASSKEY_TESTS_TEST_UTIL_H_

#include <optional>
#include <string>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <passkey/passkey.h>

namespace passkey::test {

// Hex decodes lowercase/uppercase hex (spaces ignored); aborts the test
// binary on a malformed literal (a bug in the test, not in the code).
Bytes Hex(std::string_view hex);
std::string ToHex(ByteView bytes);

// CborHead encodes a CBOR major type and argument in preferred (shortest)
// form, for hand-written CBOR in tests.
Bytes CborHead(std::uint8_t major, std::uint64_t value);

// ReadFile returns the file's bytes or nullopt.
std::optional<std::string> ReadFile(const std::string& path);
// TestdataPath: PASSKEY_TESTDATA_DIR + "/" + relative.
std::string TestdataPath(std::string_view relative);
// SharedVectorsDir: $PASSKEY_VECTORS_DIR, else the configured ../shared/vectors;
// nullopt when the directory does not exist.
std::optional<std::string> SharedVectorsDir();

}  // namespace passkey::test

// HasError(code): matches a Result/Status that failed with exactly `code`.
// There is deliberately no "fails somehow" matcher.
MATCHER_P(HasError, code,
          std::string("fails with ") +
              std::string(passkey::ErrorCodeName(code))) {
  if (arg.has_value()) {
    *result_listener << "which succeeded";
    return false;
  }
  *result_listener << "which failed with "
                   << passkey::ErrorCodeName(arg.error().code) << ": "
                   << arg.error().message;
  return arg.error().code == code;
}

// IsOk(): matches a Result/Status that succeeded.
MATCHER(IsOk, "succeeds") {
  if (!arg.has_value()) {
    *result_listener << "which failed with "
                     << passkey::ErrorCodeName(arg.error().code) << ": "
                     << arg.error().message;
    return false;
  }
  return true;
}

#endif  // PASSKEY_TESTS_TEST_UTIL_H_
