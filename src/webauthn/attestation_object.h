// The attestation object (WebAuthn L3 §6.5.4): {fmt, attStmt, authData}.
#ifndef PASSKEY_WEBAUTHN_ATTESTATION_OBJECT_H_
#define PASSKEY_WEBAUTHN_ATTESTATION_OBJECT_H_

#include <string>

#include <passkey/bytes.h>
#include <passkey/result.h>

#include "encoding/cbor_reader.h"
#include "webauthn/authenticator_data.h"

namespace passkey::internal {

// AttestationObject: views into the bytes it was parsed from.
struct AttestationObject {
  std::string fmt;
  CborValue att_stmt;   // a CBOR map; an array for fmt "compound" (§8.9)
  ByteView auth_data;   // exact authData bytes (signed by attStmt)
};

// ParseAttestationObject decodes the CBOR map with exactly the members fmt
// (text), attStmt (map; an array for fmt "compound") and authData (bytes), no trailing bytes. authData is
// returned unparsed: the ceremony parses it at the step that needs it.
// Errors: kMalformedAttestationObject.
Result<AttestationObject> ParseAttestationObject(ByteView data);

}  // namespace passkey::internal

#endif  // PASSKEY_WEBAUTHN_ATTESTATION_OBJECT_H_
