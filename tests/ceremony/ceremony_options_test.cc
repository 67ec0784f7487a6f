// MakeRegistrationOptions / MakeAuthenticationOptions: the JSON members of
// WebAuthn L3 §5.4 / §5.5, input validation, escaping, and round trips
// through the software authenticator and the verifier for every algorithm
// SupportedAlgorithms lists.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <passkey/passkey.h>
#include <passkey/testing/software_authenticator.h>

#include "test_util.h"

namespace passkey {
namespace {

using nlohmann::json;
using testing::AssertionParams;
using testing::RegistrationParams;
using testing::SoftwareAuthenticator;

constexpr char kRpId[] = "example.com";
constexpr char kOrigin[] = "https://example.com";

CreationOptionsParams BaseCreation() {
  CreationOptionsParams params;
  params.rp_id = kRpId;
  params.rp_name = "Example";
  params.user_id = Bytes{1, 2, 3, 4, 5, 6, 7, 8};
  params.user_name = "alice@example.com";
  params.user_display_name = "Alice";
  return params;
}

RequestOptionsParams BaseRequest() {
  RequestOptionsParams params;
  params.rp_id = kRpId;
  return params;
}

// Parse: the output must be one JSON object (strict: no exceptions here,
// a parse failure is a test failure).
json Parse(const std::string& text) {
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(parsed.is_discarded()) << text;
  EXPECT_TRUE(parsed.is_object()) << text;
  return parsed;
}

Bytes DecodeB64(const json& value) {
  EXPECT_TRUE(value.is_string());
  if (!value.is_string()) return {};
  Result<Bytes> decoded = Base64UrlDecode(value.get<std::string>());
  EXPECT_THAT(decoded, IsOk());
  return decoded.has_value() ? *decoded : Bytes{};
}

std::set<std::string> Keys(const json& object) {
  std::set<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.insert(it.key());
  return keys;
}

// --- SupportedAlgorithms, RandomBytes, GenerateUserHandle ---

TEST(CeremonyOptionsTest, SupportedAlgorithmsInPreferenceOrder) {
  const std::vector<CoseAlgorithm> expected = {
      CoseAlgorithm::kEs256, CoseAlgorithm::kEdDsa, CoseAlgorithm::kEd25519,
      CoseAlgorithm::kEd448, CoseAlgorithm::kEs384, CoseAlgorithm::kEs512,
      CoseAlgorithm::kPs256, CoseAlgorithm::kPs384, CoseAlgorithm::kPs512,
      CoseAlgorithm::kRs256, CoseAlgorithm::kRs384, CoseAlgorithm::kRs512};
  EXPECT_EQ(SupportedAlgorithms(), expected);
  std::vector<CoseAlgorithm> with_rs1 = expected;
  with_rs1.push_back(CoseAlgorithm::kRs1);
  EXPECT_EQ(SupportedAlgorithms(/*include_rs1=*/true), with_rs1);
  for (const CoseAlgorithm alg : with_rs1) EXPECT_TRUE(IsSupportedAlgorithm(alg));
}

TEST(CeremonyOptionsTest, RandomBytesSizes) {
  EXPECT_THAT(RandomBytes(0), HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(RandomBytes(1025), HasError(ErrorCode::kInvalidArgument));
  Result<Bytes> one = RandomBytes(1);
  ASSERT_THAT(one, IsOk());
  EXPECT_EQ(one->size(), 1u);
  Result<Bytes> max = RandomBytes(1024);
  ASSERT_THAT(max, IsOk());
  EXPECT_EQ(max->size(), 1024u);
  Result<Bytes> a = RandomBytes(32);
  Result<Bytes> b = RandomBytes(32);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_NE(*a, *b);  // 2^-256 chance of a false failure
  EXPECT_NE(*a, Bytes(32, 0));
}

TEST(CeremonyOptionsTest, GenerateUserHandleIs32RandomBytes) {
  Result<Bytes> a = GenerateUserHandle();
  Result<Bytes> b = GenerateUserHandle();
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(a->size(), 32u);
  EXPECT_NE(*a, *b);
}

// --- Registration JSON ---

TEST(CeremonyOptionsTest, RegistrationJsonHasEveryMember) {
  CreationOptionsParams params = BaseCreation();
  params.exclude_credentials = {{Bytes{0xfb, 0xff, 0x01}, {"usb", "nfc"}}, {Bytes{0x42}, {}}};
  params.authenticator_attachment = Attachment::kCrossPlatform;
  params.hints = {CredentialHint::kSecurityKey, CredentialHint::kHybrid};
  params.attestation = AttestationConveyance::kDirect;
  params.attestation_formats = {"packed", "tpm"};
  params.timeout_ms = 120000;
  Result<GeneratedOptions> options = MakeRegistrationOptions(params);
  ASSERT_THAT(options, IsOk());
  const json j = Parse(options->json);
  EXPECT_EQ(Keys(j), (std::set<std::string>{"rp", "user", "challenge", "pubKeyCredParams",
                                            "timeout", "excludeCredentials",
                                            "authenticatorSelection", "hints", "attestation",
                                            "attestationFormats", "extensions"}));
  EXPECT_EQ(j["rp"], (json{{"id", "example.com"}, {"name", "Example"}}));
  EXPECT_EQ(j["user"], (json{{"id", Base64UrlEncode(params.user_id)},
                             {"name", "alice@example.com"},
                             {"displayName", "Alice"}}));
  EXPECT_EQ(options->challenge.size(), 32u);
  EXPECT_EQ(DecodeB64(j["challenge"]), options->challenge);
  EXPECT_EQ(j["challenge"].get<std::string>().find('='), std::string::npos);
  json cred_params = json::array();
  for (const CoseAlgorithm alg : SupportedAlgorithms()) {
    cred_params.push_back({{"type", "public-key"}, {"alg", static_cast<int>(alg)}});
  }
  EXPECT_EQ(j["pubKeyCredParams"], cred_params);
  EXPECT_EQ(j["timeout"], 120000);
  EXPECT_EQ(j["excludeCredentials"],
            json::parse(R"([{"type":"public-key","id":"-_8B","transports":["usb","nfc"]},
                            {"type":"public-key","id":"Qg"}])"));
  EXPECT_EQ(j["authenticatorSelection"], json::parse(R"({"authenticatorAttachment":
      "cross-platform","residentKey":"required","requireResidentKey":true,
      "userVerification":"required"})"));
  EXPECT_EQ(j["hints"], json::parse(R"(["security-key","hybrid"])"));
  EXPECT_EQ(j["attestation"], "direct");
  EXPECT_EQ(j["attestationFormats"], json::parse(R"(["packed","tpm"])"));
  EXPECT_EQ(j["extensions"], json::parse(R"({"credProps":true})"));
}

TEST(CeremonyOptionsTest, RegistrationDefaultsAndOmittedMembers) {
  CreationOptionsParams params = BaseCreation();
  params.user_display_name.clear();
  params.cred_props = false;
  params.timeout_ms = 0;
  Result<GeneratedOptions> options = MakeRegistrationOptions(params);
  ASSERT_THAT(options, IsOk());
  const json j = Parse(options->json);
  EXPECT_EQ(Keys(j), (std::set<std::string>{"rp", "user", "challenge", "pubKeyCredParams",
                                            "excludeCredentials", "authenticatorSelection",
                                            "hints", "attestation"}));
  EXPECT_EQ(j["user"]["displayName"], "alice@example.com");  // empty = user_name
  EXPECT_EQ(j["excludeCredentials"], json::array());
  EXPECT_EQ(j["hints"], json::array());
  EXPECT_EQ(j["attestation"], "none");
  EXPECT_FALSE(j["authenticatorSelection"].contains("authenticatorAttachment"));
}

struct ResidentKeyCase {
  ResidentKeyRequirement requirement;
  const char* name;
  bool require_resident_key;
};

class ResidentKeyTest : public ::testing::TestWithParam<ResidentKeyCase> {};

TEST_P(ResidentKeyTest, RequireResidentKeyTrueIffRequired) {
  CreationOptionsParams params = BaseCreation();
  params.resident_key = GetParam().requirement;
  params.user_verification = UserVerification::kPreferred;
  params.authenticator_attachment = Attachment::kPlatform;
  Result<GeneratedOptions> options = MakeRegistrationOptions(params);
  ASSERT_THAT(options, IsOk());
  const json selection = Parse(options->json)["authenticatorSelection"];
  EXPECT_EQ(selection["residentKey"], GetParam().name);
  EXPECT_EQ(selection["requireResidentKey"], GetParam().require_resident_key);
  EXPECT_EQ(selection["userVerification"], "preferred");
  EXPECT_EQ(selection["authenticatorAttachment"], "platform");
}

INSTANTIATE_TEST_SUITE_P(
    All, ResidentKeyTest,
    ::testing::Values(ResidentKeyCase{ResidentKeyRequirement::kRequired, "required", true},
                      ResidentKeyCase{ResidentKeyRequirement::kPreferred, "preferred", false},
                      ResidentKeyCase{ResidentKeyRequirement::kDiscouraged, "discouraged",
                                      false}));

TEST(CeremonyOptionsTest, AttestationConveyanceNames) {
  const std::pair<AttestationConveyance, const char*> cases[] = {
      {AttestationConveyance::kNone, "none"},
      {AttestationConveyance::kIndirect, "indirect"},
      {AttestationConveyance::kDirect, "direct"},
      {AttestationConveyance::kEnterprise, "enterprise"}};
  for (const auto& [value, name] : cases) {
    CreationOptionsParams params = BaseCreation();
    params.attestation = value;
    Result<GeneratedOptions> options = MakeRegistrationOptions(params);
    ASSERT_THAT(options, IsOk());
    EXPECT_EQ(Parse(options->json)["attestation"], name);
  }
}

TEST(CeremonyOptionsTest, AlgorithmsKeepTheCallersOrder) {
  CreationOptionsParams params = BaseCreation();
  params.algorithms = {CoseAlgorithm::kRs256, CoseAlgorithm::kEs256, CoseAlgorithm::kRs1};
  Result<GeneratedOptions> options = MakeRegistrationOptions(params);
  ASSERT_THAT(options, IsOk());
  EXPECT_EQ(Parse(options->json)["pubKeyCredParams"],
            json::parse(R"([{"type":"public-key","alg":-257},{"type":"public-key","alg":-7},
                            {"type":"public-key","alg":-65535}])"));
}

TEST(CeremonyOptionsTest, RejectsDuplicateOrUnsupportedAlgorithms) {
  CreationOptionsParams params = BaseCreation();
  params.algorithms = {CoseAlgorithm::kEs256, CoseAlgorithm::kEdDsa, CoseAlgorithm::kEs256};
  EXPECT_THAT(MakeRegistrationOptions(params), HasError(ErrorCode::kInvalidArgument));
  params.algorithms = {CoseAlgorithm::kEs256, static_cast<CoseAlgorithm>(-999)};
  EXPECT_THAT(MakeRegistrationOptions(params), HasError(ErrorCode::kInvalidArgument));
}

TEST(CeremonyOptionsTest, EscapesNamesAndKeepsUtf8) {
  CreationOptionsParams params = BaseCreation();
  const std::string nasty = std::string("a\"b\\c</script>\n\t\x01\x1f") + '\0' + "end";
  const std::string unicode = "Zo\xc3\xab \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\x91";  // Zoë 日本 🔑
  params.rp_name = nasty;
  params.user_name = unicode;
  params.user_display_name = nasty + unicode;
  Result<GeneratedOptions> options = MakeRegistrationOptions(params);
  ASSERT_THAT(options, IsOk());
  // Every control character is escaped: the text has none left raw.
  for (const char c : options->json) {
    EXPECT_GE(static_cast<unsigned char>(c), 0x20u) << options->json;
  }
  const json j = Parse(options->json);
  EXPECT_EQ(j["rp"]["name"], nasty);
  EXPECT_EQ(j["user"]["name"], unicode);
  EXPECT_EQ(j["user"]["displayName"], nasty + unicode);
  // Non-ASCII is written as UTF-8, not as \u escapes.
  EXPECT_NE(options->json.find(unicode), std::string::npos);
}

TEST(CeremonyOptionsTest, RejectsInvalidUtf8InEveryString) {
  const std::string bad[] = {
      "\xc0\xaf",          // overlong '/'
      "abc\x80",           // lone continuation byte
      "\xed\xa0\x80",      // UTF-16 surrogate
      "\xf4\x90\x80\x80",  // above U+10FFFF
      "\xe6\x97",          // truncated sequence
  };
  for (const std::string& text : bad) {
    SCOPED_TRACE(test::ToHex(AsBytes(text)));
    CreationOptionsParams params = BaseCreation();
    params.rp_name = text;
    EXPECT_THAT(MakeRegistrationOptions(params), HasError(ErrorCode::kInvalidArgument));
    params = BaseCreation();
    params.user_name = text;
    EXPECT_THAT(MakeRegistrationOptions(params), HasError(ErrorCode::kInvalidArgument));
    params = BaseCreation();
    params.user_display_name = text;
    EXPECT_THAT(MakeRegistrationOptions(params), HasError(ErrorCode::kInvalidArgument));
    params = BaseCreation();
    params.exclude_credentials = {{Bytes{1}, {text}}};
    EXPECT_THAT(MakeRegistrationOptions(params), HasError(ErrorCode::kInvalidArgument));
    params = BaseCreation();
    params.attestation_formats = {text};
    EXPECT_THAT(MakeRegistrationOptions(params), HasError(ErrorCode::kInvalidArgument));
    RequestOptionsParams request = BaseRequest();
    request.allow_credentials = {{Bytes{1}, {"usb", text}}};
    EXPECT_THAT(MakeAuthenticationOptions(request), HasError(ErrorCode::kInvalidArgument));
  }
}

TEST(CeremonyOptionsTest, RejectsMissingOrOversizedFields) {
  CreationOptionsParams params = BaseCreation();
  params.rp_name.clear();
  EXPECT_THAT(MakeRegistrationOptions(params), HasError(ErrorCode::kInvalidArgument));
  params = BaseCreation();
  params.user_name.clear();
  EXPECT_THAT(MakeRegistrationOptions(params), HasError(ErrorCode::kInvalidArgument));
  params = BaseCreation();
  params.user_name = std::string(1025, 'a');
  EXPECT_THAT(MakeRegistrationOptions(params), HasError(ErrorCode::kInvalidArgument));
  params.user_name = std::string(1024, 'a');
  EXPECT_THAT(MakeRegistrationOptions(params), IsOk());
  params = BaseCreation();
  params.exclude_credentials.assign(257, CredentialDescriptor{Bytes{1}, {}});
  EXPECT_THAT(MakeRegistrationOptions(params), HasError(ErrorCode::kInvalidArgument));
  params.exclude_credentials.resize(256);
  EXPECT_THAT(MakeRegistrationOptions(params), IsOk());
  params = BaseCreation();
  params.exclude_credentials = {{Bytes{1}, {""}}};
  EXPECT_THAT(MakeRegistrationOptions(params), HasError(ErrorCode::kInvalidArgument));
  params = BaseCreation();
  params.attestation_formats = {"packed", "packed"};
  EXPECT_THAT(MakeRegistrationOptions(params), HasError(ErrorCode::kInvalidArgument));
}

TEST(CeremonyOptionsTest, UserIdIsOneTo64Bytes) {
  CreationOptionsParams params = BaseCreation();
  params.user_id.clear();
  EXPECT_THAT(MakeRegistrationOptions(params), HasError(ErrorCode::kInvalidArgument));
  params.user_id = Bytes(65, 7);
  EXPECT_THAT(MakeRegistrationOptions(params), HasError(ErrorCode::kInvalidArgument));
  params.user_id = Bytes(64, 7);
  EXPECT_THAT(MakeRegistrationOptions(params), IsOk());
  params.user_id = Bytes(1, 7);
  Result<GeneratedOptions> options = MakeRegistrationOptions(params);
  ASSERT_THAT(options, IsOk());
  EXPECT_EQ(DecodeB64(Parse(options->json)["user"]["id"]), Bytes(1, 7));
}

TEST(CeremonyOptionsTest, CredentialIdsAreOneTo1023Bytes) {
  for (const std::size_t size : {std::size_t{0}, std::size_t{1024}}) {
    CreationOptionsParams params = BaseCreation();
    params.exclude_credentials = {{Bytes(size, 9), {}}};
    EXPECT_THAT(MakeRegistrationOptions(params), HasError(ErrorCode::kInvalidArgument));
    RequestOptionsParams request = BaseRequest();
    request.allow_credentials = {{Bytes(size, 9), {}}};
    EXPECT_THAT(MakeAuthenticationOptions(request), HasError(ErrorCode::kInvalidArgument));
  }
  CreationOptionsParams params = BaseCreation();
  params.exclude_credentials = {{Bytes(1023, 9), {"internal"}}};
  Result<GeneratedOptions> options = MakeRegistrationOptions(params);
  ASSERT_THAT(options, IsOk());
  EXPECT_EQ(DecodeB64(Parse(options->json)["excludeCredentials"][0]["id"]), Bytes(1023, 9));
  RequestOptionsParams request = BaseRequest();
  request.allow_credentials = {{Bytes(1023, 9), {}}};
  EXPECT_THAT(MakeAuthenticationOptions(request), IsOk());
}

TEST(CeremonyOptionsTest, ChallengeSizeIs16To64) {
  for (const std::size_t size : {std::size_t{0}, std::size_t{15}, std::size_t{65}}) {
    CreationOptionsParams params = BaseCreation();
    params.challenge_size = size;
    EXPECT_THAT(MakeRegistrationOptions(params), HasError(ErrorCode::kInvalidArgument));
    RequestOptionsParams request = BaseRequest();
    request.challenge_size = size;
    EXPECT_THAT(MakeAuthenticationOptions(request), HasError(ErrorCode::kInvalidArgument));
  }
  for (const std::size_t size : {std::size_t{16}, std::size_t{64}}) {
    CreationOptionsParams params = BaseCreation();
    params.challenge_size = size;
    Result<GeneratedOptions> options = MakeRegistrationOptions(params);
    ASSERT_THAT(options, IsOk());
    EXPECT_EQ(options->challenge.size(), size);
    EXPECT_EQ(DecodeB64(Parse(options->json)["challenge"]), options->challenge);
  }
}

TEST(CeremonyOptionsTest, EveryCallHasAFreshChallenge) {
  std::set<Bytes> seen;
  for (int i = 0; i < 50; ++i) {
    Result<GeneratedOptions> options = MakeAuthenticationOptions(BaseRequest());
    ASSERT_THAT(options, IsOk());
    EXPECT_TRUE(seen.insert(options->challenge).second);
  }
}

TEST(CeremonyOptionsTest, RejectsDuplicateOrUnknownHintsAndEnums) {
  CreationOptionsParams params = BaseCreation();
  params.hints = {CredentialHint::kHybrid, CredentialHint::kHybrid};
  EXPECT_THAT(MakeRegistrationOptions(params), HasError(ErrorCode::kInvalidArgument));
  params = BaseCreation();
  params.hints = {static_cast<CredentialHint>(9)};
  EXPECT_THAT(MakeRegistrationOptions(params), HasError(ErrorCode::kInvalidArgument));
  params = BaseCreation();
  params.user_verification = static_cast<UserVerification>(9);
  EXPECT_THAT(MakeRegistrationOptions(params), HasError(ErrorCode::kInvalidArgument));
  params = BaseCreation();
  params.resident_key = static_cast<ResidentKeyRequirement>(9);
  EXPECT_THAT(MakeRegistrationOptions(params), HasError(ErrorCode::kInvalidArgument));
  params = BaseCreation();
  params.attestation = static_cast<AttestationConveyance>(9);
  EXPECT_THAT(MakeRegistrationOptions(params), HasError(ErrorCode::kInvalidArgument));
  params = BaseCreation();
  params.authenticator_attachment = static_cast<Attachment>(9);
  EXPECT_THAT(MakeRegistrationOptions(params), HasError(ErrorCode::kInvalidArgument));
  RequestOptionsParams request = BaseRequest();
  request.hints = {CredentialHint::kClientDevice, CredentialHint::kClientDevice};
  EXPECT_THAT(MakeAuthenticationOptions(request), HasError(ErrorCode::kInvalidArgument));
  request = BaseRequest();
  request.user_verification = static_cast<UserVerification>(9);
  EXPECT_THAT(MakeAuthenticationOptions(request), HasError(ErrorCode::kInvalidArgument));
}

// --- RP ID syntax ---

TEST(CeremonyOptionsTest, AcceptsValidRpIds) {
  for (const std::string& rp_id : std::vector<std::string>{
           "example.com", "localhost", "a-b.example.co.uk", "xn--bcher-kva.example",
           "login.1x.io", "a", std::string(63, 'a') + ".com"}) {
    SCOPED_TRACE(rp_id);
    CreationOptionsParams params = BaseCreation();
    params.rp_id = rp_id;
    Result<GeneratedOptions> options = MakeRegistrationOptions(params);
    ASSERT_THAT(options, IsOk());
    EXPECT_EQ(Parse(options->json)["rp"]["id"], rp_id);
    RequestOptionsParams request = BaseRequest();
    request.rp_id = rp_id;
    Result<GeneratedOptions> auth = MakeAuthenticationOptions(request);
    ASSERT_THAT(auth, IsOk());
    EXPECT_EQ(Parse(auth->json)["rpId"], rp_id);
  }
}

TEST(CeremonyOptionsTest, RejectsInvalidRpIds) {
  std::string long_domain;
  while (long_domain.size() < 254) long_domain += "abcdefghi.";
  long_domain += "com";
  for (const std::string& rp_id : std::vector<std::string>{
       std::string(), std::string("Example.com"), std::string("example.com."),
        std::string(".example.com"), std::string("-a.com"), std::string("a-.com"),
        std::string("exa mple.com"), std::string("https://example.com"),
        std::string("example.com:443"), std::string("a..b"), std::string("127.0.0.1"),
        std::string("10.1"), std::string("b\xc3\xbc" "cher.example"), std::string("ex_ample.com"),
        std::string(64, 'a') + ".com", long_domain, std::string("exa\0mple.com", 12)}) {
    SCOPED_TRACE(rp_id);
    CreationOptionsParams params = BaseCreation();
    params.rp_id = rp_id;
    EXPECT_THAT(MakeRegistrationOptions(params), HasError(ErrorCode::kInvalidArgument));
    RequestOptionsParams request = BaseRequest();
    request.rp_id = rp_id;
    EXPECT_THAT(MakeAuthenticationOptions(request), HasError(ErrorCode::kInvalidArgument));
  }
}

TEST(CeremonyOptionsTest, ErrorMessageNamesTheField) {
  CreationOptionsParams params = BaseCreation();
  params.user_id.clear();
  Result<GeneratedOptions> options = MakeRegistrationOptions(params);
  ASSERT_THAT(options, HasError(ErrorCode::kInvalidArgument));
  EXPECT_NE(options.error().message.find("user_id"), std::string::npos);
  params = BaseCreation();
  params.rp_id = "EXAMPLE.com";
  options = MakeRegistrationOptions(params);
  ASSERT_THAT(options, HasError(ErrorCode::kInvalidArgument));
  EXPECT_NE(options.error().message.find("rp_id"), std::string::npos);
}

// --- Authentication JSON ---

TEST(CeremonyOptionsTest, AuthenticationJsonHasEveryMember) {
  RequestOptionsParams params = BaseRequest();
  params.allow_credentials = {{Bytes{0xfb, 0xff}, {"internal", "hybrid"}}};
  params.user_verification = UserVerification::kDiscouraged;
  params.hints = {CredentialHint::kClientDevice};
  params.timeout_ms = 60000;
  params.challenge_size = 16;
  Result<GeneratedOptions> options = MakeAuthenticationOptions(params);
  ASSERT_THAT(options, IsOk());
  const json j = Parse(options->json);
  EXPECT_EQ(Keys(j), (std::set<std::string>{"challenge", "timeout", "rpId", "allowCredentials",
                                            "userVerification", "hints"}));
  EXPECT_EQ(options->challenge.size(), 16u);
  EXPECT_EQ(DecodeB64(j["challenge"]), options->challenge);
  EXPECT_EQ(j["timeout"], 60000);
  EXPECT_EQ(j["rpId"], "example.com");
  EXPECT_EQ(j["allowCredentials"],
            json::parse(R"([{"type":"public-key","id":"-_8","transports":["internal","hybrid"]}])"));
  EXPECT_EQ(j["userVerification"], "discouraged");
  EXPECT_EQ(j["hints"], json::parse(R"(["client-device"])"));
}

TEST(CeremonyOptionsTest, AuthenticationDefaultsForDiscoverableCredentials) {
  RequestOptionsParams params = BaseRequest();
  params.timeout_ms = 0;
  Result<GeneratedOptions> options = MakeAuthenticationOptions(params);
  ASSERT_THAT(options, IsOk());
  const json j = Parse(options->json);
  EXPECT_EQ(Keys(j),
            (std::set<std::string>{"challenge", "rpId", "allowCredentials", "userVerification",
                                   "hints"}));
  EXPECT_EQ(j["allowCredentials"], json::array());
  EXPECT_EQ(j["userVerification"], "required");
  EXPECT_EQ(options->challenge.size(), 32u);
}

// --- Round trips: options → software authenticator → verifier ---

// Authenticator: a credential for `alg`. RSA keys come from testdata/keys
// (deterministic, no key generation); the fully specified Ed25519 (-19),
// which the software authenticator does not announce itself, is its EdDSA
// Ed25519 key with the COSE alg rewritten to -19 (see CoseKeyOverride).
SoftwareAuthenticator MakeAuthenticator(CoseAlgorithm alg) {
  const std::string seed = "ceremony-options/" + std::string(CoseAlgorithmName(alg));
  Result<SoftwareAuthenticator> created =
      SoftwareAuthenticator::Create(alg == CoseAlgorithm::kEd25519 ? CoseAlgorithm::kEdDsa : alg,
                                    seed);
  const char* pem_name = nullptr;
  switch (alg) {
    case CoseAlgorithm::kRs256: pem_name = "keys/rs256.pem"; break;
    case CoseAlgorithm::kRs384: pem_name = "keys/rs384.pem"; break;
    case CoseAlgorithm::kRs512: pem_name = "keys/rs512.pem"; break;
    case CoseAlgorithm::kRs1: pem_name = "keys/rs1.pem"; break;
    case CoseAlgorithm::kPs256: pem_name = "keys/ps256.pem"; break;
    case CoseAlgorithm::kPs384: pem_name = "keys/ps384.pem"; break;
    case CoseAlgorithm::kPs512: pem_name = "keys/ps512.pem"; break;
    default: break;
  }
  if (pem_name != nullptr) {
    const std::optional<std::string> pem = test::ReadFile(test::TestdataPath(pem_name));
    EXPECT_TRUE(pem.has_value()) << pem_name;
    if (pem.has_value()) created = SoftwareAuthenticator::CreateFromPem(alg, *pem, seed);
  }
  if (!created.has_value()) {
    ADD_FAILURE() << "SoftwareAuthenticator for " << CoseAlgorithmName(alg) << ": "
                  << created.error().message;
    std::abort();
  }
  return std::move(created).value();
}

// CoseKeyOverride: for Ed25519 (-19), the authenticator's OKP key
// {1:1, 3:-8, -1:6, -2:x} with alg -8 (0x27) replaced by -19 (0x32).
std::optional<Bytes> CoseKeyOverride(CoseAlgorithm alg, const SoftwareAuthenticator& authn) {
  if (alg != CoseAlgorithm::kEd25519) return std::nullopt;
  Bytes key = authn.CosePublicKey();
  const Bytes prefix = {0xa4, 0x01, 0x01, 0x03, 0x27, 0x20, 0x06};
  EXPECT_TRUE(key.size() > prefix.size() && std::equal(prefix.begin(), prefix.end(), key.begin()))
      << test::ToHex(key);
  key[4] = 0x32;
  return key;
}

class OptionsRoundTripTest : public ::testing::TestWithParam<CoseAlgorithm> {};

TEST_P(OptionsRoundTripTest, RegisterAndAuthenticateWithIssuedOptions) {
  const CoseAlgorithm alg = GetParam();
  const bool sha1 = alg == CoseAlgorithm::kRs1;
  const SoftwareAuthenticator authn = MakeAuthenticator(alg);
  InMemoryChallengeStore store;
  constexpr UnixSeconds kNow = 1700000000;

  // Registration: the RP issues options and remembers the challenge.
  CreationOptionsParams creation = BaseCreation();
  Result<Bytes> user_id = GenerateUserHandle();
  ASSERT_THAT(user_id, IsOk());
  creation.user_id = *user_id;
  creation.algorithms = SupportedAlgorithms(/*include_rs1=*/sha1);
  Result<GeneratedOptions> reg_options = MakeRegistrationOptions(creation);
  ASSERT_THAT(reg_options, IsOk());
  ASSERT_THAT(store.Put(Ceremony::kRegistration, "session-1", reg_options->challenge,
                        Base64UrlEncode(*user_id), kNow),
              IsOk());
  // The browser side: it reads rp.id, the challenge and pubKeyCredParams
  // from the JSON.
  const json creation_json = Parse(reg_options->json);
  bool offered = false;
  for (const json& param : creation_json["pubKeyCredParams"]) {
    if (param["alg"] == static_cast<int>(alg)) offered = true;
  }
  EXPECT_TRUE(offered) << CoseAlgorithmName(alg) << " is not in pubKeyCredParams";
  RegistrationParams reg;
  reg.rp_id = creation_json["rp"]["id"].get<std::string>();
  reg.origin = kOrigin;
  reg.challenge = DecodeB64(creation_json["challenge"]);
  reg.cose_key = CoseKeyOverride(alg, authn);
  if (reg.cose_key.has_value()) reg.public_key_algorithm = static_cast<std::int64_t>(alg);
  Result<std::string> reg_json = authn.MakeCredentialJson(reg);
  ASSERT_THAT(reg_json, IsOk());

  // The RP takes the challenge back (single use) and verifies.
  Result<IssuedChallenge> issued = store.Take(Ceremony::kRegistration, "session-1", kNow + 5);
  ASSERT_THAT(issued, IsOk());
  EXPECT_EQ(issued->context, Base64UrlEncode(*user_id));
  RegistrationOptions reg_verify;
  reg_verify.rp.ids = {kRpId};
  reg_verify.rp.origins = {kOrigin};
  reg_verify.challenge = issued->challenge;
  reg_verify.allowed_algorithms = creation.algorithms;
  reg_verify.allow_sha1_attestation = sha1;
  reg_verify.now = kNow + 5;
  Result<RegistrationResponse> reg_response = ParseRegistrationResponseJson(*reg_json);
  ASSERT_THAT(reg_response, IsOk());
  Result<CredentialRecord> record = VerifyRegistration(reg_verify, *reg_response);
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->algorithm, alg);

  // Authentication with the new credential in allowCredentials.
  RequestOptionsParams request = BaseRequest();
  request.allow_credentials = {{record->id, record->transports}};
  Result<GeneratedOptions> auth_options = MakeAuthenticationOptions(request);
  ASSERT_THAT(auth_options, IsOk());
  ASSERT_THAT(store.Put(Ceremony::kAuthentication, "session-1", auth_options->challenge, "",
                        kNow + 10),
              IsOk());
  const json request_json = Parse(auth_options->json);
  EXPECT_EQ(DecodeB64(request_json["allowCredentials"][0]["id"]), authn.credential_id());
  AssertionParams assertion;
  assertion.rp_id = request_json["rpId"].get<std::string>();
  assertion.origin = kOrigin;
  assertion.challenge = DecodeB64(request_json["challenge"]);
  assertion.sign_count = 1;
  Result<std::string> auth_json = authn.GetAssertionJson(assertion);
  ASSERT_THAT(auth_json, IsOk());
  Result<IssuedChallenge> auth_issued =
      store.Take(Ceremony::kAuthentication, "session-1", kNow + 20);
  ASSERT_THAT(auth_issued, IsOk());
  AuthenticationOptions auth_verify;
  auth_verify.rp = reg_verify.rp;
  auth_verify.challenge = auth_issued->challenge;
  auth_verify.allowed_algorithms = creation.algorithms;
  auth_verify.allow_rs1_credentials = sha1;
  auth_verify.now = kNow + 20;
  Result<AuthenticationResponse> auth_response = ParseAuthenticationResponseJson(*auth_json);
  ASSERT_THAT(auth_response, IsOk());
  EXPECT_THAT(VerifyAuthentication(auth_verify, *record, *auth_response), IsOk());

  // A second response to the same challenge finds nothing to match.
  EXPECT_THAT(store.Take(Ceremony::kAuthentication, "session-1", kNow + 21),
              HasError(ErrorCode::kChallengeNotFound));
  // And a challenge other than the one issued is rejected by the verifier.
  auth_verify.challenge = reg_options->challenge;
  EXPECT_THAT(VerifyAuthentication(auth_verify, *record, *auth_response),
              HasError(ErrorCode::kChallengeMismatch));
}

INSTANTIATE_TEST_SUITE_P(EverySupportedAlgorithm, OptionsRoundTripTest,
                         ::testing::ValuesIn(SupportedAlgorithms(/*include_rs1=*/true)),
                         [](const ::testing::TestParamInfo<CoseAlgorithm>& param_info) {
                           return std::string(CoseAlgorithmName(param_info.param));
                         });

}  // namespace
}  // namespace passkey

