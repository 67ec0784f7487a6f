#include "encoding/byte_reader.h"

#include <openssl/crypto.h>

namespace passkey::internal {

bool ByteReader::ReadU8(std::uint8_t* out) noexcept {
  if (data_.empty()) return false;
  *out = data_[0];
  data_ = data_.subspan(1);
  return true;
}

bool ByteReader::ReadU16Be(std::uint16_t* out) noexcept {
  if (data_.size() < 2) return false;
  *out = static_cast<std::uint16_t>((data_[0] << 8) | data_[1]);
  data_ = data_.subspan(2);
  return true;
}

bool ByteReader::ReadU32Be(std::uint32_t* out) noexcept {
  if (data_.size() < 4) return false;
  *out = (std::uint32_t{data_[0]} << 24) | (std::uint32_t{data_[1]} << 16) |
         (std::uint32_t{data_[2]} << 8) | std::uint32_t{data_[3]};
  data_ = data_.subspan(4);
  return true;
}

bool ByteReader::ReadU64Be(std::uint64_t* out) noexcept {
  if (data_.size() < 8) return false;
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) value = (value << 8) | data_[i];
  *out = value;
  data_ = data_.subspan(8);
  return true;
}

bool ByteReader::ReadBytes(std::size_t n, ByteView* out) noexcept {
  if (data_.size() < n) return false;
  *out = data_.first(n);
  data_ = data_.subspan(n);
  return true;
}

bool ByteReader::Skip(std::size_t n) noexcept {
  if (data_.size() < n) return false;
  data_ = data_.subspan(n);
  return true;
}

bool ConstantTimeEquals(ByteView a, ByteView b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace passkey::internal
