// ParseAttestationObject (WebAuthn L3 §6.5.4): exactly {fmt, attStmt,
// authData}, CBOR, nothing after it.
#include "webauthn/attestation_object.h"

#include <cstdint>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "internal/limits.h"
#include "test_util.h"

namespace passkey::internal {
namespace {

using test::Hex;
using test::ToHex;

// Text keys and values as CBOR.
const char kFmt[] = "63666d74";                 // "fmt"
const char kAttStmt[] = "6761747453746d74";     // "attStmt"
const char kAuthData[] = "686175746844617461";  // "authData"
const char kNone[] = "646e6f6e65";              // "none"
const char kPacked[] = "667061636b6564";        // "packed"
const char kEmptyMap[] = "a0";

// A 37-byte authData: rpIdHash(32) ‖ flags 0x05 ‖ signCount 0.
std::string AuthDataHex() { return std::string("5825") + std::string(64, '1') + "05" + "00000000"; }

std::string Map(int entries, std::initializer_list<std::string> parts) {
  std::string out = ToHex(Bytes{static_cast<std::uint8_t>(0xa0 + entries)});
  for (const auto& part : parts) {
    out += part;
  }
  return out;
}

Bytes ValidNone() {
  return Hex(Map(3, {kFmt, kNone, kAttStmt, kEmptyMap, kAuthData, AuthDataHex()}));
}

TEST(AttestationObjectTest, ParsesNoneAttestation) {
  const Bytes input = ValidNone();
  auto parsed = ParseAttestationObject(input);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->fmt, "none");
  EXPECT_TRUE(parsed->att_stmt.is_map());
  EXPECT_TRUE(parsed->att_stmt.map().empty());
  ASSERT_EQ(parsed->auth_data.size(), 37u);
  EXPECT_EQ(ToHex(parsed->auth_data), std::string(64, '1') + "0500000000");
}

TEST(AttestationObjectTest, AuthDataIsAViewOfTheExactInputBytes) {
  const Bytes input = ValidNone();
  auto parsed = ParseAttestationObject(input);
  ASSERT_THAT(parsed, IsOk());
  // authData's payload is the last 37 bytes of the input.
  EXPECT_EQ(parsed->auth_data.data(), input.data() + input.size() - 37);
}

TEST(AttestationObjectTest, ParsesPackedStatementMembers) {
  // attStmt: {"alg": -7, "sig": h'3044'}
  const std::string att_stmt = "a263616c672663736967423044";
  const Bytes input = Hex(Map(3, {kFmt, kPacked, kAttStmt, att_stmt, kAuthData, AuthDataHex()}));
  auto parsed = ParseAttestationObject(input);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->fmt, "packed");
  ASSERT_NE(parsed->att_stmt.Find("alg"), nullptr);
  EXPECT_EQ(parsed->att_stmt.Find("alg")->AsInt64(), -7);
  ASSERT_NE(parsed->att_stmt.Find("sig"), nullptr);
  EXPECT_EQ(ToHex(parsed->att_stmt.Find("sig")->bytes()), "3044");
}

// L3 §8.9: the compound format's attStmt is an array of statements; every
// other format's is a map. (Found by the attestation_object fuzz target,
// whose invariant had not learnt the compound case.)
const char kCompound[] = "68636f6d706f756e64";  // "compound"

TEST(AttestationObjectTest, ParsesCompoundStatementArray) {
  // attStmt: [{}, {}] (the elements are checked by the compound verifier).
  const Bytes input = Hex(Map(3, {kFmt, kCompound, kAttStmt, "82a0a0", kAuthData, AuthDataHex()}));
  auto parsed = ParseAttestationObject(input);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->fmt, "compound");
  ASSERT_TRUE(parsed->att_stmt.is_array());
  EXPECT_EQ(parsed->att_stmt.array().size(), 2u);
}

TEST(AttestationObjectTest, RejectsCompoundWithAttStmtMap) {
  const Bytes input = Hex(Map(3, {kFmt, kCompound, kAttStmt, kEmptyMap, kAuthData, AuthDataHex()}));
  EXPECT_THAT(ParseAttestationObject(input), HasError(ErrorCode::kMalformedAttestationObject));
}

TEST(AttestationObjectTest, RejectsAttStmtArrayForOtherFormats) {
  for (const char* fmt : {kNone, kPacked}) {
    const Bytes input = Hex(Map(3, {kFmt, fmt, kAttStmt, "82a0a0", kAuthData, AuthDataHex()}));
    EXPECT_THAT(ParseAttestationObject(input), HasError(ErrorCode::kMalformedAttestationObject))
        << fmt;
  }
}

