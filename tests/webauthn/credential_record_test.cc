// CredentialRecord JSON (version 1), device type derivation, and the ISO
// 8601 timestamps the record stores.
#include <cstdint>
#include <optional>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <passkey/credential_record.h>

#include "test_util.h"

namespace passkey {
namespace {

using nlohmann::json;
using test::Hex;

CredentialRecord FullRecord() {
  CredentialRecord record;
  record.id = Hex("0102030405060708090a0b0c0d0e0f10");
  record.public_key =
      Hex("a5010203262001215820"
          "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
          "225820"
          "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");
  record.algorithm = CoseAlgorithm::kEs256;
  record.sign_count = 42;
  record.uv_initialized = true;
  record.transports = {"internal", "hybrid"};
  record.backup_eligible = true;
  record.backup_state = true;
  record.attachment = Attachment::kPlatform;
  record.aaguid = *Aaguid::Parse("adce0002-35bc-c60a-648b-0b25f1f05503");
  record.attestation_format = "packed";
  record.attestation_type = "basic";
  record.attestation_trusted = true;
  record.revocation_checked = true;
  record.rp_id = "example.com";
  record.attestation_object = Hex("a363666d74646e6f6e656761747453746d74a068617574684461746140");
  record.client_data_json = Hex("7b2274797065223a22776562617574686e2e637265617465227d");
  record.created_at = 1700000000;
  record.last_used_at = 1700003600;
  return record;
}

void ExpectSameRecord(const CredentialRecord& a, const CredentialRecord& b) {
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.public_key, b.public_key);
  EXPECT_EQ(a.algorithm, b.algorithm);
  EXPECT_EQ(a.sign_count, b.sign_count);
  EXPECT_EQ(a.uv_initialized, b.uv_initialized);
  EXPECT_EQ(a.transports, b.transports);
  EXPECT_EQ(a.backup_eligible, b.backup_eligible);
  EXPECT_EQ(a.backup_state, b.backup_state);
  EXPECT_EQ(a.attachment, b.attachment);
  EXPECT_EQ(a.aaguid, b.aaguid);
  EXPECT_EQ(a.attestation_format, b.attestation_format);
  EXPECT_EQ(a.attestation_type, b.attestation_type);
  EXPECT_EQ(a.attestation_trusted, b.attestation_trusted);
  EXPECT_EQ(a.revocation_checked, b.revocation_checked);
  EXPECT_EQ(a.rp_id, b.rp_id);
  EXPECT_EQ(a.attestation_object, b.attestation_object);
  EXPECT_EQ(a.client_data_json, b.client_data_json);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.last_used_at, b.last_used_at);
}

// Minimal: {"id": "AQID", "publicKey": "pQ"} plus `extra` members.
std::string Minimal(std::string_view extra = "") {
  std::string out = R"({"id":"AQID","publicKey":"pQECAyYg")";
  if (!extra.empty()) {
    out += ",";
    out += extra;
  }
  out += "}";
  return out;
}

// --- Round trips -------------------------------------------------------------

TEST(CredentialRecordTest, RoundTripsEveryField) {
  const CredentialRecord record = FullRecord();
  const std::string text = CredentialRecordToJson(record);
  auto parsed = CredentialRecordFromJson(text);
  ASSERT_THAT(parsed, IsOk()) << text;
  ExpectSameRecord(*parsed, record);
  // Serialising again gives the same text.
  EXPECT_EQ(CredentialRecordToJson(*parsed), text);
}

