// ParseRegistrationResponseJson / ParseAuthenticationResponseJson: the
// PublicKeyCredential.toJSON() shapes (WebAuthn L3 §5.1).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <passkey/authentication.h>
#include <passkey/registration.h>

#include "internal/limits.h"
#include "test_util.h"

namespace passkey {
namespace {

using nlohmann::json;
using test::Hex;

// Payload bytes are arbitrary: these parsers only base64url-decode them.
const Bytes kCredentialId = Hex("0102030405060708");
const Bytes kClientData = Hex("7b2274797065223a22776562617574686e2e637265617465227d");
const Bytes kAttestationObject = Hex("a363666d74646e6f6e656761747453746d74a068617574684461746140");
const Bytes kAuthenticatorData =
    Hex("49960de5880e8c687434170f6476605b8fe4aeb9a28632c7995cf3ba831d97630500000001");
const Bytes kSignature = Hex("3045022100aabbccdd");
const Bytes kUserHandle = Hex("75736572");

std::string B64(const Bytes& bytes) { return Base64UrlEncode(bytes); }

json Registration() {
  return json{
      {"id", B64(kCredentialId)},
      {"rawId", B64(kCredentialId)},
      {"type", "public-key"},
      {"response",
       {{"clientDataJSON", B64(kClientData)},
        {"attestationObject", B64(kAttestationObject)},
        {"authenticatorData", B64(kAuthenticatorData)},
        {"publicKeyAlgorithm", -7},
        {"publicKey", "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"},
        {"transports", {"usb", "nfc"}}}},
      {"authenticatorAttachment", "cross-platform"},
      {"clientExtensionResults", {{"credProps", {{"rk", true}}}}},
  };
}

json Authentication() {
  return json{
      {"id", B64(kCredentialId)},
      {"rawId", B64(kCredentialId)},
      {"type", "public-key"},
      {"response",
       {{"clientDataJSON", B64(kClientData)},
        {"authenticatorData", B64(kAuthenticatorData)},
        {"signature", B64(kSignature)},
        {"userHandle", B64(kUserHandle)}}},
      {"authenticatorAttachment", "platform"},
      {"clientExtensionResults", json::object()},
  };
}

Result<RegistrationResponse> ParseReg(const json& j) {
  return ParseRegistrationResponseJson(j.dump());
}
Result<AuthenticationResponse> ParseAuth(const json& j) {
  return ParseAuthenticationResponseJson(j.dump());
}

// --- Registration: valid shapes ------------------------------------------------

TEST(ResponseJsonTest, ParsesFullRegistrationResponse) {
  auto parsed = ParseReg(Registration());
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->raw_id, kCredentialId);
  EXPECT_EQ(parsed->client_data_json, kClientData);
  EXPECT_EQ(parsed->attestation_object, kAttestationObject);
  ASSERT_TRUE(parsed->authenticator_data.has_value());
  EXPECT_EQ(*parsed->authenticator_data, kAuthenticatorData);
  EXPECT_EQ(parsed->public_key_algorithm, -7);
  EXPECT_THAT(parsed->transports, ::testing::ElementsAre("usb", "nfc"));
  EXPECT_EQ(parsed->attachment, Attachment::kCrossPlatform);
  EXPECT_TRUE(parsed->client_extension_cred_props_rk);
}

TEST(ResponseJsonTest, ParsesMinimalRegistrationResponse) {
  const json minimal = {
      {"id", B64(kCredentialId)},
      {"rawId", B64(kCredentialId)},
      {"type", "public-key"},
      {"response",
       {{"clientDataJSON", B64(kClientData)}, {"attestationObject", B64(kAttestationObject)}}},
  };
  auto parsed = ParseReg(minimal);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->attestation_object, kAttestationObject);
  EXPECT_FALSE(parsed->authenticator_data.has_value());
  EXPECT_FALSE(parsed->public_key_algorithm.has_value());
  EXPECT_TRUE(parsed->transports.empty());
  EXPECT_FALSE(parsed->attachment.has_value());
  EXPECT_FALSE(parsed->client_extension_cred_props_rk);
}

