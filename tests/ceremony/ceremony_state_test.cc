// RegistrationCeremony / AuthenticationCeremony (passkey/ceremony.h): made
// beside the options JSON, carried through their string form, and enforced
// by the verify overloads: every field the ceremony holds has a test that
// fails with the exact code when the response disagrees with it.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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
constexpr UnixSeconds kNow = 1'800'000'000;

RelyingParty Rp() {
  RelyingParty rp;
  rp.origins = {kOrigin};  // ids: left empty, the options' rp_id is used
  return rp;
}

CreationOptionsParams Creation() {
  CreationOptionsParams params;
  params.rp_id = kRpId;
  params.rp_name = "Example";
  params.user_id = Bytes(32, 0x42);
  params.user_name = "alice";
  params.timeout_ms = 120000;
  return params;
}

RequestOptionsParams Request() {
  RequestOptionsParams params;
  params.rp_id = kRpId;
  params.timeout_ms = 60000;
  return params;
}

SoftwareAuthenticator MakeAuthenticator(CoseAlgorithm alg, const std::string& seed) {
  Result<SoftwareAuthenticator> created = SoftwareAuthenticator::Create(alg, seed);
  EXPECT_THAT(created, IsOk());
  return std::move(created).value();
}

// Browser: what the authenticator answers to the registration options.
RegistrationParams CreateCall(const RegistrationCeremony& ceremony) {
  RegistrationParams params;
  params.rp_id = kRpId;
  params.origin = kOrigin;
  params.challenge = ceremony.challenge;
  return params;
}

AssertionParams GetCall(const AuthenticationCeremony& ceremony) {
  AssertionParams params;
  params.rp_id = kRpId;
  params.origin = kOrigin;
  params.challenge = ceremony.challenge;
  params.sign_count = 1;
  return params;
}

RegistrationResponse Register(const SoftwareAuthenticator& authn, const RegistrationParams& call) {
  Result<std::string> text = authn.MakeCredentialJson(call);
  EXPECT_THAT(text, IsOk());
  Result<RegistrationResponse> response = ParseRegistrationResponseJson(*text);
  EXPECT_THAT(response, IsOk());
  return std::move(response).value();
}

AuthenticationResponse Assert(const SoftwareAuthenticator& authn, const AssertionParams& call) {
  Result<std::string> text = authn.GetAssertionJson(call);
  EXPECT_THAT(text, IsOk());
  Result<AuthenticationResponse> response = ParseAuthenticationResponseJson(*text);
  EXPECT_THAT(response, IsOk());
  return std::move(response).value();
}

// Stored: the ceremony after a trip through its string form (what a server
// keeps in the session between the two requests).
template <class State>
State Stored(const State& ceremony, Result<State> (*parse)(std::string_view)) {
  Result<std::string> text = SerializeCeremony(ceremony);
  EXPECT_THAT(text, IsOk());
  Result<State> parsed = parse(*text);
  EXPECT_THAT(parsed, IsOk());
  return std::move(parsed).value();
}
RegistrationCeremony Stored(const RegistrationCeremony& c) {
  return Stored(c, &ParseRegistrationCeremony);
}
AuthenticationCeremony Stored(const AuthenticationCeremony& c) {
  return Stored(c, &ParseAuthenticationCeremony);
}

RegistrationCeremony MakeRegistration(const CreationOptionsParams& params = Creation(),
                                      Mediation mediation = Mediation::kDefault) {
  Result<RegistrationStart> start = MakeRegistrationCeremony(params, Rp(), kNow, mediation);
  EXPECT_THAT(start, IsOk());
  return Stored(start->ceremony);
}

AuthenticationCeremony MakeAuthentication(const RequestOptionsParams& params = Request(),
                                          const Bytes& user = {}) {
  Result<AuthenticationStart> start = MakeAuthenticationCeremony(params, Rp(), kNow, user);
  EXPECT_THAT(start, IsOk());
  return Stored(start->ceremony);
}

void ExpectSame(const RelyingParty& a, const RelyingParty& b) {
  EXPECT_EQ(a.ids, b.ids);
  EXPECT_EQ(a.origins, b.origins);
  EXPECT_EQ(a.top_origins, b.top_origins);
  EXPECT_EQ(a.allow_cross_origin, b.allow_cross_origin);
}

// --- Making and carrying the state ---

