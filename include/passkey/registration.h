// Registration: verify a new credential (WebAuthn L3 §7.1).
#ifndef PASSKEY_REGISTRATION_H_
#define PASSKEY_REGISTRATION_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <passkey/bytes.h>
#include <passkey/credential_record.h>
#include <passkey/options.h>
#include <passkey/result.h>
#include <passkey/types.h>

namespace passkey {

// RegistrationResponse: the decoded RegistrationResponseJSON (L3 §5.1).
struct RegistrationResponse {
  Bytes raw_id;               // rawId (equal to id)
  Bytes client_data_json;     // response.clientDataJSON, exact bytes
  Bytes attestation_object;   // response.attestationObject
  // response.authenticatorData / publicKeyAlgorithm: L3 convenience copies;
  // when present they must agree with the attestation object.
  std::optional<Bytes> authenticator_data;
  std::optional<std::int64_t> public_key_algorithm;
  std::vector<std::string> transports;       // response.transports
  std::optional<Attachment> attachment;      // authenticatorAttachment
  bool client_extension_cred_props_rk = false;  // informational
};

// ParseRegistrationResponseJson decodes RegistrationResponseJSON text.
// Errors: kMalformedResponse (not JSON, missing or mistyped members,
// id != rawId, type != "public-key", bad base64url).
Result<RegistrationResponse> ParseRegistrationResponseJson(std::string_view json);

// VerifyRegistration runs every step of WebAuthn L3 §7.1 in order and, when
// all pass, returns the new credential record (RP-side checks such as "is
// this credential ID already registered" remain the caller's). Returns the
// first failing check's code; see ErrorCode. kInvalidArgument when
// options.now is not set (the record's createdAt).
Result<CredentialRecord> VerifyRegistration(const RegistrationOptions& options,
                                            const RegistrationResponse& response);

}  // namespace passkey

#endif  // PASSKEY_REGISTRATION_H_
