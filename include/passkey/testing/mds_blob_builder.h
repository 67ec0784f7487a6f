// FIDO MDS3 metadata BLOBs for tests: a payload builder and a JWS signer
// whose certificate is issued by a TestCa. NOT for production.
#ifndef PASSKEY_TESTING_MDS_BLOB_BUILDER_H_
#define PASSKEY_TESTING_MDS_BLOB_BUILDER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <passkey/bytes.h>
#include <passkey/result.h>
#include <passkey/testing/test_ca.h>
#include <passkey/types.h>

namespace passkey::testing {

// MdsTestStatusReport: {"status", "effectiveDate"} (date omitted when empty).
struct MdsTestStatusReport {
  std::string status;
  std::string effective_date;
};

// MdsTestEntry: one MetadataBLOBPayloadEntry. Empty strings are omitted.
struct MdsTestEntry {
  std::string aaguid;  // written verbatim (may be malformed on purpose)
  std::string aaid;    // UAF entries instead of aaguid
  std::string description;
  std::string icon;
  std::vector<Bytes> attestation_root_certificates;  // DER, written as base64
  std::vector<MdsTestStatusReport> status_reports = {{"FIDO_CERTIFIED_L1", "2024-01-01"}};
};

// MdsPayloadJson returns {"legalHeader", "no", "nextUpdate", "entries": […]}.
std::string MdsPayloadJson(std::uint64_t no, const std::string& next_update,
                           const std::vector<MdsTestEntry>& entries);

// MdsSignerSpec: the BLOB signing certificate (CN=passkey test MDS signer,
// no CA), valid 2020..2040.
CertificateSpec MdsSignerSpec();

// MdsBlobOptions: the signing key and certificate and the JWS header.
struct MdsBlobOptions {
  // key_algorithm: kEs256/kEs384/kEs512 (key derived from key_seed) or
  // kRs256/kPs256 (key_pem, or a fresh 2048-bit RSA key when empty).
  CoseAlgorithm key_algorithm = CoseAlgorithm::kEs256;
  std::string key_pem;
  std::string key_seed = "mds-blob-signer";
  CertificateSpec signer = MdsSignerSpec();
  // extra_certificates: appended to x5c after the signer (intermediates).
  std::vector<Bytes> extra_certificates;
  bool omit_x5c = false;                // header without x5c
  std::optional<std::string> jws_alg;   // header "alg" written instead
  bool tamper_signature = false;        // flip a bit of the signature
};

// MdsBlobSigner: signs payloads as compact JWSs. Copyable.
class MdsBlobSigner {
 public:
  // Create makes the key and has `issuer` sign its certificate.
  static Result<MdsBlobSigner> Create(const TestCa& issuer, MdsBlobOptions options = {});

  // Sign returns BASE64URL(header).BASE64URL(payload).BASE64URL(signature).
  Result<std::string> Sign(std::string_view payload_json) const;

  const Bytes& certificate_der() const noexcept;

 private:
  struct State;
  explicit MdsBlobSigner(std::shared_ptr<const State> state);
  std::shared_ptr<const State> state_;
};

}  // namespace passkey::testing

#endif  // PASSKEY_TESTING_MDS_BLOB_BUILDER_H_
