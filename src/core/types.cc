#include <passkey/types.h>

#include <passkey/ceremony_options.h>

#include <charconv>
#include <cstdint>
#include <string>

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

Result<CoseAlgorithm> ParseCoseAlgorithm(std::string_view text) {
  for (const CoseAlgorithm alg : SupportedAlgorithms(/*include_rs1=*/true)) {
    if (CoseAlgorithmName(alg) == text) return alg;
  }
  std::int32_t number = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, number);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return Unexpected(ErrorCode::kInvalidArgument,
                      "not a COSE algorithm name (ES256, EdDSA, ...) or number (-7)");
  }
  const auto alg = static_cast<CoseAlgorithm>(number);
  if (!IsSupportedAlgorithm(alg)) {
    return Unexpected(ErrorCode::kUnsupportedAlgorithm,
                      "COSE algorithm " + std::to_string(number) + " is not supported");
  }
  return alg;
}

std::string_view DeviceTypeName(DeviceType type) noexcept {
  return type == DeviceType::kMultiDevice ? "multiDevice" : "singleDevice";
}

std::string_view AttachmentName(Attachment attachment) noexcept {
  return attachment == Attachment::kPlatform ? "platform" : "cross-platform";
}

Result<Attachment> ParseAttachment(std::string_view name) {
  if (name == "platform") return Attachment::kPlatform;
  if (name == "cross-platform") return Attachment::kCrossPlatform;
  return Unexpected(ErrorCode::kInvalidArgument, "attachment must be platform or cross-platform");
}

Result<UserVerification> ParseUserVerification(std::string_view name) {
  if (name == "required") return UserVerification::kRequired;
  if (name == "preferred") return UserVerification::kPreferred;
  if (name == "discouraged") return UserVerification::kDiscouraged;
  return Unexpected(ErrorCode::kInvalidArgument,
                    "user verification must be required, preferred or discouraged");
}

}  // namespace passkey