TEST(CredentialRecordTest, WritesCamelCaseMembers) {
  const json j = json::parse(CredentialRecordToJson(FullRecord()));
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["id"], "AQIDBAUGBwgJCgsMDQ4PEA");
  EXPECT_EQ(j["algorithm"], -7);
  EXPECT_EQ(j["signCount"], 42);
  EXPECT_EQ(j["uvInitialized"], true);
  EXPECT_EQ(j["transports"], json({"internal", "hybrid"}));
  EXPECT_EQ(j["backupEligible"], true);
  EXPECT_EQ(j["backupState"], true);
  EXPECT_EQ(j["deviceType"], "multiDevice");
  EXPECT_EQ(j["attachment"], "platform");
  EXPECT_EQ(j["aaguid"], "adce0002-35bc-c60a-648b-0b25f1f05503");
  EXPECT_EQ(j["attestationFormat"], "packed");
  EXPECT_EQ(j["attestationType"], "basic");
  EXPECT_EQ(j["attestationTrusted"], true);
  EXPECT_EQ(j["revocationChecked"], true);
  EXPECT_EQ(j["rpId"], "example.com");
  EXPECT_EQ(j["createdAt"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(j["lastUsedAt"], "2023-11-14T23:13:20Z");
  EXPECT_TRUE(j.contains("attestationObject"));
  EXPECT_TRUE(j.contains("clientDataJSON"));
}

TEST(CredentialRecordTest, RevocationCheckedIsWrittenWithTheAttestationType) {
  CredentialRecord record = FullRecord();
  record.attestation_type = "none";
  record.revocation_checked = false;
  json j = json::parse(CredentialRecordToJson(record));
  ASSERT_TRUE(j.contains("revocationChecked"));
  EXPECT_EQ(j["revocationChecked"], false);
  record.attestation_type.clear();
  j = json::parse(CredentialRecordToJson(record));
  EXPECT_FALSE(j.contains("revocationChecked"));
  EXPECT_FALSE(j.contains("attestationTrusted"));
}

TEST(CredentialRecordTest, RoundTripsSingleDeviceCrossPlatformRecord) {
  CredentialRecord record = FullRecord();
  record.backup_eligible = false;
  record.backup_state = false;
  record.attachment = Attachment::kCrossPlatform;
  record.sign_count = 0xffffffffu;
  record.attestation_type.clear();
  record.attestation_trusted = false;
  record.revocation_checked = false;
  record.created_at.reset();
  record.last_used_at.reset();
  auto parsed = CredentialRecordFromJson(CredentialRecordToJson(record));
  ASSERT_THAT(parsed, IsOk());
  ExpectSameRecord(*parsed, record);
  EXPECT_EQ(DeviceTypeOf(*parsed), DeviceType::kSingleDevice);
}

TEST(CredentialRecordTest, RoundTripsRecordWithUnknownBackupEligibility) {
  CredentialRecord record;
  record.id = Hex("01");
  record.public_key = Hex("a0");
  const std::string text = CredentialRecordToJson(record);
  EXPECT_EQ(json::parse(text).contains("deviceType"), false);
  EXPECT_EQ(json::parse(text).contains("backupEligible"), false);
  auto parsed = CredentialRecordFromJson(text);
  ASSERT_THAT(parsed, IsOk());
  ExpectSameRecord(*parsed, record);
  EXPECT_EQ(DeviceTypeOf(*parsed), std::nullopt);
}

// --- Minimal record and defaults ---------------------------------------------------

TEST(CredentialRecordTest, MinimalRecordGetsDefaults) {
  auto parsed = CredentialRecordFromJson(Minimal());
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->version, 1);
  EXPECT_EQ(parsed->id, Hex("010203"));
  EXPECT_EQ(parsed->public_key, Hex("a5010203 2620"));
  EXPECT_EQ(parsed->sign_count, 0u);
  EXPECT_FALSE(parsed->algorithm.has_value());
  EXPECT_FALSE(parsed->uv_initialized);
  EXPECT_TRUE(parsed->transports.empty());
  EXPECT_FALSE(parsed->backup_eligible.has_value());
  EXPECT_FALSE(parsed->backup_state);
  EXPECT_FALSE(parsed->attachment.has_value());
  EXPECT_TRUE(parsed->aaguid.IsZero());
  EXPECT_TRUE(parsed->attestation_format.empty());
  EXPECT_TRUE(parsed->rp_id.empty());
  EXPECT_FALSE(parsed->created_at.has_value());
  EXPECT_EQ(DeviceTypeOf(*parsed), std::nullopt);
}