TEST(ResponseJsonTest, RegistrationAttachmentNullAbsentOrUnknownIsNone) {
  json with_null = Registration();
  with_null["authenticatorAttachment"] = nullptr;
  json absent = Registration();
  absent.erase("authenticatorAttachment");
  json unknown = Registration();
  unknown["authenticatorAttachment"] = "hybrid-ish";
  for (const json& j : {with_null, absent, unknown}) {
    auto parsed = ParseReg(j);
    ASSERT_THAT(parsed, IsOk()) << j.dump();
    EXPECT_FALSE(parsed->attachment.has_value()) << j.dump();
  }
  json platform = Registration();
  platform["authenticatorAttachment"] = "platform";
  auto parsed = ParseReg(platform);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->attachment, Attachment::kPlatform);
}

TEST(ResponseJsonTest, RegistrationWithoutClientExtensionResults) {
  json j = Registration();
  j.erase("clientExtensionResults");
  auto parsed = ParseReg(j);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_FALSE(parsed->client_extension_cred_props_rk);
}

TEST(ResponseJsonTest, RegistrationOptionalMembersMayBeNull) {
  json j = Registration();
  j["response"]["authenticatorData"] = nullptr;
  j["response"]["publicKeyAlgorithm"] = nullptr;
  j["response"]["transports"] = nullptr;
  auto parsed = ParseReg(j);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_FALSE(parsed->authenticator_data.has_value());
  EXPECT_FALSE(parsed->public_key_algorithm.has_value());
  EXPECT_TRUE(parsed->transports.empty());
}

TEST(ResponseJsonTest, RegistrationKeepsUnknownTransports) {
  json j = Registration();
  j["response"]["transports"] = {"hybrid", "internal", "smart-card", "future-thing"};
  auto parsed = ParseReg(j);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_THAT(parsed->transports,
              ::testing::ElementsAre("hybrid", "internal", "smart-card", "future-thing"));
}

TEST(ResponseJsonTest, RegistrationIgnoresUnknownMembers) {
  json j = Registration();
  j["somethingNew"] = {{"nested", {1, 2, 3}}};
  j["response"]["anotherNewThing"] = "x";
  EXPECT_THAT(ParseReg(j), IsOk());
}

// --- Authentication: valid shapes ---------------------------------------------------

TEST(ResponseJsonTest, ParsesFullAuthenticationResponse) {
  auto parsed = ParseAuth(Authentication());
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->raw_id, kCredentialId);
  EXPECT_EQ(parsed->client_data_json, kClientData);
  EXPECT_EQ(parsed->authenticator_data, kAuthenticatorData);
  EXPECT_EQ(parsed->signature, kSignature);
  ASSERT_TRUE(parsed->user_handle.has_value());
  EXPECT_EQ(*parsed->user_handle, kUserHandle);
  EXPECT_EQ(parsed->attachment, Attachment::kPlatform);
  EXPECT_FALSE(parsed->client_extension_appid);
}

TEST(ResponseJsonTest, AuthenticationUserHandleNullAbsentOrEmptyIsNone) {
  json with_null = Authentication();
  with_null["response"]["userHandle"] = nullptr;
  json absent = Authentication();
  absent["response"].erase("userHandle");
  json empty = Authentication();
  empty["response"]["userHandle"] = "";
  for (const json& j : {with_null, absent, empty}) {
    auto parsed = ParseAuth(j);
    ASSERT_THAT(parsed, IsOk()) << j.dump();
    EXPECT_FALSE(parsed->user_handle.has_value()) << j.dump();
  }
}

TEST(ResponseJsonTest, AuthenticationAttachmentNullAbsentOrUnknownIsNone) {
  json with_null = Authentication();
  with_null["authenticatorAttachment"] = nullptr;
  json absent = Authentication();
  absent.erase("authenticatorAttachment");
  json unknown = Authentication();
  unknown["authenticatorAttachment"] = "Platform";
  for (const json& j : {with_null, absent, unknown}) {
    auto parsed = ParseAuth(j);
    ASSERT_THAT(parsed, IsOk()) << j.dump();
    EXPECT_FALSE(parsed->attachment.has_value()) << j.dump();
  }
}

