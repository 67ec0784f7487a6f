// The C API (passkey/passkey_c.h), called as a C program would: round trips
// with the software authenticator, every error path with its exact code,
// NULL arguments, the options JSON against its JSON Schema, the prepared
// handle shared by threads, options generation, AAGUID lookup and MDS.
#include <passkey/passkey_c.h>

#include <passkey/testing/mds_blob_builder.h>
#include <passkey/testing/software_authenticator.h>
#include <passkey/testing/test_ca.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <optional>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "c_api/c_api_options.h"
#include "test_util.h"

namespace passkey {
namespace {

using nlohmann::json;

constexpr std::int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z

// Call: the outcome of one C call, with the output string and the error
// copied out and freed.
struct Call {
  int rc = -1;
  std::string out;
  bool out_null = true;
  std::string code;
  std::string message;
};

// CallC calls `fn(char** out, passkey_error* err)` and checks the convention:
// 0 with an output and no error, or 1 with no output and a code.
template <class Fn>
Call CallC(Fn&& fn) {
  Call call;
  char* out = nullptr;
  passkey_error err = PASSKEY_ERROR_INIT;
  call.rc = fn(&out, &err);
  call.out_null = out == nullptr;
  if (out != nullptr) call.out = out;
  call.code = err.code;
  if (err.message != nullptr) call.message = err.message;
  passkey_string_free(out);
  passkey_error_clear(&err);
  EXPECT_EQ(err.message, nullptr);
  EXPECT_STREQ(err.code, "");
  if (call.rc == 0) {
    EXPECT_FALSE(call.out_null);
    EXPECT_EQ(call.code, "");
  } else {
    EXPECT_EQ(call.rc, 1);
    EXPECT_TRUE(call.out_null);
    EXPECT_NE(call.code, "");
  }
  return call;
}

Call VerifyRegistration(const std::string& options, const std::string& response) {
  return CallC([&](char** out, passkey_error* err) {
    return passkey_verify_registration(options.c_str(), response.c_str(), out, err);
  });
}

Call VerifyAuthentication(const std::string& options, const std::string& record,
                          const std::string& response) {
  return CallC([&](char** out, passkey_error* err) {
    return passkey_verify_authentication(options.c_str(), record.c_str(), response.c_str(), out,
                                         err);
  });
}

Call VerifyPrepared(const std::string& options, const passkey_credential* credential,
                    const std::string& response) {
  return CallC([&](char** out, passkey_error* err) {
    return passkey_verify_authentication_prepared(options.c_str(), credential, response.c_str(),
                                                  out, err);
  });
}

// Prepared: a passkey_credential owned by the test.
struct Prepared {
  Prepared() = default;
  Prepared(const Prepared&) = delete;
  Prepared& operator=(const Prepared&) = delete;
  ~Prepared() { passkey_credential_free(handle); }
  passkey_credential* handle = nullptr;
};

class CApiTest : public ::testing::Test {
 protected:
  CApiTest() : authenticator_(*testing::SoftwareAuthenticator::Create(CoseAlgorithm::kEs256, "capi")) {}

  static Bytes Challenge(std::uint8_t fill) { return Bytes(32, fill); }

  json Options(std::uint8_t challenge_fill) const {
    return {{"rpIds", {"example.com"}},
            {"origins", {"https://example.com"}},
            {"challenge", Base64UrlEncode(Challenge(challenge_fill))},
            {"now", kNow}};
  }

  std::string RegistrationResponse(std::uint8_t challenge_fill) const {
    testing::RegistrationParams params;
    params.rp_id = "example.com";
    params.origin = "https://example.com";
    params.challenge = Challenge(challenge_fill);
    params.flags.backup_eligible = true;
    Result<std::string> response = authenticator_.MakeCredentialJson(params);
    EXPECT_THAT(response, IsOk());
    return response.has_value() ? *response : std::string();
  }

  std::string AssertionResponse(std::uint8_t challenge_fill, std::uint32_t sign_count,
                                bool tamper = false) const {
    testing::AssertionParams params;
    params.rp_id = "example.com";
    params.origin = "https://example.com";
    params.challenge = Challenge(challenge_fill);
    params.sign_count = sign_count;
    params.flags.backup_eligible = true;
    if (tamper) params.edit_signature = [](Bytes& signature) { signature.back() ^= 0x01; };
    Result<std::string> response = authenticator_.GetAssertionJson(params);
    EXPECT_THAT(response, IsOk());
    return response.has_value() ? *response : std::string();
  }

  // Record: a registered credential's record JSON.
  std::string Record() const {
    Call call = VerifyRegistration(Options(0x11).dump(), RegistrationResponse(0x11));
    EXPECT_EQ(call.rc, 0) << call.code << ": " << call.message;
    return call.out;
  }

