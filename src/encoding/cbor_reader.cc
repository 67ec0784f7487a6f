#include "encoding/cbor_reader.h"

#include <cbor.h>

#include <cstring>
#include <limits>
#include <string>

#include "internal/limits.h"
#include "internal/result_macros.h"

namespace passkey::internal {

// ---------------------------------------------------------------------------
// CborValue accessors.

std::optional<std::int64_t> CborValue::AsInt64() const noexcept {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (type_ == Type::kUnsigned) {
    if (raw_ > kMax) return std::nullopt;
    return static_cast<std::int64_t>(raw_);
  }
  if (type_ == Type::kNegative) {
    if (raw_ > kMax) return std::nullopt;
    return -1 - static_cast<std::int64_t>(raw_);
  }
  return std::nullopt;
}

std::string_view CborValue::text() const noexcept {
  if (payload_.empty()) return {};
  // Text payloads were checked to be UTF-8; view them as chars.
  return std::string_view(reinterpret_cast<const char*>(payload_.data()),  // NOLINT
                          payload_.size());
}

bool CborValue::SameKey(const CborValue& other) const noexcept {
  if (type_ != other.type_) return false;
  if (is_int()) return raw_ == other.raw_;
  if (is_text() || is_bytes()) {
    return payload_.size() == other.payload_.size() &&
           std::equal(payload_.begin(), payload_.end(), other.payload_.begin());
  }
  return false;
}

const CborValue* CborValue::Find(std::int64_t key) const noexcept {
  for (const auto& [k, v] : entries_) {
    if (k.is_int() && k.AsInt64() == key) return &v;
  }
  return nullptr;
}

const CborValue* CborValue::Find(std::string_view key) const noexcept {
  for (const auto& [k, v] : entries_) {
    if (k.is_text() && k.text() == key) return &v;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------
// UTF-8 validation (RFC 3629).

bool IsValidUtf8(ByteView data) noexcept {
  std::size_t i = 0;
  const std::size_t n = data.size();
  while (i < n) {
    const std::uint8_t c = data[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    std::uint32_t min = 0;
    if ((c & 0xe0) == 0xc0) {
      len = 2, cp = c & 0x1fu, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3, cp = c & 0x0fu, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4, cp = c & 0x07u, min = 0x10000;
    } else {
      return false;
    }
    if (n - i < len) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const std::uint8_t cc = data[i + k];
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Decoder.

namespace {

// Head: what libcbor's streaming decoder reported for one data item head.
struct Head {
  enum class Kind { kNone, kUnsigned, kNegative, kBytes, kText, kArray, kMap, kBool, kNull, kRefused };
  Kind kind = Kind::kNone;
  std::uint64_t value = 0;           // integer, negint n, count, or bool
  const unsigned char* data = nullptr;  // string payload
  std::size_t length = 0;            // string payload length
  const char* refused = nullptr;     // why a construct is refused
};

Head* AsHead(void* context) { return static_cast<Head*>(context); }

void OnUnsigned(void* ctx, std::uint64_t v) {
  AsHead(ctx)->kind = Head::Kind::kUnsigned;
  AsHead(ctx)->value = v;
}
void OnU8(void* ctx, std::uint8_t v) { OnUnsigned(ctx, v); }
void OnU16(void* ctx, std::uint16_t v) { OnUnsigned(ctx, v); }
void OnU32(void* ctx, std::uint32_t v) { OnUnsigned(ctx, v); }
void OnNegative(void* ctx, std::uint64_t v) {
  AsHead(ctx)->kind = Head::Kind::kNegative;
  AsHead(ctx)->value = v;
}
void OnN8(void* ctx, std::uint8_t v) { OnNegative(ctx, v); }
void OnN16(void* ctx, std::uint16_t v) { OnNegative(ctx, v); }
void OnN32(void* ctx, std::uint32_t v) { OnNegative(ctx, v); }
void OnBytes(void* ctx, cbor_data data, std::size_t length) {
  AsHead(ctx)->kind = Head::Kind::kBytes;
  AsHead(ctx)->data = data;
  AsHead(ctx)->length = length;
}
void OnText(void* ctx, cbor_data data, std::size_t length) {
  AsHead(ctx)->kind = Head::Kind::kText;
  AsHead(ctx)->data = data;
  AsHead(ctx)->length = length;
}
void OnArray(void* ctx, std::size_t count) {
  AsHead(ctx)->kind = Head::Kind::kArray;
  AsHead(ctx)->value = count;
}
void OnMap(void* ctx, std::size_t count) {
  AsHead(ctx)->kind = Head::Kind::kMap;
  AsHead(ctx)->value = count;
}
void OnBool(void* ctx, bool v) {
  AsHead(ctx)->kind = Head::Kind::kBool;
  AsHead(ctx)->value = v ? 1 : 0;
}
void OnNull(void* ctx) { AsHead(ctx)->kind = Head::Kind::kNull; }
void Refuse(void* ctx, const char* why) {
  AsHead(ctx)->kind = Head::Kind::kRefused;
  AsHead(ctx)->refused = why;
}
void OnIndefinite(void* ctx) { Refuse(ctx, "indefinite-length item"); }
void OnTag(void* ctx, std::uint64_t) { Refuse(ctx, "tagged item"); }
void OnFloat(void* ctx, float) { Refuse(ctx, "floating-point item"); }
void OnDouble(void* ctx, double) { Refuse(ctx, "floating-point item"); }
void OnUndefined(void* ctx) { Refuse(ctx, "undefined"); }
void OnBreak(void* ctx) { Refuse(ctx, "unexpected break"); }

constexpr cbor_callbacks kCallbacks = {
    .uint8 = OnU8,
    .uint16 = OnU16,
    .uint32 = OnU32,
    .uint64 = OnUnsigned,
    .negint64 = OnNegative,
    .negint32 = OnN32,
    .negint16 = OnN16,
    .negint8 = OnN8,
    .byte_string_start = OnIndefinite,
    .byte_string = OnBytes,
    .string = OnText,
    .string_start = OnIndefinite,
    .indef_array_start = OnIndefinite,
    .array_start = OnArray,
    .indef_map_start = OnIndefinite,
    .map_start = OnMap,
    .tag = OnTag,
    .float2 = OnFloat,
    .float4 = OnFloat,
    .float8 = OnDouble,
    .undefined = OnUndefined,
    .null = OnNull,
    .boolean = OnBool,
    .indef_break = OnBreak,
};

// HeadSize: bytes taken by the initial byte and its argument.
std::size_t HeadSize(std::uint8_t initial) {
  const std::uint8_t info = initial & 0x1f;
  if (info < 24) return 1;
  if (info == 24) return 2;
  if (info == 25) return 3;
  if (info == 26) return 5;
  return 9;  // 27; 28..31 are refused before this is used
}

}  // namespace

class CborDecoder {
 public:
  CborDecoder(ByteView input, DuplicateKeys duplicates) : input_(input), duplicates_(duplicates) {}

  Result<CborValue> DecodeItem(std::size_t* consumed) {
    CborValue value;
    PASSKEY_RETURN_IF_ERROR(Decode(0, &value));
    *consumed = offset_;
    return value;
  }

 private:
  Status Decode(int depth, CborValue* out) {
    if (depth > kMaxCborDepth) {
      return Fail(ErrorCode::kCborLimitExceeded, "CBOR nesting deeper than the limit");
    }
    if (++items_ > kMaxCborItems) {
      return Fail(ErrorCode::kCborLimitExceeded, "more CBOR items than the limit");
    }
    const ByteView rest = input_.subspan(offset_);
    if (rest.empty()) {
      return Fail(ErrorCode::kMalformedCbor, "CBOR input ends where an item was expected");
    }
    const std::uint8_t initial = rest[0];
    const std::uint8_t info = initial & 0x1f;
    if (info >= 28 && info <= 30) {
      return Fail(ErrorCode::kMalformedCbor, "reserved CBOR additional information");
    }
    const std::size_t head_size = HeadSize(initial);

    Head head;
    const cbor_decoder_result decoded =
        cbor_stream_decode(rest.data(), rest.size(), &kCallbacks, &head);
    if (decoded.status == CBOR_DECODER_NEDATA) {
      return Fail(ErrorCode::kMalformedCbor, "CBOR item truncated");
    }
    if (decoded.status != CBOR_DECODER_FINISHED || head.kind == Head::Kind::kNone) {
      return Fail(ErrorCode::kMalformedCbor, "CBOR item not well-formed");
    }
    if (head.kind == Head::Kind::kRefused) {
      return Fail(ErrorCode::kMalformedCbor, std::string("CBOR ") + head.refused + " not allowed");
    }
    if (decoded.read > rest.size() || decoded.read < head_size) {
      return Fail(ErrorCode::kMalformedCbor, "CBOR decoder overran its input");
    }

    const std::size_t start = offset_;
    switch (head.kind) {
      case Head::Kind::kUnsigned:
      case Head::Kind::kNegative:
        out->type_ = head.kind == Head::Kind::kUnsigned ? CborValue::Type::kUnsigned
                                                         : CborValue::Type::kNegative;
        out->raw_ = head.value;
        offset_ += head_size;
        break;
      case Head::Kind::kBool:
      case Head::Kind::kNull:
        out->type_ = head.kind == Head::Kind::kBool ? CborValue::Type::kBool
                                                     : CborValue::Type::kNull;
        out->raw_ = head.value;
        offset_ += 1;
        break;
      case Head::Kind::kBytes:
      case Head::Kind::kText: {
        // Check the declared length against what is left ourselves rather
        // than trusting the decoder's arithmetic on a 64-bit length.
        if (head.length > rest.size() - head_size || decoded.read != head_size + head.length) {
          return Fail(ErrorCode::kMalformedCbor, "CBOR string longer than its input");
        }
        out->payload_ = rest.subspan(head_size, head.length);
        if (head.kind == Head::Kind::kText) {
          if (!IsValidUtf8(out->payload_)) {
            return Fail(ErrorCode::kMalformedCbor, "CBOR text string is not UTF-8");
          }
          out->type_ = CborValue::Type::kText;
        } else {
          out->type_ = CborValue::Type::kBytes;
        }
        offset_ += head_size + head.length;
        break;
      }
      case Head::Kind::kArray: {
        // Each element needs at least one byte: refuse counts the input
        // cannot hold before reserving anything.
        if (head.value > rest.size() - head_size) {
          return Fail(ErrorCode::kMalformedCbor, "CBOR array count exceeds its input");
        }
        if (head.value > kMaxCborItems) {
          return Fail(ErrorCode::kCborLimitExceeded, "CBOR array larger than the limit");
        }
        offset_ += head_size;
        out->type_ = CborValue::Type::kArray;
        out->items_.resize(static_cast<std::size_t>(head.value));
        for (auto& item : out->items_) {
          PASSKEY_RETURN_IF_ERROR(Decode(depth + 1, &item));
        }
        break;
      }
      case Head::Kind::kMap: {
        if (head.value > (rest.size() - head_size) / 2) {
          return Fail(ErrorCode::kMalformedCbor, "CBOR map count exceeds its input");
        }
        if (head.value > kMaxCborItems / 2) {
          return Fail(ErrorCode::kCborLimitExceeded, "CBOR map larger than the limit");
        }
        offset_ += head_size;
        out->type_ = CborValue::Type::kMap;
        out->entries_.resize(static_cast<std::size_t>(head.value));
        for (std::size_t i = 0; i < out->entries_.size(); ++i) {
          auto& [key, value] = out->entries_[i];
          PASSKEY_RETURN_IF_ERROR(Decode(depth + 1, &key));
          if (!key.is_int() && !key.is_text()) {
            return Fail(ErrorCode::kMalformedCbor, "CBOR map key is not an integer or text");
          }
          for (std::size_t j = 0; duplicates_ == DuplicateKeys::kReject && j < i; ++j) {
            if (out->entries_[j].first.SameKey(key)) {
              return Fail(ErrorCode::kMalformedCbor, "duplicate CBOR map key");
            }
          }
          PASSKEY_RETURN_IF_ERROR(Decode(depth + 1, &value));
        }
        break;
      }
      case Head::Kind::kNone:
      case Head::Kind::kRefused:
        return Fail(ErrorCode::kMalformedCbor, "CBOR item not well-formed");
    }
    out->encoded_ = input_.subspan(start, offset_ - start);
    return OkStatus();
  }

  ByteView input_;
  DuplicateKeys duplicates_;
  std::size_t offset_ = 0;
  std::size_t items_ = 0;
};

Result<CborValue> DecodeCborPrefix(ByteView data, std::size_t* consumed,
                                   DuplicateKeys duplicates) {
  CborDecoder decoder(data, duplicates);
  return decoder.DecodeItem(consumed);
}

Result<CborValue> DecodeCbor(ByteView data) {
  std::size_t consumed = 0;
  PASSKEY_ASSIGN_OR_RETURN(CborValue value, DecodeCborPrefix(data, &consumed));
  if (consumed != data.size()) {
    return Fail(ErrorCode::kMalformedCbor, "trailing bytes after the CBOR item");
  }
  return value;
}

}  // namespace passkey::internal