TEST(ResponseJsonTest, AuthenticationWithoutClientExtensionResults) {
  json j = Authentication();
  j.erase("clientExtensionResults");
  auto parsed = ParseAuth(j);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_FALSE(parsed->client_extension_appid);
}

TEST(ResponseJsonTest, AuthenticationReadsAppidExtension) {
  json j = Authentication();
  j["clientExtensionResults"] = {{"appid", true}};
  auto on = ParseAuth(j);
  ASSERT_THAT(on, IsOk());
  EXPECT_TRUE(on->client_extension_appid);
  j["clientExtensionResults"] = {{"appid", false}};
  auto off = ParseAuth(j);
  ASSERT_THAT(off, IsOk());
  EXPECT_FALSE(off->client_extension_appid);
}

// --- Malformed: both shapes -------------------------------------------------------------

TEST(ResponseJsonTest, RejectsNonJson) {
  for (const char* text : {"", "{", "not json", "{\"id\":}", "{'id':'AQID'}"}) {
    EXPECT_THAT(ParseRegistrationResponseJson(text), HasError(ErrorCode::kMalformedResponse))
        << text;
    EXPECT_THAT(ParseAuthenticationResponseJson(text), HasError(ErrorCode::kMalformedResponse))
        << text;
  }
}

TEST(ResponseJsonTest, RejectsJsonThatIsNotAnObject) {
  for (const char* text : {"[]", "\"public-key\"", "1", "null", "true"}) {
    EXPECT_THAT(ParseRegistrationResponseJson(text), HasError(ErrorCode::kMalformedResponse))
        << text;
    EXPECT_THAT(ParseAuthenticationResponseJson(text), HasError(ErrorCode::kMalformedResponse))
        << text;
  }
  const std::string wrapped = "[" + Registration().dump() + "]";
  EXPECT_THAT(ParseRegistrationResponseJson(wrapped), HasError(ErrorCode::kMalformedResponse));
}

TEST(ResponseJsonTest, RejectsIdDifferentFromRawId) {
  json reg = Registration();
  reg["id"] = B64(Hex("0102030405060709"));
  EXPECT_THAT(ParseReg(reg), HasError(ErrorCode::kMalformedResponse));
  json auth = Authentication();
  auth["rawId"] = B64(Hex("01020304050607"));
  EXPECT_THAT(ParseAuth(auth), HasError(ErrorCode::kMalformedResponse));
}

TEST(ResponseJsonTest, RejectsIdThatIsNotBase64Url) {
  // Same bytes, but padded or in the standard alphabet.
  const Bytes id = Hex("fbff");  // "-_8" in base64url, "+/8=" in base64
  for (const char* bad : {"-_8=", "+/8", "+/8=", "-_8 ", "-_8\n", "-"}) {
    json reg = Registration();
    reg["id"] = bad;
    reg["rawId"] = B64(id);
    EXPECT_THAT(ParseReg(reg), HasError(ErrorCode::kMalformedResponse)) << bad;
    json auth = Authentication();
    auth["id"] = B64(id);
    auth["rawId"] = bad;
    EXPECT_THAT(ParseAuth(auth), HasError(ErrorCode::kMalformedResponse)) << bad;
  }
}

TEST(ResponseJsonTest, RejectsEmptyCredentialId) {
  json reg = Registration();
  reg["id"] = "";
  reg["rawId"] = "";
  EXPECT_THAT(ParseReg(reg), HasError(ErrorCode::kMalformedResponse));
}

TEST(ResponseJsonTest, RejectsMissingOrMistypedId) {
  for (const char* member : {"id", "rawId"}) {
    json missing = Registration();
    missing.erase(member);
    EXPECT_THAT(ParseReg(missing), HasError(ErrorCode::kMalformedResponse)) << member;
    json number = Authentication();
    number[member] = 1;
    EXPECT_THAT(ParseAuth(number), HasError(ErrorCode::kMalformedResponse)) << member;
    json null = Authentication();
    null[member] = nullptr;
    EXPECT_THAT(ParseAuth(null), HasError(ErrorCode::kMalformedResponse)) << member;
  }
}