TEST(CredentialRecordTest, ExplicitVersionOneIsAccepted) {
  EXPECT_THAT(CredentialRecordFromJson(Minimal(R"("version":1)")), IsOk());
}

TEST(CredentialRecordTest, IgnoresUnknownPresentationMembers) {
  EXPECT_THAT(CredentialRecordFromJson(Minimal(R"("label":"Example Passkeys","nickname":"x")")),
              IsOk());
}

TEST(CredentialRecordTest, AcceptsMaximumSignCount) {
  auto parsed = CredentialRecordFromJson(Minimal(R"("signCount":4294967295)"));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->sign_count, 4294967295u);
}

// --- Size limit -------------------------------------------------------------------

static_assert(kMaxCredentialRecordJsonBytes == 256 * 1024);

// RecordOfSize: a minimal record padded (an ignored member) to `size` bytes.
std::string RecordOfSize(std::size_t size) {
  std::string text = Minimal(R"("label":"")");
  const std::size_t at = text.find(R"("label":")") + 9;
  text.insert(at, size - text.size(), 'a');
  return text;
}

TEST(CredentialRecordTest, AcceptsExactlyTheSizeLimit) {
  const std::string text = RecordOfSize(kMaxCredentialRecordJsonBytes);
  ASSERT_EQ(text.size(), kMaxCredentialRecordJsonBytes);
  EXPECT_THAT(CredentialRecordFromJson(text), IsOk());
}

TEST(CredentialRecordTest, RejectsOneByteOverTheSizeLimit) {
  const std::string text = RecordOfSize(kMaxCredentialRecordJsonBytes + 1);
  ASSERT_EQ(text.size(), kMaxCredentialRecordJsonBytes + 1);
  const Result<CredentialRecord> parsed = CredentialRecordFromJson(text);
  EXPECT_THAT(parsed, HasError(ErrorCode::kMalformedCredentialRecord));
  EXPECT_EQ(parsed.error().message,
            "credential record JSON is 262145 bytes, over kMaxCredentialRecordJsonBytes (256 KiB)");
}

// --- Device type ------------------------------------------------------------------

struct DeviceTypeCase {
  std::optional<bool> backup_eligible;
  std::optional<DeviceType> expected;
  const char* json_name;  // nullptr: no deviceType member
};

class DeviceTypeDerivationTest : public ::testing::TestWithParam<DeviceTypeCase> {};

TEST_P(DeviceTypeDerivationTest, DerivesFromBackupEligible) {
  CredentialRecord record;
  record.id = Hex("01");
  record.backup_eligible = GetParam().backup_eligible;
  EXPECT_EQ(DeviceTypeOf(record), GetParam().expected);
}

TEST_P(DeviceTypeDerivationTest, WritesDeviceTypeOnlyWhenKnown) {
  CredentialRecord record;
  record.id = Hex("01");
  record.backup_eligible = GetParam().backup_eligible;
  const json j = json::parse(CredentialRecordToJson(record));
  if (GetParam().json_name == nullptr) {
    EXPECT_FALSE(j.contains("deviceType"));
  } else {
    EXPECT_EQ(j["deviceType"], GetParam().json_name);
  }
}