TEST(CeremonyStateTest, RegistrationStateMatchesTheOptionsAndSurvivesItsString) {
  CreationOptionsParams params = Creation();
  params.algorithms = {CoseAlgorithm::kEdDsa, CoseAlgorithm::kEs256};
  params.user_verification = UserVerification::kPreferred;
  RelyingParty rp = Rp();
  rp.ids = {"login.example.com", kRpId};
  rp.top_origins = {"https://portal.example.net"};
  rp.allow_cross_origin = true;
  Result<RegistrationStart> start =
      MakeRegistrationCeremony(params, rp, kNow, Mediation::kConditional);
  ASSERT_THAT(start, IsOk());
  const RegistrationCeremony& c = start->ceremony;
  const json options = json::parse(start->options_json);
  EXPECT_EQ(options["challenge"], Base64UrlEncode(c.challenge));
  EXPECT_EQ(c.rp.ids, std::vector<std::string>{kRpId});  // only the one the browser hashes
  EXPECT_EQ(c.rp.origins, rp.origins);
  EXPECT_EQ(c.algorithms, params.algorithms);
  EXPECT_EQ(c.user_handle, params.user_id);
  EXPECT_EQ(c.user_verification, UserVerification::kPreferred);
  EXPECT_EQ(c.mediation, Mediation::kConditional);
  EXPECT_EQ(c.created_at, kNow);
  EXPECT_EQ(c.expires_at, kNow + 120);

  Result<std::string> text = SerializeCeremony(c);
  ASSERT_THAT(text, IsOk());
  EXPECT_EQ(text->rfind("pk1.", 0), 0u);
  const RegistrationCeremony back = Stored(c);
  ExpectSame(back.rp, c.rp);
  EXPECT_EQ(back.challenge, c.challenge);
  EXPECT_EQ(back.user_verification, c.user_verification);
  EXPECT_EQ(back.algorithms, c.algorithms);
  EXPECT_EQ(back.user_handle, c.user_handle);
  EXPECT_EQ(back.mediation, c.mediation);
  EXPECT_EQ(back.created_at, c.created_at);
  EXPECT_EQ(back.expires_at, c.expires_at);
  EXPECT_EQ(SerializeCeremony(back).value(), *text);
}

TEST(CeremonyStateTest, AuthenticationStateMatchesTheOptionsAndSurvivesItsString) {
  RequestOptionsParams params = Request();
  params.allow_credentials = {{Bytes(16, 0x01), {"usb"}}, {Bytes(1023, 0x02), {}}};
  params.timeout_ms = 0;  // no timeout member: the default lifetime
  const Bytes user(64, 0x07);
  Result<AuthenticationStart> start = MakeAuthenticationCeremony(params, Rp(), kNow, user);
  ASSERT_THAT(start, IsOk());
  const AuthenticationCeremony& c = start->ceremony;
  EXPECT_EQ(json::parse(start->options_json)["challenge"], Base64UrlEncode(c.challenge));
  EXPECT_EQ(c.allow_credentials, (std::vector<Bytes>{Bytes(16, 0x01), Bytes(1023, 0x02)}));
  EXPECT_EQ(c.user_handle, user);
  EXPECT_EQ(c.expires_at, kNow + kDefaultCeremonyTimeoutSeconds);

  const AuthenticationCeremony back = Stored(c);
  ExpectSame(back.rp, c.rp);
  EXPECT_EQ(back.challenge, c.challenge);
  EXPECT_EQ(back.user_verification, c.user_verification);
  EXPECT_EQ(back.allow_credentials, c.allow_credentials);
  EXPECT_EQ(back.user_handle, c.user_handle);
  EXPECT_EQ(back.created_at, c.created_at);
  EXPECT_EQ(back.expires_at, c.expires_at);
}

