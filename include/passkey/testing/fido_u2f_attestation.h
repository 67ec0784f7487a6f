// fido-u2f attestation statements (WebAuthn L3 §8.6) for tests: an
// attestation key certified by a TestCa signs the U2F registration data.
// NOT for production.
#ifndef PASSKEY_TESTING_FIDO_U2F_ATTESTATION_H_
#define PASSKEY_TESTING_FIDO_U2F_ATTESTATION_H_

#include <memory>
#include <string>
#include <vector>

#include <passkey/bytes.h>
#include <passkey/result.h>
#include <passkey/testing/software_authenticator.h>
#include <passkey/testing/test_ca.h>
#include <passkey/types.h>

namespace passkey::testing {

// FidoU2fAttestationOptions: the attestation key and certificate, plus knobs
// that each put exactly one defect into the statement.
struct FidoU2fAttestationOptions {
  // key_algorithm / key_seed: the attestation key (SoftwareAuthenticator::
  // Create). kEs256 gives the P-256 key U2F requires; kEs384 a P-384 one.
  CoseAlgorithm key_algorithm = CoseAlgorithm::kEs256;
  std::string key_seed = "fido-u2f-attestation";
  // leaf: the attestation certificate (signature_hash "sha1" for old U2F
  // devices; not_after in the past for an expired one).
  CertificateSpec leaf;
  // extra_certificates: appended to x5c after the leaf (U2F allows none).
  std::vector<Bytes> extra_certificates;
  // wrong_rp_id_hash: sign verificationData with SHA-256("wrong.example")
  // in place of authData's rpIdHash.
  bool wrong_rp_id_hash = false;
  // tamper_signature: flip a bit of sig after signing.
  bool tamper_signature = false;
};

// FidoU2fAttestation: an attestation key and its certificate. Copyable
// (shares its immutable state); builders made from it keep it alive.
class FidoU2fAttestation {
 public:
  // Create makes the key and has `issuer` sign its certificate.
  // Errors: those of SoftwareAuthenticator::Create and TestCa::Issue.
  static Result<FidoU2fAttestation> Create(const TestCa& issuer,
                                           FidoU2fAttestationOptions options);

  // Builder returns the attStmt builder for RegistrationParams::attest
  // (params.format must be "fido-u2f"). It fails with kInvalidArgument when
  // the credential is not an EC2 key with 32-byte coordinates.
  AttestationBuilder Builder() const;

  // certificate_der: the attestation (leaf) certificate.
  const Bytes& certificate_der() const noexcept;

 private:
  struct State;
  explicit FidoU2fAttestation(std::shared_ptr<const State> state);
  std::shared_ptr<const State> state_;
};

}  // namespace passkey::testing

#endif  // PASSKEY_TESTING_FIDO_U2F_ATTESTATION_H_
