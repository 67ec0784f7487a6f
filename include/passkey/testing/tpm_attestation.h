// tpm attestation statements (WebAuthn L3 §8.3) for tests: a software AIK
// certified by a TestCa "certifies" the credential key the way a TPM 2.0
// does (TPM2_Certify): pubArea is the credential key as a TPMT_PUBLIC,
// certInfo a TPMS_ATTEST over its Name, sig the AIK's signature over
// certInfo. NOT for production.
#ifndef PASSKEY_TESTING_TPM_ATTESTATION_H_
#define PASSKEY_TESTING_TPM_ATTESTATION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <passkey/bytes.h>
#include <passkey/result.h>
#include <passkey/testing/software_authenticator.h>
#include <passkey/testing/test_ca.h>
#include <passkey/types.h>

namespace passkey::testing {

// TPM_ALG_ID hash values for TpmAttestationOptions::name_alg.
inline constexpr std::uint16_t kTpmAlgSha1 = 0x0004;
inline constexpr std::uint16_t kTpmAlgSha256 = 0x000B;
inline constexpr std::uint16_t kTpmAlgSha384 = 0x000C;
inline constexpr std::uint16_t kTpmAlgSha512 = 0x000D;

// TpmSanLayout: how the AIK certificate's SAN directoryName carries the TPM
// manufacturer, model and version (real certificates use both).
enum class TpmSanLayout {
  kSeparateRdns,    // three RDNs of one attribute each (TCG EK profile)
  kMultiValuedRdn,  // one RDN holding all three attributes
};

// TpmAikCertificateSpec returns a CertificateSpec meeting §8.3.1: version 3,
// empty subject, a critical SAN with a directoryName holding
// tcg-at-tpmManufacturer/Model/Version, EKU tcg-kp-AIKCertificate
// (2.23.133.8.3), basicConstraints CA=false and, when `aaguid` is set, the
// id-fido-gen-ce-aaguid extension with that value. Edit it for negatives.
CertificateSpec TpmAikCertificateSpec(TpmSanLayout layout = TpmSanLayout::kSeparateRdns,
                                      std::optional<Aaguid> aaguid = std::nullopt);

// kTpmOidSubjectAltName / kTpmOidExtendedKeyUsage: the OIDs of the two
// extensions TpmAikCertificateSpec adds (to find or drop them in a spec).
inline constexpr char kTpmOidSubjectAltName[] = "2.5.29.17";
inline constexpr char kTpmOidExtendedKeyUsage[] = "2.5.29.37";

// TpmAttestationOptions: the AIK and its certificate, plus knobs that each
// put exactly one defect into the statement.
struct TpmAttestationOptions {
  // aik_algorithm: the AIK's COSE algorithm, also written as attStmt.alg.
  // EC (ES256/384/512) keys derive from aik_seed; RSA (RS256/384/512, RS1,
  // PS*) keys come from aik_private_key_pem (a fresh random key if empty).
  CoseAlgorithm aik_algorithm = CoseAlgorithm::kEs256;
  std::string aik_seed = "tpm-attestation-aik";
  std::string aik_private_key_pem;
  // aik_certificate: what the TestCa puts in the AIK certificate.
  CertificateSpec aik_certificate = TpmAikCertificateSpec();
  // extra_certificates: appended to x5c after the AIK certificate.
  std::vector<Bytes> extra_certificates;
  // name_alg: pubArea.nameAlg (TPM_ALG_SHA1/SHA256/SHA384/SHA512).
  std::uint16_t name_alg = kTpmAlgSha256;
  // signing_scheme: pubArea's scheme is TPM_ALG_RSASSA / TPM_ALG_ECDSA with
  // nameAlg's hash instead of TPM_ALG_NULL (both occur in real TPMs).
  bool signing_scheme = false;
  // rsa_exponent_explicit: write 65537 in pubArea instead of 0 (default).
  bool rsa_exponent_explicit = false;

  // --- Defects ---
  // alg: the attStmt alg written instead of the AIK's (the extraData hash
  // still follows the AIK's algorithm).
  std::optional<std::int64_t> alg;
  // ver: written instead of "2.0".
  std::optional<std::string> ver;
  // omit_members: attStmt members left out ("ver", "alg", "x5c", "sig",
  // "certInfo", "pubArea"). unknown_member adds "ecdaaKeyId".
  std::vector<std::string> omit_members;
  bool unknown_member = false;
  // pub_area_cose_key: pubArea holds this COSE_Key's key (RSA or EC2)
  // instead of the credential's.
  std::optional<Bytes> pub_area_cose_key;
  // magic / attest_type: written in certInfo instead of TPM_GENERATED_VALUE
  // / TPM_ST_ATTEST_CERTIFY.
  std::optional<std::uint32_t> magic;
  std::optional<std::uint16_t> attest_type;
  // wrong_extra_data / wrong_name: flip a bit of certInfo.extraData /
  // attested.name (before signing).
  bool wrong_extra_data = false;
  bool wrong_name = false;
  // trailing_byte_in_pub_area / trailing_byte_in_cert_info: append 0x00 to
  // pubArea (before its Name is computed) / certInfo (before signing).
  bool trailing_byte_in_pub_area = false;
  bool trailing_byte_in_cert_info = false;
  // edit_pub_area: applied to pubArea before its Name is computed (so only
  // the structure is defective). edit_cert_info: applied to certInfo before
  // signing.
  ByteEditor edit_pub_area;
  ByteEditor edit_cert_info;
  // tamper_signature: flip a bit of sig after signing.
  bool tamper_signature = false;
};

// TpmAttestation: an AIK and its certificate. Copyable (shares immutable
// state); builders made from it keep it alive.
class TpmAttestation {
 public:
  // Create makes the AIK and has `issuer` sign its certificate.
  // Errors: those of SoftwareAuthenticator::Create/CreateFromPem and
  // TestCa::Issue.
  static Result<TpmAttestation> Create(const TestCa& issuer, TpmAttestationOptions options);

  // Builder returns the attStmt builder for RegistrationParams::attest
  // (params.format must be "tpm"). The credential must be RSA or EC2
  // (P-256/384/521); otherwise the builder fails with kInvalidArgument.
  AttestationBuilder Builder() const;

  // certificate_der: the AIK certificate.
  const Bytes& certificate_der() const noexcept;

 private:
  struct State;
  explicit TpmAttestation(std::shared_ptr<const State> state);
  std::shared_ptr<const State> state_;
};

}  // namespace passkey::testing

#endif  // PASSKEY_TESTING_TPM_ATTESTATION_H_
