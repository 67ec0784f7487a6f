// ParseAuthenticatorData (WebAuthn L3 §6.1): fixed header, attested
// credential data located by bytes consumed, extensions, and the AT/ED
// invariants.
#include "webauthn/authenticator_data.h"

#include <cstdint>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "internal/limits.h"
#include "test_util.h"
#include "webauthn/cose_key.h"

namespace passkey::internal {
namespace {

using test::Hex;
using test::ToHex;

constexpr std::uint8_t kUp = kFlagUserPresent;
constexpr std::uint8_t kUv = kFlagUserVerified;
constexpr std::uint8_t kAt = kFlagAttestedData;
constexpr std::uint8_t kEd = kFlagExtensionData;

// A P-256 COSE_Key written out by hand: {1: 2, 3: -7, -1: 1, -2: x, -3: y}
// with the curve's generator as the point.
const Bytes kCoseKey =
    Hex("a5"
        "0102"    // kty: EC2
        "0326"    // alg: ES256
        "2001"    // crv: P-256
        "215820"  // x
        "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
        "225820"  // y
        "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");

const Bytes kAaguid = Hex("adce000235bcc60a648b0b25f1f05503");
const Bytes kCredentialId = Hex("0102030405060708090a0b0c0d0e0f10");

// {"credProtect": 2}
const Bytes kExtensions = Hex("a16b6372656450726f7465637402");

Bytes RpIdHash() {
  Bytes out(32);
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<std::uint8_t>(0xa0 + i);
  }
  return out;
}

// Header: rpIdHash ‖ flags ‖ signCount (big-endian).
Bytes Header(std::uint8_t flags, std::uint32_t sign_count = 0) {
  Bytes out = RpIdHash();
  out.push_back(flags);
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<std::uint8_t>(sign_count >> shift));
  }
  return out;
}

// Attested credential data: aaguid ‖ credentialIdLength ‖ credentialId ‖ key.
Bytes Attested(const Bytes& credential_id = kCredentialId, const Bytes& key = kCoseKey) {
  Bytes out = kAaguid;
  out.push_back(static_cast<std::uint8_t>(credential_id.size() >> 8));
  out.push_back(static_cast<std::uint8_t>(credential_id.size()));
  out.insert(out.end(), credential_id.begin(), credential_id.end());
  out.insert(out.end(), key.begin(), key.end());
  return out;
}

Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& part : parts) {
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

// --- Fixed header ------------------------------------------------------------

TEST(AuthenticatorDataTest, ParsesMinimal37Bytes) {
  const Bytes data = Header(kUp | kUv, 0x01020304);
  ASSERT_EQ(data.size(), 37u);
  auto parsed = ParseAuthenticatorData(data);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(ToHex(parsed->rp_id_hash), ToHex(RpIdHash()));
  EXPECT_EQ(parsed->flags, kUp | kUv);
  EXPECT_TRUE(parsed->user_present);
  EXPECT_TRUE(parsed->user_verified);
  EXPECT_FALSE(parsed->backup_eligible);
  EXPECT_FALSE(parsed->backup_state);
  EXPECT_EQ(parsed->sign_count, 0x01020304u);
  EXPECT_FALSE(parsed->attested_credential_data.has_value());
  EXPECT_FALSE(parsed->extensions.has_value());
}

TEST(AuthenticatorDataTest, SignCountIsBigEndian) {
  auto parsed = ParseAuthenticatorData(Header(kUp, 0xfffffffe));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->sign_count, 0xfffffffeu);
  auto one = ParseAuthenticatorData(Header(kUp, 1));
  ASSERT_THAT(one, IsOk());
  EXPECT_EQ(one->sign_count, 1u);
}

TEST(AuthenticatorDataTest, DecodesEachFlagBitSeparately) {
  const struct {
    std::uint8_t flags;
    bool up, uv, be, bs;
  } kCases[] = {
      {0x00, false, false, false, false},
      {0x01, true, false, false, false},
      {0x04, false, true, false, false},
      {0x08, false, false, true, false},
      {0x10, false, false, false, true},
      {0x1d, true, true, true, true},
      // Reserved bits 1 and 5 are kept in the raw byte but mean nothing.
      {0x22, false, false, false, false},
  };
  for (const auto& c : kCases) {
    auto parsed = ParseAuthenticatorData(Header(c.flags));
    ASSERT_THAT(parsed, IsOk()) << int{c.flags};
    EXPECT_EQ(parsed->flags, c.flags);
    EXPECT_EQ(parsed->user_present, c.up) << int{c.flags};
    EXPECT_EQ(parsed->user_verified, c.uv) << int{c.flags};
    EXPECT_EQ(parsed->backup_eligible, c.be) << int{c.flags};
    EXPECT_EQ(parsed->backup_state, c.bs) << int{c.flags};
  }
}

