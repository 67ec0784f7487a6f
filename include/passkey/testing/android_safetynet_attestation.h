// android-safetynet attestation statements (WebAuthn L3 §8.5) for tests: a
// SafetyNet-shaped JWS signed by an attestation key whose certificate (CN
// and DNS name attest.android.com) is issued by a TestCa. NOT for production.
#ifndef PASSKEY_TESTING_ANDROID_SAFETYNET_ATTESTATION_H_
#define PASSKEY_TESTING_ANDROID_SAFETYNET_ATTESTATION_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <passkey/bytes.h>
#include <passkey/result.h>
#include <passkey/testing/software_authenticator.h>
#include <passkey/testing/test_ca.h>
#include <passkey/types.h>

namespace passkey::testing {

// SafetyNetLeafSpec returns a CertificateSpec for a SafetyNet signing
// certificate issued to `hostname`: subject C=US, O=Google LLC,
// CN=`hostname`, and a subjectAltName with DNS:`hostname`.
CertificateSpec SafetyNetLeafSpec(const std::string& hostname = "attest.android.com");

// SafetyNetAttestationOptions: the JWS signing key and certificate, the
// payload, and knobs that each put exactly one defect into the statement.
struct SafetyNetAttestationOptions {
  // key_algorithm: kRs256 (what Google signs with) or kEs256/kEs384/kEs512
  // (the JWS then carries a JOSE r‖s signature). key_pem: an RSA private key
  // (PEM) for kRs256; empty = a fresh random 2048-bit key (slow). EC keys
  // derive from key_seed.
  CoseAlgorithm key_algorithm = CoseAlgorithm::kRs256;
  std::string key_pem;
  std::string key_seed = "android-safetynet-attestation";
  // leaf: the signing certificate (default SafetyNetLeafSpec()).
  CertificateSpec leaf = SafetyNetLeafSpec();
  // extra_certificates: appended to the header x5c after the leaf.
  std::vector<Bytes> extra_certificates;

  // Payload.
  std::int64_t timestamp_ms = 0;  // "timestampMs"
  bool cts_profile_match = true;
  std::optional<bool> basic_integrity = true;  // nullopt: member omitted
  // ver: attStmt "ver"; nullopt omits the member.
  std::optional<std::string> ver = "214815046";
  // payload_padding: adds a "padding" member of this many 'x' (size tests).
  std::size_t payload_padding = 0;
  // header_members / payload_members: set a member to the given JSON text
  // (e.g. {"timestampMs", "1.5"}), or remove it (nullopt), after the
  // defaults are written and before signing.
  std::vector<std::pair<std::string, std::optional<std::string>>> header_members;
  std::vector<std::pair<std::string, std::optional<std::string>>> payload_members;

  // Defects.
  bool wrong_nonce = false;             // nonce over other bytes
  bool nonce_base64url = false;         // right digest, unpadded base64url
  bool tamper_signature = false;        // flip a bit of the JWS signature
  bool bad_x5c_base64 = false;          // leaf entry not valid base64
  std::optional<std::string> response;  // verbatim response (e.g. not a JWS)
  std::optional<std::string> jws_alg;   // header "alg" written instead
};

// SafetyNetAttestation: a JWS signing key and its certificate. Copyable
// (shares its immutable state); builders made from it keep it alive.
class SafetyNetAttestation {
 public:
  // Create makes (or loads) the key and has `issuer` sign its certificate.
  // Errors: kInvalidArgument (bad key_pem), those of SoftwareAuthenticator
  // and TestCa::Issue.
  static Result<SafetyNetAttestation> Create(const TestCa& issuer,
                                             SafetyNetAttestationOptions options);

  // Builder returns the attStmt builder for RegistrationParams::attest
  // (params.format must be "android-safetynet").
  AttestationBuilder Builder() const;

  // certificate_der: the signing (leaf) certificate.
  const Bytes& certificate_der() const noexcept;

 private:
  struct State;
  explicit SafetyNetAttestation(std::shared_ptr<const State> state);
  std::shared_ptr<const State> state_;
};

}  // namespace passkey::testing

#endif  // PASSKEY_TESTING_ANDROID_SAFETYNET_ATTESTATION_H_
