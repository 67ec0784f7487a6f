#include <passkey/types.h>

namespace passkey {

std::string_view CoseAlgorithmName(CoseAlgorithm alg) noexcept {
  switch (alg) {
    case CoseAlgorithm::kEs256: return "ES256";
    case CoseAlgorithm::kEdDsa: return "EdDSA";
    case CoseAlgorithm::kEs384: return "ES384";
    case CoseAlgorithm::kEs512: return "ES512";
    case CoseAlgorithm::kPs256: return "PS256";
    case CoseAlgorithm::kPs384: return "PS384";
    case CoseAlgorithm::kPs512: return "PS512";
    case CoseAlgorithm::kEd25519: return "Ed25519";
    case CoseAlgorithm::kEd448: return "Ed448";
    case CoseAlgorithm::kRs256: return "RS256";
    case CoseAlgorithm::kRs384: return "RS384";
    case CoseAlgorithm::kRs512: return "RS512";
    case CoseAlgorithm::kRs1: return "RS1";
  }
  return "unknown";
}

bool IsSupportedAlgorithm(CoseAlgorithm alg) noexcept {
  return CoseAlgorithmName(alg) != "unknown";
}

std::string_view DeviceTypeName(DeviceType type) noexcept {
  return type == DeviceType::kMultiDevice ? "multiDevice" : "singleDevice";
}

std::string_view AttachmentName(Attachment attachment) noexcept {
  return attachment == Attachment::kPlatform ? "platform" : "cross-platform";
}

std::optional<Attachment> ParseAttachment(std::string_view name) noexcept {
  if (name == "platform") return Attachment::kPlatform;
  if (name == "cross-platform") return Attachment::kCrossPlatform;
  return std::nullopt;
}

std::optional<UserVerification> ParseUserVerification(std::string_view name) noexcept {
  if (name == "required") return UserVerification::kRequired;
  if (name == "preferred") return UserVerification::kPreferred;
  if (name == "discouraged") return UserVerification::kDiscouraged;
  return std::nullopt;
}

}  // namespace passkey
