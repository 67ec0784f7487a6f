#include <passkey/testing/android_safetynet_attestation.h>

#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "encoding/base64.h"
#include "internal/result_macros.h"
#include "testing/cbor_writer.h"
#include "testing/jws_signer.h"

namespace passkey::testing {
namespace {

// SubjectAltNameDns: GeneralNames ::= SEQUENCE { dNSName [2] IA5String }.
Bytes SubjectAltNameDns(const std::string& hostname) {
  // Short-form lengths: test hostnames are far below 126 bytes.
  const auto length = static_cast<std::uint8_t>(hostname.size());
  Bytes out;
  out.reserve(hostname.size() + 4);
  out.push_back(0x30);
  out.push_back(static_cast<std::uint8_t>(length + 2));
  out.push_back(0x82);
  out.push_back(length);
  for (const char c : hostname) out.push_back(static_cast<std::uint8_t>(c));
  return out;
}

// ApplyMembers sets (or with nullopt removes) members of `object`.
Status ApplyMembers(
    const std::vector<std::pair<std::string, std::optional<std::string>>>& members,
    nlohmann::json* object) {
  for (const auto& [name, text] : members) {
    if (!text.has_value()) {
      object->erase(name);
      continue;
    }
    nlohmann::json value = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) {
      return Unexpected(ErrorCode::kInvalidArgument, "safetynet builder: bad JSON for " + name);
    }
    (*object)[name] = std::move(value);
  }
  return OkStatus();
}

}  // namespace

CertificateSpec SafetyNetLeafSpec(const std::string& hostname) {
  CertificateSpec spec;
  spec.subject = {{"C", "US"}, {"ST", "California"}, {"O", "Google LLC"}, {"CN", hostname}};
  spec.extensions.push_back({"2.5.29.17", false, SubjectAltNameDns(hostname)});
  return spec;
}

struct SafetyNetAttestation::State {
  SafetyNetAttestationOptions options;
  SoftwareAuthenticator key;
  Bytes certificate;
};

SafetyNetAttestation::SafetyNetAttestation(std::shared_ptr<const State> state)
    : state_(std::move(state)) {}

Result<SafetyNetAttestation> SafetyNetAttestation::Create(const TestCa& issuer,
                                                          SafetyNetAttestationOptions options) {
  Result<SoftwareAuthenticator> key =
      options.key_pem.empty()
          ? SoftwareAuthenticator::Create(options.key_algorithm, options.key_seed)
          : SoftwareAuthenticator::CreateFromPem(options.key_algorithm, options.key_pem,
                                                 options.key_seed);
  if (!key.has_value()) return Unexpected(key.error());
  PASSKEY_ASSIGN_OR_RETURN(Bytes certificate, issuer.Issue(options.leaf, key->PublicKeySpki()));
  auto state = std::make_shared<State>(
      State{std::move(options), std::move(*key), std::move(certificate)});
  return SafetyNetAttestation(std::move(state));
}

const Bytes& SafetyNetAttestation::certificate_der() const noexcept {
  return state_->certificate;
}

AttestationBuilder SafetyNetAttestation::Builder() const {
  std::shared_ptr<const State> state = state_;
  return [state](const AttestationContext& context) -> Result<Bytes> {
    const SafetyNetAttestationOptions& options = state->options;
    std::string response;
    if (options.response.has_value()) {
      response = *options.response;
    } else {
      PASSKEY_ASSIGN_OR_RETURN(std::string alg, JwsAlgName(state->key));
      // Header: {"alg": …, "x5c": [base64 DER, …]}.
      nlohmann::json x5c = nlohmann::json::array();
      x5c.push_back(options.bad_x5c_base64 ? "not*base64" : internal::Base64Encode(state->certificate));
      for (const Bytes& extra : options.extra_certificates) x5c.push_back(internal::Base64Encode(extra));
      nlohmann::json header = {{"alg", options.jws_alg.value_or(std::move(alg))},
                             {"x5c", x5c}};

      // Payload: nonce = base64(SHA-256(authData ‖ clientDataHash)).
      Bytes att_to_be_signed(context.authenticator_data.begin(), context.authenticator_data.end());
      att_to_be_signed.insert(att_to_be_signed.end(), context.client_data_hash.begin(),
                              context.client_data_hash.end());
      if (options.wrong_nonce) att_to_be_signed.push_back(0x00);
      nlohmann::json payload = {
          {"nonce", options.nonce_base64url ? Base64UrlEncode(Sha256(att_to_be_signed))
                                            : internal::Base64Encode(Sha256(att_to_be_signed))},
          {"timestampMs", options.timestamp_ms},
          {"apkPackageName", "com.google.android.gms"},
          {"apkCertificateDigestSha256", nlohmann::json::array({internal::Base64Encode(Sha256(AsBytes("apk")))})},
          {"ctsProfileMatch", options.cts_profile_match},
          {"evaluationType", "BASIC"},
      };
      if (options.basic_integrity.has_value()) payload["basicIntegrity"] = *options.basic_integrity;
      if (options.payload_padding != 0) {
        payload["padding"] = std::string(options.payload_padding, 'x');
      }

      PASSKEY_RETURN_IF_ERROR(ApplyMembers(options.header_members, &header));
      PASSKEY_RETURN_IF_ERROR(ApplyMembers(options.payload_members, &payload));
      PASSKEY_ASSIGN_OR_RETURN(response, SignCompactJws(state->key, header.dump(), payload.dump(),
                                                        options.tamper_signature));
    }

    // attStmt {"ver": text, "response": bytes} (CTAP2 canonical order: "ver"
    // is shorter than "response").
    CborWriter writer;
    writer.MapHeader(options.ver.has_value() ? 2 : 1);
    if (options.ver.has_value()) writer.TextString("ver").TextString(*options.ver);
    writer.TextString("response").ByteString(AsBytes(response));
    return writer.Take();
  };
}

}  // namespace passkey::testing