TEST_P(DeviceTypeDerivationTest, ReadsDeviceTypeAloneAsBackupEligible) {
  // A record with only deviceType (or neither member) yields the same BE.
  const std::string text =
      GetParam().json_name == nullptr
          ? Minimal()
          : Minimal(std::string(R"("deviceType":")") + GetParam().json_name + "\"");
  auto parsed = CredentialRecordFromJson(text);
  ASSERT_THAT(parsed, IsOk()) << text;
  EXPECT_EQ(parsed->backup_eligible, GetParam().backup_eligible);
  EXPECT_EQ(DeviceTypeOf(*parsed), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    BackupEligibility, DeviceTypeDerivationTest,
    ::testing::Values(DeviceTypeCase{true, DeviceType::kMultiDevice, "multiDevice"},
                      DeviceTypeCase{false, DeviceType::kSingleDevice, "singleDevice"},
                      DeviceTypeCase{std::nullopt, std::nullopt, nullptr}),
    [](const ::testing::TestParamInfo<DeviceTypeCase>& param_info) {
      const auto& be = param_info.param.backup_eligible;
      return std::string(!be.has_value() ? "Unknown" : *be ? "Eligible" : "NotEligible");
    });

TEST(CredentialRecordTest, AcceptsDeviceTypeAgreeingWithBackupEligible) {
  EXPECT_THAT(
      CredentialRecordFromJson(Minimal(R"("backupEligible":true,"deviceType":"multiDevice")")),
      IsOk());
  EXPECT_THAT(
      CredentialRecordFromJson(Minimal(R"("deviceType":"singleDevice","backupEligible":false)")),
      IsOk());
}

// --- Version ----------------------------------------------------------------------

TEST(CredentialRecordTest, RejectsVersionTwoAsUnsupported) {
  EXPECT_THAT(CredentialRecordFromJson(Minimal(R"("version":2)")),
              HasError(ErrorCode::kUnsupportedRecordVersion));
}

TEST(CredentialRecordTest, RejectsOtherIntegerVersionsAsUnsupported) {
  for (const char* version : {R"("version":0)", R"("version":-1)", R"("version":100)"}) {
    EXPECT_THAT(CredentialRecordFromJson(Minimal(version)),
                HasError(ErrorCode::kUnsupportedRecordVersion))
        << version;
  }
}

TEST(CredentialRecordTest, RejectsNonIntegerVersionAsMalformed) {
  for (const char* version : {R"("version":"1")", R"("version":1.5)", R"("version":null)"}) {
    EXPECT_THAT(CredentialRecordFromJson(Minimal(version)),
                HasError(ErrorCode::kMalformedCredentialRecord))
        << version;
  }
}

// --- JSON integers: in the member's range, no wrap-around, no rounding -----------

TEST(CredentialRecordTest, IntegerMembersMustBeIntegersInRange) {
  struct Case {
    const char* member;
    const char* token;
    bool accepted;
  };
  const Case cases[] = {
      {"signCount", "0", true},
      {"signCount", "4294967295", true},
      {"signCount", "4294967296", false},
      {"signCount", "-1", false},
      {"signCount", "18446744073709551615", false},
      {"signCount", "18446744073709551616", false},
      {"signCount", "1.0", false},
      {"signCount", "1e2", false},
      {"signCount", "\"1\"", false},
      {"algorithm", "-7", true},
      {"algorithm", "-2147483648", true},
      {"algorithm", "2147483647", true},
      {"algorithm", "2147483648", false},
      {"algorithm", "-2147483649", false},
      {"algorithm", "18446744073709551609", false},  // -7 if wrapped to int64
      {"algorithm", "9223372036854775808", false},
      {"algorithm", "-9223372036854775809", false},
      {"algorithm", "-7.0", false},
      {"algorithm", "-7.0000000000000001", false},  // -7 if rounded
      {"algorithm", "-7e0", false},
      {"algorithm", "\"-7\"", false},
      {"algorithm", "\"\u22127\"", false},  // U+2212 MINUS SIGN
      {"version", "1", true},
      {"version", "1.0", false},
      {"version", "1e0", false},
      {"version", "9223372036854775808", false},
      {"version", "18446744073709551617", false},
      {"version", "-9223372036854775809", false},
  };
  for (const Case& c : cases) {
    const std::string text = Minimal(std::string("\"") + c.member + "\":" + c.token);
    const Result<CredentialRecord> record = CredentialRecordFromJson(text);
    if (c.accepted) {
      EXPECT_THAT(record, IsOk()) << text;
    } else {
      EXPECT_THAT(record, HasError(ErrorCode::kMalformedCredentialRecord)) << text;
    }
  }
  EXPECT_EQ(CredentialRecordFromJson(Minimal(R"("algorithm":-2147483648)"))->algorithm,
            static_cast<CoseAlgorithm>(INT32_MIN));
  EXPECT_EQ(CredentialRecordFromJson(Minimal(R"("signCount":4294967295)"))->sign_count,
            UINT32_MAX);
  // A number too large for a double is not JSON we accept.
  EXPECT_THAT(CredentialRecordFromJson(Minimal(R"("signCount":1e400)")),
              HasError(ErrorCode::kMalformedCredentialRecord));
}

// --- Nesting depth -----------------------------------------------------------------

TEST(CredentialRecordTest, DepthIsBounded) {
  // The record object plus 3 nested arrays in an ignored member is the
  // deepest record read (kMaxRecordDepth 4); one more, 65 or megabytes of
  // nesting are refused.
  const auto nested = [](std::size_t depth) {
    return Minimal("\"x\":" + std::string(depth, '[') + std::string(depth, ']'));
  };
  EXPECT_THAT(CredentialRecordFromJson(nested(3)), IsOk());
  for (std::size_t depth : {4u, 64u, 100000u}) {
    EXPECT_THAT(CredentialRecordFromJson(nested(depth)),
                HasError(ErrorCode::kMalformedCredentialRecord))
        << depth;
  }
}

// --- Malformed --------------------------------------------------------------------------

TEST(CredentialRecordTest, RejectsNonJson) {
  for (const char* text : {"", "{", "id=AQID", "[]", "\"AQID\"", "null", "{\"id\":\"AQID\",}"}) {
    EXPECT_THAT(CredentialRecordFromJson(text), HasError(ErrorCode::kMalformedCredentialRecord))
        << text;
  }
}

TEST(CredentialRecordTest, RejectsTrailingGarbage) {
  EXPECT_THAT(CredentialRecordFromJson(Minimal() + "x"),
              HasError(ErrorCode::kMalformedCredentialRecord));
  EXPECT_THAT(CredentialRecordFromJson(Minimal() + Minimal()),
              HasError(ErrorCode::kMalformedCredentialRecord));
}

TEST(CredentialRecordTest, RejectsNulByteFollowedByGarbage) {
  // Same root cause as ClientDataTest.RejectsNulByteFollowedByGarbage.
  using namespace std::string_literals;
  EXPECT_THAT(CredentialRecordFromJson(Minimal() + "\0junk"s),
              HasError(ErrorCode::kMalformedCredentialRecord));
}

TEST(CredentialRecordTest, RejectsDuplicateKeys) {
  EXPECT_THAT(CredentialRecordFromJson(Minimal(R"("signCount":1,"signCount":2)")),
              HasError(ErrorCode::kMalformedCredentialRecord));
  EXPECT_THAT(CredentialRecordFromJson(Minimal(R"("id":"AQIE")")),
              HasError(ErrorCode::kMalformedCredentialRecord));
}

TEST(CredentialRecordTest, RejectsMissingId) {
  EXPECT_THAT(CredentialRecordFromJson(R"({"publicKey":"pQECAyYg"})"),
              HasError(ErrorCode::kMalformedCredentialRecord));
}

TEST(CredentialRecordTest, RejectsMissingPublicKey) {
  EXPECT_THAT(CredentialRecordFromJson(R"({"id":"AQID"})"),
              HasError(ErrorCode::kMalformedCredentialRecord));
}

TEST(CredentialRecordTest, RejectsEmptyId) {
  EXPECT_THAT(CredentialRecordFromJson(R"({"id":"","publicKey":"pQECAyYg"})"),
              HasError(ErrorCode::kMalformedCredentialRecord));
}

TEST(CredentialRecordTest, RejectsBadBase64Url) {
  for (const char* text : {
           R"({"id":"AQID=","publicKey":"pQECAyYg"})",
           R"({"id":"AQ+D","publicKey":"pQECAyYg"})",
           R"({"id":"AQID","publicKey":"pQECAyYg=="})",
           R"({"id":"AQID","publicKey":"pQEC/yYg"})",
           R"({"id":"AQID","publicKey":"p"})",
           R"({"id":1,"publicKey":"pQECAyYg"})",
           R"({"id":"AQID","publicKey":null})",
       }) {
    EXPECT_THAT(CredentialRecordFromJson(text), HasError(ErrorCode::kMalformedCredentialRecord))
        << text;
  }
  for (const char* member :
       {R"("attestationObject":"o2N=")", R"("clientDataJSON":"ey+")", R"("attestationObject":5)"}) {
    EXPECT_THAT(CredentialRecordFromJson(Minimal(member)),
                HasError(ErrorCode::kMalformedCredentialRecord))
        << member;
  }
}

TEST(CredentialRecordTest, RejectsBadSignCount) {
  for (const char* member : {
           R"("signCount":-1)",
           R"("signCount":1.5)",
           R"("signCount":1.0)",
           R"("signCount":4294967296)",
           R"("signCount":18446744073709551615)",
           R"("signCount":"5")",
           R"("signCount":null)",
           R"("signCount":true)",
       }) {
    EXPECT_THAT(CredentialRecordFromJson(Minimal(member)),
                HasError(ErrorCode::kMalformedCredentialRecord))
        << member;
  }
}

TEST(CredentialRecordTest, RejectsDeviceTypeDisagreeingWithBackupEligible) {
  EXPECT_THAT(
      CredentialRecordFromJson(Minimal(R"("backupEligible":false,"deviceType":"multiDevice")")),
      HasError(ErrorCode::kMalformedCredentialRecord));
  EXPECT_THAT(
      CredentialRecordFromJson(Minimal(R"("backupEligible":true,"deviceType":"singleDevice")")),
      HasError(ErrorCode::kMalformedCredentialRecord));
}

TEST(CredentialRecordTest, RejectsUnknownDeviceType) {
  for (const char* member : {R"("deviceType":"multi-device")", R"("deviceType":"MultiDevice")",
                             R"("deviceType":"")", R"("deviceType":1)", R"("deviceType":null)"}) {
    EXPECT_THAT(CredentialRecordFromJson(Minimal(member)),
                HasError(ErrorCode::kMalformedCredentialRecord))
        << member;
  }
}

TEST(CredentialRecordTest, RejectsBackupStateWithoutBackupEligible) {
  EXPECT_THAT(CredentialRecordFromJson(Minimal(R"("backupEligible":false,"backupState":true)")),
              HasError(ErrorCode::kMalformedCredentialRecord));
  EXPECT_THAT(
      CredentialRecordFromJson(Minimal(R"("deviceType":"singleDevice","backupState":true)")),
      HasError(ErrorCode::kMalformedCredentialRecord));
}

TEST(CredentialRecordTest, BackupStateWithUnknownEligibilityIsAccepted) {
  // BE unknown (a minimal record): nothing to contradict.
  auto parsed = CredentialRecordFromJson(Minimal(R"("backupState":true)"));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_TRUE(parsed->backup_state);
  EXPECT_FALSE(parsed->backup_eligible.has_value());
}

TEST(CredentialRecordTest, RejectsBadAaguid) {
  for (const char* member :
       {R"("aaguid":"not-a-uuid")", R"("aaguid":"adce000235bcc60a648b0b25f1f05503")",
        R"("aaguid":"adce0002-35bc-c60a-648b-0b25f1f0550g")", R"("aaguid":"")", R"("aaguid":null)",
        R"("aaguid":1)"}) {
    EXPECT_THAT(CredentialRecordFromJson(Minimal(member)),
                HasError(ErrorCode::kMalformedCredentialRecord))
        << member;
  }
}

TEST(CredentialRecordTest, RejectsBadTimestamps) {
  for (const char* member : {R"("createdAt":"yesterday")", R"("createdAt":"2023-11-14")",
                             R"("createdAt":"2023-11-14T22:13:20+01:00")",
                             R"("createdAt":"2023-02-30T00:00:00Z")", R"("createdAt":1700000000)",
                             R"("lastUsedAt":"2023-11-14 22:13:20Z")", R"("lastUsedAt":null)"}) {
    EXPECT_THAT(CredentialRecordFromJson(Minimal(member)),
                HasError(ErrorCode::kMalformedCredentialRecord))
        << member;
  }
}

TEST(CredentialRecordTest, RejectsUnknownAttachment) {
  for (const char* member : {R"("attachment":"hybrid")", R"("attachment":"Platform")",
                             R"("attachment":"")", R"("attachment":1)"}) {
    EXPECT_THAT(CredentialRecordFromJson(Minimal(member)),
                HasError(ErrorCode::kMalformedCredentialRecord))
        << member;
  }
}

TEST(CredentialRecordTest, RejectsWrongMemberTypes) {
  for (const char* member : {
           R"("uvInitialized":"true")",
           R"("uvInitialized":1)",
           R"("backupEligible":"yes")",
           R"("backupState":0)",
           R"("transports":"usb")",
           R"("transports":["usb",2])",
           R"("algorithm":"ES256")",
           R"("algorithm":-7.0)",
           R"("algorithm":4294967296)",
           R"("attestationFormat":1)",
           R"("attestationType":false)",
           R"("rpId":["a"])",
           R"("attestationTrusted":"no")",
           R"("revocationChecked":1)",
       }) {
    EXPECT_THAT(CredentialRecordFromJson(Minimal(member)),
                HasError(ErrorCode::kMalformedCredentialRecord))
        << member;
  }
}

// --- Timestamps ------------------------------------------------------------------------

TEST(TimestampTest, FormatsKnownInstants) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(1700000000), "2023-11-14T22:13:20Z");
  EXPECT_EQ(FormatTimestamp(951782400), "2000-02-29T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatTimestamp(253402300799), "9999-12-31T23:59:59Z");
}