  testing::SoftwareAuthenticator authenticator_;
};

// --- Round trips ---------------------------------------------------------------

TEST_F(CApiTest, RegistrationThenAuthenticationRoundTrip) {
  const Call registered = VerifyRegistration(Options(0x11).dump(), RegistrationResponse(0x11));
  ASSERT_EQ(registered.rc, 0) << registered.code << ": " << registered.message;
  const json record = json::parse(registered.out);
  EXPECT_EQ(record["id"], Base64UrlEncode(authenticator_.credential_id()));
  EXPECT_EQ(record["signCount"], 0);
  EXPECT_EQ(record["backupEligible"], true);
  EXPECT_EQ(record["rpId"], "example.com");
  EXPECT_EQ(record["createdAt"], "2026-01-01T00:00:00Z");

  const Call authenticated =
      VerifyAuthentication(Options(0x22).dump(), registered.out, AssertionResponse(0x22, 7));
  ASSERT_EQ(authenticated.rc, 0) << authenticated.code << ": " << authenticated.message;
  const json result = json::parse(authenticated.out);
  EXPECT_EQ(result["signCount"], 7);
  EXPECT_EQ(result["userVerified"], true);
  EXPECT_EQ(result["backupState"], false);
  EXPECT_FALSE(result.contains("backupStateChanged"));
  EXPECT_FALSE(result.contains("signCountRollback"));
  EXPECT_EQ(result["credential"]["signCount"], 7);
  EXPECT_EQ(result["credential"]["lastUsedAt"], "2026-01-01T00:00:00Z");

  // The updated record is the one to verify the next assertion against: the
  // same counter again is a rollback.
  const Call replay = VerifyAuthentication(Options(0x33).dump(), result["credential"].dump(),
                                           AssertionResponse(0x33, 7));
  EXPECT_EQ(replay.code, "sign_count_rollback");
  json allow_rollback = Options(0x33);
  allow_rollback["allowSignCountRollback"] = true;
  const Call rolled = VerifyAuthentication(allow_rollback.dump(), result["credential"].dump(),
                                           AssertionResponse(0x33, 7));
  ASSERT_EQ(rolled.rc, 0) << rolled.code;
  EXPECT_EQ(json::parse(rolled.out)["signCountRollback"], true);
}

TEST_F(CApiTest, GeneratedOptionsChallengeVerifies) {
  const Call made = CallC([](char** out, passkey_error* err) {
    return passkey_make_registration_options(
        R"({"rpId":"example.com","rpName":"Example","userName":"alice"})", out, err);
  });
  ASSERT_EQ(made.rc, 0) << made.code << ": " << made.message;
  const json generated = json::parse(made.out);
  const std::string challenge = generated["challenge"];
  EXPECT_EQ(generated["options"]["challenge"], challenge);
  EXPECT_EQ(generated["options"]["user"]["id"], generated["userId"]);
  EXPECT_EQ(generated["options"]["rp"]["id"], "example.com");

  Result<Bytes> challenge_bytes = Base64UrlDecode(challenge);
  ASSERT_THAT(challenge_bytes, IsOk());
  EXPECT_EQ(challenge_bytes->size(), 32u);
  testing::RegistrationParams params;
  params.rp_id = "example.com";
  params.origin = "https://example.com";
  params.challenge = *challenge_bytes;
  Result<std::string> response = authenticator_.MakeCredentialJson(params);
  ASSERT_THAT(response, IsOk());
  json options = Options(0);
  options["challenge"] = challenge;
  options["userHandle"] = generated["userId"];
  const Call registered = VerifyRegistration(options.dump(), *response);
  ASSERT_EQ(registered.rc, 0) << registered.code << ": " << registered.message;
  EXPECT_EQ(json::parse(registered.out)["userHandle"], generated["userId"]);
}

TEST_F(CApiTest, MakeAuthenticationOptions) {
  const Call made = CallC([](char** out, passkey_error* err) {
    return passkey_make_authentication_options(
        R"({"rpId":"example.com","allowCredentials":[{"id":"AQID","transports":["usb"]}],
            "userVerification":"preferred","hints":["security-key"],"timeout":60000,
            "challengeSize":16})",
        out, err);
  });
  ASSERT_EQ(made.rc, 0) << made.code << ": " << made.message;
  const json generated = json::parse(made.out);
  EXPECT_EQ(generated["options"]["challenge"], generated["challenge"]);
  EXPECT_EQ(generated["challenge"].get<std::string>().size(), 22u);  // 16 bytes
  EXPECT_EQ(generated["options"]["rpId"], "example.com");
  EXPECT_EQ(generated["options"]["allowCredentials"][0]["id"], "AQID");
  EXPECT_EQ(generated["options"]["userVerification"], "preferred");
  EXPECT_FALSE(generated.contains("userId"));
}

