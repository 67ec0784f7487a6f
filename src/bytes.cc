#include <passkey/bytes.h>

#include <array>
#include <cstddef>
#include <cstdint>

#include "internal/result_macros.h"

namespace passkey {
namespace {

constexpr char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Decode table: 0..63 for alphabet characters, -1 otherwise.
constexpr std::array<std::int8_t, 256> MakeDecodeTable() {
  std::array<std::int8_t, 256> table{};
  for (auto& entry : table) entry = -1;
  for (int i = 0; i < 64; ++i) {
    table[static_cast<std::uint8_t>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  }
  return table;
}
constexpr auto kDecodeTable = MakeDecodeTable();

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

ByteView AsBytes(std::string_view text) noexcept {
  // Viewing char storage as unsigned char is the one cast this needs.
  return ByteView(reinterpret_cast<const std::uint8_t*>(text.data()),  // NOLINT
                  text.size());
}

std::string Aaguid::ToString() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0x0f]);
  }
  return out;
}

bool Aaguid::IsZero() const noexcept {
  for (std::uint8_t b : bytes) {
    if (b != 0) return false;
  }
  return true;
}

Result<Aaguid> Aaguid::Parse(std::string_view text) {
  if (text.size() != 36) {
    return internal::Fail(ErrorCode::kInvalidArgument, "AAGUID must be 36 characters");
  }
  Aaguid out;
  std::size_t byte_index = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') {
        return internal::Fail(ErrorCode::kInvalidArgument, "AAGUID dash misplaced");
      }
      ++i;
      continue;
    }
    const int high = HexValue(text[i]);
    const int low = HexValue(text[i + 1]);
    if (high < 0 || low < 0) {
      return internal::Fail(ErrorCode::kInvalidArgument, "AAGUID has a non-hex digit");
    }
    out.bytes[byte_index++] = static_cast<std::uint8_t>((high << 4) | low);
    i += 2;
  }
  return out;
}

std::string Base64UrlEncode(ByteView data) {
  std::string out;
  out.reserve((data.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{data[i]} << 16) |
                            (std::uint32_t{data[i + 1]} << 8) | data[i + 2];
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  const std::size_t rest = data.size() - i;
  if (rest == 1) {
    const std::uint32_t v = std::uint32_t{data[i]} << 16;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
  } else if (rest == 2) {
    const std::uint32_t v = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
  }
  return out;
}

Result<Bytes> Base64UrlDecode(std::string_view text) {
  // A length of 1 mod 4 cannot come from any byte string.
  if (text.size() % 4 == 1) {
    return internal::Fail(ErrorCode::kMalformedBase64Url, "impossible base64url length");
  }
  Bytes out;
  out.reserve(text.size() / 4 * 3 + 2);
  std::uint32_t accumulator = 0;
  int bits = 0;
  for (char c : text) {
    const std::int8_t value = kDecodeTable[static_cast<std::uint8_t>(c)];
    if (value < 0) {
      return internal::Fail(ErrorCode::kMalformedBase64Url,
                            c == '=' ? "padding is not allowed in base64url"
                                     : "character outside the base64url alphabet");
    }
    accumulator = (accumulator << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((accumulator >> bits) & 0xff));
    }
  }
  // Leftover bits must be zero (canonical encoding).
  if (bits > 0 && (accumulator & ((1u << bits) - 1)) != 0) {
    return internal::Fail(ErrorCode::kMalformedBase64Url, "non-zero trailing bits");
  }
  return out;
}

}  // namespace passkey
