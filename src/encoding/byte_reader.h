// ByteReader: a consuming cursor over borrowed untrusted bytes (BoringSSL CBS
// shape). Every read either succeeds and advances, or fails and leaves the
// cursor where it was. This is the only code allowed to index input spans.
#ifndef PASSKEY_ENCODING_BYTE_READER_H_
#define PASSKEY_ENCODING_BYTE_READER_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include <passkey/bytes.h>

namespace passkey::internal {

class ByteReader {
 public:
  explicit ByteReader(ByteView data) noexcept : data_(data) {}

  std::size_t remaining() const noexcept { return data_.size(); }
  bool empty() const noexcept { return data_.empty(); }
  // rest: the unread bytes (not consumed).
  ByteView rest() const noexcept { return data_; }

  [[nodiscard]] bool ReadU8(std::uint8_t* out) noexcept;
  [[nodiscard]] bool ReadU16Be(std::uint16_t* out) noexcept;
  [[nodiscard]] bool ReadU32Be(std::uint32_t* out) noexcept;
  [[nodiscard]] bool ReadU64Be(std::uint64_t* out) noexcept;
  // ReadBytes: the next `n` bytes as a view into the input.
  [[nodiscard]] bool ReadBytes(std::size_t n, ByteView* out) noexcept;
  // Skip: consumes `n` bytes.
  [[nodiscard]] bool Skip(std::size_t n) noexcept;

  template <std::size_t N>
  [[nodiscard]] bool ReadArray(std::array<std::uint8_t, N>* out) noexcept {
    ByteView view;
    if (!ReadBytes(N, &view)) return false;
    for (std::size_t i = 0; i < N; ++i) (*out)[i] = view[i];
    return true;
  }

 private:
  ByteView data_;
};

// ConstantTimeEquals: equal length and equal bytes, in time independent of
// the contents (CRYPTO_memcmp).
bool ConstantTimeEquals(ByteView a, ByteView b) noexcept;

}  // namespace passkey::internal

#endif  // PASSKEY_ENCODING_BYTE_READER_H_
