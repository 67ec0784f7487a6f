// The credential record an RP stores per passkey (WebAuthn L3 §4 "credential
// record"), its JSON form, and the update applied after an authentication.
#ifndef PASSKEY_CREDENTIAL_RECORD_H_
#define PASSKEY_CREDENTIAL_RECORD_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <passkey/aaguid_catalog.h>
#include <passkey/bytes.h>
#include <passkey/options.h>
#include <passkey/result.h>
#include <passkey/types.h>

namespace passkey {

// kCredentialRecordVersion: the JSON schema version this build writes and
// the only one it reads.
inline constexpr int kCredentialRecordVersion = 1;

// CredentialRecord: everything needed to verify later assertions, plus what a
// passkey list shows. JSON names in comments.
struct CredentialRecord {
  int version = kCredentialRecordVersion;            // "version"
  Bytes id;                                          // "id" (base64url)
  Bytes public_key;                                  // "publicKey": COSE_Key bytes
  std::optional<CoseAlgorithm> algorithm;            // "algorithm" (from the COSE key)
  std::uint32_t sign_count = 0;                      // "signCount"
  bool uv_initialized = false;                       // "uvInitialized"
  std::vector<std::string> transports;               // "transports"
  // "backupEligible": nullopt when unknown (a minimal record); then BE is not
  // compared with later responses.
  std::optional<bool> backup_eligible;
  bool backup_state = false;                         // "backupState"
  std::optional<Attachment> attachment;              // "attachment"
  Aaguid aaguid;                                     // "aaguid"
  std::string attestation_format;                    // "attestationFormat"
  // "attestationType": none | self | basic | attca | anonca (§6.5.3).
  std::string attestation_type;
  // "attestationTrusted": the attestation chained to a caller trust anchor.
  bool attestation_trusted = false;
  // "revocationChecked": every certificate of the validated attestation
  // path (the anchor excepted) was covered by a CRL of its issuer. Written
  // with attestationType; false for none/self attestation.
  bool revocation_checked = false;
  std::string rp_id;                                 // "rpId"
  // "userHandle" (base64url): the user account (user.id) the credential was
  // created for (RegistrationOptions::user_handle). When set, an assertion
  // whose userHandle differs is rejected (kUserHandleMismatch). Empty = not
  // recorded (older or minimal records keep working).
  Bytes user_handle;
  // "userPresent": the UP flag at registration; false only for a
  // conditional create (RegistrationOptions::mediation). nullopt when
  // unknown (a minimal record).
  std::optional<bool> user_present;
  Bytes attestation_object;                          // "attestationObject"
  Bytes client_data_json;                            // "clientDataJSON"
  std::optional<UnixSeconds> created_at;             // "createdAt" (ISO 8601)
  std::optional<UnixSeconds> last_used_at;           // "lastUsedAt" (ISO 8601)
  // "provider": {"name", "iconLight", "iconDark"} from an AAGUID catalog at
  // registration; absent when the AAGUID is unknown or zero. Display only.
  std::optional<AuthenticatorInfo> provider;
};

// DeviceTypeOf derives the device type from BE: multi-device when the
// credential is backup eligible, single-device otherwise. nullopt when BE is
// unknown. Never stored separately, so it cannot disagree with the flag.
std::optional<DeviceType> DeviceTypeOf(const CredentialRecord& record) noexcept;

// CredentialRecordToJson serialises `record` as version-1 JSON (camelCase).
std::string CredentialRecordToJson(const CredentialRecord& record);

// kMaxCredentialRecordJsonBytes: the longest record JSON
// CredentialRecordFromJson accepts (256 KiB); longer text is
// kMalformedCredentialRecord before any parsing. A record keeps the
// attestation object and clientDataJSON, a few KiB in practice.
inline constexpr std::size_t kMaxCredentialRecordJsonBytes = std::size_t{256} << 10;

// CredentialRecordFromJson reads a record. A minimal record needs only `id`
// and `publicKey`; `signCount` defaults to 0, a missing `version` means 1 and
// a missing `backupEligible` means unknown. Errors: kMalformedCredentialRecord
// (not JSON, wrong member types, bad base64url, inconsistent deviceType),
// kUnsupportedRecordVersion (a version other than 1).
Result<CredentialRecord> CredentialRecordFromJson(std::string_view json);

}  // namespace passkey

#endif  // PASSKEY_CREDENTIAL_RECORD_H_