TEST(CeremonyStateTest, TheRpMustListTheOptionsRpId) {
  RelyingParty rp = Rp();
  rp.ids = {"other.example"};
  EXPECT_THAT(MakeRegistrationCeremony(Creation(), rp, kNow),
              HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(MakeAuthenticationCeremony(Request(), rp, kNow),
              HasError(ErrorCode::kInvalidArgument));
  rp.ids.clear();
  rp.origins.clear();  // no origin: nothing could ever verify
  EXPECT_THAT(MakeRegistrationCeremony(Creation(), rp, kNow),
              HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(MakeAuthenticationCeremony(Request(), Rp(), -1),
              HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(MakeAuthenticationCeremony(Request(), Rp(), kNow, Bytes(65, 1)),
              HasError(ErrorCode::kInvalidArgument));
}

// --- Registration: each field enforced ---

TEST(CeremonyStateTest, RegistrationVerifiesFromTheStoredState) {
  const RegistrationCeremony c = MakeRegistration();
  const SoftwareAuthenticator authn = MakeAuthenticator(CoseAlgorithm::kEs256, "reg-ok");
  Result<CredentialRecord> record =
      VerifyRegistration(c, Register(authn, CreateCall(c)), kNow + 5);
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->id, authn.credential_id());
  EXPECT_EQ(record->user_handle, Creation().user_id);
  EXPECT_EQ(record->rp_id, kRpId);
  EXPECT_EQ(record->created_at, std::optional<UnixSeconds>(kNow + 5));
}

TEST(CeremonyStateTest, RegistrationRefusesAnotherOrigin) {
  const RegistrationCeremony c = MakeRegistration();
  const SoftwareAuthenticator authn = MakeAuthenticator(CoseAlgorithm::kEs256, "reg-origin");
  RegistrationParams call = CreateCall(c);
  call.origin = "https://evil.example";
  EXPECT_THAT(VerifyRegistration(c, Register(authn, call), kNow),
              HasError(ErrorCode::kOriginMismatch));
}

TEST(CeremonyStateTest, RegistrationRefusesAnotherChallenge) {
  const RegistrationCeremony c = MakeRegistration();
  const RegistrationCeremony other = MakeRegistration();
  const SoftwareAuthenticator authn = MakeAuthenticator(CoseAlgorithm::kEs256, "reg-challenge");
  EXPECT_THAT(VerifyRegistration(c, Register(authn, CreateCall(other)), kNow),
              HasError(ErrorCode::kChallengeMismatch));
}

TEST(CeremonyStateTest, RegistrationRequiresUvWhenTheOptionsDid) {
  const SoftwareAuthenticator authn = MakeAuthenticator(CoseAlgorithm::kEs256, "reg-uv");
  const RegistrationCeremony required = MakeRegistration();
  RegistrationParams call = CreateCall(required);
  call.flags.user_verified = false;
  EXPECT_THAT(VerifyRegistration(required, Register(authn, call), kNow),
              HasError(ErrorCode::kUserNotVerified));
  CreationOptionsParams params = Creation();
  params.user_verification = UserVerification::kPreferred;
  const RegistrationCeremony preferred = MakeRegistration(params);
  call = CreateCall(preferred);
  call.flags.user_verified = false;
  EXPECT_THAT(VerifyRegistration(preferred, Register(authn, call), kNow), IsOk());
}

TEST(CeremonyStateTest, RegistrationRefusesAnAlgorithmNotOffered) {
  CreationOptionsParams params = Creation();
  params.algorithms = {CoseAlgorithm::kEs256};
  const RegistrationCeremony c = MakeRegistration(params);
  const SoftwareAuthenticator authn = MakeAuthenticator(CoseAlgorithm::kEdDsa, "reg-alg");
  EXPECT_THAT(VerifyRegistration(c, Register(authn, CreateCall(c)), kNow),
              HasError(ErrorCode::kAlgorithmNotAllowed));
}

TEST(CeremonyStateTest, RegistrationMediationDecidesWhetherUpIsRequired) {
  const SoftwareAuthenticator authn = MakeAuthenticator(CoseAlgorithm::kEs256, "reg-mediation");
  const RegistrationCeremony normal = MakeRegistration();
  RegistrationParams call = CreateCall(normal);
  call.flags.user_present = false;
  EXPECT_THAT(VerifyRegistration(normal, Register(authn, call), kNow),
              HasError(ErrorCode::kUserNotPresent));
  const RegistrationCeremony conditional = MakeRegistration(Creation(), Mediation::kConditional);
  call = CreateCall(conditional);
  call.flags.user_present = false;
  Result<CredentialRecord> record = VerifyRegistration(conditional, Register(authn, call), kNow);
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->user_present, std::optional<bool>(false));
}

TEST(CeremonyStateTest, RegistrationExpiresAfterTheTimeout) {
  const RegistrationCeremony c = MakeRegistration();  // timeout 120 s
  const SoftwareAuthenticator authn = MakeAuthenticator(CoseAlgorithm::kEs256, "reg-expiry");
  const RegistrationResponse response = Register(authn, CreateCall(c));
  EXPECT_THAT(VerifyRegistration(c, response, kNow + 120), IsOk());
  EXPECT_THAT(VerifyRegistration(c, response, kNow + 121),
              HasError(ErrorCode::kChallengeExpired));
  // A timeout that is not whole seconds is rounded up, never down.
  CreationOptionsParams params = Creation();
  params.timeout_ms = 1001;
  EXPECT_EQ(MakeRegistration(params).expires_at, kNow + 2);
}

TEST(CeremonyStateTest, RegistrationTrustInputsComeFromTheCall) {
  const RegistrationCeremony c = MakeRegistration();
  const SoftwareAuthenticator authn = MakeAuthenticator(CoseAlgorithm::kEs256, "reg-trust");
  RegistrationVerifyContext context;
  context.require_trusted_attestation = true;  // "none" never chains to an anchor
  EXPECT_THAT(VerifyRegistration(c, Register(authn, CreateCall(c)), kNow, context),
              HasError(ErrorCode::kAttestationUntrusted));
}

TEST(CeremonyStateTest, VerifyRefusesAnEditedCeremonyOutOfRange) {
  RegistrationCeremony c = MakeRegistration();
  const SoftwareAuthenticator authn = MakeAuthenticator(CoseAlgorithm::kEs256, "reg-edited");
  const RegistrationResponse response = Register(authn, CreateCall(c));
  c.algorithms.clear();  // would otherwise mean "any algorithm"
  EXPECT_THAT(VerifyRegistration(c, response, kNow), HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(SerializeCeremony(c), HasError(ErrorCode::kInvalidArgument));
}

// --- Authentication: each field enforced ---

struct Registered {
  SoftwareAuthenticator authn;
  CredentialRecord record;
};

Registered RegisterAlice(const std::string& seed, const Bytes& user = Creation().user_id) {
  CreationOptionsParams params = Creation();
  params.user_id = user;
  const RegistrationCeremony c = MakeRegistration(params);
  SoftwareAuthenticator authn = MakeAuthenticator(CoseAlgorithm::kEs256, seed);
  Result<CredentialRecord> record = VerifyRegistration(c, Register(authn, CreateCall(c)), kNow);
  EXPECT_THAT(record, IsOk());
  return {std::move(authn), std::move(record).value()};
}

TEST(CeremonyStateTest, AuthenticationWithAllowCredentialsReportsCredentialAndUser) {
  const Registered alice = RegisterAlice("auth-ok");
  RequestOptionsParams params = Request();
  params.allow_credentials = {{alice.record.id, {}}};
  const AuthenticationCeremony c = MakeAuthentication(params, alice.record.user_handle);
  const AuthenticationResponse response = Assert(alice.authn, GetCall(c));
  Result<AuthenticationResult> result = VerifyAuthentication(c, alice.record, response, kNow + 9);
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->credential_id, alice.record.id);
  // No userHandle in the response: the record's.
  EXPECT_EQ(result->user_handle, alice.record.user_handle);
  EXPECT_EQ(result->now, std::optional<UnixSeconds>(kNow + 9));

  Result<PreparedCredential> prepared = PreparedCredential::Create(alice.record);
  ASSERT_THAT(prepared, IsOk());
  EXPECT_THAT(VerifyAuthentication(c, *prepared, response, kNow + 9), IsOk());
  EXPECT_THAT(VerifyAuthentication(c, *prepared, response, kNow + 61),
              HasError(ErrorCode::kChallengeExpired));
}

TEST(CeremonyStateTest, DiscoverableAuthenticationNeedsAndReportsTheUserHandle) {
  const Registered alice = RegisterAlice("auth-discoverable");
  const AuthenticationCeremony c = MakeAuthentication();  // no user, no allowCredentials
  AssertionParams call = GetCall(c);
  call.user_handle = alice.record.user_handle;
  Result<AuthenticationResult> result =
      VerifyAuthentication(c, alice.record, Assert(alice.authn, call), kNow);
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->user_handle, alice.record.user_handle);
  EXPECT_EQ(result->credential_id, alice.authn.credential_id());
  // §7.2: "If the user was not identified before the authentication
  // ceremony was initiated, verify that response.userHandle is present."
  EXPECT_THAT(VerifyAuthentication(c, alice.record, Assert(alice.authn, GetCall(c)), kNow),
              HasError(ErrorCode::kUserHandleMissing));
}

