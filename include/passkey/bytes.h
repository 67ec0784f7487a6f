// Byte containers, AAGUIDs and strict base64url.
#ifndef PASSKEY_BYTES_H_
#define PASSKEY_BYTES_H_

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <passkey/result.h>

namespace passkey {

// ByteView: borrowed bytes; the caller keeps them alive for the call.
using ByteView = std::span<const std::uint8_t>;
// Bytes: owned bytes.
using Bytes = std::vector<std::uint8_t>;

// AsBytes views the characters of `text` as bytes (no copy).
ByteView AsBytes(std::string_view text) noexcept;

// Aaguid: the 16-byte authenticator model identifier from attested
// credential data. Unauthenticated unless attestation was verified.
struct Aaguid {
  std::array<std::uint8_t, 16> bytes{};

  // ToString returns the lowercase 8-4-4-4-12 UUID form.
  std::string ToString() const;
  // IsZero is true for the all-zero AAGUID (no model claimed).
  bool IsZero() const noexcept;
  // Parse accepts the 8-4-4-4-12 form, either case; kInvalidArgument otherwise.
  static Result<Aaguid> Parse(std::string_view text);

  friend bool operator==(const Aaguid&, const Aaguid&) = default;
};

// Base64UrlEncode returns RFC 4648 §5 base64url without padding.
std::string Base64UrlEncode(ByteView data);

// Base64UrlDecode decodes strict base64url: the URL-safe alphabet only, no
// padding, no whitespace, and the unused bits of the last character must be
// zero (so every byte string has exactly one accepted encoding). On failure
// returns kMalformedBase64Url.
Result<Bytes> Base64UrlDecode(std::string_view text);

}  // namespace passkey

#endif  // PASSKEY_BYTES_H_