TEST(AuthenticatorDataTest, BackupStateWithoutEligibleIsLeftToTheCeremony) {
  // BS=1, BE=0 parses; the ceremonies report backup_flags_invalid.
  auto parsed = ParseAuthenticatorData(Header(kUp | kFlagBackupState));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_TRUE(parsed->backup_state);
  EXPECT_FALSE(parsed->backup_eligible);
}

TEST(AuthenticatorDataTest, RejectsTruncationAtEveryLengthBelow37) {
  const Bytes data = Header(kUp, 7);
  for (std::size_t n = 0; n < data.size(); ++n) {
    EXPECT_THAT(ParseAuthenticatorData(ByteView(data).first(n)),
                HasError(ErrorCode::kMalformedAuthenticatorData))
        << "length " << n;
  }
}

TEST(AuthenticatorDataTest, RejectsInputLargerThanTheLimit) {
  Bytes data = Concat({Header(kUp | kAt), Attested()});
  data.resize(kMaxAuthenticatorDataBytes + 1, 0x00);
  EXPECT_THAT(ParseAuthenticatorData(data), HasError(ErrorCode::kMalformedAuthenticatorData));
}

// --- Attested credential data -------------------------------------------------

TEST(AuthenticatorDataTest, ParsesAttestedCredentialData) {
  const Bytes data = Concat({Header(kUp | kUv | kAt, 0), Attested()});
  auto parsed = ParseAuthenticatorData(data);
  ASSERT_THAT(parsed, IsOk());
  ASSERT_TRUE(parsed->attested_credential_data.has_value());
  const auto& attested = *parsed->attested_credential_data;
  EXPECT_EQ(attested.aaguid.ToString(), "adce0002-35bc-c60a-648b-0b25f1f05503");
  EXPECT_EQ(ToHex(attested.credential_id), ToHex(kCredentialId));
  EXPECT_EQ(attested.credential_id.data(), data.data() + 37 + 16 + 2);
  EXPECT_FALSE(parsed->extensions.has_value());
}

TEST(AuthenticatorDataTest, CoseKeySpanIsExactlyTheKeyBytes) {
  const Bytes data = Concat({Header(kUp | kAt), Attested()});
  auto parsed = ParseAuthenticatorData(data);
  ASSERT_THAT(parsed, IsOk());
  const ByteView key = parsed->attested_credential_data->credential_public_key;
  EXPECT_EQ(key.data(), data.data() + 37 + 16 + 2 + kCredentialId.size());
  EXPECT_EQ(key.size(), kCoseKey.size());
  EXPECT_EQ(ToHex(key), ToHex(kCoseKey));
}

TEST(AuthenticatorDataTest, CoseKeySpanKeepsNonCanonicalEncoding) {
  // The same key with kty written as a one-byte-argument integer (0x1802)
  // and members out of canonical order: the span must be the bytes as sent.
  const Bytes key =
      Hex("a503260118022001"
          "2158206b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
          "2258204fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");
  const Bytes data = Concat({Header(kUp | kAt), Attested(kCredentialId, key)});
  auto parsed = ParseAuthenticatorData(data);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(ToHex(parsed->attested_credential_data->credential_public_key), ToHex(key));
}

TEST(AuthenticatorDataTest, RejectsTruncationAtEveryByteInsideAttestedData) {
  const Bytes data = Concat({Header(kUp | kAt), Attested()});
  for (std::size_t n = 37; n < data.size(); ++n) {
    EXPECT_THAT(ParseAuthenticatorData(ByteView(data).first(n)),
                HasError(ErrorCode::kMalformedAuthenticatorData))
        << "length " << n;
  }
}

TEST(AuthenticatorDataTest, RejectsTrailingBytesAfterCoseKey) {
  for (const char* trailer : {"00", "ff", "a0", "0000000000"}) {
    const Bytes data = Concat({Header(kUp | kAt), Attested(), Hex(trailer)});
    EXPECT_THAT(ParseAuthenticatorData(data), HasError(ErrorCode::kMalformedAuthenticatorData))
        << trailer;
  }
}

TEST(AuthenticatorDataTest, RejectsAttestedFlagWithoutData) {
  EXPECT_THAT(ParseAuthenticatorData(Header(kUp | kAt)),
              HasError(ErrorCode::kMalformedAuthenticatorData));
}

TEST(AuthenticatorDataTest, RejectsAttestedDataWithAttestedFlagClear) {
  const Bytes data = Concat({Header(kUp), Attested()});
  EXPECT_THAT(ParseAuthenticatorData(data), HasError(ErrorCode::kMalformedAuthenticatorData));
}

