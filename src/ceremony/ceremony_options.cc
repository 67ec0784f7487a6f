// WebAuthn L3 PublicKeyCredentialCreationOptionsJSON (§5.4) and
// PublicKeyCredentialRequestOptionsJSON (§5.5) with a CSPRNG challenge.
#include <passkey/ceremony_options.h>

#include <openssl/err.h>
#include <openssl/rand.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "ceremony/ceremony.h"
#include "encoding/cbor_reader.h"
#include "internal/limits.h"
#include "internal/result_macros.h"

namespace passkey {
namespace {

using internal::Fail;
using Json = nlohmann::ordered_json;

// RandomBytes: at most 1 KiB per call; challenges are 16..64 bytes.
constexpr std::size_t kMaxRandomBytes = 1024;
// §5.4.3 PublicKeyCredentialUserEntity.id: "The user handle ... MUST NOT be
// more than 64 bytes" (and at least one).
constexpr std::size_t kMaxUserIdBytes = internal::kMaxUserHandleBytes;
// A fresh user handle: 32 random bytes, well above collision risk.
constexpr std::size_t kUserHandleBytes = 32;
// §13.4.3 "Cryptographic Challenges": "Challenges SHOULD therefore be at
// least 16 bytes long"; 64 is far beyond any need and bounds the JSON.
constexpr std::size_t kMinChallengeBytes = 16;
constexpr std::size_t kMaxChallengeBytes = 64;
// Names (rp.name, user.name, user.displayName): authenticators may truncate
// them to 64 bytes (§6.4.1); 1 KiB bounds the JSON without rejecting any
// sensible value.
constexpr std::size_t kMaxNameBytes = 1024;
// excludeCredentials / allowCredentials entries: one account with more than
// 256 passkeys is not a real case; the cap bounds the JSON (≤ ~350 KiB).
constexpr std::size_t kMaxDescriptors = 256;
// transports per descriptor and bytes per transport / attestation format
// name: the registries hold six short names each.
constexpr std::size_t kMaxTransports = 16;
constexpr std::size_t kMaxTokenBytes = 64;
constexpr std::size_t kMaxAttestationFormats = 16;
// RFC 1035 §2.3.4: a domain name is at most 253 characters in text form
// (255 octets on the wire) and a label at most 63.

// The preference order of pubKeyCredParams (most preferred first). The
// fully specified Ed25519/Ed448 identifiers follow EdDSA; RS1 comes last
// and only on request (SHA-1).
constexpr std::array kPreferenceOrder = {
    CoseAlgorithm::kEs256, CoseAlgorithm::kEdDsa, CoseAlgorithm::kEd25519,
    CoseAlgorithm::kEd448, CoseAlgorithm::kEs384, CoseAlgorithm::kEs512,
    CoseAlgorithm::kPs256, CoseAlgorithm::kPs384, CoseAlgorithm::kPs512,
    CoseAlgorithm::kRs256, CoseAlgorithm::kRs384, CoseAlgorithm::kRs512,
};

std::string_view UserVerificationName(UserVerification uv) {
  switch (uv) {
    case UserVerification::kRequired: return "required";
    case UserVerification::kPreferred: return "preferred";
    case UserVerification::kDiscouraged: return "discouraged";
  }
  return "required";
}

std::string_view ResidentKeyName(ResidentKeyRequirement rk) {
  switch (rk) {
    case ResidentKeyRequirement::kDiscouraged: return "discouraged";
    case ResidentKeyRequirement::kPreferred: return "preferred";
    case ResidentKeyRequirement::kRequired: return "required";
  }
  return "required";
}

std::string_view AttestationName(AttestationConveyance attestation) {
  switch (attestation) {
    case AttestationConveyance::kNone: return "none";
    case AttestationConveyance::kIndirect: return "indirect";
    case AttestationConveyance::kDirect: return "direct";
    case AttestationConveyance::kEnterprise: return "enterprise";
  }
  return "none";
}

std::string_view HintName(CredentialHint hint) {
  switch (hint) {
    case CredentialHint::kSecurityKey: return "security-key";
    case CredentialHint::kClientDevice: return "client-device";
    case CredentialHint::kHybrid: return "hybrid";
  }
  return "security-key";
}

bool IsKnownEnum(UserVerification uv) {
  return uv == UserVerification::kRequired || uv == UserVerification::kPreferred ||
         uv == UserVerification::kDiscouraged;
}

// ValidateText: a DOMString member must be well-formed UTF-8 (the JSON text
// is UTF-8), non-empty when required, and at most `max` bytes.
Status ValidateText(std::string_view field, std::string_view text, bool required,
                    std::size_t max) {
  if (required && text.empty()) {
    return Fail(ErrorCode::kInvalidArgument, std::string(field) + " is required");
  }
  if (text.size() > max) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(field) + " is longer than " + std::to_string(max) + " bytes");
  }
  if (!internal::IsValidUtf8(AsBytes(text))) {
    return Fail(ErrorCode::kInvalidArgument, std::string(field) + " is not valid UTF-8");
  }
  return OkStatus();
}

