#include <passkey/testing/mds_blob_builder.h>

#include <utility>

#include <nlohmann/json.hpp>

#include <passkey/testing/software_authenticator.h>

#include "encoding/base64.h"
#include "internal/result_macros.h"
#include "testing/jws_signer.h"

namespace passkey::testing {
namespace {

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
  PASSKEY_ASSIGN_OR_RETURN(std::string alg, JwsAlgName(state_->key));
  nlohmann::ordered_json header = {{"alg", options.jws_alg.value_or(std::move(alg))},
                                   {"typ", "JWT"}};
  if (!options.omit_x5c) {
    nlohmann::ordered_json x5c = nlohmann::ordered_json::array();
    x5c.push_back(internal::Base64Encode(state_->certificate));
    for (const Bytes& extra : options.extra_certificates) {
      x5c.push_back(internal::Base64Encode(extra));
    }
    header["x5c"] = std::move(x5c);
  }
  return SignCompactJws(state_->key, header.dump(), payload_json, options.tamper_signature);
}

}  // namespace passkey::testing
