#include <passkey/bytes.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "encoding/base64.h"
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

// Base64UrlRefusal says why Base64UrlDecode refused `text` (its error
// message; the CLI prefixes the flag): the first character outside the
// alphabet with its 1-based position ('=' padding and standard base64's
// '+' '/' named as such), else a length of 1 mod 4, else non-zero trailing
// bits with the character the canonical spelling ends in. Only called on
// the failure path.
std::string Base64UrlRefusal(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (kDecodeTable[static_cast<std::uint8_t>(c)] >= 0) continue;
    const std::string where = " at position " + std::to_string(i + 1);
    if (c == '=') return "'=' padding" + where + " (strict base64url has none: drop it)";
    if (c == '+' || c == '/') {
      return std::string("'") + c + "'" + where +
             " is standard base64, not base64url (which uses '-' for '+' and '_' for '/')";
    }
    const auto byte = static_cast<std::uint8_t>(c);
    const std::string what = byte > 0x20 && byte < 0x7f
                                 ? std::string("'") + c + "'"
                                 : std::string("byte 0x") + kHex[byte >> 4U] + kHex[byte & 0xfU];
    return what + where + " is not a base64url character (A-Z a-z 0-9 - _)";
  }
  const std::size_t tail = text.size() % 4;
  if (tail == 1) {
    return "its length, " + std::to_string(text.size()) +
           " characters, is one more than a multiple of 4, which no byte string encodes";
  }
  // Every character is in the alphabet and the length is possible, so the
  // last group is short (tail 2 or 3) and its spare bits are not zero.
  if (tail == 0) return "not strict base64url";
  // 2 trailing characters carry 12 bits for 1 byte, 3 carry 18 for 2.
  const unsigned unused_bits = tail == 2 ? 4U : 2U;
  const auto value = static_cast<unsigned>(kDecodeTable[static_cast<std::uint8_t>(text.back())]);
  const unsigned mask = (1U << unused_bits) - 1U;
  return "non-zero trailing bits: the last character '" + std::string(1, text.back()) +
         "' carries " + std::to_string(unused_bits) +
         " bits after the last byte, which must be 0 (the same bytes end in '" +
         std::string(1, kAlphabet[value & ~mask]) + "')";
}

// Refuse: Base64UrlDecode's failure, with the reason.
Result<Bytes> Refuse(std::string_view text) {
  return internal::Fail(ErrorCode::kMalformedBase64Url, Base64UrlRefusal(text));
}

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
  std::string out(internal::Base64UrlEncodedSize(data.size()), '\0');
  internal::Base64UrlEncodeTo(data, out.data());
  return out;
}

namespace internal {

std::size_t Base64UrlEncodeTo(ByteView data, char* out) noexcept {
  char* const start = out;
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{data[i]} << 16) |
                            (std::uint32_t{data[i + 1]} << 8) | data[i + 2];
    *out++ = kAlphabet[(v >> 18) & 63];
    *out++ = kAlphabet[(v >> 12) & 63];
    *out++ = kAlphabet[(v >> 6) & 63];
    *out++ = kAlphabet[v & 63];
  }
  const std::size_t rest = data.size() - i;
  if (rest == 1) {
    const std::uint32_t v = std::uint32_t{data[i]} << 16;
    *out++ = kAlphabet[(v >> 18) & 63];
    *out++ = kAlphabet[(v >> 12) & 63];
  } else if (rest == 2) {
    const std::uint32_t v = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8);
    *out++ = kAlphabet[(v >> 18) & 63];
    *out++ = kAlphabet[(v >> 12) & 63];
    *out++ = kAlphabet[(v >> 6) & 63];
  }
  return static_cast<std::size_t>(out - start);
}

}  // namespace internal

Result<Bytes> Base64UrlDecode(std::string_view text) {
  // A length of 1 mod 4 cannot come from any byte string.
  const std::size_t tail = text.size() % 4;
  if (tail == 1) return Refuse(text);
  const auto value_at = [&text](std::size_t i) {
    return kDecodeTable[static_cast<std::uint8_t>(text[i])];
  };
  // The output size follows from the length; four characters make three
  // bytes, two and three leftover characters one and two.
  Bytes out(text.size() / 4 * 3 + (tail == 0 ? 0 : tail - 1));
  std::size_t in = 0;
  std::size_t at = 0;
  for (; in + 4 <= text.size(); in += 4, at += 3) {
    const int a = value_at(in), b = value_at(in + 1), c = value_at(in + 2), d = value_at(in + 3);
    if ((a | b | c | d) < 0) return Refuse(text);
    const auto quad = static_cast<std::uint32_t>(a << 18 | b << 12 | c << 6 | d);
    out[at] = static_cast<std::uint8_t>(quad >> 16);
    out[at + 1] = static_cast<std::uint8_t>(quad >> 8);
    out[at + 2] = static_cast<std::uint8_t>(quad);
  }
  if (tail != 0) {
    const int a = value_at(in), b = value_at(in + 1), c = tail == 3 ? value_at(in + 2) : 0;
    if ((a | b | c) < 0) return Refuse(text);
    const auto quad = static_cast<std::uint32_t>(a << 18 | b << 12 | c << 6);
    out[at] = static_cast<std::uint8_t>(quad >> 16);
    if (tail == 3) out[at + 1] = static_cast<std::uint8_t>(quad >> 8);
    // Leftover bits must be zero (canonical encoding): 4 bits after two
    // characters, 2 after three.
    const std::uint32_t leftover = tail == 2 ? (quad & 0xffff) : (quad & 0xff);
    if (leftover != 0) return Refuse(text);
  }
  return out;
}

}  // namespace passkey