TEST(ResponseJsonTest, RejectsTypeOtherThanPublicKey) {
  for (const json& type :
       {json("Public-Key"), json("public-key "), json(""), json(1), json(nullptr)}) {
    json reg = Registration();
    reg["type"] = type;
    EXPECT_THAT(ParseReg(reg), HasError(ErrorCode::kMalformedResponse)) << type.dump();
    json auth = Authentication();
    auth["type"] = type;
    EXPECT_THAT(ParseAuth(auth), HasError(ErrorCode::kMalformedResponse)) << type.dump();
  }
  json missing = Registration();
  missing.erase("type");
  EXPECT_THAT(ParseReg(missing), HasError(ErrorCode::kMalformedResponse));
}

TEST(ResponseJsonTest, RejectsMissingResponse) {
  json reg = Registration();
  reg.erase("response");
  EXPECT_THAT(ParseReg(reg), HasError(ErrorCode::kMalformedResponse));
  json auth = Authentication();
  auth.erase("response");
  EXPECT_THAT(ParseAuth(auth), HasError(ErrorCode::kMalformedResponse));
}

TEST(ResponseJsonTest, RejectsResponseThatIsNotAnObject) {
  for (const json& response : {json("x"), json::array(), json(nullptr), json(1)}) {
    json reg = Registration();
    reg["response"] = response;
    EXPECT_THAT(ParseReg(reg), HasError(ErrorCode::kMalformedResponse)) << response.dump();
  }
}

TEST(ResponseJsonTest, RejectsMissingClientDataJson) {
  json reg = Registration();
  reg["response"].erase("clientDataJSON");
  EXPECT_THAT(ParseReg(reg), HasError(ErrorCode::kMalformedResponse));
  json auth = Authentication();
  auth["response"].erase("clientDataJSON");
  EXPECT_THAT(ParseAuth(auth), HasError(ErrorCode::kMalformedResponse));
}

TEST(ResponseJsonTest, RejectsMissingAttestationObject) {
  json reg = Registration();
  reg["response"].erase("attestationObject");
  EXPECT_THAT(ParseReg(reg), HasError(ErrorCode::kMalformedResponse));
}

TEST(ResponseJsonTest, RejectsMissingAuthenticatorData) {
  json auth = Authentication();
  auth["response"].erase("authenticatorData");
  EXPECT_THAT(ParseAuth(auth), HasError(ErrorCode::kMalformedResponse));
}

TEST(ResponseJsonTest, RejectsMissingSignature) {
  json auth = Authentication();
  auth["response"].erase("signature");
  EXPECT_THAT(ParseAuth(auth), HasError(ErrorCode::kMalformedResponse));
}

TEST(ResponseJsonTest, RejectsWrongRegistrationMemberTypes) {
  const struct {
    const char* member;
    json value;
  } kCases[] = {
      {"clientDataJSON", 1},
      {"clientDataJSON", nullptr},
      {"clientDataJSON", json::array({1, 2})},
      {"attestationObject", json::object()},
      {"attestationObject", nullptr},
      {"authenticatorData", 5},
      {"publicKeyAlgorithm", "-7"},
      {"publicKeyAlgorithm", -7.5},
      {"publicKeyAlgorithm", true},
      {"transports", "usb"},
      {"transports", json::array({"usb", 1})},
      {"transports", json::object()},
  };
  for (const auto& c : kCases) {
    json reg = Registration();
    reg["response"][c.member] = c.value;
    EXPECT_THAT(ParseReg(reg), HasError(ErrorCode::kMalformedResponse))
        << c.member << "=" << c.value.dump();
  }
}

TEST(ResponseJsonTest, RejectsBadBase64UrlInResponseMembers) {
  for (const char* member : {"clientDataJSON", "attestationObject", "authenticatorData"}) {
    json reg = Registration();
    reg["response"][member] = "AAA=";
    EXPECT_THAT(ParseReg(reg), HasError(ErrorCode::kMalformedResponse)) << member;
  }
  for (const char* member : {"clientDataJSON", "authenticatorData", "signature", "userHandle"}) {
    json auth = Authentication();
    auth["response"][member] = "a+b/";
    EXPECT_THAT(ParseAuth(auth), HasError(ErrorCode::kMalformedResponse)) << member;
  }
}

