#include "webauthn/authenticator_data.h"

#include <cstddef>
#include <string>

#include "encoding/byte_reader.h"
#include "encoding/cbor_reader.h"
#include "internal/limits.h"
#include "internal/result_macros.h"

namespace passkey::internal {
namespace {

Unexpected Malformed(std::string message) {
  return Fail(ErrorCode::kMalformedAuthenticatorData, std::move(message));
}

}  // namespace

Result<AuthenticatorData> ParseAuthenticatorData(ByteView data) {
  if (data.size() > kMaxAuthenticatorDataBytes) {
    return Malformed("authenticator data larger than the limit");
  }
  ByteReader reader(data);
  AuthenticatorData out;
  // §6.1: rpIdHash (32) ‖ flags (1) ‖ signCount (4, big-endian) ‖ …
  if (!reader.ReadArray(&out.rp_id_hash)) return Malformed("truncated in rpIdHash");
  if (!reader.ReadU8(&out.flags)) return Malformed("truncated in flags");
  if (!reader.ReadU32Be(&out.sign_count)) return Malformed("truncated in signCount");
  out.user_present = (out.flags & kFlagUserPresent) != 0;
  out.user_verified = (out.flags & kFlagUserVerified) != 0;
  out.backup_eligible = (out.flags & kFlagBackupEligible) != 0;
  out.backup_state = (out.flags & kFlagBackupState) != 0;

  if ((out.flags & kFlagAttestedData) != 0) {
    // §6.5.2: aaguid (16) ‖ credentialIdLength (2) ‖ credentialId ‖
    // credentialPublicKey (a COSE_Key, CBOR; its length is what it consumes).
    AttestedCredentialData attested;
    if (!reader.ReadArray(&attested.aaguid.bytes)) return Malformed("truncated in aaguid");
    std::uint16_t id_length = 0;
    if (!reader.ReadU16Be(&id_length)) return Malformed("truncated in credentialIdLength");
    if (id_length == 0) return Malformed("empty credentialId");
    if (!reader.ReadBytes(id_length, &attested.credential_id)) {
      return Malformed("truncated in credentialId");
    }
    // Only the key's extent is needed here; what the key says (a map of
    // distinct labels, kty/alg/crv) is checked by ImportCoseKey, which
    // reports kInvalidPublicKey.
    std::size_t key_length = 0;
    auto key = DecodeCborPrefix(reader.rest(), &key_length, DuplicateKeys::kAllow);
    if (!key.has_value()) {
      return Rewrap(ErrorCode::kMalformedAuthenticatorData, "credentialPublicKey", key.error());
    }
    if (!reader.ReadBytes(key_length, &attested.credential_public_key)) {
      return Malformed("credentialPublicKey overruns authenticator data");
    }
    out.attested_credential_data = attested;
  }

  if ((out.flags & kFlagExtensionData) != 0) {
    std::size_t extensions_length = 0;
    auto extensions = DecodeCborPrefix(reader.rest(), &extensions_length);
    if (!extensions.has_value()) {
      return Rewrap(ErrorCode::kMalformedAuthenticatorData, "extensions", extensions.error());
    }
    if (!extensions->is_map()) return Malformed("extensions is not a CBOR map");
    for (const auto& [key, value] : extensions->map()) {
      if (!key.is_text()) return Malformed("extension identifier is not text");
    }
    ByteView extension_bytes;
    if (!reader.ReadBytes(extensions_length, &extension_bytes)) {
      return Malformed("extensions overrun authenticator data");
    }
    out.extensions = extension_bytes;
  }

  if (!reader.empty()) {
    // Either trailing garbage, or data whose AT/ED flag is clear.
    return Malformed("trailing bytes after authenticator data (AT/ED flags do not match)");
  }
  return out;
}

}  // namespace passkey::internal