namespace passkey {
namespace {

// ValueOf: the parsed value, or nullopt on failure (Result has no ==).
template <class T>
std::optional<T> ValueOf(const Result<T>& result) {
  return result.has_value() ? std::optional<T>(*result) : std::nullopt;
}

// The parsers read back exactly what MakeRegistrationOptions /
// MakeAuthenticationOptions write, and nothing else.
TEST(CeremonyOptionsParseTest, EnumParsersAcceptTheSpecSpellingsOnly) {
  EXPECT_EQ(ValueOf(ParseResidentKeyRequirement("required")), ResidentKeyRequirement::kRequired);
  EXPECT_EQ(ValueOf(ParseResidentKeyRequirement("preferred")), ResidentKeyRequirement::kPreferred);
  EXPECT_EQ(ValueOf(ParseResidentKeyRequirement("discouraged")), ResidentKeyRequirement::kDiscouraged);
  EXPECT_THAT(ParseResidentKeyRequirement("Required"), HasError(ErrorCode::kInvalidArgument));
  EXPECT_EQ(ValueOf(ParseAttestationConveyance("none")), AttestationConveyance::kNone);
  EXPECT_EQ(ValueOf(ParseAttestationConveyance("indirect")), AttestationConveyance::kIndirect);
  EXPECT_EQ(ValueOf(ParseAttestationConveyance("direct")), AttestationConveyance::kDirect);
  EXPECT_EQ(ValueOf(ParseAttestationConveyance("enterprise")), AttestationConveyance::kEnterprise);
  EXPECT_THAT(ParseAttestationConveyance(""), HasError(ErrorCode::kInvalidArgument));
  EXPECT_EQ(ValueOf(ParseCredentialHint("security-key")), CredentialHint::kSecurityKey);
  EXPECT_EQ(ValueOf(ParseCredentialHint("client-device")), CredentialHint::kClientDevice);
  EXPECT_EQ(ValueOf(ParseCredentialHint("hybrid")), CredentialHint::kHybrid);
  EXPECT_THAT(ParseCredentialHint("usb"), HasError(ErrorCode::kInvalidArgument));
}

}  // namespace
}  // namespace passkey
