// X.509 helpers for attestation statements: parsing x5c, certificate
// requirements, signatures by certificate keys, and path validation against
// the caller's AttestationTrust (OpenSSL X509_STORE / X509_verify_cert).
#ifndef PASSKEY_ATTESTATION_X509_H_
#define PASSKEY_ATTESTATION_X509_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <passkey/attestation_trust.h>
#include <passkey/bytes.h>
#include <passkey/options.h>
#include <passkey/result.h>
#include <passkey/types.h>

#include "crypto/openssl_ptr.h"
#include "encoding/cbor_reader.h"

namespace passkey::internal {

// kMaxX5cCertificates: longest x5c accepted (leaf + intermediates).
inline constexpr std::size_t kMaxX5cCertificates = 8;

// ParseCertificateDer: exactly one DER certificate, no trailing bytes.
// Errors: kCertificateInvalid.
Result<X509Ptr> ParseCertificateDer(ByteView der);

// ParseX5c: an x5c member (CBOR array of 1..kMaxX5cCertificates byte
// strings, leaf first) → certificates. Errors: kAttestationInvalid (not an
// array of byte strings, empty, too long), kCertificateInvalid (bad DER).
Result<std::vector<X509Ptr>> ParseX5c(const CborValue& x5c);

// CertificateExtension: one extension's extnValue contents and criticality.
struct CertificateExtension {
  Bytes value;  // the OCTET STRING contents (the extension's own DER)
  bool critical = false;
};

// FindExtension: the extension with OID `dotted_oid` ("1.3.6.1.4.1.45724.1.1.4"),
// or nullopt when absent. Errors: kCertificateInvalid when it occurs twice.
Result<std::optional<CertificateExtension>> FindExtension(const X509* cert,
                                                          std::string_view dotted_oid);

// CertificateVersion: 1, 2 or 3 (X509_get_version() + 1).
long CertificateVersion(const X509* cert);  // NOLINT(runtime/int)

// IsCa: the certificate has basicConstraints with cA TRUE.
bool IsCa(const X509* cert);
// HasBasicConstraints: a basicConstraints extension is present.
bool HasBasicConstraints(const X509* cert);

// SubjectAttribute: the value (UTF-8) of the first subject attribute with
// `nid` (NID_countryName, NID_organizationName, …), or nullopt.
std::optional<std::string> SubjectAttribute(const X509* cert, int nid);
// SubjectIsEmpty: the subject Name has no attributes.
bool SubjectIsEmpty(const X509* cert);

// CheckAaguidExtension: when the certificate has id-fido-gen-ce-aaguid
// (1.3.6.1.4.1.45724.1.1.4), it must be non-critical and an OCTET STRING of
// 16 bytes equal to `aaguid`. Absent is fine. Errors: kCertificateInvalid
// (critical or malformed), kAttestationAaguidMismatch.
Status CheckAaguidExtension(const X509* cert, const Aaguid& aaguid);

// CertificateKeyEquals: the certificate's subject public key equals `key`
// (EVP_PKEY_eq).
bool CertificateKeyEquals(const X509* cert, const EVP_PKEY* key);

// CheckCertificateKeySuitsAlgorithm: the certificate's public key fits
// COSE algorithm `alg`: its type, and for ES256/ES384/ES512 its curve
// (P-256/P-384/P-521); Ed25519 (-19) and Ed448 (-53) need exactly that
// curve, EdDSA (-8) either. Errors: kUnsupportedAlgorithm (alg not a
// signature algorithm this build verifies), kCertificateInvalid (the key
// does not parse), `mismatch_code` (the key does not suit alg).
Status CheckCertificateKeySuitsAlgorithm(
    const X509* cert, std::int64_t alg,
    ErrorCode mismatch_code = ErrorCode::kAttestationInvalid);

// VerifyWithCertificate checks `signature` over `message` with the
// certificate's public key under COSE algorithm `alg` (§6.5.6 signature
// formats). Errors: kAlgorithmNotAllowed (RS1 without
// allow_sha1_attestation), those of CheckCertificateKeySuitsAlgorithm (an
// attestation statement whose alg does not fit its key is
// kAttestationInvalid), `failure_code` (signature does not verify).
Status VerifyWithCertificate(const X509* cert, std::int64_t alg, ByteView message,
                             ByteView signature, bool allow_sha1,
                             ErrorCode failure_code = ErrorCode::kAttestationSignatureInvalid,
                             ErrorCode mismatch_code = ErrorCode::kAttestationInvalid);

// PathPolicy: what ValidateAttestationPath needs from the options.
struct PathPolicy {
  const AttestationTrust* trust = nullptr;  // may be null
  Aaguid aaguid;                            // selects AAGUID-bound anchors
  UnixSeconds now = 0;
  bool allow_sha1 = false;
  bool require_revocation_check = false;
};

// PathPolicyFor builds the policy from registration options.
// Errors: kInvalidArgument when options.now is not set (a certificate path
// cannot be validated without a time).
Result<PathPolicy> PathPolicyFor(const RegistrationOptions& options, const Aaguid& aaguid);

// PathValidation: the outcome of a path that validated.
struct PathValidation {
  // trusted: the path reaches an anchor of the trust (global, or bound to
  // policy.aaguid).
  bool trusted = false;
  // revocation_checked: every certificate of the validated path below the
  // anchor is covered by a CRL of its issuer from the trust (and was found
  // not revoked). On an untrusted path the x5c's top stands in for the
  // anchor; its issuer is not at hand, so such a path counts as checked
  // only when its top is self-signed and every certificate below it has its
  // issuer's CRL.
  bool revocation_checked = false;
};

// ValidateAttestationPath validates `chain` (leaf first, as in x5c) per
// RFC 5280 with OpenSSL's X509_verify_cert at policy.now, whether or not
// the trust has anchors: every certificate within its validity, each one
// signed by the next, every issuer a CA (basicConstraints cA, keyUsage
// keyCertSign when present, pathLenConstraint), no unknown critical
// extension, no certificate revoked by a CRL of the trust (a missing CRL is
// not an error), no SHA-1 signature unless allowed. The path is first built
// to the trust's anchors (possibly through extra certificates of the
// trust); when it reaches none, or reaches one before the end of x5c, the
// x5c alone is validated with its last certificate as a partial-chain
// anchor. Every x5c certificate must be part of the validated path.
// Returns trusted=true when an anchor of the trust is reached.
// With policy.require_revocation_check, a certificate (below the anchor)
// that names a CRL distribution point but is not covered by a given CRL is
// kCertificateInvalid.
// Errors: kCertificateExpired, kCertificateRevoked, kAlgorithmNotAllowed
// (SHA-1 certificate signature), kCertificateInvalid (a broken link, a CA
// defect, an unknown critical extension, an x5c certificate outside the
// path, a missing required CRL, any other path defect), kInternal.
Result<PathValidation> ValidateAttestationPath(const std::vector<X509Ptr>& chain,
                                               const PathPolicy& policy);

}  // namespace passkey::internal

#endif  // PASSKEY_ATTESTATION_X509_H_
