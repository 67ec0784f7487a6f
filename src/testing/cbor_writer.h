// A minimal CBOR (RFC 8949) encoder for building test data.
//
// Items are written in call order with no validation, which is the point:
// besides well-formed CTAP2 canonical CBOR, tests can write duplicate keys,
// non-canonical key order, indefinite lengths, non-minimal heads, wrong types
// and trailing bytes. Internal to passkey_testing (not installed).
#ifndef PASSKEY_TESTING_CBOR_WRITER_H_
#define PASSKEY_TESTING_CBOR_WRITER_H_

#include <cstdint>
#include <string_view>
#include <utility>

#include <passkey/bytes.h>

namespace passkey::testing {

// CborMajor: the major type in the top three bits of an item head.
enum class CborMajor : std::uint8_t {
  kUnsigned = 0,
  kNegative = 1,
  kBytes = 2,
  kText = 3,
  kArray = 4,
  kMap = 5,
  kTag = 6,
  kSimple = 7,
};

class CborWriter {
 public:
  // Head writes a major type and argument with the shortest encoding.
  CborWriter& Head(CborMajor major, std::uint64_t argument);
  // HeadWidth writes the argument in exactly `width` bytes (1, 2, 4 or 8),
  // even when a shorter form exists (non-minimal encoding).
  CborWriter& HeadWidth(CborMajor major, std::uint64_t argument, int width);

  // Int writes an unsigned (value >= 0) or negative integer.
  CborWriter& Int(std::int64_t value);
  CborWriter& ByteString(ByteView value);
  CborWriter& TextString(std::string_view value);
  CborWriter& Bool(bool value);
  CborWriter& Null();
  // ArrayHeader / MapHeader: `count` items / key-value pairs must follow.
  CborWriter& ArrayHeader(std::uint64_t count);
  CborWriter& MapHeader(std::uint64_t count);
  // Indefinite starts an indefinite-length item of `major` (bytes, text,
  // array or map); Break ends it.
  CborWriter& Indefinite(CborMajor major);
  CborWriter& Break();
  CborWriter& Tag(std::uint64_t tag);
  // Raw appends bytes verbatim (an already-encoded item, or garbage).
  CborWriter& Raw(ByteView bytes);

  const Bytes& bytes() const noexcept { return out_; }
  Bytes Take() { return std::move(out_); }

 private:
  Bytes out_;
};

}  // namespace passkey::testing

#endif  // PASSKEY_TESTING_CBOR_WRITER_H_