TEST_F(CApiTest, MakeOptionsErrors) {
  struct Case {
    bool registration;
    const char* params;
  };
  const Case cases[] = {
      {true, R"({"rpName":"Example","userName":"alice"})"},  // rpId missing
      {true, R"({"rpId":"example.com","rpName":"E","userName":"a","hints":["phone"]})"},
      {true, R"({"rpId":"example.com","rpName":"E","userName":"a","residentKey":"always"})"},
      {true, R"({"rpId":"example.com","rpName":"E","userName":"a","attestation":"full"})"},
      {true, R"({"rpId":"example.com","rpName":"E","userName":"a","authenticatorAttachment":"usb"})"},
      {true, R"({"rpId":"example.com","rpName":"E","userName":"a","userId":"AQ=="})"},
      {true, R"({"rpId":"example.com","rpName":"E","userName":"a","excludeCredentials":[{"id":"AQ","x":1}]})"},
      {true, R"({"rpId":"example.com","rpName":"E","userName":"a","excludeCredentials":[{"transports":[]}]})"},
      {true, R"({"rpId":"example.com","rpName":"E","userName":"a","challengeSize":8})"},
      {true, R"({"rpId":"example.com","rpName":"E","userName":"a","timeout":-1})"},
      {true, R"({"rpId":"example.com","rpName":"E","userName":"a","rpIds":["example.com"]})"},
      {true, "[]"},
      {true, "{"},
      {false, R"({"rpId":"Example.COM"})"},
      {false, R"({"rpId":"example.com","rpName":"Example"})"},  // creation-only member
      {false, R"({"rpId":"example.com","credProps":"yes"})"},
      {false, R"({"rpId":"example.com","userVerification":"always"})"},
  };
  for (const Case& c : cases) {
    const Call call = CallC([&](char** out, passkey_error* err) {
      return c.registration ? passkey_make_registration_options(c.params, out, err)
                            : passkey_make_authentication_options(c.params, out, err);
    });
    EXPECT_EQ(call.code, "invalid_argument") << c.params;
  }
}

// --- Verification errors -------------------------------------------------------

TEST_F(CApiTest, RegistrationErrorsHaveExactCodes) {
  const std::string response = RegistrationResponse(0x11);
  EXPECT_EQ(VerifyRegistration(Options(0x12).dump(), response).code, "challenge_mismatch");
  json other_origin = Options(0x11);
  other_origin["origins"] = {"https://other.example"};
  EXPECT_EQ(VerifyRegistration(other_origin.dump(), response).code, "origin_mismatch");
  json other_rp = Options(0x11);
  other_rp["rpIds"] = {"other.example"};
  EXPECT_EQ(VerifyRegistration(other_rp.dump(), response).code, "rp_id_mismatch");
  json algorithms = Options(0x11);
  algorithms["allowedAlgorithms"] = {-8};
  EXPECT_EQ(VerifyRegistration(algorithms.dump(), response).code, "algorithm_not_allowed");
  json trusted = Options(0x11);
  trusted["requireTrustedAttestation"] = true;
  EXPECT_EQ(VerifyRegistration(trusted.dump(), response).code, "attestation_untrusted");
  json no_rp = Options(0x11);
  no_rp.erase("rpIds");
  EXPECT_EQ(VerifyRegistration(no_rp.dump(), response).code, "invalid_argument");

  EXPECT_EQ(VerifyRegistration(Options(0x11).dump(), "{}").code, "malformed_response");
  EXPECT_EQ(VerifyRegistration(Options(0x11).dump(), "not json").code, "malformed_response");
  EXPECT_EQ(VerifyRegistration(Options(0x11).dump(), "").code, "malformed_response");
}

TEST_F(CApiTest, AuthenticationErrorsHaveExactCodes) {
  const std::string record = Record();
  EXPECT_EQ(VerifyAuthentication(Options(0x22).dump(), record, AssertionResponse(0x23, 1)).code,
            "challenge_mismatch");
  EXPECT_EQ(
      VerifyAuthentication(Options(0x22).dump(), record, AssertionResponse(0x22, 1, true)).code,
      "signature_invalid");
  json allow = Options(0x22);
  allow["allowCredentials"] = {"AQID"};
  EXPECT_EQ(VerifyAuthentication(allow.dump(), record, AssertionResponse(0x22, 1)).code,
            "credential_not_allowed");
  json discoverable = Options(0x22);
  discoverable["discoverable"] = true;
  EXPECT_EQ(VerifyAuthentication(discoverable.dump(), record, AssertionResponse(0x22, 1)).code,
            "user_handle_missing");

  EXPECT_EQ(VerifyAuthentication(Options(0x22).dump(), record, "[1]").code, "malformed_response");
  EXPECT_EQ(VerifyAuthentication(Options(0x22).dump(), "{", AssertionResponse(0x22, 1)).code,
            "malformed_credential_record");
  json future = json::parse(record);
  future["version"] = 2;
  EXPECT_EQ(VerifyAuthentication(Options(0x22).dump(), future.dump(), AssertionResponse(0x22, 1)).code,
            "unsupported_record_version");
  // Several defects: options first, then the record, then the response.
  EXPECT_EQ(VerifyAuthentication("[]", "{", "{").code, "invalid_argument");
  EXPECT_EQ(VerifyAuthentication(Options(0x22).dump(), "{", "{").code, "malformed_credential_record");
  EXPECT_EQ(VerifyRegistration("[]", "{").code, "invalid_argument");
}

