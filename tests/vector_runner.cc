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

#include "attestation_object.h"
#include "authenticator_data.h"
#include "cose_key.h"
#include "internal/result_macros.h"
#include "test_util.h"

namespace passkey::test {
namespace {

using ::nlohmann::json;
using Kind = VectorOutcome::Kind;

// Attestation formats the library verifies today; the others arrive with the
// attestation issue (#4) and report attestation_format_unsupported until then.
constexpr std::string_view kVerifiedFormats[] = {"none", "packed"};

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
    return {"attestation_invalid", "attestation_signature_invalid"};
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

// AttestationSummary: what the skip rules need from an attestation object.
struct AttestationSummary {
  std::string format;  // "packed with x5c" for packed full attestation
  std::optional<std::int64_t> algorithm;
};

// SummarizeAttestation reads the attestation object with the library's own
// parsers; nullopt when it does not parse (then the vector is in scope and
// the ceremony reports why).
std::optional<AttestationSummary> SummarizeAttestation(const json& response) {
  const json* inner = Member(response, "response");
  if (inner == nullptr) return std::nullopt;
  const Result<Bytes> bytes = GetBase64Url(*inner, "attestationObject");
  if (!bytes.has_value()) return std::nullopt;
  const Result<internal::AttestationObject> object =
      internal::ParseAttestationObject(*bytes);
  if (!object.has_value()) return std::nullopt;

  AttestationSummary summary{object->fmt, std::nullopt};
  if (summary.format == "packed" && object->att_stmt.Find("x5c") != nullptr) {
    summary.format = "packed with x5c";
  }
  const Result<internal::AuthenticatorData> auth_data =
      internal::ParseAuthenticatorData(object->auth_data);
  if (auth_data.has_value() &&
      auth_data->attested_credential_data.has_value()) {
    summary.algorithm = CoseAlgorithmOf(
        auth_data->attested_credential_data->credential_public_key);
  }
  return summary;
}

std::optional<std::string> RegistrationSkipReason(const json& response,
                                                  const Expectation& expect) {
  const std::optional<AttestationSummary> summary =
      SummarizeAttestation(response);
  if (!summary.has_value()) return std::nullopt;
  if (std::optional<std::string> reason = MlDsaSkipReason(summary->algorithm)) {
    return reason;
  }
  const bool verified = std::ranges::find(kVerifiedFormats, summary->format) !=
                        std::end(kVerifiedFormats);
  if (verified ||
      (!expect.ok && expect.Accepts("attestation_format_unsupported"))) {
    return std::nullopt;
  }
  // A negative whose defect is found before the attestation statement is
  // looked at (§7.1 order) is in scope whatever the format.
  static constexpr std::string_view kEarlierChecks[] = {
      "challenge_mismatch", "origin_mismatch",  "type_mismatch",
      "cross_origin_not_allowed", "top_origin_mismatch", "token_binding_invalid",
      "rp_id_mismatch", "user_not_present", "user_not_verified",
      "backup_flags_invalid"};
  if (!expect.ok && std::ranges::any_of(kEarlierChecks, [&](std::string_view code) {
        return expect.Accepts(code);
      })) {
    return std::nullopt;
  }
  return "attestation format " + summary->format +
         " is verified by the attestation issue (#4)";
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
  if (const json* policy = Member(vector, "attestationPolicy")) {
    PASSKEY_ASSIGN_OR_RETURN(options->allow_sha1_attestation,
                             GetBool(*policy, "allowSha1Attestation", false));
  }
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

VectorOutcome CompareRecord(const json& expect,
                            const CredentialRecord& record) {
  Mismatches mismatches(expect);
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

Result<VectorOutcome> RunRegistration(const json& vector,
                                      const Expectation& expect) {
  PASSKEY_ASSIGN_OR_RETURN(const json* response,
                           RequireObject(vector, "response"));
  if (std::optional<std::string> reason =
          RegistrationSkipReason(*response, expect)) {
    return VectorOutcome{Kind::kSkip, *std::move(reason)};
  }
  RegistrationOptions options;
  PASSKEY_RETURN_IF_ERROR(FillOptions(vector, &options));
  return Judge(expect, Register(options, *response), CompareRecord);
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
  if (Member(vector, "appid") != nullptr) {
    PASSKEY_ASSIGN_OR_RETURN(options.appid, RequireString(vector, "appid"));
  }
  return Judge(expect, Authenticate(options, *credential, *response),
               CompareResult);
}

Result<VectorOutcome> Run(const json& vector) {
  if (const json* error = Member(vector, "loadError")) {
    return Failure("vector file did not load: " + error->dump());
  }
  PASSKEY_ASSIGN_OR_RETURN(const Expectation expect, ParseExpectation(vector));
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