Status ValidateCredentialId(std::string_view field, const Bytes& id) {
  if (id.empty()) {
    return Fail(ErrorCode::kInvalidArgument, std::string(field) + ".id is empty");
  }
  // §5.8.3 / §7.1: credential IDs are at most 1023 bytes.
  if (id.size() > internal::kMaxCredentialIdBytes) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(field) + ".id is longer than 1023 bytes");
  }
  return OkStatus();
}

Status ValidateDescriptors(std::string_view field,
                           const std::vector<CredentialDescriptor>& descriptors) {
  if (descriptors.size() > kMaxDescriptors) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(field) + " has more than " + std::to_string(kMaxDescriptors) +
                    " entries");
  }
  for (std::size_t i = 0; i < descriptors.size(); ++i) {
    const std::string name = std::string(field) + "[" + std::to_string(i) + "]";
    PASSKEY_RETURN_IF_ERROR(ValidateCredentialId(name, descriptors[i].id));
    if (descriptors[i].transports.size() > kMaxTransports) {
      return Fail(ErrorCode::kInvalidArgument, name + ".transports has too many entries");
    }
    for (const std::string& transport : descriptors[i].transports) {
      PASSKEY_RETURN_IF_ERROR(
          ValidateText(name + ".transports", transport, /*required=*/true, kMaxTokenBytes));
    }
  }
  return OkStatus();
}

Status ValidateHints(const std::vector<CredentialHint>& hints) {
  for (std::size_t i = 0; i < hints.size(); ++i) {
    const CredentialHint hint = hints[i];
    if (hint != CredentialHint::kSecurityKey && hint != CredentialHint::kClientDevice &&
        hint != CredentialHint::kHybrid) {
      return Fail(ErrorCode::kInvalidArgument, "hints has an unknown value");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (hints[j] == hint) {
        return Fail(ErrorCode::kInvalidArgument,
                    "hints lists \"" + std::string(HintName(hint)) + "\" twice");
      }
    }
  }
  return OkStatus();
}

Status ValidateChallengeSize(std::size_t size) {
  if (size < kMinChallengeBytes || size > kMaxChallengeBytes) {
    return Fail(ErrorCode::kInvalidArgument, "challenge_size must be 16..64 bytes, not " +
                                                 std::to_string(size));
  }
  return OkStatus();
}

Status ValidateUserVerification(UserVerification uv) {
  if (!IsKnownEnum(uv)) {
    return Fail(ErrorCode::kInvalidArgument, "user_verification has an unknown value");
  }
  return OkStatus();
}