TEST(CeremonyStateTest, AuthenticationRefusesACredentialNotInAllowCredentials) {
  const Registered alice = RegisterAlice("auth-allowed");
  RequestOptionsParams params = Request();
  params.allow_credentials = {{Bytes(32, 0x99), {}}};
  const AuthenticationCeremony c = MakeAuthentication(params);
  EXPECT_THAT(VerifyAuthentication(c, alice.record, Assert(alice.authn, GetCall(c)), kNow),
              HasError(ErrorCode::kCredentialNotAllowed));
}

TEST(CeremonyStateTest, AuthenticationRefusesAnotherUsersHandle) {
  const Registered alice = RegisterAlice("auth-user");
  const Bytes bob(32, 0xb0);
  const AuthenticationCeremony c = MakeAuthentication(Request(), bob);
  // The identified user is bob, the credential and its userHandle alice's.
  AssertionParams call = GetCall(c);
  call.user_handle = alice.record.user_handle;
  EXPECT_THAT(VerifyAuthentication(c, alice.record, Assert(alice.authn, call), kNow),
              HasError(ErrorCode::kUserHandleMismatch));
  EXPECT_THAT(VerifyAuthentication(c, alice.record, Assert(alice.authn, GetCall(c)), kNow),
              HasError(ErrorCode::kUserHandleMismatch));
}

