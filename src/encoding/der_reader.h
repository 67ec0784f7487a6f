// DerReader: a bounded reader for DER (X.690) TLVs in untrusted bytes
// (certificate extensions, Android KeyDescription). Built on ByteReader.
//
// Only definite lengths in minimal form are accepted (DER); tags are single
// or multi-byte (high tag numbers, as Android's authorization lists use).
// Every read either succeeds and advances, or fails and leaves the cursor
// where it was.
#ifndef PASSKEY_ENCODING_DER_READER_H_
#define PASSKEY_ENCODING_DER_READER_H_

#include <cstdint>
#include <optional>

#include <passkey/bytes.h>

namespace passkey::internal {

// DerTag: class (bits 8-7 of the identifier octet), constructed bit, number.
struct DerTag {
  enum class Class : std::uint8_t { kUniversal = 0, kApplication = 1, kContext = 2, kPrivate = 3 };
  Class tag_class = Class::kUniversal;
  bool constructed = false;
  std::uint32_t number = 0;

  friend bool operator==(const DerTag&, const DerTag&) = default;
};

// Universal tags used by the library.
inline constexpr DerTag kDerBoolean{DerTag::Class::kUniversal, false, 1};
inline constexpr DerTag kDerInteger{DerTag::Class::kUniversal, false, 2};
inline constexpr DerTag kDerOctetString{DerTag::Class::kUniversal, false, 4};
inline constexpr DerTag kDerNull{DerTag::Class::kUniversal, false, 5};
inline constexpr DerTag kDerOid{DerTag::Class::kUniversal, false, 6};
inline constexpr DerTag kDerEnumerated{DerTag::Class::kUniversal, false, 10};
inline constexpr DerTag kDerSequence{DerTag::Class::kUniversal, true, 16};
inline constexpr DerTag kDerSet{DerTag::Class::kUniversal, true, 17};

// ContextTag: [n] with the constructed bit (EXPLICIT tags are constructed).
constexpr DerTag ContextTag(std::uint32_t number, bool constructed = true) {
  return DerTag{DerTag::Class::kContext, constructed, number};
}

class DerReader {
 public:
  explicit DerReader(ByteView data) noexcept : data_(data) {}

  bool empty() const noexcept { return data_.empty(); }
  ByteView rest() const noexcept { return data_; }

  // PeekTag: the tag of the next element without consuming it.
  [[nodiscard]] bool PeekTag(DerTag* tag) const noexcept;
  // ReadAny: the next element's tag and contents (a view into the input).
  [[nodiscard]] bool ReadAny(DerTag* tag, ByteView* contents) noexcept;
  // Read: the next element, which must have tag `expected`.
  [[nodiscard]] bool Read(DerTag expected, ByteView* contents) noexcept;
  // ReadOptional: when the next element has tag `expected`, reads it and
  // sets *present; otherwise leaves the cursor and clears *present.
  [[nodiscard]] bool ReadOptional(DerTag expected, ByteView* contents, bool* present) noexcept;
  // ReadSequence/ReadSet: a constructed SEQUENCE/SET as a reader over its
  // contents.
  [[nodiscard]] bool ReadSequence(DerReader* contents) noexcept;
  [[nodiscard]] bool ReadSet(DerReader* contents) noexcept;
  // ReadUint64: a non-negative INTEGER (or ENUMERATED when `tag` says so) in
  // minimal two's-complement form that fits in 64 bits.
  [[nodiscard]] bool ReadUint64(std::uint64_t* out, DerTag tag = kDerInteger) noexcept;
  // ReadBoolean: DER BOOLEAN (0x00 or 0xFF only).
  [[nodiscard]] bool ReadBoolean(bool* out) noexcept;

 private:
  ByteView data_;
};

// ParseDerUint64: minimal non-negative INTEGER contents → value.
[[nodiscard]] bool ParseDerUint64(ByteView contents, std::uint64_t* out) noexcept;

}  // namespace passkey::internal

#endif  // PASSKEY_ENCODING_DER_READER_H_
