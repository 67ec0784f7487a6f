// Bounded CBOR reader for untrusted input (RFC 8949 subset used by WebAuthn).
//
// Built on libcbor's streaming decoder, which reports one data item head at a
// time and allocates nothing; the tree below is ours. Every item records the
// exact bytes it was decoded from, so enclosing parsers locate structures
// (credentialPublicKey, extensions) by bytes consumed, never by re-encoding.
//
// Refused: indefinite lengths, tags, floats, undefined and other simple
// values (only true/false/null are kept), map keys other than integers and
// text, duplicate map keys, invalid UTF-8 in text, declared lengths or counts
// larger than the bytes left, nesting deeper than kMaxCborDepth and more than
// kMaxCborItems items. Any key order is accepted (browsers have shipped
// non-canonical CBOR).
#ifndef PASSKEY_ENCODING_CBOR_READER_H_
#define PASSKEY_ENCODING_CBOR_READER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <passkey/bytes.h>
#include <passkey/result.h>

namespace passkey::internal {

class CborValue {
 public:
  enum class Type { kUnsigned, kNegative, kBytes, kText, kArray, kMap, kBool, kNull };
  using Entry = std::pair<CborValue, CborValue>;

  Type type() const noexcept { return type_; }
  bool is_int() const noexcept { return type_ == Type::kUnsigned || type_ == Type::kNegative; }
  bool is_bytes() const noexcept { return type_ == Type::kBytes; }
  bool is_text() const noexcept { return type_ == Type::kText; }
  bool is_array() const noexcept { return type_ == Type::kArray; }
  bool is_map() const noexcept { return type_ == Type::kMap; }
  bool is_bool() const noexcept { return type_ == Type::kBool; }

  // AsInt64: the integer value when it fits in int64_t.
  std::optional<std::int64_t> AsInt64() const noexcept;
  // bytes/text: views into the decoded input (valid while it lives).
  ByteView bytes() const noexcept { return payload_; }
  std::string_view text() const noexcept;
  bool boolean() const noexcept { return raw_ != 0; }
  const std::vector<CborValue>& array() const noexcept { return items_; }
  const std::vector<Entry>& map() const noexcept { return entries_; }
  // encoded: the exact input bytes of this item (head and content).
  ByteView encoded() const noexcept { return encoded_; }

  // Find: the value for an integer or text key of a map, or nullptr.
  const CborValue* Find(std::int64_t key) const noexcept;
  const CborValue* Find(std::string_view key) const noexcept;

  // SameKey: equal type and value (used for duplicate-key detection).
  bool SameKey(const CborValue& other) const noexcept;

 private:
  friend class CborDecoder;
  Type type_ = Type::kNull;
  std::uint64_t raw_ = 0;  // unsigned value, or n of a negative (-1 - n)
  ByteView payload_;
  ByteView encoded_;
  std::vector<CborValue> items_;
  std::vector<Entry> entries_;
};

// DuplicateKeys: whether a repeated map key is an error. kAllow exists only
// to locate an item's extent inside an enclosing structure whose own parser
// re-reads that item strictly (a COSE_Key inside authenticatorData).
enum class DuplicateKeys { kReject, kAllow };

// DecodeCborPrefix decodes the single data item at the start of `data` and
// sets `*consumed` to its length; bytes after it are left to the caller.
// Errors: kMalformedCbor, kCborLimitExceeded.
Result<CborValue> DecodeCborPrefix(ByteView data, std::size_t* consumed,
                                   DuplicateKeys duplicates = DuplicateKeys::kReject);

// DecodeCbor decodes exactly one data item; trailing bytes are kMalformedCbor.
Result<CborValue> DecodeCbor(ByteView data);

// IsValidUtf8: well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF).
bool IsValidUtf8(ByteView data) noexcept;

}  // namespace passkey::internal

#endif  // PASSKEY_ENCODING_CBOR_READER_H_