TEST(AuthenticatorDataTest, RejectsZeroCredentialIdLength) {
  const Bytes data = Concat({Header(kUp | kAt), Attested(Bytes{})});
  EXPECT_THAT(ParseAuthenticatorData(data), HasError(ErrorCode::kMalformedAuthenticatorData));
}

TEST(AuthenticatorDataTest, RejectsCredentialIdLengthBeyondInput) {
  // credentialIdLength 0xffff with a 16-byte ID and a key behind it.
  Bytes attested = Attested();
  attested[16] = 0xff;
  attested[17] = 0xff;
  const Bytes data = Concat({Header(kUp | kAt), attested});
  EXPECT_THAT(ParseAuthenticatorData(data), HasError(ErrorCode::kMalformedAuthenticatorData));
}

TEST(AuthenticatorDataTest, AcceptsLongCredentialId) {
  // Length is a ceremony check (credential_id_too_long), not a parse error.
  const Bytes id(1023, 0x42);
  const Bytes data = Concat({Header(kUp | kAt), Attested(id)});
  auto parsed = ParseAuthenticatorData(data);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->attested_credential_data->credential_id.size(), 1023u);
}

TEST(AuthenticatorDataTest, LeavesCoseKeyThatIsNotAMapToImportCoseKey) {
  // authData parsing only needs the key's extent; what the key says is
  // ImportCoseKey's job, which reports invalid_public_key.
  for (const char* key : {"80", "8101", "4401020304", "6161", "01", "f6"}) {
    const Bytes key_bytes = Hex(key);
    const Bytes data = Concat({Header(kUp | kAt), Attested(kCredentialId, key_bytes)});
    auto parsed = ParseAuthenticatorData(data);
    ASSERT_THAT(parsed, IsOk()) << key;
    const ByteView span = parsed->attested_credential_data->credential_public_key;
    EXPECT_EQ(ToHex(span), key);
    EXPECT_THAT(ImportCoseKey(span), HasError(ErrorCode::kInvalidPublicKey)) << key;
  }
}

TEST(AuthenticatorDataTest, LeavesDuplicateCoseKeyLabelsToImportCoseKey) {
  // The P-256 key with kty given twice: the extent is still exact.
  Bytes key = kCoseKey;
  key[0] = 0xa6;
  key.push_back(0x01);
  key.push_back(0x02);
  const Bytes data = Concat({Header(kUp | kAt), Attested(kCredentialId, key)});
  auto parsed = ParseAuthenticatorData(data);
  ASSERT_THAT(parsed, IsOk());
  const ByteView span = parsed->attested_credential_data->credential_public_key;
  EXPECT_EQ(span.size(), key.size());
  EXPECT_THAT(ImportCoseKey(span), HasError(ErrorCode::kInvalidPublicKey));
  // Without the duplicate the same key imports.
  EXPECT_THAT(ImportCoseKey(kCoseKey), IsOk());
}

TEST(AuthenticatorDataTest, RejectsBadCborInCoseKey) {
  for (const char* key : {
           "bf0102ff",                // indefinite map
           "c0a0",                    // tag
           "a101fa3f800000",          // float value
           "a1410002",                // byte-string key
           "a1800002",                // array key
           "a10162c080",              // invalid UTF-8
           "a101f7",                  // undefined
           "ff",                      // break
           "a5",                      // map with no entries at all
           "a1015bffffffffffffffff",  // absurd byte-string length
       }) {
    const Bytes data = Concat({Header(kUp | kAt), Attested(kCredentialId, Hex(key))});
    EXPECT_THAT(ParseAuthenticatorData(data), HasError(ErrorCode::kMalformedAuthenticatorData))
        << key;
  }
}

TEST(AuthenticatorDataTest, RejectsCoseKeyOverCborLimitsAsMalformed) {
  // {1: [[[[[[[[[0]]]]]]]]]}: deeper than the CBOR limit inside the key; the
  // code is the enclosing structure's.
  Bytes key = Hex("a101");
  key.insert(key.end(), static_cast<std::size_t>(kMaxCborDepth) + 1, 0x81);
  key.push_back(0x00);
  const Bytes data = Concat({Header(kUp | kAt), Attested(kCredentialId, key)});
  EXPECT_THAT(ParseAuthenticatorData(data), HasError(ErrorCode::kMalformedAuthenticatorData));
}

// --- Extensions ----------------------------------------------------------------