TEST(TimestampTest, RoundTrips) {
  for (UnixSeconds t :
       {UnixSeconds{0}, UnixSeconds{1}, UnixSeconds{59}, UnixSeconds{86399}, UnixSeconds{86400},
        UnixSeconds{951782400}, UnixSeconds{1700000000}, UnixSeconds{2147483647},
        UnixSeconds{2147483648}, UnixSeconds{-1}, UnixSeconds{-86401}, UnixSeconds{253402300799}}) {
    const std::string text = FormatTimestamp(t);
    auto parsed = ParseTimestamp(text);
    ASSERT_THAT(parsed, IsOk()) << text;
    EXPECT_EQ(*parsed, t) << text;
  }
}

TEST(TimestampTest, TruncatesFractionOfASecond) {
  auto parsed = ParseTimestamp("2023-11-14T22:13:20.999999Z");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(*parsed, 1700000000);
  auto one_digit = ParseTimestamp("2023-11-14T22:13:20.5Z");
  ASSERT_THAT(one_digit, IsOk());
  EXPECT_EQ(*one_digit, 1700000000);
}

TEST(TimestampTest, RejectsMalformedText) {
  for (const char* text : {
           "",
           "2023-11-14",
           "2023-11-14T22:13:20",        // no Z
           "2023-11-14T22:13:20z",       // lowercase z
           "2023-11-14T22:13:20+00:00",  // offset
           "2023-11-14 22:13:20Z",       // space separator
           "2023-11-14t22:13:20Z",
           "2023/11/14T22:13:20Z",
           "23-11-14T22:13:20Z",
           "2023-1-14T22:13:20Z",
           "2023-11-14T22:13:20.Z",  // empty fraction
           "2023-11-14T22:13:20ZZ",  // trailing
           "2023-11-14T22:13:20Z ",
           " 2023-11-14T22:13:20Z",
           "2023-11-14T22:13:2aZ",
           "+023-11-14T22:13:20Z",
       }) {
    EXPECT_THAT(ParseTimestamp(text), HasError(ErrorCode::kInvalidArgument)) << text;
  }
}