// allowRs1Credentials admits a stored RS1 key at authentication;
// allowSha1Attestation, its former name there, still does.
TEST_F(CApiTest, Rs1CredentialNeedsAllowRs1CredentialsOrItsFormerName) {
  const std::optional<std::string> text = test::ReadFile(test::TestdataPath("generated/authentication.json"));
  ASSERT_TRUE(text.has_value());
  const json vectors = json::parse(*text)["vectors"];
  const auto vector = std::find_if(vectors.begin(), vectors.end(),
                                   [](const json& v) { return v["id"] == "passkey/auth/rs1"; });
  ASSERT_NE(vector, vectors.end());
  json options = {{"rpIds", {(*vector)["rpId"]}},
                  {"origins", (*vector)["origins"]},
                  {"challenge", (*vector)["challenge"]},
                  {"allowedAlgorithms", (*vector)["supportedAlgorithms"]},
                  {"now", kNow}};
  const std::string record = (*vector)["credential"].dump();
  const std::string response = (*vector)["response"].dump();
  EXPECT_EQ(VerifyAuthentication(options.dump(), record, response).code, "algorithm_not_allowed");
  options["allowRs1Credentials"] = false;
  EXPECT_EQ(VerifyAuthentication(options.dump(), record, response).code, "algorithm_not_allowed");
  options["allowRs1Credentials"] = true;
  const Call allowed = VerifyAuthentication(options.dump(), record, response);
  EXPECT_EQ(allowed.rc, 0) << allowed.code << ": " << allowed.message;
  options.erase("allowRs1Credentials");
  options["allowSha1Attestation"] = true;
  const Call former_name = VerifyAuthentication(options.dump(), record, response);
  EXPECT_EQ(former_name.rc, 0) << former_name.code << ": " << former_name.message;
}

TEST_F(CApiTest, BadOptionsAreInvalidArgument) {
  const std::string response = RegistrationResponse(0x11);
  const std::string record = Record();
  const std::string assertion = AssertionResponse(0x11, 1);
  // Control: the base options verify both responses.
  ASSERT_EQ(VerifyRegistration(Options(0x11).dump(), response).rc, 0);
  ASSERT_EQ(VerifyAuthentication(Options(0x11).dump(), record, assertion).rc, 0);

  std::vector<std::string> bad = {
      "", "not json", "[]", "null", "{\"rpIds\":[\"example.com\"],\"rpIds\":[\"example.com\"]}",
      "{\"appid\":\"\xff\"}",                     // not UTF-8
      std::string(100000, '[') + std::string(100000, ']'),  // deep nesting
      "{\"now\":1e400}", "{} {}"};
  // Each adds one bad member to the base options, which verify otherwise.
  const std::vector<std::pair<std::string, json>> members = {
      {"rpId", "example.com"},  // unknown member
      {"RPIDS", {"example.com"}},
      {"rpIds", "example.com"},
      {"rpIds", {1}},
      {"challenge", "ERERERERERERERERERERERERERERERERERERERERERE="},
      {"challenge", 7},
      {"userVerification", "always"},
      {"allowedAlgorithms", {-7.0}},
      {"allowedAlgorithms", {2147483648}},
      {"now", "2026-01-01T00:00:00Z"},
      {"now", -1},
      {"now", 1.5},
      {"mediation", "immediate"},
      {"trustAnchors", {"not a PEM"}},
      {"crls", {"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"}},
      {"allowCredentials", {"AQ=="}},
      {"discoverable", 1},
      {"safetynetTimestampWindowSeconds", -5},
      {"userHandle", nullptr},
  };
  for (const auto& [name, value] : members) {
    json options = Options(0x11);
    options[name] = value;
    bad.push_back(options.dump());
  }
  for (const std::string& options : bad) {
    EXPECT_EQ(VerifyRegistration(options, response).code, "invalid_argument") << options;
    EXPECT_EQ(VerifyAuthentication(options, record, assertion).code, "invalid_argument") << options;
  }
}

TEST_F(CApiTest, TrustAnchorsAndCrlsAcceptPem) {
  Result<testing::TestCa> ca = testing::TestCa::CreateRoot("passkey c api root");
  ASSERT_THAT(ca, IsOk());
  Result<Bytes> crl = ca->IssueCrl({});
  ASSERT_THAT(crl, IsOk());
  std::string crl_pem = "-----BEGIN X509 CRL-----\n";
  const std::string base64 = [&] {
    std::string url = Base64UrlEncode(*crl);
    for (char& ch : url) ch = ch == '-' ? '+' : ch == '_' ? '/' : ch;
    while (url.size() % 4 != 0) url += '=';
    return url;
  }();
  for (std::size_t i = 0; i < base64.size(); i += 64) crl_pem += base64.substr(i, 64) + "\n";
  crl_pem += "-----END X509 CRL-----\n";
  json options = Options(0x11);
  options["trustAnchors"] = {ca->certificate_pem()};
  options["crls"] = {crl_pem};
  options["requireTrustedAttestation"] = true;
  // "none" attestation never chains: the anchors were read, and the policy ran.
  EXPECT_EQ(VerifyRegistration(options.dump(), RegistrationResponse(0x11)).code,
            "attestation_untrusted");
  options["requireTrustedAttestation"] = false;
  EXPECT_EQ(VerifyRegistration(options.dump(), RegistrationResponse(0x11)).rc, 0);
}

