// Enumerations shared by the ceremonies and the credential record.
#ifndef PASSKEY_TYPES_H_
#define PASSKEY_TYPES_H_

#include <cstdint>
#include <optional>
#include <string_view>

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
// ParseAttachment: the inverse; nullopt for any other string.
std::optional<Attachment> ParseAttachment(std::string_view name) noexcept;

// UserVerification: the RP's userVerification requirement.
enum class UserVerification { kRequired, kPreferred, kDiscouraged };

// ParseUserVerification: "required" | "preferred" | "discouraged".
std::optional<UserVerification> ParseUserVerification(
    std::string_view name) noexcept;

}  // namespace passkey

#endif  // PASSKEY_TYPES_H_