TEST(CeremonyStateTest, AuthenticationRefusesAnotherOriginChallengeOrMissingUv) {
  const Registered alice = RegisterAlice("auth-client-data");
  const AuthenticationCeremony c = MakeAuthentication();
  AssertionParams call = GetCall(c);
  call.user_handle = alice.record.user_handle;
  AssertionParams bad = call;
  bad.origin = "https://example.com:8443";
  EXPECT_THAT(VerifyAuthentication(c, alice.record, Assert(alice.authn, bad), kNow),
              HasError(ErrorCode::kOriginMismatch));
  bad = call;
  bad.challenge = MakeAuthentication().challenge;
  EXPECT_THAT(VerifyAuthentication(c, alice.record, Assert(alice.authn, bad), kNow),
              HasError(ErrorCode::kChallengeMismatch));
  bad = call;
  bad.flags.user_verified = false;
  EXPECT_THAT(VerifyAuthentication(c, alice.record, Assert(alice.authn, bad), kNow),
              HasError(ErrorCode::kUserNotVerified));
  EXPECT_THAT(VerifyAuthentication(c, alice.record, Assert(alice.authn, call), kNow + 61),
              HasError(ErrorCode::kChallengeExpired));
}

TEST(CeremonyStateTest, AuthenticationPolicyComesFromTheCall) {
  Registered alice = RegisterAlice("auth-rollback");
  alice.record.sign_count = 5;
  const AuthenticationCeremony c = MakeAuthentication(Request(), alice.record.user_handle);
  const AuthenticationResponse response = Assert(alice.authn, GetCall(c));  // signCount 1
  EXPECT_THAT(VerifyAuthentication(c, alice.record, response, kNow),
              HasError(ErrorCode::kSignCountRollback));
  AuthenticationVerifyContext context;
  context.allow_sign_count_rollback = true;
  Result<AuthenticationResult> result =
      VerifyAuthentication(c, alice.record, response, kNow, context);
  ASSERT_THAT(result, IsOk());
  EXPECT_TRUE(result->sign_count_rollback);
}

// --- The options-struct API: now is required, the result names the
// credential and the user. ---

TEST(CeremonyStateTest, VerifyRegistrationWithoutNowIsAnInvalidArgument) {
  const RegistrationCeremony c = MakeRegistration();
  const SoftwareAuthenticator authn = MakeAuthenticator(CoseAlgorithm::kEs256, "no-now");
  RegistrationOptions options = ToRegistrationOptions(c, kNow);
  const RegistrationResponse response = Register(authn, CreateCall(c));
  EXPECT_THAT(VerifyRegistration(options, response), IsOk());
  options.now.reset();
  EXPECT_THAT(VerifyRegistration(options, response), HasError(ErrorCode::kInvalidArgument));
}