TEST(AttestationObjectTest, AcceptsAnyMemberOrder) {
  const Bytes input = Hex(Map(3, {kAuthData, AuthDataHex(), kAttStmt, kEmptyMap, kFmt, kNone}));
  auto parsed = ParseAttestationObject(input);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->fmt, "none");
  EXPECT_EQ(parsed->auth_data.size(), 37u);
}

TEST(AttestationObjectTest, AcceptsEmptyAuthDataBytes) {
  // authData is parsed later by the ceremony; here it is only bytes.
  const Bytes input = Hex(Map(3, {kFmt, kNone, kAttStmt, kEmptyMap, kAuthData, "40"}));
  auto parsed = ParseAttestationObject(input);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_TRUE(parsed->auth_data.empty());
}

TEST(AttestationObjectTest, RejectsMissingFmt) {
  const Bytes input = Hex(Map(2, {kAttStmt, kEmptyMap, kAuthData, AuthDataHex()}));
  EXPECT_THAT(ParseAttestationObject(input), HasError(ErrorCode::kMalformedAttestationObject));
}

TEST(AttestationObjectTest, RejectsMissingAttStmt) {
  const Bytes input = Hex(Map(2, {kFmt, kNone, kAuthData, AuthDataHex()}));
  EXPECT_THAT(ParseAttestationObject(input), HasError(ErrorCode::kMalformedAttestationObject));
}

TEST(AttestationObjectTest, RejectsMissingAuthData) {
  const Bytes input = Hex(Map(2, {kFmt, kNone, kAttStmt, kEmptyMap}));
  EXPECT_THAT(ParseAttestationObject(input), HasError(ErrorCode::kMalformedAttestationObject));
}

TEST(AttestationObjectTest, RejectsEmptyMap) {
  EXPECT_THAT(ParseAttestationObject(Hex("a0")), HasError(ErrorCode::kMalformedAttestationObject));
}

TEST(AttestationObjectTest, RejectsFmtOfWrongType) {
  for (const char* fmt : {"01", "446e6f6e65", "60", "f6", "816161", "a0"}) {
    const Bytes input = Hex(Map(3, {kFmt, fmt, kAttStmt, kEmptyMap, kAuthData, AuthDataHex()}));
    EXPECT_THAT(ParseAttestationObject(input), HasError(ErrorCode::kMalformedAttestationObject))
        << fmt;
  }
}

TEST(AttestationObjectTest, RejectsAttStmtOfWrongType) {
  for (const char* att_stmt : {"80", "40", "60", "f6", "01", "f5"}) {
    const Bytes input = Hex(Map(3, {kFmt, kNone, kAttStmt, att_stmt, kAuthData, AuthDataHex()}));
    EXPECT_THAT(ParseAttestationObject(input), HasError(ErrorCode::kMalformedAttestationObject))
        << att_stmt;
  }
}

TEST(AttestationObjectTest, RejectsAuthDataOfWrongType) {
  for (const char* auth_data : {"6161", "a0", "80", "01", "f6"}) {
    const Bytes input = Hex(Map(3, {kFmt, kNone, kAttStmt, kEmptyMap, kAuthData, auth_data}));
    EXPECT_THAT(ParseAttestationObject(input), HasError(ErrorCode::kMalformedAttestationObject))
        << auth_data;
  }
}

TEST(AttestationObjectTest, RejectsUnknownExtraMember) {
  // "epAtt" (a CTAP-level member) and an integer key.
  const Bytes text_key = Hex(
      Map(4, {kFmt, kNone, kAttStmt, kEmptyMap, kAuthData, AuthDataHex(), "656570417474", "f5"}));
  EXPECT_THAT(ParseAttestationObject(text_key), HasError(ErrorCode::kMalformedAttestationObject));
  const Bytes int_key =
      Hex(Map(4, {kFmt, kNone, kAttStmt, kEmptyMap, kAuthData, AuthDataHex(), "01", "00"}));
  EXPECT_THAT(ParseAttestationObject(int_key), HasError(ErrorCode::kMalformedAttestationObject));
}

TEST(AttestationObjectTest, RejectsCtapIntegerKeyedForm) {
  // CTAP2's authenticatorMakeCredential response {1: fmt, 2: authData, 3:
  // attStmt} is not an attestation object.
  const Bytes input = Hex("a301" + std::string(kNone) + "02" + AuthDataHex() + "03a0");
  EXPECT_THAT(ParseAttestationObject(input), HasError(ErrorCode::kMalformedAttestationObject));
}

TEST(AttestationObjectTest, RejectsEmptyInput) {
  EXPECT_THAT(ParseAttestationObject(ByteView()), HasError(ErrorCode::kMalformedAttestationObject));
}

TEST(AttestationObjectTest, RejectsTrailingBytes) {
  for (const char* trailer : {"00", "a0", "ff", "0000"}) {
    Bytes input = ValidNone();
    const Bytes extra = Hex(trailer);
    input.insert(input.end(), extra.begin(), extra.end());
    EXPECT_THAT(ParseAttestationObject(input), HasError(ErrorCode::kMalformedAttestationObject))
        << trailer;
  }
}

