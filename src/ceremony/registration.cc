// WebAuthn Level 3 §7.1 "Registering a New Credential", step by step.
// Steps the browser performs (calling create(), collecting the response)
// are the caller's; what the RP must verify is here, in the spec's order.
#include <passkey/registration.h>

#include <passkey/aaguid_catalog.h>
#include <passkey/mds.h>

#include <string>

#include "attestation/verifier.h"
#include "ceremony/ceremony.h"
#include "crypto/crypto.h"
#include "internal/limits.h"
#include "internal/result_macros.h"
#include "webauthn/attestation_object.h"
#include "webauthn/authenticator_data.h"
#include "webauthn/client_data.h"
#include "webauthn/cose_key.h"

namespace passkey {

using internal::Fail;

Result<CredentialRecord> VerifyRegistration(const RegistrationOptions& options,
                                            const RegistrationResponse& response) {
  PASSKEY_RETURN_IF_ERROR(internal::ValidateOptions(options.rp, options.challenge));
  // The record's createdAt, and the time attestation certificates must be
  // valid at: the core never reads the clock, and a record without
  // createdAt would be silently incomplete.
  if (!options.now.has_value()) {
    return Fail(ErrorCode::kInvalidArgument,
                "now is required (the record's createdAt and the attestation time)");
  }
  if (options.user_handle.size() > internal::kMaxUserHandleBytes) {
    return Fail(ErrorCode::kInvalidArgument, "user_handle is longer than 64 bytes (user.id)");
  }

  // "Let JSONtext be the result of running UTF-8 decode on the value of
  // response.clientDataJSON." / "Let C, the client data claimed as collected
  // during the credential creation, be the result of running an
  // implementation-specific JSON parser on JSONtext."
  PASSKEY_ASSIGN_OR_RETURN(const internal::ClientData client_data,
                           internal::ParseClientData(response.client_data_json));

  // "Verify that the value of C.type is webauthn.create." … challenge, origin,
  // crossOrigin, topOrigin (each quoted in ceremony.cc).
  PASSKEY_RETURN_IF_ERROR(internal::VerifyClientData(client_data, options.rp, options.challenge,
                                                     options.expected_types, "webauthn.create"));

  // "Let hash be the result of computing a hash over response.clientDataJSON
  // using SHA-256."
  const internal::Sha256Digest client_data_hash = internal::Sha256(response.client_data_json);

  // "Perform CBOR decoding on the attestationObject field of the
  // AuthenticatorAttestationResponse structure to obtain the attestation
  // statement format fmt, the authenticator data authData, and the
  // attestation statement attStmt."
  PASSKEY_ASSIGN_OR_RETURN(const internal::AttestationObject attestation,
                           internal::ParseAttestationObject(response.attestation_object));
  PASSKEY_ASSIGN_OR_RETURN(const internal::AuthenticatorData auth_data,
                           internal::ParseAuthenticatorData(attestation.auth_data));
  if (!auth_data.attested_credential_data.has_value()) {
    return Fail(ErrorCode::kMalformedAuthenticatorData,
                "registration authenticator data lacks attested credential data (AT)");
  }
  const internal::AttestedCredentialData& attested = *auth_data.attested_credential_data;
  if (response.authenticator_data.has_value() &&
      !std::equal(response.authenticator_data->begin(), response.authenticator_data->end(),
                  attestation.auth_data.begin(), attestation.auth_data.end())) {
    return Fail(ErrorCode::kMalformedResponse,
                "response.authenticatorData differs from the attestation object's authData");
  }

  // "Verify that the rpIdHash in authData is the SHA-256 hash of the RP ID
  // expected by the Relying Party."
  PASSKEY_ASSIGN_OR_RETURN(const std::string* rp_id,
                           internal::MatchRpIdHash(auth_data, options.rp.ids));

  // "If options.mediation is not set to conditional, verify that the UP bit
  // of the flags in authData is set." (RegistrationOptions::mediation.)
  // "If user verification was determined to be required, verify that the UV
  // bit of the flags in authData is set."
  // "If the BE bit of the flags in authData is not set, verify that the BS
  // bit is not set."
  PASSKEY_RETURN_IF_ERROR(internal::VerifyUserFlags(
      auth_data, options.user_verification,
      /*require_user_present=*/options.mediation != Mediation::kConditional));

  // "Verify that the "alg" parameter in the credential public key in authData
  // matches the alg attribute of one of the items in pkOptions.pubKeyCredParams."
  // The key is decoded once here and imported below from the same map.
  PASSKEY_ASSIGN_OR_RETURN(const internal::CoseKeyMap cose_key,
                           internal::DecodeCoseKey(attested.credential_public_key));
  const std::int64_t alg = cose_key.alg;
  if (response.public_key_algorithm.has_value() && *response.public_key_algorithm != alg) {
    return Fail(ErrorCode::kMalformedResponse,
                "response.publicKeyAlgorithm differs from the credential key's alg");
  }
  PASSKEY_RETURN_IF_ERROR(internal::VerifyAlgorithmAllowed(
      alg, options.allowed_algorithms, options.allow_sha1_attestation, "allow_sha1_attestation"));
  PASSKEY_ASSIGN_OR_RETURN(const internal::PublicKey credential_key,
                           internal::ImportCoseKey(cose_key));

  // "Verify that the values of the client extension outputs in
  // clientExtensionResults and the authenticator extension outputs in the
  // extensions in authData are as expected" — passkey requests no extension
  // whose output changes the verdict; their well-formedness was checked when
  // authData was parsed.

  // "Determine the attestation statement format by performing a USASCII
  // case-sensitive match on fmt …" and "Verify that attStmt is a correct
  // attestation statement, conveying a valid attestation signature, by using
  // the attestation statement format fmt's verification procedure given
  // attStmt, authData and hash."
  const internal::AttestationInput attestation_input{
      attestation.att_stmt, attestation.auth_data, auth_data, client_data_hash,
      credential_key,       options};
  PASSKEY_ASSIGN_OR_RETURN(
      const internal::AttestationOutcome outcome,
      internal::VerifyAttestationStatement(attestation.fmt, attestation_input));

  // "Assess the attestation trustworthiness using the outputs of the
  // verification procedure as follows:
  //  If no attestation was provided, verify that None attestation is
  //  acceptable under Relying Party policy.
  //  If self attestation was used, verify that self attestation is
  //  acceptable under Relying Party policy.
  //  Otherwise, use the X.509 certificates returned as the attestation trust
  //  path from the verification procedure to verify that the attestation
  //  public key either correctly chains up to an acceptable root
  //  certificate, or is itself an acceptable certificate."
  // The format validated the path against options.attestation_trust
  // (outcome.trusted). Policy: with require_trusted_attestation, anything
  // that did not chain to an anchor (none and self included) fails.
  if (options.require_trusted_attestation && !outcome.trusted) {
    return Fail(ErrorCode::kAttestationUntrusted,
                "attestation type " + outcome.type +
                    " does not chain to a trust anchor (require_trusted_attestation)");
  }
  // Same step, "Assess the attestation trustworthiness": the RP's metadata
  // policy. A model with a compromise status in effect at `now` (FIDO MDS
  // status reports) is not trustworthy whatever the attestation says
  // (passkey/mds.h).
  if (options.mds_blob != nullptr) {
    PASSKEY_RETURN_IF_ERROR(
        CheckAuthenticatorStatus(*options.mds_blob, attested.aaguid, options.now));
  }

  // "Verify that the credentialId is ≤ 1023 bytes. Credential IDs larger than
  // this many bytes SHOULD cause the RP to fail this registration ceremony."
  if (attested.credential_id.size() > internal::kMaxCredentialIdBytes) {
    return Fail(ErrorCode::kCredentialIdTooLong, "credentialId longer than 1023 bytes");
  }
  // The credential the client reported (rawId) must be the one attested.
  if (!std::equal(response.raw_id.begin(), response.raw_id.end(),
                  attested.credential_id.begin(), attested.credential_id.end())) {
    return Fail(ErrorCode::kCredentialIdMismatch,
                "rawId differs from the credentialId in authenticator data");
  }
  // "Verify that the credentialId is not yet registered for any user" is the
  // caller's: only it knows its stored credentials.

  // "If the attestation statement attStmt verified successfully and is found
  // to be trustworthy, then create and store a new credential record …"
  CredentialRecord record;
  record.id.assign(attested.credential_id.begin(), attested.credential_id.end());
  record.public_key.assign(attested.credential_public_key.begin(),
                           attested.credential_public_key.end());
  record.algorithm = credential_key.algorithm();
  record.sign_count = auth_data.sign_count;
  record.uv_initialized = auth_data.user_verified;
  record.user_present = auth_data.user_present;
  record.user_handle = options.user_handle;
  record.transports = response.transports;
  record.backup_eligible = auth_data.backup_eligible;
  record.backup_state = auth_data.backup_state;
  record.attachment = response.attachment;
  record.aaguid = attested.aaguid;
  record.attestation_format = attestation.fmt;
  record.attestation_type = outcome.type;
  record.attestation_trusted = outcome.trusted;
  record.revocation_checked = outcome.revocation_checked;
  record.rp_id = *rp_id;
  record.attestation_object = response.attestation_object;
  record.client_data_json = response.client_data_json;
  record.created_at = options.now;
  // Display info for the authenticator model (unauthenticated unless the
  // attestation was trusted; never used for a security decision).
  const AaguidCatalog& catalog =
      options.aaguid_catalog != nullptr ? *options.aaguid_catalog : AaguidCatalog::Embedded();
  if (const AuthenticatorInfo* info = catalog.Find(record.aaguid); info != nullptr) {
    record.provider = *info;
  }
  return record;
}

}  // namespace passkey
