// §8.2 Packed Attestation Statement Format.
#include <string>

#include <openssl/objects.h>

#include <optional>
#include <vector>

#include "attestation/verifier.h"
#include "attestation/x509.h"
#include "internal/result_macros.h"

namespace passkey::internal {
namespace {

// kOuAuthenticatorAttestation: the OU §8.2.1 requires, literally.
constexpr std::string_view kOuAuthenticatorAttestation = "Authenticator Attestation";

// CheckPackedCertificate: §8.2.1 Certificate Requirements for Packed
// Attestation Statements.
Status CheckPackedCertificate(const X509* cert) {
  // "Version MUST be set to 3 (which is indicated by an ASN.1 INTEGER with
  // value 2)."
  if (CertificateVersion(cert) != 3) {
    return Fail(ErrorCode::kCertificateInvalid, "packed attestation certificate is not version 3");
  }
  // "Subject field MUST be set to: Subject-C ISO 3166 code specifying the
  // country where the Authenticator vendor is incorporated (PrintableString);
  // Subject-O Legal name of the Authenticator vendor (UTF8String);
  // Subject-OU Literal string "Authenticator Attestation" (UTF8String);
  // Subject-CN A UTF8String of the vendor's choosing"
  const std::optional<std::string> country = SubjectAttribute(cert, NID_countryName);
  const std::optional<std::string> organization = SubjectAttribute(cert, NID_organizationName);
  const std::optional<std::string> unit = SubjectAttribute(cert, NID_organizationalUnitName);
  const std::optional<std::string> common_name = SubjectAttribute(cert, NID_commonName);
  if (!country.has_value() || country->size() != 2 || !organization.has_value() ||
      organization->empty() || !common_name.has_value() || common_name->empty()) {
    return Fail(ErrorCode::kCertificateInvalid,
                "packed attestation certificate subject lacks C, O or CN");
  }
  if (unit != kOuAuthenticatorAttestation) {
    return Fail(ErrorCode::kCertificateInvalid,
                "packed attestation certificate subject OU is not \"Authenticator Attestation\"");
  }
  // "The Basic Constraints extension MUST have the CA component set to
  // false."
  if (!HasBasicConstraints(cert) || IsCa(cert)) {
    return Fail(ErrorCode::kCertificateInvalid,
                "packed attestation certificate lacks basicConstraints CA=false");
  }
  return OkStatus();
}

Result<AttestationOutcome> VerifyPackedFullAttestation(const AttestationInput& input,
                                                       std::int64_t alg, ByteView sig,
                                                       const CborValue& x5c) {
  // "If x5c is present:"
  PASSKEY_ASSIGN_OR_RETURN(const std::vector<X509Ptr> chain, ParseX5c(x5c));
  const X509* attestn_cert = chain.front().get();
  //  "Verify that sig is a valid signature over the concatenation of
  //  authenticatorData and clientDataHash using the attestation public key
  //  in attestnCert with the algorithm specified in alg."
  Bytes signed_data(input.auth_data.begin(), input.auth_data.end());
  signed_data.insert(signed_data.end(), input.client_data_hash.begin(),
                     input.client_data_hash.end());
  PASSKEY_RETURN_IF_ERROR(VerifyWithCertificate(attestn_cert, alg, signed_data, sig,
                                                input.options.allow_sha1_attestation));
  //  "Verify that attestnCert meets the requirements in § 8.2.1 Certificate
  //  Requirements for Packed Attestation Statements."
  PASSKEY_RETURN_IF_ERROR(CheckPackedCertificate(attestn_cert));
  //  "If attestnCert contains an extension with OID 1.3.6.1.4.1.45724.1.1.4
  //  (id-fido-gen-ce-aaguid) verify that the value of this extension matches
  //  the aaguid in authenticatorData."
  const Aaguid aaguid = input.parsed_auth_data.attested_credential_data->aaguid;
  PASSKEY_RETURN_IF_ERROR(CheckAaguidExtension(attestn_cert, aaguid));
  //  "Optionally, inspect x5c and consult externally provided knowledge to
  //  determine whether attStmt conveys a Basic or AttCA attestation."
  //  §7.1: "Assess the attestation trustworthiness … use the X.509
  //  certificates returned as the attestation trust path from the
  //  verification procedure to verify that the attestation public key either
  //  correctly chains up to an acceptable root certificate, or is itself an
  //  acceptable certificate."
  PASSKEY_ASSIGN_OR_RETURN(const PathPolicy policy, PathPolicyFor(input.options, aaguid));
  PASSKEY_ASSIGN_OR_RETURN(const PathValidation path, ValidateAttestationPath(chain, policy));
  //  "If successful, return implementation-specific values representing
  //  attestation type Basic, AttCA or uncertainty, and attestation trust
  //  path x5c." Without metadata Basic and AttCA look alike: "basic".
  return AttestationOutcome{"basic", path.trusted, path.revocation_checked};
}

}  // namespace

Result<AttestationOutcome> VerifyPackedAttestation(const AttestationInput& input) {
  // §8.2 syntax: { alg: COSEAlgorithmIdentifier, sig: bytes, ? x5c: [...] }.
  // "Verify that attStmt is valid CBOR conforming to the syntax defined above
  // and perform CBOR decoding on it to extract the contained fields."
  const CborValue& stmt = input.att_stmt;
  for (const auto& [key, value] : stmt.map()) {
    if (!key.is_text() || (key.text() != "alg" && key.text() != "sig" && key.text() != "x5c")) {
      return Fail(ErrorCode::kAttestationInvalid, "packed attStmt has an unknown member");
    }
  }
  const CborValue* alg = stmt.Find("alg");
  const CborValue* sig = stmt.Find("sig");
  if (alg == nullptr || !alg->AsInt64().has_value()) {
    return Fail(ErrorCode::kAttestationInvalid, "packed attStmt lacks an integer alg");
  }
  if (sig == nullptr || !sig->is_bytes()) {
    return Fail(ErrorCode::kAttestationInvalid, "packed attStmt lacks sig bytes");
  }
  if (const CborValue* x5c = stmt.Find("x5c"); x5c != nullptr) {
    return VerifyPackedFullAttestation(input, *alg->AsInt64(), sig->bytes(), *x5c);
  }
  // "If x5c is not present, self attestation is in use.
  //  Validate that alg matches the algorithm of the credentialPublicKey in
  //  authenticatorData."
  if (*alg->AsInt64() != static_cast<std::int64_t>(input.credential_key.algorithm())) {
    return Fail(ErrorCode::kAttestationInvalid,
                "packed self attestation alg " + std::to_string(*alg->AsInt64()) +
                    " differs from the credential key's");
  }
  //  "Verify that sig is a valid signature over the concatenation of
  //  authenticatorData and clientDataHash using the credential public key
  //  with alg."
  Bytes signed_data(input.auth_data.begin(), input.auth_data.end());
  signed_data.insert(signed_data.end(), input.client_data_hash.begin(),
                     input.client_data_hash.end());
  PASSKEY_RETURN_IF_ERROR(input.credential_key.Verify(
      signed_data, sig->bytes(), ErrorCode::kAttestationSignatureInvalid));
  //  "If successful, return implementation-specific values representing
  //  attestation type Self and an empty attestation trust path."
  return AttestationOutcome{"self", false};
}

}  // namespace passkey::internal
