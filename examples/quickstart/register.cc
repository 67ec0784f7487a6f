// Sign-up: a new passkey for an account (WebAuthn L3 §7.1).
#include <string>
#include <string_view>

#include <passkey/passkey.h>

#include "server_flow.h"

namespace quickstart {

passkey::Result<std::vector<passkey::CredentialRecord>> CredentialsOf(
    const Server& server, const passkey::Bytes& user_handle) {
  std::vector<passkey::CredentialRecord> found;
  for (const auto& [id, json] : server.records) {
    passkey::Result<passkey::CredentialRecord> record = passkey::CredentialRecordFromJson(json);
    if (!record.has_value()) {
      return passkey::Unexpected(record.error());
    }
    if (record->user_handle == user_handle) {
      found.push_back(*std::move(record));
    }
  }
  return found;
}

passkey::Result<std::string> StartRegistration(Server& server, std::string_view session_id,
                                               const Account& account, passkey::UnixSeconds now) {
  passkey::Result<std::vector<passkey::CredentialRecord>> existing =
      CredentialsOf(server, account.user_handle);
  if (!existing.has_value()) {
    return passkey::Unexpected(existing.error());
  }
  passkey::CreationOptionsParams create;
  create.rp_id = server.rp.ids.front();
  create.rp_name = "Example";
  create.user_id = account.user_handle;  // passkey::GenerateUserHandle() at sign-up
  create.user_name = account.name;
  create.attestation = passkey::AttestationConveyance::kDirect;
  for (const passkey::CredentialRecord& record : *existing) {
    create.exclude_credentials.push_back({record.id, record.transports});  // no second passkey
  }
  passkey::Result<passkey::GeneratedOptions> options = passkey::MakeRegistrationOptions(create);
  if (!options.has_value()) {
    return passkey::Unexpected(options.error());  // invalid_argument names the field
  }
  // The challenge waits for the response, bound to this session and ceremony;
  // the context says which account it is for.
  passkey::Status stored =
      server.challenges.Put(passkey::Ceremony::kRegistration, session_id, options->challenge,
                            passkey::Base64UrlEncode(account.user_handle), now);
  if (!stored.has_value()) {
    return passkey::Unexpected(stored.error());  // unavailable: answer 503, try again
  }
  // PublicKeyCredentialCreationOptionsJSON, for navigator.credentials.create().
  return options->json;
}

passkey::Result<passkey::CredentialRecord> FinishRegistration(Server& server,
                                                              std::string_view session_id,
                                                              std::string_view response_json,
                                                              passkey::UnixSeconds now) {
  // Single use: Take removes the challenge whatever happens next.
  passkey::Result<passkey::IssuedChallenge> issued =
      server.challenges.Take(passkey::Ceremony::kRegistration, session_id, now);
  if (!issued.has_value()) {
    return passkey::Unexpected(issued.error());  // challenge_not_found / challenge_expired
  }
  passkey::Result<passkey::Bytes> user_handle = passkey::Base64UrlDecode(issued->context);
  if (!user_handle.has_value()) {
    return passkey::Unexpected(user_handle.error());
  }
  passkey::RegistrationOptions reg;
  reg.rp = server.rp;
  reg.challenge = issued->challenge;  // the bytes sent in the creation options
  reg.user_handle = *user_handle;     // the record remembers its account
  reg.now = now;                      // the library never reads the clock
  reg.attestation_trust = &server.trust;
  reg.require_trusted_attestation = server.require_trusted_attestation;
  reg.aaguid_catalog = &server.catalog;                            // the record's provider name
  reg.mds_blob = server.mds.has_value() ? &*server.mds : nullptr;  // refuse compromised models
  passkey::Result<passkey::RegistrationResponse> response =
      passkey::ParseRegistrationResponseJson(response_json);
  if (!response.has_value()) {
    return passkey::Unexpected(response.error());  // malformed_response
  }
  passkey::Result<passkey::CredentialRecord> record = passkey::VerifyRegistration(reg, *response);
  if (!record.has_value()) {
    return passkey::Unexpected(record.error());  // error().code: a stable passkey::ErrorCode
  }
  // §7.1 leaves one check to the relying party: a credential ID registered
  // before must be refused (in SQL: a UNIQUE constraint on the ID).
  const std::string key = passkey::Base64UrlEncode(record->id);
  if (!server.records.try_emplace(key, passkey::CredentialRecordToJson(*record)).second) {
    return passkey::Unexpected(passkey::ErrorCode::kCredentialNotAllowed,
                               "credential ID already registered");
  }
  return record;
}

}  // namespace quickstart
