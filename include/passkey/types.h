// Enumerations shared by the ceremonies and the credential record.
#ifndef PASSKEY_TYPES_H_
#define PASSKEY_TYPES_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <passkey/result.h>

namespace passkey {

// CoseAlgorithm: COSE algorithm identifiers (IANA "COSE Algorithms").
// Values not listed here are representable (the enum's underlying type is
// int32) and are reported as unsupported.
enum class CoseAlgorithm : std::int32_t {
  kEs256 = -7,
  kEdDsa = -8,    // Ed25519 (OKP crv 6) or Ed448 (OKP crv 7)
  kEs384 = -35,
  kEs512 = -36,
  kPs256 = -37,
  kPs384 = -38,
  kPs512 = -39,
  kEd25519 = -19, // fully specified Ed25519 (RFC 9864)
  kEd448 = -53,   // fully specified Ed448 (RFC 9864)
  kRs256 = -257,
  kRs384 = -258,
  kRs512 = -259,
  kRs1 = -65535,  // RSASSA-PKCS1-v1_5 with SHA-1; only when allowed
};

// CoseAlgorithmName returns "ES256", "EdDSA", … or "unknown".
std::string_view CoseAlgorithmName(CoseAlgorithm alg) noexcept;

// ParseCoseAlgorithm reads an algorithm as CoseAlgorithmName spells it
// ("ES256", "EdDSA", "Ed25519", "RS1", …; exact case) or as its decimal
// COSE number ("-7"). Only algorithms this build supports are returned
// (IsSupportedAlgorithm). Errors: kUnsupportedAlgorithm (a well-formed
// COSE number this build cannot verify), kInvalidArgument (anything else).
Result<CoseAlgorithm> ParseCoseAlgorithm(std::string_view text);

// IsSupportedAlgorithm: whether this build can verify signatures made with
// `alg` (independent of policy).
bool IsSupportedAlgorithm(CoseAlgorithm alg) noexcept;

// DeviceType: derived from the BE flag (WebAuthn L3 §6.1.3).
enum class DeviceType { kSingleDevice, kMultiDevice };

// DeviceTypeName: "singleDevice" | "multiDevice" (record JSON spelling).
std::string_view DeviceTypeName(DeviceType type) noexcept;

// Attachment: AuthenticatorAttachment as reported by the client (unsigned).
enum class Attachment { kPlatform, kCrossPlatform };

// AttachmentName: "platform" | "cross-platform".
std::string_view AttachmentName(Attachment attachment) noexcept;
// ParseAttachment: the inverse; kInvalidArgument for any other string.
Result<Attachment> ParseAttachment(std::string_view name);

// UserVerification: the RP's userVerification requirement.
enum class UserVerification { kRequired, kPreferred, kDiscouraged };

// ParseUserVerification: "required" | "preferred" | "discouraged";
// kInvalidArgument for any other string.
Result<UserVerification> ParseUserVerification(std::string_view name);

// kMaxResponseJsonBytes: the longest RegistrationResponseJSON /
// AuthenticationResponseJSON text ParseRegistrationResponseJson and
// ParseAuthenticationResponseJson accept (1 MiB); longer text is
// kMalformedResponse before any parsing. A real response (an attestation
// object with a few certificates, base64url-expanded, plus client data)
// is a few KiB.
inline constexpr std::size_t kMaxResponseJsonBytes = std::size_t{1} << 20;

}  // namespace passkey

#endif  // PASSKEY_TYPES_H_
