#include <passkey/testing/mds_blob_builder.h>

#include <utility>

#include <nlohmann/json.hpp>
#include <openssl/bn.h>
#include <openssl/ec.h>

#include <passkey/testing/software_authenticator.h>

#include "base64.h"
#include "crypto/openssl_ptr.h"
#include "internal/result_macros.h"

namespace passkey::testing {
namespace {

using EcdsaSigPtr = internal::OpenSslPtr<ECDSA_SIG, ECDSA_SIG_free>;

struct JwsAlg {
  std::string name;
  std::size_t ecdsa_component_bytes = 0;
};

Result<JwsAlg> JwsAlgFor(CoseAlgorithm alg) {
  switch (alg) {
    case CoseAlgorithm::kRs256: return JwsAlg{"RS256", 0};
    case CoseAlgorithm::kPs256: return JwsAlg{"PS256", 0};
    case CoseAlgorithm::kEs256: return JwsAlg{"ES256", 32};
    case CoseAlgorithm::kEs384: return JwsAlg{"ES384", 48};
    case CoseAlgorithm::kEs512: return JwsAlg{"ES512", 66};
    default:
      return Unexpected(ErrorCode::kUnsupportedAlgorithm, "mds builder: no JWS alg for this key");
  }
}

// DerEcdsaToJose converts a DER Ecdsa-Sig-Value to r ‖ s (RFC 7518 §3.4).
Result<Bytes> DerEcdsaToJose(const Bytes& der, std::size_t component_bytes) {
  const unsigned char* cursor = der.data();
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));  // NOLINT
  if (sig == nullptr) return Unexpected(ErrorCode::kInternal, "d2i_ECDSA_SIG failed");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  Bytes out(2 * component_bytes);
  const int width = static_cast<int>(component_bytes);
  if (BN_bn2binpad(r, out.data(), width) != width ||
      BN_bn2binpad(s, out.data() + component_bytes, width) != width) {  // NOLINT
    return Unexpected(ErrorCode::kInternal, "BN_bn2binpad failed");
  }
  return out;
}

}  // namespace

std::string MdsPayloadJson(std::uint64_t no, const std::string& next_update,
                           const std::vector<MdsTestEntry>& entries) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const MdsTestEntry& entry : entries) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    if (!entry.aaguid.empty()) out["aaguid"] = entry.aaguid;
    if (!entry.aaid.empty()) out["aaid"] = entry.aaid;
    nlohmann::ordered_json statement = nlohmann::ordered_json::object();
    if (!entry.aaguid.empty()) statement["aaguid"] = entry.aaguid;
    if (!entry.aaid.empty()) statement["aaid"] = entry.aaid;
    if (!entry.description.empty()) statement["description"] = entry.description;
    if (!entry.icon.empty()) statement["icon"] = entry.icon;
    statement["schema"] = 3;
    nlohmann::ordered_json roots = nlohmann::ordered_json::array();
    for (const Bytes& der : entry.attestation_root_certificates) {
      roots.push_back(internal::Base64Encode(der));
    }
    statement["attestationRootCertificates"] = std::move(roots);
    out["metadataStatement"] = std::move(statement);
    nlohmann::ordered_json reports = nlohmann::ordered_json::array();
    for (const MdsTestStatusReport& report : entry.status_reports) {
      nlohmann::ordered_json r = {{"status", report.status}};
      if (!report.effective_date.empty()) r["effectiveDate"] = report.effective_date;
      reports.push_back(std::move(r));
    }
    out["statusReports"] = std::move(reports);
    out["timeOfLastStatusChange"] = "2024-01-01";
    list.push_back(std::move(out));
  }
  nlohmann::ordered_json payload = {{"legalHeader", "passkey test metadata"},
                                    {"no", no},
                                    {"nextUpdate", next_update},
                                    {"entries", std::move(list)}};
  return payload.dump();
}

CertificateSpec MdsSignerSpec() {
  CertificateSpec spec;
  spec.subject = {{"C", "US"}, {"O", "passkey test"}, {"CN", "passkey test MDS signer"}};
  spec.basic_constraints = false;
  return spec;
}

struct MdsBlobSigner::State {
  MdsBlobOptions options;
  SoftwareAuthenticator key;
  Bytes certificate;
};

MdsBlobSigner::MdsBlobSigner(std::shared_ptr<const State> state) : state_(std::move(state)) {}

Result<MdsBlobSigner> MdsBlobSigner::Create(const TestCa& issuer, MdsBlobOptions options) {
  std::string pem = options.key_pem;
  const bool rsa = options.key_algorithm == CoseAlgorithm::kRs256 ||
                   options.key_algorithm == CoseAlgorithm::kPs256;
  if (rsa && pem.empty()) {
    PASSKEY_ASSIGN_OR_RETURN(pem, SoftwareAuthenticator::GenerateRsaPrivateKeyPem(2048));
  }
  Result<SoftwareAuthenticator> key =
      rsa ? SoftwareAuthenticator::CreateFromPem(options.key_algorithm, pem, options.key_seed)
          : SoftwareAuthenticator::Create(options.key_algorithm, options.key_seed);
  if (!key.has_value()) return Unexpected(key.error());
  PASSKEY_ASSIGN_OR_RETURN(Bytes certificate, issuer.Issue(options.signer, key->PublicKeySpki()));
  auto state = std::make_shared<State>(
      State{std::move(options), std::move(*key), std::move(certificate)});
  return MdsBlobSigner(std::move(state));
}

const Bytes& MdsBlobSigner::certificate_der() const noexcept { return state_->certificate; }

Result<std::string> MdsBlobSigner::Sign(std::string_view payload_json) const {
  const MdsBlobOptions& options = state_->options;
  PASSKEY_ASSIGN_OR_RETURN(const JwsAlg alg, JwsAlgFor(state_->key.algorithm()));
  nlohmann::ordered_json header = {{"alg", options.jws_alg.value_or(alg.name)}, {"typ", "JWT"}};
  if (!options.omit_x5c) {
    nlohmann::ordered_json x5c = nlohmann::ordered_json::array();
    x5c.push_back(internal::Base64Encode(state_->certificate));
    for (const Bytes& extra : options.extra_certificates) {
      x5c.push_back(internal::Base64Encode(extra));
    }
    header["x5c"] = std::move(x5c);
  }
  std::string signing_input =
      Base64UrlEncode(AsBytes(header.dump())) + "." + Base64UrlEncode(AsBytes(payload_json));
  PASSKEY_ASSIGN_OR_RETURN(Bytes signature, state_->key.Sign(AsBytes(signing_input)));
  if (alg.ecdsa_component_bytes != 0) {
    PASSKEY_ASSIGN_OR_RETURN(signature, DerEcdsaToJose(signature, alg.ecdsa_component_bytes));
  }
  if (options.tamper_signature && !signature.empty()) signature.back() ^= 0x01;
  return std::move(signing_input) + "." + Base64UrlEncode(signature);
}

}  // namespace passkey::testing