TEST(CeremonyStateTest, OptionsApiResultReportsTheResponseUserHandle) {
  const Registered alice = RegisterAlice("options-result");
  const AuthenticationCeremony c = MakeAuthentication();
  AssertionParams call = GetCall(c);
  call.user_handle = alice.record.user_handle;
  Result<AuthenticationResult> result = VerifyAuthentication(
      ToAuthenticationOptions(c, kNow), alice.record, Assert(alice.authn, call));
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->credential_id, alice.record.id);
  EXPECT_EQ(result->user_handle, alice.record.user_handle);
}

// --- The string form: strict ---

// Binary: the decoded bytes after "pk1.", and back.
Bytes Binary(const std::string& text) {
  Result<Bytes> data = Base64UrlDecode(std::string_view(text).substr(4));
  EXPECT_THAT(data, IsOk());
  return std::move(data).value();
}
std::string Text(const Bytes& binary) { return "pk1." + Base64UrlEncode(binary); }

// Offsets in the common header: kind (1), created_at (8), expires_at (8),
// challenge length (2) and a 32-byte challenge, user_verification.
constexpr std::size_t kCreatedAtOffset = 1;
constexpr std::size_t kExpiresAtOffset = 9;
constexpr std::size_t kChallengeLengthOffset = 17;
constexpr std::size_t kUvOffset = 19 + 32;

