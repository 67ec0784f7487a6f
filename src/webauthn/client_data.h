// CollectedClientData (WebAuthn L3 §5.8.1), parsed from clientDataJSON's
// exact bytes. The ceremonies hash those same bytes.
#ifndef PASSKEY_WEBAUTHN_CLIENT_DATA_H_
#define PASSKEY_WEBAUTHN_CLIENT_DATA_H_

#include <optional>
#include <string>

#include <passkey/bytes.h>
#include <passkey/result.h>

namespace passkey::internal {

struct ClientData {
  std::string type;
  std::string challenge;  // as sent: base64url text
  std::string origin;
  bool cross_origin = false;               // absent → false
  std::optional<std::string> top_origin;
  // token_binding_valid: false when tokenBinding is present but not a
  // recognised form (an object whose status is "present" or "supported", or
  // the bare string some legacy browsers sent).
  bool token_binding_valid = true;
};

// ParseClientData parses clientDataJSON. Requires a JSON object of at most
// kMaxClientDataJsonBytes with string `type`, `challenge` and `origin`;
// `crossOrigin` a boolean and `topOrigin` a string when present; no duplicate
// keys. Errors: kMalformedClientData.
Result<ClientData> ParseClientData(ByteView client_data_json);

}  // namespace passkey::internal

#endif  // PASSKEY_WEBAUTHN_CLIENT_DATA_H_