TEST(TimestampTest, RejectsOutOfRangeFields) {
  for (const char* text : {
           "2023-00-14T22:13:20Z",
           "2023-13-14T22:13:20Z",
           "2023-11-00T22:13:20Z",
           "2023-11-31T22:13:20Z",
           "2023-02-29T00:00:00Z",
           "1900-02-29T00:00:00Z",
           "2023-11-14T24:00:00Z",
           "2023-11-14T23:60:00Z",
           "2016-12-31T23:59:60Z",
       }) {
    EXPECT_THAT(ParseTimestamp(text), HasError(ErrorCode::kInvalidArgument)) << text;
  }
  EXPECT_THAT(ParseTimestamp("2024-02-29T00:00:00Z"), IsOk());
  EXPECT_THAT(ParseTimestamp("2000-02-29T00:00:00Z"), IsOk());
}

// ParseRfc3339Timestamp: what people type (the CLI's --now).
TEST(TimestampTest, Rfc3339AcceptsOffsetsAndLowerCase) {
  const struct {
    const char* text;
    UnixSeconds expected;
  } cases[] = {
      {"2023-11-14T22:13:20Z", 1700000000},
      {"2023-11-14t22:13:20z", 1700000000},
      {"2023-11-14T23:13:20+01:00", 1700000000},
      {"2023-11-14T16:43:20-05:30", 1700000000},
      {"2023-11-14T22:13:20.75+00:00", 1700000000},
      {"1970-01-01T00:00:00Z", 0},
      {"1970-01-01T01:00:00+01:00", 0},
      {"9999-12-31T23:59:59Z", 253402300799},
  };
  for (const auto& c : cases) {
    auto parsed = ParseRfc3339Timestamp(c.text);
    ASSERT_THAT(parsed, IsOk()) << c.text;
    EXPECT_EQ(*parsed, c.expected) << c.text;
  }
}