// ValidateAlgorithms: every entry supported by this build, none twice.
Status ValidateAlgorithms(const std::vector<CoseAlgorithm>& algorithms) {
  for (std::size_t i = 0; i < algorithms.size(); ++i) {
    if (!IsSupportedAlgorithm(algorithms[i])) {
      return Fail(ErrorCode::kInvalidArgument,
                  "algorithms: COSE algorithm " +
                      std::to_string(static_cast<std::int32_t>(algorithms[i])) +
                      " is not supported by this build");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (algorithms[j] == algorithms[i]) {
        return Fail(ErrorCode::kInvalidArgument,
                    "algorithms lists " + std::string(CoseAlgorithmName(algorithms[i])) +
                        " twice");
      }
    }
  }
  return OkStatus();
}

// §5.8.3 PublicKeyCredentialDescriptorJSON: {type, id, transports?}.
Json DescriptorsJson(const std::vector<CredentialDescriptor>& descriptors) {
  Json out = Json::array();
  for (const CredentialDescriptor& descriptor : descriptors) {
    Json entry = Json::object();
    entry["type"] = "public-key";
    entry["id"] = Base64UrlEncode(descriptor.id);
    if (!descriptor.transports.empty()) {
      Json transports = Json::array();
      for (const std::string& transport : descriptor.transports) transports.push_back(transport);
      entry["transports"] = std::move(transports);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

Json HintsJson(const std::vector<CredentialHint>& hints) {
  Json out = Json::array();
  for (const CredentialHint hint : hints) out.push_back(std::string(HintName(hint)));
  return out;
}

// Serialize: compact UTF-8. Every string was checked to be valid UTF-8, so
// the replace handler never fires; it only keeps dump() from throwing.
std::string Serialize(const Json& json) {
  return json.dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

}  // namespace

// The parsers invert the *Name tables above, so each spelling is written
// once.
Result<ResidentKeyRequirement> ParseResidentKeyRequirement(std::string_view name) {
  for (const ResidentKeyRequirement value :
       {ResidentKeyRequirement::kDiscouraged, ResidentKeyRequirement::kPreferred,
        ResidentKeyRequirement::kRequired}) {
    if (ResidentKeyName(value) == name) return value;
  }
  return Unexpected(ErrorCode::kInvalidArgument, "residentKey must be discouraged, preferred or required");
}

Result<AttestationConveyance> ParseAttestationConveyance(std::string_view name) {
  for (const AttestationConveyance value :
       {AttestationConveyance::kNone, AttestationConveyance::kIndirect,
        AttestationConveyance::kDirect, AttestationConveyance::kEnterprise}) {
    if (AttestationName(value) == name) return value;
  }
  return Unexpected(ErrorCode::kInvalidArgument, "attestation must be none, indirect, direct or enterprise");
}

Result<CredentialHint> ParseCredentialHint(std::string_view name) {
  for (const CredentialHint value :
       {CredentialHint::kSecurityKey, CredentialHint::kClientDevice, CredentialHint::kHybrid}) {
    if (HintName(value) == name) return value;
  }
  return Unexpected(ErrorCode::kInvalidArgument, "hint must be security-key, client-device or hybrid");
}

std::vector<CoseAlgorithm> SupportedAlgorithms(bool include_rs1) {
  std::vector<CoseAlgorithm> out;
  out.reserve(kPreferenceOrder.size() + 1);
  for (const CoseAlgorithm alg : kPreferenceOrder) {
    if (IsSupportedAlgorithm(alg)) out.push_back(alg);
  }
  if (include_rs1 && IsSupportedAlgorithm(CoseAlgorithm::kRs1)) {
    out.push_back(CoseAlgorithm::kRs1);
  }
  return out;
}

Result<Bytes> RandomBytes(std::size_t size) {
  if (size == 0 || size > kMaxRandomBytes) {
    return Fail(ErrorCode::kInvalidArgument,
                "RandomBytes size must be 1..1024, not " + std::to_string(size));
  }
  Bytes out(size);
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    ERR_clear_error();
    return Fail(ErrorCode::kInternal, "RAND_bytes failed");
  }
  return out;
}

Result<Bytes> GenerateUserHandle() { return RandomBytes(kUserHandleBytes); }

Result<GeneratedOptions> MakeRegistrationOptions(const CreationOptionsParams& params) {
  // --- Validation: every field, named in the message. ---
  PASSKEY_RETURN_IF_ERROR(internal::ValidateRpId("rp_id", params.rp_id));
  PASSKEY_RETURN_IF_ERROR(ValidateText("rp_name", params.rp_name, true, kMaxNameBytes));
  if (params.user_id.empty() || params.user_id.size() > kMaxUserIdBytes) {
    return Fail(ErrorCode::kInvalidArgument, "user_id must be 1..64 bytes, not " +
                                                 std::to_string(params.user_id.size()));
  }
  PASSKEY_RETURN_IF_ERROR(ValidateText("user_name", params.user_name, true, kMaxNameBytes));
  PASSKEY_RETURN_IF_ERROR(
      ValidateText("user_display_name", params.user_display_name, false, kMaxNameBytes));
  PASSKEY_RETURN_IF_ERROR(ValidateAlgorithms(params.algorithms));
  PASSKEY_RETURN_IF_ERROR(ValidateDescriptors("exclude_credentials", params.exclude_credentials));
  if (params.authenticator_attachment.has_value() &&
      *params.authenticator_attachment != Attachment::kPlatform &&
      *params.authenticator_attachment != Attachment::kCrossPlatform) {
    return Fail(ErrorCode::kInvalidArgument, "authenticator_attachment has an unknown value");
  }
  if (params.resident_key != ResidentKeyRequirement::kDiscouraged &&
      params.resident_key != ResidentKeyRequirement::kPreferred &&
      params.resident_key != ResidentKeyRequirement::kRequired) {
    return Fail(ErrorCode::kInvalidArgument, "resident_key has an unknown value");
  }
  PASSKEY_RETURN_IF_ERROR(ValidateUserVerification(params.user_verification));
  PASSKEY_RETURN_IF_ERROR(ValidateHints(params.hints));
  if (params.attestation != AttestationConveyance::kNone &&
      params.attestation != AttestationConveyance::kIndirect &&
      params.attestation != AttestationConveyance::kDirect &&
      params.attestation != AttestationConveyance::kEnterprise) {
    return Fail(ErrorCode::kInvalidArgument, "attestation has an unknown value");
  }
  if (params.attestation_formats.size() > kMaxAttestationFormats) {
    return Fail(ErrorCode::kInvalidArgument, "attestation_formats has too many entries");
  }
  for (std::size_t i = 0; i < params.attestation_formats.size(); ++i) {
    PASSKEY_RETURN_IF_ERROR(ValidateText("attestation_formats", params.attestation_formats[i],
                                         true, kMaxTokenBytes));
    for (std::size_t j = 0; j < i; ++j) {
      if (params.attestation_formats[j] == params.attestation_formats[i]) {
        return Fail(ErrorCode::kInvalidArgument, "attestation_formats lists \"" +
                                                     params.attestation_formats[i] + "\" twice");
      }
    }
  }
  PASSKEY_RETURN_IF_ERROR(ValidateChallengeSize(params.challenge_size));

  // §13.4.3 Cryptographic Challenges: challenges are generated by the RP in
  // an environment it trusts and "MUST contain enough entropy to make
  // guessing them infeasible": OpenSSL's CSPRNG, never a counter or clock.
  GeneratedOptions out;
  PASSKEY_ASSIGN_OR_RETURN(out.challenge, RandomBytes(params.challenge_size));

  // §5.4 PublicKeyCredentialCreationOptionsJSON, members in IDL order.
  Json json = Json::object();
  json["rp"] = Json::object();
  json["rp"]["id"] = params.rp_id;
  json["rp"]["name"] = params.rp_name;
  json["user"] = Json::object();
  json["user"]["id"] = Base64UrlEncode(params.user_id);
  json["user"]["name"] = params.user_name;
  json["user"]["displayName"] =
      params.user_display_name.empty() ? params.user_name : params.user_display_name;
  json["challenge"] = Base64UrlEncode(out.challenge);
  Json cred_params = Json::array();
  const std::vector<CoseAlgorithm> algorithms =
      params.algorithms.empty() ? SupportedAlgorithms() : params.algorithms;
  for (const CoseAlgorithm alg : algorithms) {
    Json entry = Json::object();
    entry["type"] = "public-key";
    entry["alg"] = static_cast<std::int32_t>(alg);
    cred_params.push_back(std::move(entry));
  }
  json["pubKeyCredParams"] = std::move(cred_params);
  // timeout 0: member omitted (the client picks its default).
  if (params.timeout_ms != 0) json["timeout"] = params.timeout_ms;
  json["excludeCredentials"] = DescriptorsJson(params.exclude_credentials);
  // §5.4.4 AuthenticatorSelectionCriteria. requireResidentKey: "Relying
  // Parties SHOULD set it to true if, and only if, residentKey is set to
  // required" (kept for WebAuthn Level 1 clients).
  Json selection = Json::object();
  if (params.authenticator_attachment.has_value()) {
    selection["authenticatorAttachment"] =
        std::string(AttachmentName(*params.authenticator_attachment));
  }
  selection["residentKey"] = std::string(ResidentKeyName(params.resident_key));
  selection["requireResidentKey"] = params.resident_key == ResidentKeyRequirement::kRequired;
  selection["userVerification"] = std::string(UserVerificationName(params.user_verification));
  json["authenticatorSelection"] = std::move(selection);
  json["hints"] = HintsJson(params.hints);
  json["attestation"] = std::string(AttestationName(params.attestation));
  if (!params.attestation_formats.empty()) {
    Json formats = Json::array();
    for (const std::string& format : params.attestation_formats) formats.push_back(format);
    json["attestationFormats"] = std::move(formats);
  }
  // §10.1.3 Credential Properties Extension (credProps): the client reports
  // whether the new credential is discoverable ("rk").
  if (params.cred_props) {
    json["extensions"] = Json::object();
    json["extensions"]["credProps"] = true;
  }
  out.json = Serialize(json);
  return out;
}

Result<GeneratedOptions> MakeAuthenticationOptions(const RequestOptionsParams& params) {
  PASSKEY_RETURN_IF_ERROR(internal::ValidateRpId("rp_id", params.rp_id));
  PASSKEY_RETURN_IF_ERROR(ValidateDescriptors("allow_credentials", params.allow_credentials));
  PASSKEY_RETURN_IF_ERROR(ValidateUserVerification(params.user_verification));
  PASSKEY_RETURN_IF_ERROR(ValidateHints(params.hints));
  PASSKEY_RETURN_IF_ERROR(ValidateChallengeSize(params.challenge_size));

  GeneratedOptions out;
  PASSKEY_ASSIGN_OR_RETURN(out.challenge, RandomBytes(params.challenge_size));

  // §5.5 PublicKeyCredentialRequestOptionsJSON, members in IDL order. An
  // empty allowCredentials lets the user pick any discoverable credential
  // of this RP (sign-in without a username).
  Json json = Json::object();
  json["challenge"] = Base64UrlEncode(out.challenge);
  if (params.timeout_ms != 0) json["timeout"] = params.timeout_ms;
  json["rpId"] = params.rp_id;
  json["allowCredentials"] = DescriptorsJson(params.allow_credentials);
  json["userVerification"] = std::string(UserVerificationName(params.user_verification));
  json["hints"] = HintsJson(params.hints);
  out.json = Serialize(json);
  return out;
}

}  // namespace passkey