TEST(ResponseJsonTest, RejectsWrongAuthenticationMemberTypes) {
  const struct {
    const char* member;
    json value;
  } kCases[] = {
      {"clientDataJSON", 1},
      {"authenticatorData", json::array()},
      {"authenticatorData", nullptr},
      {"signature", nullptr},
      {"signature", 7},
      {"userHandle", 1},
      {"userHandle", json::object()},
      {"userHandle", false},
  };
  for (const auto& c : kCases) {
    json auth = Authentication();
    auth["response"][c.member] = c.value;
    EXPECT_THAT(ParseAuth(auth), HasError(ErrorCode::kMalformedResponse))
        << c.member << "=" << c.value.dump();
  }
}

TEST(ResponseJsonTest, RejectsWrongTopLevelMemberTypes) {
  for (const json& attachment : {json(1), json(true), json::array({"platform"})}) {
    json reg = Registration();
    reg["authenticatorAttachment"] = attachment;
    EXPECT_THAT(ParseReg(reg), HasError(ErrorCode::kMalformedResponse)) << attachment.dump();
    json auth = Authentication();
    auth["authenticatorAttachment"] = attachment;
    EXPECT_THAT(ParseAuth(auth), HasError(ErrorCode::kMalformedResponse)) << attachment.dump();
  }
  for (const json& extensions : {json("x"), json::array(), json(1)}) {
    json reg = Registration();
    reg["clientExtensionResults"] = extensions;
    EXPECT_THAT(ParseReg(reg), HasError(ErrorCode::kMalformedResponse)) << extensions.dump();
    json auth = Authentication();
    auth["clientExtensionResults"] = extensions;
    EXPECT_THAT(ParseAuth(auth), HasError(ErrorCode::kMalformedResponse)) << extensions.dump();
  }
}

TEST(ResponseJsonTest, RejectsAppidThatIsNotBoolean) {
  for (const json& appid : {json("true"), json(1), json(nullptr), json::object()}) {
    json auth = Authentication();
    auth["clientExtensionResults"] = {{"appid", appid}};
    EXPECT_THAT(ParseAuth(auth), HasError(ErrorCode::kMalformedResponse)) << appid.dump();
  }
}

TEST(ResponseJsonTest, RejectsDuplicateKeys) {
  std::string text = Authentication().dump();
  text.insert(1, "\"type\":\"public-key\",");
  EXPECT_THAT(ParseAuthenticationResponseJson(text), HasError(ErrorCode::kMalformedResponse));
  std::string nested = Registration().dump();
  const std::string marker = "\"response\":{";
  nested.insert(nested.find(marker) + marker.size(),
                "\"clientDataJSON\":\"" + B64(kClientData) + "\",");
  EXPECT_THAT(ParseRegistrationResponseJson(nested), HasError(ErrorCode::kMalformedResponse));
}

TEST(ResponseJsonTest, RejectsTrailingGarbage) {
  EXPECT_THAT(ParseRegistrationResponseJson(Registration().dump() + "x"),
              HasError(ErrorCode::kMalformedResponse));
  EXPECT_THAT(ParseAuthenticationResponseJson(Authentication().dump() + "{}"),
              HasError(ErrorCode::kMalformedResponse));
}

TEST(ResponseJsonTest, RejectsNulByteFollowedByGarbage) {
  // Same root cause as ClientDataTest.RejectsNulByteFollowedByGarbage.
  using namespace std::string_literals;
  EXPECT_THAT(ParseAuthenticationResponseJson(Authentication().dump() + "\0garbage"s),
              HasError(ErrorCode::kMalformedResponse));
}

TEST(ResponseJsonTest, RejectsDeepNesting) {
  json reg = Registration();
  json deep = json::array();
  for (int i = 0; i < 10; ++i) {
    deep = json::array({deep});
  }
  reg["clientExtensionResults"] = {{"x", deep}};
  EXPECT_THAT(ParseReg(reg), HasError(ErrorCode::kMalformedResponse));
}