TEST(AttestationObjectTest, RejectsEveryTruncation) {
  const Bytes input = ValidNone();
  for (std::size_t n = 0; n < input.size(); ++n) {
    EXPECT_THAT(ParseAttestationObject(ByteView(input).first(n)),
                HasError(ErrorCode::kMalformedAttestationObject))
        << n;
  }
}

TEST(AttestationObjectTest, RejectsDuplicateKey) {
  const Bytes dup_fmt =
      Hex(Map(4, {kFmt, kNone, kAttStmt, kEmptyMap, kAuthData, AuthDataHex(), kFmt, kPacked}));
  EXPECT_THAT(ParseAttestationObject(dup_fmt), HasError(ErrorCode::kMalformedAttestationObject));
  const Bytes dup_auth_data =
      Hex(Map(4, {kFmt, kNone, kAuthData, "40", kAttStmt, kEmptyMap, kAuthData, AuthDataHex()}));
  EXPECT_THAT(ParseAttestationObject(dup_auth_data),
              HasError(ErrorCode::kMalformedAttestationObject));
}

TEST(AttestationObjectTest, RejectsDuplicateKeyInsideAttStmt) {
  const std::string att_stmt = "a263616c672663616c6726";
  const Bytes input = Hex(Map(3, {kFmt, kPacked, kAttStmt, att_stmt, kAuthData, AuthDataHex()}));
  EXPECT_THAT(ParseAttestationObject(input), HasError(ErrorCode::kMalformedAttestationObject));
}

TEST(AttestationObjectTest, RejectsNonMap) {
  for (const char* hex : {"80", "83646e6f6e65a040", "40", "6161", "01", "f6", "c0a0"}) {
    EXPECT_THAT(ParseAttestationObject(Hex(hex)), HasError(ErrorCode::kMalformedAttestationObject))
        << hex;
  }
}

TEST(AttestationObjectTest, RejectsIndefiniteLengthMap) {
  const Bytes input = Hex("bf" + std::string(kFmt) + kNone + kAttStmt + kEmptyMap + kAuthData +
                          AuthDataHex() + "ff");
  EXPECT_THAT(ParseAttestationObject(input), HasError(ErrorCode::kMalformedAttestationObject));
}

TEST(AttestationObjectTest, ReportsCborLimitsAsMalformedAttestationObject) {
  // attStmt: {"x5c": [[[…[0]…]]]}, deeper than the CBOR limit.
  std::string att_stmt = "a163783563";
  for (int i = 0; i <= kMaxCborDepth; ++i) {
    att_stmt += "81";
  }
  att_stmt += "00";
  const Bytes input = Hex(Map(3, {kFmt, kPacked, kAttStmt, att_stmt, kAuthData, AuthDataHex()}));
  EXPECT_THAT(ParseAttestationObject(input), HasError(ErrorCode::kMalformedAttestationObject));
}

TEST(AttestationObjectTest, AcceptsExactlyTheSizeLimit) {
  // authData as a byte string with a 4-byte length sized to hit the limit.
  const std::string prefix = Map(3, {kFmt, kNone, kAttStmt, kEmptyMap, kAuthData});
  const std::size_t head = prefix.size() / 2 + 5;  // + 0x5a and 4 length bytes
  const std::size_t payload = kMaxAttestationObjectBytes - head;
  Bytes input = Hex(prefix);
  input.push_back(0x5a);
  for (int shift = 24; shift >= 0; shift -= 8) {
    input.push_back(static_cast<std::uint8_t>(payload >> shift));
  }
  input.resize(input.size() + payload, 0x11);
  ASSERT_EQ(input.size(), kMaxAttestationObjectBytes);
  auto parsed = ParseAttestationObject(input);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->auth_data.size(), payload);
}

TEST(AttestationObjectTest, RejectsMoreThanTheSizeLimit) {
  const std::string prefix = Map(3, {kFmt, kNone, kAttStmt, kEmptyMap, kAuthData});
  const std::size_t head = prefix.size() / 2 + 5;
  const std::size_t payload = kMaxAttestationObjectBytes + 1 - head;
  Bytes input = Hex(prefix);
  input.push_back(0x5a);
  for (int shift = 24; shift >= 0; shift -= 8) {
    input.push_back(static_cast<std::uint8_t>(payload >> shift));
  }
  input.resize(input.size() + payload, 0x11);
  ASSERT_EQ(input.size(), kMaxAttestationObjectBytes + 1);
  EXPECT_THAT(ParseAttestationObject(input), HasError(ErrorCode::kMalformedAttestationObject));
}

}  // namespace
}  // namespace passkey::internal
