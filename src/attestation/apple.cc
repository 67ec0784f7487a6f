// §8.8 Apple Anonymous Attestation Statement Format.
#include <optional>
#include <string>
#include <vector>

#include "attestation/verifier.h"
#include "attestation/x509.h"
#include "encoding/byte_reader.h"
#include "encoding/der_reader.h"
#include "internal/result_macros.h"

namespace passkey::internal {
namespace {

// The nonce extension of credCert (§8.8 signing procedure step 4).
constexpr char kAppleNonceOid[] = "1.2.840.113635.100.8.2";

// ParseAppleNonce reads the extension's DER,
//   SEQUENCE { [1] EXPLICIT OCTET STRING nonce },
// with nothing after any element. Errors: kCertificateInvalid.
Result<ByteView> ParseAppleNonce(ByteView der) {
  DerReader outer(der);
  DerReader seq(ByteView{});
  if (!outer.ReadSequence(&seq) || !outer.empty()) {
    return Fail(ErrorCode::kCertificateInvalid, "apple nonce extension is not one DER SEQUENCE");
  }
  ByteView tagged;
  if (!seq.Read(ContextTag(1), &tagged) || !seq.empty()) {
    return Fail(ErrorCode::kCertificateInvalid,
                "apple nonce extension does not hold exactly one [1] element");
  }
  DerReader inner(tagged);
  ByteView nonce;
  if (!inner.Read(kDerOctetString, &nonce) || !inner.empty()) {
    return Fail(ErrorCode::kCertificateInvalid, "apple nonce is not one OCTET STRING");
  }
  return nonce;
}

}  // namespace

Result<AttestationOutcome> VerifyAppleAttestation(const AttestationInput& input) {
  // §8.8 syntax: appleStmtFormat = { x5c: [ credCert: bytes, * (caCert: bytes) ] }.
  // "1. Verify that attStmt is valid CBOR conforming to the syntax defined
  // above and perform CBOR decoding on it to extract the contained fields."
  // Quirk: Apple platform authenticators of iOS 14/macOS 11 also write
  // "alg": -7 (pinned by the shared vector simplewebauthn/reg/apple). There
  // is no signature in this format, so an integer alg is tolerated; when
  // present it must still fit credCert's key (below); any other member, or
  // a non-integer alg, is rejected.
  const CborValue& stmt = input.att_stmt;
  for (const auto& [key, value] : stmt.map()) {
    if (!key.is_text() || (key.text() != "x5c" && key.text() != "alg")) {
      return Fail(ErrorCode::kAttestationInvalid, "apple attStmt has a member other than x5c");
    }
    if (key.text() == "alg" && !value.AsInt64().has_value()) {
      return Fail(ErrorCode::kAttestationInvalid, "apple attStmt alg is not an integer");
    }
  }
  const CborValue* x5c = stmt.Find("x5c");
  if (x5c == nullptr) {
    return Fail(ErrorCode::kAttestationInvalid, "apple attStmt lacks x5c");
  }
  PASSKEY_ASSIGN_OR_RETURN(std::vector<X509Ptr> chain, ParseX5c(*x5c));
  if (!input.parsed_auth_data.attested_credential_data.has_value()) {
    return Fail(ErrorCode::kAttestationInvalid, "apple without attested credential data");
  }
  // A certificate path needs a verification time: fail on the caller's
  // configuration before judging the statement.
  PASSKEY_ASSIGN_OR_RETURN(
      const PathPolicy policy,
      PathPolicyFor(input.options, input.parsed_auth_data.attested_credential_data->aaguid));
  const X509* cred_cert = chain.front().get();
  // An alg that is present must name an algorithm credCert's key can be
  // used with (ES256 ⇔ P-256, …): kAttestationInvalid otherwise (issue #16).
  if (const CborValue* alg = stmt.Find("alg"); alg != nullptr) {
    PASSKEY_RETURN_IF_ERROR(CheckCertificateKeySuitsAlgorithm(cred_cert, *alg->AsInt64()));
  }

  // "2. Concatenate authenticatorData and clientDataHash to form nonceToHash.
  //  3. Perform SHA-256 hash of nonceToHash to produce nonce."
  const Sha256Digest nonce = Sha256(input.auth_data, input.client_data_hash);

  // "4. Verify that nonce equals the value of the extension with OID
  // 1.2.840.113635.100.8.2 in credCert."
  PASSKEY_ASSIGN_OR_RETURN(const std::optional<CertificateExtension> extension,
                           FindExtension(cred_cert, kAppleNonceOid));
  if (!extension.has_value()) {
    return Fail(ErrorCode::kCertificateInvalid, "apple credCert lacks the nonce extension");
  }
  PASSKEY_ASSIGN_OR_RETURN(const ByteView certified_nonce, ParseAppleNonce(extension->value));
  if (!ConstantTimeEquals(certified_nonce, nonce)) {
    return Fail(ErrorCode::kAttestationNonceMismatch,
                "apple credCert nonce differs from SHA-256(authData || clientDataHash)");
  }

  // "5. Verify that the credential public key equals the Subject Public Key
  // of credCert."
  if (!CertificateKeyEquals(cred_cert, input.credential_key.pkey())) {
    return Fail(ErrorCode::kAttestationKeyMismatch,
                "apple credCert key differs from the credential public key");
  }

  // "6. If successful, return implementation-specific values representing
  // attestation type Anonymization CA and attestation trust path x5c."
  PASSKEY_ASSIGN_OR_RETURN(const PathValidation path, ValidateAttestationPath(chain, policy));
  return AttestationOutcome{"anonca", path.trusted, path.revocation_checked};
}

}  // namespace passkey::internal
