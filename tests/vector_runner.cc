#include "vector_runner.h"

#include <cctype>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>

#include <passkey/passkey.h>

#include "internal/result_macros.h"
#include "test_util.h"
#include "webauthn/attestation_object.h"
#include "webauthn/authenticator_data.h"
#include "webauthn/cose_key.h"

namespace passkey::test {
namespace {

using ::nlohmann::json;
using Kind = VectorOutcome::Kind;

// ML-DSA-44/65/87 (COSE -48/-49/-50) need OpenSSL 3.5.
constexpr std::int64_t kMlDsaAlgorithms[] = {-48, -49, -50};
constexpr unsigned long kOpenSsl35 = 0x30500000UL;

// Problems with the vector itself travel as kInvalidArgument errors through
// the Result plumbing and end up as kFail("malformed vector: ...").
Unexpected BadVector(std::string message) {
  return Unexpected(ErrorCode::kInvalidArgument, std::move(message));
}

VectorOutcome Failure(std::string detail) {
  return {Kind::kFail, std::move(detail)};
}

// Schema accessors: they check types instead of letting nlohmann throw.

const json* Member(const json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

Result<std::string> RequireString(const json& object, std::string_view key) {
  const json* value = Member(object, key);
  if (value == nullptr || !value->is_string()) {
    return BadVector("`" + std::string(key) + "` must be a string");
  }
  return value->get<std::string>();
}

Result<const json*> RequireObject(const json& object, std::string_view key) {
  const json* value = Member(object, key);
  if (value == nullptr || !value->is_object()) {
    return BadVector("`" + std::string(key) + "` must be an object");
  }
  return value;
}

Result<bool> GetBool(const json& object, std::string_view key,
                     std::optional<bool> fallback) {
  const json* value = Member(object, key);
  if (value == nullptr && fallback.has_value()) return *fallback;
  if (value == nullptr || !value->is_boolean()) {
    return BadVector("`" + std::string(key) + "` must be a boolean");
  }
  return value->get<bool>();
}

// GetStrings: a string or an array of strings; empty when absent.
Result<std::vector<std::string>> GetStrings(const json& object,
                                            std::string_view key) {
  const json* value = Member(object, key);
  std::vector<std::string> out;
  if (value == nullptr) return out;
  if (value->is_string()) {
    out.push_back(value->get<std::string>());
    return out;
  }
  const auto bad = BadVector("`" + std::string(key) +
                             "` must be a string or an array of strings");
  if (!value->is_array()) return bad;
  for (const json& item : *value) {
    if (!item.is_string()) return bad;
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<std::vector<CoseAlgorithm>> GetAlgorithms(const json& object,
                                                 std::string_view key) {
  const json* value = Member(object, key);
  std::vector<CoseAlgorithm> out;
  if (value == nullptr) return out;
  const auto bad = BadVector("`" + std::string(key) +
                             "` must be an array of COSE algorithm numbers");
  if (!value->is_array()) return bad;
  for (const json& item : *value) {
    if (!item.is_number_integer()) return bad;
    const auto number = item.get<std::int64_t>();
    if (number < std::numeric_limits<std::int32_t>::min() ||
        number > std::numeric_limits<std::int32_t>::max()) {
      return bad;
    }
    out.push_back(static_cast<CoseAlgorithm>(number));
  }
  return out;
}

Result<Bytes> GetBase64Url(const json& object, std::string_view key) {
  PASSKEY_ASSIGN_OR_RETURN(const std::string text, RequireString(object, key));
  Result<Bytes> bytes = Base64UrlDecode(text);
  if (!bytes.has_value()) {
    return BadVector("`" + std::string(key) + "` is not base64url");
  }
  return bytes;
}

// Expectation: the vector's `expect`. A negative's acceptable ErrorCode names
// come from `code` (exact) or from `reason` (mapped); a trailing '*' in a
// name is a prefix match.
struct Expectation {
  bool ok = false;
  std::vector<std::string> codes;
  std::string description;  // for failure details
  const json* fields = nullptr;

  bool Accepts(std::string_view code) const {
    for (std::string_view accepted : codes) {
      if (accepted.ends_with('*')) {
        accepted.remove_suffix(1);
        if (code.starts_with(accepted)) return true;
      } else if (code == accepted) {
        return true;
      }
    }
    return false;
  }
};

std::vector<std::string> CodesForReason(const std::string& reason) {
  if (reason == "rpid_mismatch") return {"rp_id_mismatch"};
  if (reason == "counter_not_increased") return {"sign_count_rollback"};
  if (reason == "malformed") return {"malformed_*"};
  if (reason == "attestation_invalid") {
    // The library names the failed check more narrowly.
    return {"attestation_invalid",         "attestation_signature_invalid",
            "attestation_nonce_mismatch",  "attestation_aaguid_mismatch",
            "attestation_key_mismatch",    "certificate_invalid"};
  }
  return {reason};
}

Result<Expectation> ParseExpectation(const json& vector) {
  Expectation expect;
  PASSKEY_ASSIGN_OR_RETURN(expect.fields, RequireObject(vector, "expect"));
  PASSKEY_ASSIGN_OR_RETURN(expect.ok, GetBool(*expect.fields, "ok", {}));
  if (expect.ok) {
    expect.description = "success";
    return expect;
  }
  if (Member(*expect.fields, "code") != nullptr) {
    PASSKEY_ASSIGN_OR_RETURN(const std::string code,
                             RequireString(*expect.fields, "code"));
    expect.codes = {code};
    expect.description = "rejection with " + code;
    return expect;
  }
  PASSKEY_ASSIGN_OR_RETURN(const std::string reason,
                           RequireString(*expect.fields, "reason"));
  expect.codes = CodesForReason(reason);
  expect.description = "rejection for " + reason;
  if (expect.codes != std::vector<std::string>{reason}) {
    expect.description += " (";
    for (std::size_t i = 0; i < expect.codes.size(); ++i) {
      expect.description += (i == 0 ? "" : " or ") + expect.codes[i];
    }
    expect.description += ")";
  }
  return expect;
}

// Out-of-scope checks.

std::optional<std::string> MlDsaSkipReason(std::optional<std::int64_t> alg) {
  if (!alg.has_value()) return std::nullopt;
  if (std::ranges::find(kMlDsaAlgorithms, *alg) == std::end(kMlDsaAlgorithms) ||
      OpenSSL_version_num() >= kOpenSsl35) {
    return std::nullopt;
  }
  return "ML-DSA needs OpenSSL >= 3.5; this is " +
         std::string(OpenSSL_version(OPENSSL_VERSION));
}

// CoseAlgorithmOf: the `alg` of a COSE_Key, if it has one.
std::optional<std::int64_t> CoseAlgorithmOf(ByteView cose_key) {
  const Result<std::int64_t> alg = internal::CoseKeyAlgorithm(cose_key);
  if (!alg.has_value()) return std::nullopt;
  return *alg;
}

// StoredKeyAlgorithm: the `alg` of the stored record's publicKey, if any.
std::optional<std::int64_t> StoredKeyAlgorithm(const json& credential) {
  const Result<Bytes> public_key = GetBase64Url(credential, "publicKey");
  if (!public_key.has_value()) return std::nullopt;
  return CoseAlgorithmOf(*public_key);
}

// RegistrationSkipReason: registration vectors out of scope (ML-DSA before
// OpenSSL 3.5). The credential algorithm is read with the library's parsers;
// a response that does not parse is in scope (the ceremony reports why).
std::optional<std::string> RegistrationSkipReason(const json& response) {
  const json* inner = Member(response, "response");
  if (inner == nullptr) return std::nullopt;
  const Result<Bytes> bytes = GetBase64Url(*inner, "attestationObject");
  if (!bytes.has_value()) return std::nullopt;
  const Result<internal::AttestationObject> object =
      internal::ParseAttestationObject(*bytes);
  if (!object.has_value()) return std::nullopt;
  const Result<internal::AuthenticatorData> auth_data =
      internal::ParseAuthenticatorData(object->auth_data);
  if (!auth_data.has_value() ||
      !auth_data->attested_credential_data.has_value()) {
    return std::nullopt;
  }
  return MlDsaSkipReason(
      CoseAlgorithmOf(auth_data->attested_credential_data->credential_public_key));
}

// Options shared by both ceremonies (RegistrationOptions and
// AuthenticationOptions have the same names for them).
template <class Options>
Status FillOptions(const json& vector, Options* options) {
  PASSKEY_ASSIGN_OR_RETURN(const std::string rp_id,
                           RequireString(vector, "rpId"));
  PASSKEY_ASSIGN_OR_RETURN(options->rp.ids, GetStrings(vector, "allowedRpIds"));
  if (options->rp.ids.empty()) options->rp.ids.push_back(rp_id);
  PASSKEY_ASSIGN_OR_RETURN(options->rp.origins, GetStrings(vector, "origins"));
  PASSKEY_ASSIGN_OR_RETURN(options->rp.top_origins,
                           GetStrings(vector, "topOrigins"));
  PASSKEY_ASSIGN_OR_RETURN(options->rp.allow_cross_origin,
                           GetBool(vector, "allowCrossOrigin", false));
  PASSKEY_ASSIGN_OR_RETURN(options->challenge,
                           GetBase64Url(vector, "challenge"));
  PASSKEY_ASSIGN_OR_RETURN(const bool require_uv,
                           GetBool(vector, "requireUserVerification", {}));
  options->user_verification =
      require_uv ? UserVerification::kRequired : UserVerification::kPreferred;
  PASSKEY_ASSIGN_OR_RETURN(options->allowed_algorithms,
                           GetAlgorithms(vector, "supportedAlgorithms"));
  PASSKEY_ASSIGN_OR_RETURN(options->expected_types,
                           GetStrings(vector, "expectedType"));
  // requireUserPresence=false and allowSubdomainOrigins=true have no option:
  // the library always requires UP and exact origins. Ignoring them can only
  // make a vector fail, never pass wrongly.
  return OkStatus();
}

// Mismatches collects the `expect` members that differ from the result.
class Mismatches {
 public:
  explicit Mismatches(const json& expect) : expect_(expect) {}

  void Check(std::string_view key, const json& actual) {
    const json* expected = Member(expect_, key);
    if (expected == nullptr || *expected == actual) return;
    text_ += (text_.empty() ? "" : "; ") + std::string(key) + ": expected " +
             expected->dump() + ", got " + actual.dump();
  }

  template <class T>
  void Check(std::string_view key, const std::optional<T>& actual) {
    Check(key, actual.has_value() ? json(*actual) : json(nullptr));
  }

  VectorOutcome Outcome() const {
    if (text_.empty()) return {Kind::kPass, ""};
    return Failure("succeeded but " + text_);
  }

 private:
  const json& expect_;
  std::string text_;
};

VectorOutcome CompareRecord(const json& expect, const CredentialRecord& record,
                            bool anchored) {
  Mismatches mismatches(expect);
  // attestationType: "basic_or_attca" accepts either (they differ only in
  // metadata).
  if (const json* type = Member(expect, "attestationType"); type != nullptr) {
    const bool basic_or_attca = *type == "basic_or_attca" &&
                                (record.attestation_type == "basic" ||
                                 record.attestation_type == "attca");
    if (!basic_or_attca) mismatches.Check("attestationType", record.attestation_type);
  }
  // A vector with trust anchors must have chained to one.
  if (anchored && !record.attestation_trusted) {
    return Failure("succeeded but the attestation is not trusted");
  }
  mismatches.Check("credentialId", Base64UrlEncode(record.id));
  mismatches.Check("credentialPublicKey", Base64UrlEncode(record.public_key));
  mismatches.Check("signCount", record.sign_count);
  std::optional<std::int32_t> alg;
  if (record.algorithm.has_value())
    alg = static_cast<std::int32_t>(*record.algorithm);
  mismatches.Check("alg", alg);
  mismatches.Check("aaguid", record.aaguid.ToString());
  mismatches.Check("backupEligible", record.backup_eligible);
  mismatches.Check("backupState", record.backup_state);
  mismatches.Check("fmt", record.attestation_format);
  mismatches.Check("userVerified", record.uv_initialized);
  return mismatches.Outcome();
}

VectorOutcome CompareResult(const json& expect,
                            const AuthenticationResult& result) {
  Mismatches mismatches(expect);
  mismatches.Check("signCount", result.sign_count);
  mismatches.Check("userPresent", result.user_present);
  mismatches.Check("userVerified", result.user_verified);
  mismatches.Check("backupEligible", result.backup_eligible);
  mismatches.Check("backupState", result.backup_state);
  return mismatches.Outcome();
}

// Judge compares the library's result with the expectation; `compare`
// checks a successful result's fields.
template <class T, class Compare>
VectorOutcome Judge(const Expectation& expect, const Result<T>& result,
                    Compare compare) {
  if (result.has_value()) {
    if (expect.ok) return compare(*expect.fields, *result);
    return Failure("expected " + expect.description +
                   ", but the library accepted it");
  }
  const std::string_view code = ErrorCodeName(result.error().code);
  if (!expect.ok && expect.Accepts(code)) return {Kind::kPass, ""};
  return Failure("expected " + expect.description + ", library returned " +
                 std::string(code) + ": " + result.error().message);
}

Result<CredentialRecord> Register(const RegistrationOptions& options,
                                  const json& response) {
  PASSKEY_ASSIGN_OR_RETURN(const RegistrationResponse parsed,
                           ParseRegistrationResponseJson(response.dump()));
  return VerifyRegistration(options, parsed);
}

// Authenticate: the stored record is input like the response, so a record
// the library refuses is the ceremony's outcome too.
Result<AuthenticationResult> Authenticate(const AuthenticationOptions& options,
                                          const json& credential,
                                          const json& response) {
  PASSKEY_ASSIGN_OR_RETURN(const CredentialRecord record,
                           CredentialRecordFromJson(credential.dump()));
  PASSKEY_ASSIGN_OR_RETURN(const AuthenticationResponse parsed,
                           ParseAuthenticationResponseJson(response.dump()));
  return VerifyAuthentication(options, record, parsed);
}

// AttestationPolicy: the vector's attestation inputs. `sha1` is nullopt when
// the vector leaves allowSha1Attestation unspecified.
struct AttestationPolicy {
  std::optional<bool> sha1;
};

// FillAttestationOptions maps currentTime, trustAnchors and
// attestationPolicy. Anchors given = the path must chain to one of them
// (require_trusted_attestation), as the schema defines trustAnchors.
Result<AttestationPolicy> FillAttestationOptions(const json& vector, AttestationTrust* trust,
                                                 RegistrationOptions* options) {
  if (Member(vector, "currentTime") != nullptr) {
    PASSKEY_ASSIGN_OR_RETURN(const std::string time, RequireString(vector, "currentTime"));
    const Result<UnixSeconds> now = ParseTimestamp(time);
    if (!now.has_value()) return BadVector("currentTime is not ISO 8601: " + time);
    options->now = *now;
  } else {
    // SCHEMA.md: currentTime is "Present whenever an attestation certificate
    // path is validated", so without it no check depends on the time; any
    // fixed instant (2026-01-01) serves as the record's createdAt, which
    // VerifyRegistration requires.
    options->now = 1'767'225'600;
  }
  PASSKEY_ASSIGN_OR_RETURN(const std::vector<std::string> anchors,
                           GetStrings(vector, "trustAnchors"));
  for (const std::string& anchor : anchors) {
    const std::string pem =
        "-----BEGIN CERTIFICATE-----\n" + anchor + "\n-----END CERTIFICATE-----\n";
    const Status added = trust->AddAnchorsPem(pem);
    if (!added.has_value()) return BadVector("trust anchor: " + added.error().message);
  }
  if (!anchors.empty()) {
    options->attestation_trust = trust;
    options->require_trusted_attestation = true;
  }
  AttestationPolicy policy;
  if (const json* knobs = Member(vector, "attestationPolicy")) {
    PASSKEY_ASSIGN_OR_RETURN(const bool cts,
                             GetBool(*knobs, "safetyNetRequireCtsProfileMatch", true));
    options->allow_safetynet_without_cts_profile_match = !cts;
    PASSKEY_ASSIGN_OR_RETURN(const bool timestamp,
                             GetBool(*knobs, "safetyNetVerifyTimestamp", true));
    options->danger_skip_safetynet_timestamp_check = !timestamp;
    if (Member(*knobs, "allowSha1Attestation") != nullptr) {
      PASSKEY_ASSIGN_OR_RETURN(policy.sha1, GetBool(*knobs, "allowSha1Attestation", false));
      options->allow_sha1_attestation = *policy.sha1;
    }
  }
  return policy;
}

Result<VectorOutcome> RunRegistration(const json& vector,
                                      const Expectation& expect) {
  PASSKEY_ASSIGN_OR_RETURN(const json* response,
                           RequireObject(vector, "response"));
  if (std::optional<std::string> reason = RegistrationSkipReason(*response)) {
    return VectorOutcome{Kind::kSkip, *std::move(reason)};
  }
  RegistrationOptions options;
  PASSKEY_RETURN_IF_ERROR(FillOptions(vector, &options));
  AttestationTrust trust;
  PASSKEY_ASSIGN_OR_RETURN(const AttestationPolicy policy,
                           FillAttestationOptions(vector, &trust, &options));
  const bool anchored = options.require_trusted_attestation;
  auto compare = [anchored](const json& fields, const CredentialRecord& record) {
    return CompareRecord(fields, record, anchored);
  };
  Result<CredentialRecord> result = Register(options, *response);
  // allowSha1Attestation unspecified: the library's default (SHA-1 refused)
  // runs first. A vector that needs SHA-1 must then fail exactly with
  // algorithm_not_allowed, and is judged again with SHA-1 allowed, as the
  // RP that kept such authenticators would configure it.
  if (!policy.sha1.has_value() && !result.has_value() &&
      result.error().code == ErrorCode::kAlgorithmNotAllowed &&
      !(!expect.ok && expect.Accepts("algorithm_not_allowed"))) {
    options.allow_sha1_attestation = true;
    result = Register(options, *response);
  }
  return Judge(expect, result, compare);
}

Result<VectorOutcome> RunAuthentication(const json& vector,
                                        const Expectation& expect) {
  PASSKEY_ASSIGN_OR_RETURN(const json* response,
                           RequireObject(vector, "response"));
  PASSKEY_ASSIGN_OR_RETURN(const json* credential,
                           RequireObject(vector, "credential"));
  if (std::optional<std::string> reason =
          MlDsaSkipReason(StoredKeyAlgorithm(*credential))) {
    return VectorOutcome{Kind::kSkip, *std::move(reason)};
  }
  AuthenticationOptions options;
  PASSKEY_RETURN_IF_ERROR(FillOptions(vector, &options));
  // allowSha1Attestation also admits RS1 credential keys.
  if (const json* knobs = Member(vector, "attestationPolicy")) {
    PASSKEY_ASSIGN_OR_RETURN(options.allow_rs1_credentials,
                             GetBool(*knobs, "allowSha1Attestation", false));
  }
  if (Member(vector, "appid") != nullptr) {
    PASSKEY_ASSIGN_OR_RETURN(options.appid, RequireString(vector, "appid"));
  }
  return Judge(expect, Authenticate(options, *credential, *response),
               CompareResult);
}

// KnownDeviation: a vector whose expectation disagrees with WebAuthn L3 (see
// ../shared/CONTRACT.md point 9) or with a stricter check the library makes
// on purpose. The runner asserts the exact code the library returns and
// reports the deviation.
struct KnownDeviation {
  std::string_view id;
  std::string_view code;
  std::string_view reason;
};

constexpr KnownDeviation kKnownDeviations[] = {
    {"w3c/android-key-es256/registration", "attestation_invalid",
     "synthetic spec vector whose KeyDescription authorization lists are both empty: §8.4 "
     "requires AuthorizationList.origin = KM_ORIGIN_GENERATED and purpose = KM_PURPOSE_SIGN, "
     "and a missing field equals neither"},
    {"w3c/fido-u2f-es256/registration", "attestation_invalid",
     "synthetic spec vector whose authenticatorData carries a non-zero AAGUID "
     "(afb3c2ef-c054-df42-5013-d5c88e79c3c1); a client builds the authenticatorData of a "
     "U2F device with the all-zero AAGUID (CTAP2 U2F interoperability), which the "
     "library requires"},
    {"simplewebauthn/reg/tpm-sha1-fido2-net-lib", "certificate_invalid",
     "x5c[0] (fido2-net-lib's fake TPM AIK certificate) has a malformed "
     "authorityKeyIdentifier: keyIdentifier is encoded with the constructed tag A0 instead "
     "of the primitive [0] IMPLICIT OCTET STRING (80), so OpenSSL marks the certificate "
     "invalid (ossl_x509v3_cache_extensions) and RFC 5280 path validation cannot use it; its "
     "issuer's subjectKeyIdentifier also carries two stray bytes (C2 14) before the key ID"},
    {"simplewebauthn/reg/tpm-sha256-fido2-net-lib", "certificate_invalid",
     "x5c[0] (fido2-net-lib's fake TPM AIK certificate) has a malformed "
     "authorityKeyIdentifier: keyIdentifier is encoded with the constructed tag A0 instead "
     "of the primitive [0] IMPLICIT OCTET STRING (80), so OpenSSL marks the certificate "
     "invalid (ossl_x509v3_cache_extensions) and RFC 5280 path validation cannot use it; its "
     "issuer's subjectKeyIdentifier also carries two stray bytes (C2 14) before the key ID"},
};

Result<VectorOutcome> Run(const json& vector) {
  if (const json* error = Member(vector, "loadError")) {
    return Failure("vector file did not load: " + error->dump());
  }
  PASSKEY_ASSIGN_OR_RETURN(Expectation expect, ParseExpectation(vector));
  const json* id = Member(vector, "id");
  for (const KnownDeviation& deviation : kKnownDeviations) {
    // Only the vector's own expectation (success) is replaced; a caller
    // that rewrote it (e.g. SHA-1 refused) keeps its own.
    if (id == nullptr || *id != deviation.id || !expect.ok) continue;
    expect.ok = false;
    expect.codes = {std::string(deviation.code)};
    expect.description = "rejection with " + std::string(deviation.code) + " (known deviation)";
    PASSKEY_ASSIGN_OR_RETURN(VectorOutcome outcome, RunRegistration(vector, expect));
    if (outcome.kind == Kind::kPass) {
      outcome.detail = "known deviation: " + std::string(deviation.reason);
    }
    return outcome;
  }
  // Revocation needs CRLs fetched over the network; never checkable here.
  if (const json* reason = Member(*expect.fields, "reason");
      reason != nullptr && *reason == "certificate_revoked") {
    return VectorOutcome{Kind::kSkip,
                         "needs network CRLs (certificate_revoked)"};
  }
  PASSKEY_ASSIGN_OR_RETURN(const std::string ceremony,
                           RequireString(vector, "ceremony"));
  if (ceremony == "registration") return RunRegistration(vector, expect);
  if (ceremony == "authentication") return RunAuthentication(vector, expect);
  return BadVector("unknown ceremony \"" + ceremony + "\"");
}

}  // namespace

std::vector<json> LoadVectors(const std::string& path) {
  auto load_error = [&path](std::string_view why) {
    std::vector<json> vectors(1, json::object());
    vectors[0]["id"] =
        std::filesystem::path(path).filename().string() + "#load-error";
    vectors[0]["loadError"] = std::string(why);
    return vectors;
  };
  const std::optional<std::string> text = ReadFile(path);
  if (!text.has_value()) return load_error("cannot read the file");
  const json file = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (file.is_discarded()) return load_error("not JSON");
  const json* vectors = Member(file, "vectors");
  if (vectors == nullptr || !vectors->is_array()) {
    return load_error("no \"vectors\" array");
  }
  return {vectors->begin(), vectors->end()};
}

VectorOutcome RunVector(const json& vector) {
  Result<VectorOutcome> outcome = Run(vector);
  if (!outcome.has_value()) {
    return Failure("malformed vector: " + outcome.error().message);
  }
  return *std::move(outcome);
}

std::string UniqueTestName(std::string_view id, std::set<std::string>* taken) {
  std::string name;
  for (const char c : id) {
    name += std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
  }
  if (name.empty()) name = "vector";
  std::string unique = name;
  for (int n = 2; !taken->insert(unique).second; ++n) {
    unique = name + "_" + std::to_string(n);
  }
  return unique;
}

}  // namespace passkey::test