TEST_F(CApiTest, NullArgumentsAreInvalidArgument) {
  const std::string options = Options(0x11).dump();
  const std::string record = Record();
  const std::string response = AssertionResponse(0x11, 1);
  const char* o = options.c_str();
  const char* r = record.c_str();
  const char* a = response.c_str();
  Prepared prepared;
  ASSERT_EQ(passkey_credential_prepare(r, &prepared.handle, nullptr), 0);
  const passkey_credential* p = prepared.handle;

  std::vector<std::function<int(char**, passkey_error*)>> calls = {
      [&](char** out, passkey_error* err) { return passkey_verify_registration(nullptr, a, out, err); },
      [&](char** out, passkey_error* err) { return passkey_verify_registration(o, nullptr, out, err); },
      [&](char**, passkey_error* err) { return passkey_verify_registration(o, a, nullptr, err); },
      [&](char** out, passkey_error* err) { return passkey_verify_authentication(nullptr, r, a, out, err); },
      [&](char** out, passkey_error* err) { return passkey_verify_authentication(o, nullptr, a, out, err); },
      [&](char** out, passkey_error* err) { return passkey_verify_authentication(o, r, nullptr, out, err); },
      [&](char**, passkey_error* err) { return passkey_verify_authentication(o, r, a, nullptr, err); },
      [&](char** out, passkey_error* err) {
        return passkey_verify_authentication_prepared(nullptr, p, a, out, err);
      },
      [&](char** out, passkey_error* err) {
        return passkey_verify_authentication_prepared(o, nullptr, a, out, err);
      },
      [&](char** out, passkey_error* err) {
        return passkey_verify_authentication_prepared(o, p, nullptr, out, err);
      },
      [&](char**, passkey_error* err) { return passkey_verify_authentication_prepared(o, p, a, nullptr, err); },
      [&](char**, passkey_error* err) {
        passkey_credential* handle = nullptr;
        const int rc = passkey_credential_prepare(nullptr, &handle, err);
        EXPECT_EQ(handle, nullptr);
        return rc;
      },
      [&](char**, passkey_error* err) { return passkey_credential_prepare(r, nullptr, err); },
      [&](char** out, passkey_error* err) { return passkey_make_registration_options(nullptr, out, err); },
      [&](char**, passkey_error* err) { return passkey_make_registration_options("{}", nullptr, err); },
      [&](char** out, passkey_error* err) { return passkey_make_authentication_options(nullptr, out, err); },
      [&](char**, passkey_error* err) { return passkey_make_authentication_options("{}", nullptr, err); },
      [&](char** out, passkey_error* err) { return passkey_aaguid_lookup(nullptr, out, err); },
      [&](char**, passkey_error* err) {
        return passkey_aaguid_lookup("fbfc3007-154e-4ecc-8c0b-6e020557d7bd", nullptr, err);
      },
      [&](char** out, passkey_error* err) { return passkey_mds_verify(nullptr, "{}", out, err); },
      [&](char** out, passkey_error* err) { return passkey_mds_verify("x.y.z", nullptr, out, err); },
      [&](char**, passkey_error* err) { return passkey_mds_verify("x.y.z", "{}", nullptr, err); },
  };
  for (std::size_t i = 0; i < calls.size(); ++i) {
    EXPECT_EQ(CallC(calls[i]).code, "invalid_argument") << "call " << i;
  }
  // A NULL err is allowed: the call still fails cleanly.
  char* out = nullptr;
  EXPECT_EQ(passkey_verify_registration(nullptr, nullptr, &out, nullptr), 1);
  EXPECT_EQ(out, nullptr);
  EXPECT_EQ(passkey_verify_registration(o, "{}", &out, nullptr), 1);
  // The free functions accept NULL.
  passkey_string_free(nullptr);
  passkey_credential_free(nullptr);
  passkey_error_clear(nullptr);
}

TEST_F(CApiTest, ErrorIsReusedAndClearedOnSuccess) {
  passkey_error err = PASSKEY_ERROR_INIT;
  char* out = reinterpret_cast<char*>(&err);  // poisoned: a failure sets it to NULL
  const std::string options = Options(0x11).dump();
  ASSERT_EQ(passkey_verify_registration(options.c_str(), "{}", &out, &err), 1);
  EXPECT_EQ(out, nullptr);
  EXPECT_STREQ(err.code, "malformed_response");
  ASSERT_NE(err.message, nullptr);
  // The next failure replaces the message (the old one is freed: ASan's
  // leak check fails this test otherwise).
  ASSERT_EQ(passkey_verify_registration("[]", "{}", &out, &err), 1);
  EXPECT_STREQ(err.code, "invalid_argument");
  // A success clears it.
  const std::string response = RegistrationResponse(0x11);
  ASSERT_EQ(passkey_verify_registration(options.c_str(), response.c_str(), &out, &err), 0);
  EXPECT_STREQ(err.code, "");
  EXPECT_EQ(err.message, nullptr);
  ASSERT_NE(out, nullptr);
  passkey_string_free(out);
  passkey_error_clear(&err);
}

// --- Options schema ------------------------------------------------------------

