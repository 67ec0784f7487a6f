#include "attestation/verifier.h"

#include <string>

#include "internal/result_macros.h"

namespace passkey::internal {

Result<AttestationOutcome> VerifyAttestationStatement(std::string_view fmt,
                                                      const AttestationInput& input) {
  // #sctn-registering-a-new-credential: "Determine the attestation statement
  // format by performing a USASCII case-sensitive match on fmt against the
  // set of supported WebAuthn Attestation Statement Format Identifier values."
  if (fmt == "none") return VerifyNoneAttestation(input);
  if (fmt == "packed") return VerifyPackedAttestation(input);
  if (fmt == "fido-u2f") return VerifyFidoU2fAttestation(input);
  if (fmt == "tpm") return VerifyTpmAttestation(input);
  if (fmt == "android-key") return VerifyAndroidKeyAttestation(input);
  if (fmt == "android-safetynet") return VerifyAndroidSafetyNetAttestation(input);
  if (fmt == "apple") return VerifyAppleAttestation(input);
  if (fmt == "compound") return VerifyCompoundAttestation(input);
  std::string message = "attestation format '";
  message += fmt.substr(0, 32);
  message += "' is not supported";
  return Fail(ErrorCode::kAttestationFormatUnsupported, std::move(message));
}

}  // namespace passkey::internal