TEST(AuthenticatorDataTest, ParsesExtensionsWithExactSpan) {
  const Bytes data = Concat({Header(kUp | kEd), kExtensions});
  auto parsed = ParseAuthenticatorData(data);
  ASSERT_THAT(parsed, IsOk());
  ASSERT_TRUE(parsed->extensions.has_value());
  EXPECT_EQ(parsed->extensions->data(), data.data() + 37);
  EXPECT_EQ(ToHex(*parsed->extensions), ToHex(kExtensions));
  EXPECT_FALSE(parsed->attested_credential_data.has_value());
}

TEST(AuthenticatorDataTest, ParsesAttestedDataFollowedByExtensions) {
  const Bytes attested = Attested();
  const Bytes data = Concat({Header(kUp | kAt | kEd), attested, kExtensions});
  auto parsed = ParseAuthenticatorData(data);
  ASSERT_THAT(parsed, IsOk());
  ASSERT_TRUE(parsed->attested_credential_data.has_value());
  EXPECT_EQ(ToHex(parsed->attested_credential_data->credential_public_key), ToHex(kCoseKey));
  ASSERT_TRUE(parsed->extensions.has_value());
  EXPECT_EQ(parsed->extensions->data(), data.data() + 37 + attested.size());
  EXPECT_EQ(ToHex(*parsed->extensions), ToHex(kExtensions));
}

TEST(AuthenticatorDataTest, AcceptsEmptyExtensionsMap) {
  const Bytes data = Concat({Header(kUp | kEd), Hex("a0")});
  auto parsed = ParseAuthenticatorData(data);
  ASSERT_THAT(parsed, IsOk());
  ASSERT_TRUE(parsed->extensions.has_value());
  EXPECT_EQ(ToHex(*parsed->extensions), "a0");
}

TEST(AuthenticatorDataTest, RejectsExtensionFlagWithoutExtensions) {
  EXPECT_THAT(ParseAuthenticatorData(Header(kUp | kEd)),
              HasError(ErrorCode::kMalformedAuthenticatorData));
  const Bytes with_key = Concat({Header(kUp | kAt | kEd), Attested()});
  EXPECT_THAT(ParseAuthenticatorData(with_key), HasError(ErrorCode::kMalformedAuthenticatorData));
}

TEST(AuthenticatorDataTest, RejectsExtensionsWithExtensionFlagClear) {
  const Bytes data = Concat({Header(kUp), kExtensions});
  EXPECT_THAT(ParseAuthenticatorData(data), HasError(ErrorCode::kMalformedAuthenticatorData));
  const Bytes with_key = Concat({Header(kUp | kAt), Attested(), kExtensions});
  EXPECT_THAT(ParseAuthenticatorData(with_key), HasError(ErrorCode::kMalformedAuthenticatorData));
}

TEST(AuthenticatorDataTest, RejectsExtensionsThatAreNotAMap) {
  for (const char* extensions : {"80", "816161", "01", "4161", "6161", "f5"}) {
    const Bytes data = Concat({Header(kUp | kEd), Hex(extensions)});
    EXPECT_THAT(ParseAuthenticatorData(data), HasError(ErrorCode::kMalformedAuthenticatorData))
        << extensions;
  }
}

TEST(AuthenticatorDataTest, RejectsExtensionKeyThatIsNotText) {
  for (const char* extensions : {"a10102", "a12002", "a26161010202"}) {
    const Bytes data = Concat({Header(kUp | kEd), Hex(extensions)});
    EXPECT_THAT(ParseAuthenticatorData(data), HasError(ErrorCode::kMalformedAuthenticatorData))
        << extensions;
  }
}

TEST(AuthenticatorDataTest, RejectsTrailingBytesAfterExtensions) {
  const Bytes data = Concat({Header(kUp | kEd), kExtensions, Hex("00")});
  EXPECT_THAT(ParseAuthenticatorData(data), HasError(ErrorCode::kMalformedAuthenticatorData));
}

TEST(AuthenticatorDataTest, RejectsTruncationAtEveryByteInsideExtensions) {
  const Bytes data = Concat({Header(kUp | kEd), kExtensions});
  for (std::size_t n = 37; n < data.size(); ++n) {
    EXPECT_THAT(ParseAuthenticatorData(ByteView(data).first(n)),
                HasError(ErrorCode::kMalformedAuthenticatorData))
        << "length " << n;
  }
}

TEST(AuthenticatorDataTest, RejectsMalformedCborInExtensions) {
  for (const char* extensions : {"bfff", "a2616100616100", "a16161c000", "a1616162c080"}) {
    const Bytes data = Concat({Header(kUp | kEd), Hex(extensions)});
    EXPECT_THAT(ParseAuthenticatorData(data), HasError(ErrorCode::kMalformedAuthenticatorData))
        << extensions;
  }
}

}  // namespace
}  // namespace passkey::internal
