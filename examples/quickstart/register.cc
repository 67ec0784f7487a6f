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
  // The options JSON for the browser, and the ceremony: what the response
  // must match (challenge, origins, user verification, the algorithms
  // offered, the account's user handle, an expiry).
  passkey::Result<passkey::RegistrationStart> start =
      passkey::MakeRegistrationCeremony(create, server.rp, now);
  if (!start.has_value()) {
    return passkey::Unexpected(start.error());  // invalid_argument names the field
  }
  passkey::Result<std::string> state = passkey::SerializeCeremony(start->ceremony);
  if (!state.has_value()) {
    return passkey::Unexpected(state.error());
  }
  // The ceremony waits for the response with its challenge: single use,
  // bound to this session. (Any server-side session store will do; never a
  // cookie the client could edit.)
  passkey::Status stored = server.challenges.Put(passkey::Ceremony::kRegistration, session_id,
                                                 start->ceremony.challenge, *state, now);
  if (!stored.has_value()) {
    return passkey::Unexpected(stored.error());  // unavailable: answer 503, try again
  }
  // PublicKeyCredentialCreationOptionsJSON, for navigator.credentials.create().
  return start->options_json;
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
  passkey::Result<passkey::RegistrationCeremony> ceremony =
      passkey::ParseRegistrationCeremony(issued->context);
  if (!ceremony.has_value()) {
    return passkey::Unexpected(ceremony.error());
  }
  // What the ceremony does not carry: this server's attestation policy.
  passkey::RegistrationVerifyContext policy;
  policy.attestation_trust = &server.trust;
  policy.require_trusted_attestation = server.require_trusted_attestation;
  policy.aaguid_catalog = &server.catalog;                            // the record's provider name
  policy.mds_blob = server.mds.has_value() ? &*server.mds : nullptr;  // refuse compromised models
  passkey::Result<passkey::RegistrationResponse> response =
      passkey::ParseRegistrationResponseJson(response_json);
  if (!response.has_value()) {
    return passkey::Unexpected(response.error());  // malformed_response
  }
  // The library never reads the clock: `now` decides the expiry and becomes
  // the record's createdAt.
  passkey::Result<passkey::CredentialRecord> record =
      passkey::VerifyRegistration(*ceremony, *response, now, policy);
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