TEST(CeremonyStringTest, RefusesOtherVersionsAndEncodings) {
  const std::string text = SerializeCeremony(MakeRegistration()).value();
  EXPECT_THAT(ParseRegistrationCeremony(""), HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(ParseRegistrationCeremony("pk2." + text.substr(4)),
              HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(ParseRegistrationCeremony(text.substr(4)), HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(ParseRegistrationCeremony(text + "="), HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(ParseRegistrationCeremony("pk1."), HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(ParseRegistrationCeremony(text), IsOk());
}

TEST(CeremonyStringTest, RefusesTheOtherCeremonysKind) {
  const std::string registration = SerializeCeremony(MakeRegistration()).value();
  const std::string authentication = SerializeCeremony(MakeAuthentication()).value();
  EXPECT_THAT(ParseAuthenticationCeremony(registration), HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(ParseRegistrationCeremony(authentication), HasError(ErrorCode::kInvalidArgument));
  Bytes binary = Binary(registration);
  binary[0] = 9;
  EXPECT_THAT(ParseRegistrationCeremony(Text(binary)), HasError(ErrorCode::kInvalidArgument));
}

TEST(CeremonyStringTest, RefusesEveryTruncationAndTrailingBytes) {
  RequestOptionsParams params = Request();
  params.allow_credentials = {{Bytes(20, 0x01), {}}};
  const Bytes reg = Binary(SerializeCeremony(MakeRegistration()).value());
  const Bytes auth = Binary(SerializeCeremony(MakeAuthentication(params, Bytes(8, 3))).value());
  for (std::size_t size = 0; size < reg.size(); ++size) {
    EXPECT_THAT(ParseRegistrationCeremony(Text(Bytes(reg.begin(), reg.begin() + static_cast<std::ptrdiff_t>(size)))),
                HasError(ErrorCode::kInvalidArgument))
        << size;
  }
  for (std::size_t size = 0; size < auth.size(); ++size) {
    EXPECT_THAT(ParseAuthenticationCeremony(Text(Bytes(auth.begin(), auth.begin() + static_cast<std::ptrdiff_t>(size)))),
                HasError(ErrorCode::kInvalidArgument))
        << size;
  }
  Bytes longer = reg;
  longer.push_back(0);
  EXPECT_THAT(ParseRegistrationCeremony(Text(longer)), HasError(ErrorCode::kInvalidArgument));
  longer = auth;
  longer.push_back(0);
  EXPECT_THAT(ParseAuthenticationCeremony(Text(longer)), HasError(ErrorCode::kInvalidArgument));
}

TEST(CeremonyStringTest, RefusesFieldsOutOfRange) {
  const Bytes good = Binary(SerializeCeremony(MakeRegistration()).value());
  ASSERT_EQ(good[kChallengeLengthOffset + 1], 32);
  const auto parse_edited = [&](std::size_t offset, std::uint8_t value) {
    Bytes edited = good;
    edited[offset] = value;
    return ParseRegistrationCeremony(Text(edited));
  };
  EXPECT_THAT(parse_edited(kUvOffset, 3), HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(parse_edited(kUvOffset, 2), IsOk());  // discouraged
  // expires_at before created_at; a negative created_at.
  // (Byte 4 of the big-endian expires_at holds bits 31..24: 0x6b for 2027.)
  ASSERT_NE(good[kExpiresAtOffset + 4], 0);
  EXPECT_THAT(parse_edited(kExpiresAtOffset + 4, 0), HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(parse_edited(kCreatedAtOffset, 0x80), HasError(ErrorCode::kInvalidArgument));
  // mediation is the last byte, a boolean.
  EXPECT_THAT(parse_edited(good.size() - 1, 2), HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(parse_edited(good.size() - 1, 1), IsOk());

  // Fields Check() guards, written through a hand-edited ceremony.
  RegistrationCeremony c = MakeRegistration();
  c.algorithms = {CoseAlgorithm::kEs256, CoseAlgorithm::kEs256};
  EXPECT_THAT(SerializeCeremony(c), HasError(ErrorCode::kInvalidArgument));
  c.algorithms = {static_cast<CoseAlgorithm>(-1)};
  EXPECT_THAT(SerializeCeremony(c), HasError(ErrorCode::kInvalidArgument));
  c = MakeRegistration();
  c.challenge.resize(15);
  EXPECT_THAT(SerializeCeremony(c), HasError(ErrorCode::kInvalidArgument));
  c = MakeRegistration();
  c.user_handle.clear();
  EXPECT_THAT(SerializeCeremony(c), HasError(ErrorCode::kInvalidArgument));
  c = MakeRegistration();
  c.rp.origins = {"https://Example.com"};
  EXPECT_THAT(SerializeCeremony(c), HasError(ErrorCode::kInvalidArgument));
  AuthenticationCeremony a = MakeAuthentication();
  a.allow_credentials = {Bytes()};
  EXPECT_THAT(SerializeCeremony(a), HasError(ErrorCode::kInvalidArgument));
  a = MakeAuthentication();
  a.user_handle = Bytes(65, 1);
  EXPECT_THAT(SerializeCeremony(a), HasError(ErrorCode::kInvalidArgument));
}

TEST(CeremonyStringTest, RefusesAHostileAllowCredentialsCount) {
  const Bytes good = Binary(SerializeCeremony(MakeAuthentication()).value());
  // The count (u16) follows the RP; with no credentials and no user handle
  // the last four bytes are count 0 and user handle length 0.
  ASSERT_GE(good.size(), 4u);
  Bytes edited = good;
  edited[edited.size() - 4] = 0xff;
  edited[edited.size() - 3] = 0xff;
  EXPECT_THAT(ParseAuthenticationCeremony(Text(edited)), HasError(ErrorCode::kInvalidArgument));
}

// README ("Options and challenges"): the serialised ceremony fits
// ChallengeStore's 4096-byte context for a registration and for a sign-in
// with about 40 allowCredentials of 64-byte IDs, not for many more; past
// that, Put refuses it (invalid_argument) and the caller keeps the string in
// its own session store.
TEST(CeremonyStringTest, FitsAChallengeStoreContextUpToAboutFortyCredentials) {
  InMemoryChallengeStore store;
  const RegistrationCeremony registration = MakeRegistration();
  const std::string registration_text = SerializeCeremony(registration).value();
  EXPECT_LE(registration_text.size(), 4096u);
  EXPECT_THAT(store.Put(Ceremony::kRegistration, "s1", registration.challenge, registration_text,
                        kNow),
              IsOk());
  for (const auto& [count, fits] : {std::pair{40, true}, std::pair{64, false}}) {
    RequestOptionsParams params = Request();
    for (int i = 0; i < count; ++i) {
      params.allow_credentials.push_back({Bytes(64, static_cast<std::uint8_t>(i)), {}});
    }
    const AuthenticationCeremony ceremony = MakeAuthentication(params);
    const std::string text = SerializeCeremony(ceremony).value();
    const Status put =
        store.Put(Ceremony::kAuthentication, "s2", ceremony.challenge, text, kNow);
    if (fits) {
      EXPECT_THAT(put, IsOk()) << count << " IDs: " << text.size() << " characters";
    } else {
      EXPECT_THAT(put, HasError(ErrorCode::kInvalidArgument)) << count << " IDs";
    }
  }
}

}  // namespace
}  // namespace passkey