json LoadSchema() {
  std::ifstream file(std::string(PASSKEY_SOURCE_DIR) + "/include/passkey/passkey_c_options.schema.json");
  std::stringstream text;
  text << file.rdbuf();
  return json::parse(text.str(), nullptr, false);
}

// Of the JSON Schema type names the schema uses, whether `value` has it.
bool HasSchemaType(const json& value, const std::string& type) {
  if (type == "array") return value.is_array();
  if (type == "boolean") return value.is_boolean();
  if (type == "integer") return value.is_number_integer();
  if (type == "string") return value.is_string();
  return false;
}

TEST_F(CApiTest, SchemaPropertiesAreExactlyTheAcceptedMembers) {
  const json schema = LoadSchema();
  ASSERT_FALSE(schema.is_discarded());
  EXPECT_EQ(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(schema["type"], "object");
  EXPECT_EQ(schema["additionalProperties"], false);
  std::set<std::string> listed;
  for (const auto& [name, property] : schema["properties"].items()) listed.insert(name);
  std::set<std::string> accepted;
  for (std::string_view name : internal::CApiVerifyOptionMembers()) accepted.insert(std::string(name));
  EXPECT_EQ(listed, accepted);
  EXPECT_EQ(accepted.size(), internal::CApiVerifyOptionMembers().size());  // no name twice
}

TEST_F(CApiTest, EverySchemaPropertyIsAcceptedWithItsTypeAndRefusedWithAnother) {
  const json schema = LoadSchema();
  ASSERT_FALSE(schema.is_discarded());
  const std::string record = Record();
  for (const auto& [name, property] : schema["properties"].items()) {
    const std::string type = property["type"];
    ASSERT_TRUE(property.contains("examples")) << name;
    const json& example = property["examples"][0];
    ASSERT_TRUE(HasSchemaType(example, type)) << name;
    if (property.contains("enum")) {
      EXPECT_NE(std::find(property["enum"].begin(), property["enum"].end(), example),
                property["enum"].end());
    }
    // Accepted by both ceremonies: the call gets past the options to the
    // (malformed) response.
    const json accepted = {{name, example}};
    EXPECT_EQ(VerifyRegistration(accepted.dump(), "{}").code, "malformed_response") << name;
    EXPECT_EQ(VerifyAuthentication(accepted.dump(), record, "{}").code, "malformed_response") << name;
    // Another JSON type is refused.
    const json wrong = {{name, type == "boolean" ? json("true") : json(true)}};
    EXPECT_EQ(VerifyRegistration(wrong.dump(), "{}").code, "invalid_argument") << name;
    EXPECT_EQ(VerifyAuthentication(wrong.dump(), record, "{}").code, "invalid_argument") << name;
    if (type == "array") {
      const json wrong_item = {{name, json::array({json::object()})}};
      EXPECT_EQ(VerifyRegistration(wrong_item.dump(), "{}").code, "invalid_argument") << name;
    }
  }
  // A member the schema does not list is refused.
  const json unlisted = {{"rpId", "example.com"}};
  ASSERT_FALSE(schema["properties"].contains("rpId"));
  EXPECT_EQ(VerifyRegistration(unlisted.dump(), "{}").code, "invalid_argument");
  EXPECT_EQ(VerifyAuthentication(unlisted.dump(), record, "{}").code, "invalid_argument");
}

// CheckSchema: the JSON Schema include/passkey/<file> lists exactly
// `members`; each property's example, merged into `base` (appended to an
// array base already has), gets `accepted` from `call` ("" = success);
// another JSON type, or leaving out a required member, is invalid_argument.
void CheckSchema(const std::string& file, const std::vector<std::string_view>& members,
                 const json& base, const std::string& accepted,
                 const std::function<Call(const std::string&)>& call) {
  std::ifstream in(std::string(PASSKEY_SOURCE_DIR) + "/include/passkey/" + file);
  std::stringstream text;
  text << in.rdbuf();
  const json schema = json::parse(text.str(), nullptr, false);
  ASSERT_FALSE(schema.is_discarded()) << file;
  EXPECT_EQ(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(schema["additionalProperties"], false);
  std::set<std::string> listed;
  for (const auto& [name, property] : schema["properties"].items()) listed.insert(name);
  std::set<std::string> parsed;
  for (std::string_view name : members) parsed.insert(std::string(name));
  EXPECT_EQ(listed, parsed) << file;

  ASSERT_EQ(call(base.dump()).code, accepted) << file << ": the base object";
  for (const auto& [name, property] : schema["properties"].items()) {
    const std::string type = property["type"];
    const json& example = property["examples"][0];
    EXPECT_TRUE(HasSchemaType(example, type)) << file << " " << name;
    json candidate = base;
    if (candidate.contains(name) && candidate[name].is_array()) {
      candidate[name].insert(candidate[name].end(), example.begin(), example.end());
    } else {
      candidate[name] = example;
    }
    EXPECT_EQ(call(candidate.dump()).code, accepted) << file << " " << name;
    candidate[name] = type == "boolean" ? json("true") : json(true);
    EXPECT_EQ(call(candidate.dump()).code, "invalid_argument") << file << " " << name;
  }
  for (const json& name : schema.value("required", json::array())) {
    json candidate = base;
    candidate.erase(name.get<std::string>());
    EXPECT_EQ(call(candidate.dump()).code, "invalid_argument") << file << " without " << name;
  }
  json unlisted = base;
  unlisted["unlisted"] = true;
  EXPECT_EQ(call(unlisted.dump()).code, "invalid_argument") << file;
}

TEST(CApiSchemaTest, CreationParamsSchema) {
  CheckSchema("passkey_c_creation_params.schema.json", internal::CApiCreationParamMembers(),
              {{"rpId", "example.com"}, {"rpName", "Example"}, {"userName", "alice"}}, "",
              [](const std::string& params) {
                return CallC([&](char** out, passkey_error* err) {
                  return passkey_make_registration_options(params.c_str(), out, err);
                });
              });
}

TEST(CApiSchemaTest, RequestParamsSchema) {
  CheckSchema("passkey_c_request_params.schema.json", internal::CApiRequestParamMembers(),
              {{"rpId", "example.com"}}, "", [](const std::string& params) {
                return CallC([&](char** out, passkey_error* err) {
                  return passkey_make_authentication_options(params.c_str(), out, err);
                });
              });
}

TEST(CApiSchemaTest, MdsOptionsSchema) {
  Result<testing::TestCa> root = testing::TestCa::CreateRoot("passkey c api schema root");
  ASSERT_THAT(root, IsOk());
  CheckSchema("passkey_c_mds_options.schema.json", internal::CApiMdsOptionMembers(),
              {{"roots", {root->certificate_pem()}}, {"now", kNow}}, "mds_malformed",
              [](const std::string& options) {
                return CallC([&](char** out, passkey_error* err) {
                  return passkey_mds_verify("not a JWS", options.c_str(), out, err);
                });
              });
}

// --- Prepared credentials ------------------------------------------------------

TEST_F(CApiTest, PreparedCredentialVerifiesLikeTheRecord) {
  const std::string record = Record();
  Prepared prepared;
  passkey_error err = PASSKEY_ERROR_INIT;
  ASSERT_EQ(passkey_credential_prepare(record.c_str(), &prepared.handle, &err), 0) << err.code;
  ASSERT_NE(prepared.handle, nullptr);

  const std::string response = AssertionResponse(0x22, 3);
  const Call with_record = VerifyAuthentication(Options(0x22).dump(), record, response);
  const Call with_handle = VerifyPrepared(Options(0x22).dump(), prepared.handle, response);
  ASSERT_EQ(with_handle.rc, 0) << with_handle.code << ": " << with_handle.message;
  EXPECT_EQ(with_handle.out, with_record.out);
  EXPECT_EQ(json::parse(with_handle.out)["credential"]["signCount"], 3);

  EXPECT_EQ(VerifyPrepared(Options(0x22).dump(), prepared.handle, AssertionResponse(0x22, 4, true)).code,
            "signature_invalid");
  EXPECT_EQ(VerifyPrepared(Options(0x23).dump(), prepared.handle, response).code, "challenge_mismatch");
  EXPECT_EQ(VerifyPrepared("{\"x\":1}", prepared.handle, response).code, "invalid_argument");
  EXPECT_EQ(VerifyPrepared(Options(0x22).dump(), prepared.handle, "{}").code, "malformed_response");
  passkey_error_clear(&err);
}

TEST_F(CApiTest, PrepareErrorsHaveExactCodes) {
  struct Case {
    std::string record;
    const char* code;
  };
  json bad_key = json::parse(Record());
  bad_key["publicKey"] = "AQID";
  json future = json::parse(Record());
  future["version"] = 9;
  const Case cases[] = {
      {"", "malformed_credential_record"},
      {"[]", "malformed_credential_record"},
      {R"({"id":"AQID"})", "malformed_credential_record"},
      {future.dump(), "unsupported_record_version"},
      {bad_key.dump(), "invalid_public_key"},
  };
  for (const Case& c : cases) {
    passkey_credential* handle = reinterpret_cast<passkey_credential*>(&handle);  // poisoned
    passkey_error err = PASSKEY_ERROR_INIT;
    EXPECT_EQ(passkey_credential_prepare(c.record.c_str(), &handle, &err), 1);
    EXPECT_EQ(handle, nullptr);
    EXPECT_STREQ(err.code, c.code) << c.record;
    passkey_error_clear(&err);
  }
}

TEST_F(CApiTest, ThreadsShareOnePreparedCredential) {
  const std::string record = Record();
  Prepared prepared;
  ASSERT_EQ(passkey_credential_prepare(record.c_str(), &prepared.handle, nullptr), 0);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 8;
  // The authenticator is not thread-safe: responses are made up front.
  std::vector<std::vector<std::string>> responses(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      const bool tamper = i % 4 == 3;
      responses[static_cast<std::size_t>(t)].push_back(
          AssertionResponse(0x44, static_cast<std::uint32_t>(t * kPerThread + i + 1), tamper));
    }
  }
  const std::string options = Options(0x44).dump();
  std::atomic<int> verified{0};
  std::atomic<int> rejected{0};
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string& response = responses[static_cast<std::size_t>(t)][static_cast<std::size_t>(i)];
        char* out = nullptr;
        passkey_error err = PASSKEY_ERROR_INIT;
        const int rc = passkey_verify_authentication_prepared(options.c_str(), prepared.handle,
                                                              response.c_str(), &out, &err);
        const bool tamper = i % 4 == 3;
        if (rc == 0 && !tamper) {
          const json result = json::parse(out);
          if (result["signCount"] == t * kPerThread + i + 1) {
            ++verified;
          } else {
            ++wrong;
          }
        } else if (rc == 1 && tamper && std::string(err.code) == "signature_invalid") {
          ++rejected;
        } else {
          ++wrong;
        }
        passkey_string_free(out);
        passkey_error_clear(&err);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(verified.load(), kThreads * kPerThread * 3 / 4);
  EXPECT_EQ(rejected.load(), kThreads * kPerThread / 4);
  EXPECT_EQ(wrong.load(), 0);
}

// --- AAGUID, MDS, version ------------------------------------------------------

TEST(CApiLookupTest, AaguidLookup) {
  const Call found = CallC([](char** out, passkey_error* err) {
    return passkey_aaguid_lookup("FBFC3007-154E-4ECC-8C0B-6E020557D7BD", out, err);
  });
  ASSERT_EQ(found.rc, 0) << found.code;
  const json info = json::parse(found.out);
  EXPECT_EQ(info["aaguid"], "fbfc3007-154e-4ecc-8c0b-6e020557d7bd");
  EXPECT_EQ(info["name"], "iCloud Keychain");
  EXPECT_TRUE(info["iconLight"].is_string());
  EXPECT_TRUE(info["iconDark"].is_string());

  for (const char* unknown : {"00000000-0000-0000-0000-000000000000", "01234567-89ab-cdef-0123-456789abcdef"}) {
    const Call call = CallC([&](char** out, passkey_error* err) { return passkey_aaguid_lookup(unknown, out, err); });
    EXPECT_EQ(call.code, "unknown_aaguid") << unknown;
  }
  for (const char* bad : {"", "not-a-uuid", "fbfc3007154e4ecc8c0b6e020557d7bd"}) {
    const Call call = CallC([&](char** out, passkey_error* err) { return passkey_aaguid_lookup(bad, out, err); });
    EXPECT_EQ(call.code, "invalid_argument") << bad;
  }
}

TEST(CApiLookupTest, MdsVerify) {
  Result<testing::TestCa> root = testing::TestCa::CreateRoot("passkey c api MDS root");
  ASSERT_THAT(root, IsOk());
  Result<testing::MdsBlobSigner> signer = testing::MdsBlobSigner::Create(*root);
  ASSERT_THAT(signer, IsOk());
  testing::MdsTestEntry entry;
  entry.aaguid = "0123abcd-4567-89ab-cdef-0123456789ab";
  entry.description = "Model A";
  Result<std::string> blob = signer->Sign(testing::MdsPayloadJson(7, "2026-02-01", {entry}));
  ASSERT_THAT(blob, IsOk());

  json options = {{"roots", {root->certificate_pem()}}, {"now", kNow}};
  const auto verify = [&](const json& o, const std::string& text) {
    return CallC([&](char** out, passkey_error* err) {
      return passkey_mds_verify(text.c_str(), o.dump().c_str(), out, err);
    });
  };
  const Call verified = verify(options, *blob);
  ASSERT_EQ(verified.rc, 0) << verified.code << ": " << verified.message;
  const json result = json::parse(verified.out);
  EXPECT_EQ(result["no"], 7);
  EXPECT_EQ(result["nextUpdate"], "2026-02-01");
  EXPECT_EQ(result["entries"], 1);
  EXPECT_EQ(result["stale"], false);

  json stale = options;
  stale["now"] = kNow + 86400 * 40;
  const Call late = verify(stale, *blob);
  ASSERT_EQ(late.rc, 0) << late.code;
  EXPECT_EQ(json::parse(late.out)["stale"], true);

  json rollback = options;
  rollback["minNumber"] = 7;
  EXPECT_EQ(verify(rollback, *blob).code, "mds_rollback");
  EXPECT_EQ(verify(options, "not a jws").code, "mds_malformed");
  EXPECT_EQ(verify({{"now", kNow}}, *blob).code, "invalid_argument");  // no roots
  EXPECT_EQ(verify({{"roots", {root->certificate_pem()}}, {"no", 1}}, *blob).code, "invalid_argument");
  EXPECT_EQ(verify({{"roots", {"x"}}}, *blob).code, "invalid_argument");
  EXPECT_EQ(verify({{"roots", {root->certificate_pem()}}, {"minNumber", -1}}, *blob).code,
            "invalid_argument");
}

TEST(CApiVersionTest, VersionMatchesMacros) {
  const std::string expected = std::to_string(PASSKEY_VERSION_MAJOR) + "." +
                               std::to_string(PASSKEY_VERSION_MINOR) + "." +
                               std::to_string(PASSKEY_VERSION_PATCH);
  EXPECT_EQ(std::string(passkey_version()), expected);
}

}  // namespace
}  // namespace passkey