TEST(ResponseJsonTest, DepthIsBounded) {
  // The top-level object and clientExtensionResults are two levels; 6 more
  // reach kMaxResponseDepth (8). One more, 65 or 500 000 levels (1 MB) are
  // refused.
  const auto nested = [](std::size_t depth) {
    std::string text = Registration().dump();
    const std::string member = R"("clientExtensionResults":{)";
    const std::size_t at = text.find(member);
    EXPECT_NE(at, std::string::npos);
    text.insert(at + member.size(),
                R"("x":)" + std::string(depth, '[') + std::string(depth, ']') + ",");
    return text;
  };
  EXPECT_THAT(ParseRegistrationResponseJson(nested(6)), IsOk());
  for (std::size_t depth : {7u, 63u, 500000u}) {
    EXPECT_THAT(ParseRegistrationResponseJson(nested(depth)),
                HasError(ErrorCode::kMalformedResponse))
        << depth;
  }
}

TEST(ResponseJsonTest, PublicKeyAlgorithmMustBeAnInt64) {
  const std::string reference = Registration().dump();
  const std::string member = R"("publicKeyAlgorithm":-7)";
  ASSERT_NE(reference.find(member), std::string::npos);
  const auto with = [&](const std::string& token) {
    std::string text = reference;
    text.replace(text.find(member), member.size(), R"("publicKeyAlgorithm":)" + token);
    return text;
  };
  for (const auto& [token, value] :
       std::vector<std::pair<std::string, std::int64_t>>{
           {"-7", -7},
           {"-257", -257},
           {"9223372036854775807", INT64_MAX},
           {"-9223372036854775808", INT64_MIN}}) {
    const Result<RegistrationResponse> parsed = ParseRegistrationResponseJson(with(token));
    ASSERT_THAT(parsed, IsOk()) << token;
    EXPECT_EQ(parsed->public_key_algorithm, value) << token;
  }
  for (const char* token :
       {"9223372036854775808", "18446744073709551609", "18446744073709551615",
        "18446744073709551616", "-9223372036854775809", "1e400", "-1e400", "1.5", "1e2", "-7.0",
        "-7.0000000000000001", "-7e0", "\"-7\"", "\"\u22127\"", "[-7]", "true"}) {
    EXPECT_THAT(ParseRegistrationResponseJson(with(token)),
                HasError(ErrorCode::kMalformedResponse))
        << token;
  }
}

static_assert(kMaxResponseJsonBytes == 1024 * 1024);

TEST(ResponseJsonTest, AcceptsExactlyOneMebibyte) {
  json reg = Registration();
  reg["pad"] = "";
  std::string text = reg.dump();
  const std::size_t at = text.find("\"pad\":\"") + 7;
  text.insert(at, kMaxResponseJsonBytes - text.size(), 'a');
  ASSERT_EQ(text.size(), kMaxResponseJsonBytes);
  EXPECT_THAT(ParseRegistrationResponseJson(text), IsOk());
}

TEST(ResponseJsonTest, RejectsMoreThanOneMebibyte) {
  json reg = Registration();
  reg["response"]["attestationObject"] = std::string(kMaxResponseJsonBytes, 'A');
  EXPECT_THAT(ParseReg(reg), HasError(ErrorCode::kMalformedResponse));
  json pad = Authentication();
  pad["pad"] = "";
  std::string text = pad.dump();
  text.insert(text.find("\"pad\":\"") + 7, kMaxResponseJsonBytes + 1 - text.size(), 'a');
  ASSERT_EQ(text.size(), kMaxResponseJsonBytes + 1);
  const Result<AuthenticationResponse> parsed = ParseAuthenticationResponseJson(text);
  EXPECT_THAT(parsed, HasError(ErrorCode::kMalformedResponse));
  // The message names the limit (and so where to read about it).
  EXPECT_EQ(parsed.error().message,
            "response JSON is 1048577 bytes, over kMaxResponseJsonBytes (1 MiB)");
}

}  // namespace
}  // namespace passkey
