// Authenticator data (WebAuthn L3 §6.1): the bytes the authenticator signs.
#ifndef PASSKEY_WEBAUTHN_AUTHENTICATOR_DATA_H_
#define PASSKEY_WEBAUTHN_AUTHENTICATOR_DATA_H_

#include <array>
#include <cstdint>
#include <optional>

#include <passkey/bytes.h>
#include <passkey/result.h>

namespace passkey::internal {

// Flag bits of authData byte 32 (§6.1 "flags").
inline constexpr std::uint8_t kFlagUserPresent = 0x01;         // UP, bit 0
inline constexpr std::uint8_t kFlagUserVerified = 0x04;        // UV, bit 2
inline constexpr std::uint8_t kFlagBackupEligible = 0x08;      // BE, bit 3
inline constexpr std::uint8_t kFlagBackupState = 0x10;         // BS, bit 4
inline constexpr std::uint8_t kFlagAttestedData = 0x40;        // AT, bit 6
inline constexpr std::uint8_t kFlagExtensionData = 0x80;       // ED, bit 7

// AttestedCredentialData (§6.5.2). Views point into the parsed authData.
struct AttestedCredentialData {
  Aaguid aaguid;
  ByteView credential_id;
  ByteView credential_public_key;  // the COSE_Key's exact bytes
};

struct AuthenticatorData {
  std::array<std::uint8_t, 32> rp_id_hash{};
  std::uint8_t flags = 0;  // raw byte, decoded below
  bool user_present = false;
  bool user_verified = false;
  bool backup_eligible = false;
  bool backup_state = false;
  std::uint32_t sign_count = 0;
  std::optional<AttestedCredentialData> attested_credential_data;
  std::optional<ByteView> extensions;  // the extensions map's exact bytes
};

// ParseAuthenticatorData parses `data` (which must outlive the result).
// Invariants enforced: AT set ⇔ attested credential data present, ED set ⇔
// an extensions map follows, and nothing after it. The COSE key and the
// extensions are located by the bytes their CBOR items consume. BS without
// BE is reported by the ceremonies (backup_flags_invalid), not here.
// Errors: kMalformedAuthenticatorData.
Result<AuthenticatorData> ParseAuthenticatorData(ByteView data);

}  // namespace passkey::internal

#endif  // PASSKEY_WEBAUTHN_AUTHENTICATOR_DATA_H_
