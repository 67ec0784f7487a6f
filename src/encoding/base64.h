// Standard base64 (RFC 4648 §4, "+/" with "=" padding), as JWS x5c and the
// SafetyNet nonce use it. WebAuthn's own encoding is base64url (bytes.h).
#ifndef PASSKEY_ENCODING_BASE64_H_
#define PASSKEY_ENCODING_BASE64_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <passkey/bytes.h>

namespace passkey::internal {

// Base64Encode: standard alphabet with padding.
std::string Base64Encode(ByteView data);

// Base64UrlEncodedSize: the length of the unpadded base64url text of
// `size` bytes.
constexpr std::size_t Base64UrlEncodedSize(std::size_t size) noexcept {
  return (size * 4 + 2) / 3;
}

// Base64UrlEncodeTo writes the unpadded base64url text of `data` to `out`
// (Base64UrlEncodedSize(data.size()) chars, no terminator) and returns its
// length: passkey::Base64UrlEncode without the allocation, for the
// verification hot path.
std::size_t Base64UrlEncodeTo(ByteView data, char* out) noexcept;

// Base64DecodeStrict: the standard alphabet with the required "=" padding
// (length a multiple of 4), no whitespace, and zero unused bits in the last
// group, so every byte string has exactly one accepted encoding.
std::optional<Bytes> Base64DecodeStrict(std::string_view text);

}  // namespace passkey::internal

#endif  // PASSKEY_ENCODING_BASE64_H_