TEST(TimestampTest, Rfc3339RejectsMalformedAndOutOfRange) {
  for (const char* text : {
           "",
           "2023-11-14T22:13:20",         // no zone
           "2023-11-14T22:13:20+0100",    // offset without colon
           "2023-11-14T22:13:20+01",      // offset without minutes
           "2023-11-14T22:13:20+24:00",   // offset hour
           "2023-11-14T22:13:20+01:60",   // offset minute
           "2023-11-14T22:13:20+01:00Z",  // trailing
           "2023-11-14 22:13:20Z",
           "2023-02-29T00:00:00Z",
           "1969-12-31T23:59:59Z",        // before the epoch
           "1970-01-01T00:30:00+01:00",   // before the epoch after the offset
           "9999-12-31T23:59:59-00:01",   // after 9999 after the offset
       }) {
    EXPECT_THAT(ParseRfc3339Timestamp(text), HasError(ErrorCode::kInvalidArgument)) << text;
  }
}

TEST(CredentialRecordTest, RoundTripsProvider) {
  CredentialRecord record = FullRecord();
  record.provider = AuthenticatorInfo{"Chrome on Mac", "data:image/svg+xml;base64,AA", "data:,x"};
  const std::string text = CredentialRecordToJson(record);
  const json doc = json::parse(text);
  EXPECT_EQ(doc["provider"]["name"], "Chrome on Mac");
  EXPECT_EQ(doc["provider"]["iconLight"], "data:image/svg+xml;base64,AA");
  EXPECT_EQ(doc["provider"]["iconDark"], "data:,x");
  auto back = CredentialRecordFromJson(text);
  ASSERT_THAT(back, IsOk());
  ASSERT_TRUE(back->provider.has_value());
  EXPECT_EQ(*back->provider, *record.provider);
}

TEST(CredentialRecordTest, OmitsUnknownProvider) {
  CredentialRecord record = FullRecord();
  const json doc = json::parse(CredentialRecordToJson(record));
  EXPECT_FALSE(doc.contains("provider"));
  auto back = CredentialRecordFromJson(doc.dump());
  ASSERT_THAT(back, IsOk());
  EXPECT_FALSE(back->provider.has_value());
}

TEST(CredentialRecordTest, RejectsMalformedProvider) {
  json doc = json::parse(CredentialRecordToJson(FullRecord()));
  for (const json& bad : {json("x"), json::object(), json{{"name", 1}},
                          json{{"name", "X"}, {"iconLight", 2}}, json{{"name", ""}}}) {
    doc["provider"] = bad;
    EXPECT_THAT(CredentialRecordFromJson(doc.dump()), HasError(ErrorCode::kMalformedCredentialRecord))
        << bad.dump();
  }
}

}  // namespace
}  // namespace passkey
