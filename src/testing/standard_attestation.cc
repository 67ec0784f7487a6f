#include <passkey/testing/standard_attestation.h>

#include <string>
#include <utility>

#include <passkey/testing/android_key_attestation.h>
#include <passkey/testing/apple_attestation.h>
#include <passkey/testing/fido_u2f_attestation.h>
#include <passkey/testing/packed_attestation.h>
#include <passkey/testing/tpm_attestation.h>

#include "internal/result_macros.h"

namespace passkey::testing {

const std::vector<std::string_view>& StandardAttestationFormats() {
  static const std::vector<std::string_view> kFormats = {"none", "packed",      "fido-u2f",
                                                         "tpm",  "android-key", "apple"};
  return kFormats;
}

bool StandardAttestationSupports(std::string_view format, CoseAlgorithm alg) noexcept {
  if (format == "fido-u2f") {
    // §8.6: the U2F registration data carries a raw P-256 point.
    return alg == CoseAlgorithm::kEs256;
  }
  if (format == "tpm") {
    return alg != CoseAlgorithm::kEdDsa && alg != CoseAlgorithm::kEd448 &&
           alg != CoseAlgorithm::kEd25519;
  }
  return format == "none" || format == "packed" || format == "android-key" || format == "apple";
}

Result<AttestationBuilder> MakeStandardAttestation(std::string_view format, const TestCa& ca) {
  if (format == "none") return AttestationBuilder();
  if (format == "packed") {
    PackedAttestationParams params;
    params.ca = &ca;
    return MakePackedAttestation(std::move(params));
  }
  if (format == "fido-u2f") {
    PASSKEY_ASSIGN_OR_RETURN(FidoU2fAttestation attestation,
                             FidoU2fAttestation::Create(ca, FidoU2fAttestationOptions{}));
    return attestation.Builder();
  }
  if (format == "tpm") {
    PASSKEY_ASSIGN_OR_RETURN(TpmAttestation attestation,
                             TpmAttestation::Create(ca, TpmAttestationOptions{}));
    return attestation.Builder();
  }
  if (format == "android-key") {
    AndroidKeyAttestationParams params;
    params.issuer = &ca;
    // Android sends the whole chain, root included (verifiers such as
    // SimpleWebAuthn take the root from x5c and match it against theirs).
    params.intermediates = {ca.certificate_der()};
    return MakeAndroidKeyAttestation(std::move(params));
  }
  if (format == "apple") {
    AppleAttestationParams params;
    params.issuer = &ca;
    return MakeAppleAttestation(std::move(params));
  }
  return internal::Fail(ErrorCode::kInvalidArgument,
                        "no standard attestation for format '" + std::string(format) + "'");
}

}  // namespace passkey::testing
