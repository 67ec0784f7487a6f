#include "encoding/der_reader.h"

#include "encoding/byte_reader.h"

namespace passkey::internal {
namespace {

// ParseHeader reads one identifier and length from `reader` (X.690 §8.1.2,
// §8.1.3, DER §10.1: definite, minimal lengths) and the contents.
bool ParseElement(ByteReader* reader, DerTag* tag, ByteView* contents) noexcept {
  std::uint8_t first = 0;
  if (!reader->ReadU8(&first)) return false;
  tag->tag_class = static_cast<DerTag::Class>(first >> 6);
  tag->constructed = (first & 0x20) != 0;
  std::uint32_t number = first & 0x1f;
  if (number == 0x1f) {
    // High tag number form: base-128, no leading 0x80 octet, and only for
    // numbers that do not fit the low form.
    number = 0;
    std::uint8_t octet = 0;
    bool first_octet = true;
    do {
      if (!reader->ReadU8(&octet)) return false;
      if (first_octet && octet == 0x80) return false;
      first_octet = false;
      if (number > (0xffffffffu >> 7)) return false;
      number = (number << 7) | (octet & 0x7f);
    } while ((octet & 0x80) != 0);
    if (number < 0x1f) return false;
  }
  tag->number = number;

  std::uint8_t length_octet = 0;
  if (!reader->ReadU8(&length_octet)) return false;
  std::size_t length = 0;
  if ((length_octet & 0x80) == 0) {
    length = length_octet;
  } else {
    const std::size_t count = length_octet & 0x7f;
    // 0x80 is the indefinite form (BER only); more than 4 length octets
    // cannot describe anything we would read.
    if (count == 0 || count > 4) return false;
    for (std::size_t i = 0; i < count; ++i) {
      std::uint8_t octet = 0;
      if (!reader->ReadU8(&octet)) return false;
      if (i == 0 && octet == 0) return false;  // not minimal
      length = (length << 8) | octet;
    }
    if (length < 0x80) return false;  // the short form was required
  }
  return reader->ReadBytes(length, contents);
}

}  // namespace

bool DerReader::PeekTag(DerTag* tag) const noexcept {
  ByteReader reader(data_);
  ByteView contents;
  return ParseElement(&reader, tag, &contents);
}

bool DerReader::ReadAny(DerTag* tag, ByteView* contents) noexcept {
  ByteReader reader(data_);
  DerTag parsed;
  ByteView parsed_contents;
  if (!ParseElement(&reader, &parsed, &parsed_contents)) return false;
  *tag = parsed;
  *contents = parsed_contents;
  data_ = reader.rest();
  return true;
}

bool DerReader::Read(DerTag expected, ByteView* contents) noexcept {
  DerTag tag;
  if (!PeekTag(&tag) || tag != expected) return false;
  return ReadAny(&tag, contents);
}

bool DerReader::ReadOptional(DerTag expected, ByteView* contents, bool* present) noexcept {
  DerTag tag;
  if (empty() || (PeekTag(&tag) && tag != expected)) {
    *present = false;
    return true;
  }
  if (!Read(expected, contents)) return false;
  *present = true;
  return true;
}

bool DerReader::ReadSequence(DerReader* contents) noexcept {
  ByteView view;
  if (!Read(kDerSequence, &view)) return false;
  *contents = DerReader(view);
  return true;
}

bool DerReader::ReadSet(DerReader* contents) noexcept {
  ByteView view;
  if (!Read(kDerSet, &view)) return false;
  *contents = DerReader(view);
  return true;
}

bool ParseDerUint64(ByteView contents, std::uint64_t* out) noexcept {
  if (contents.empty()) return false;
  ByteReader reader(contents);
  std::uint8_t first = 0;
  if (!reader.ReadU8(&first)) return false;
  if ((first & 0x80) != 0) return false;  // negative
  if (contents.size() > 1) {
    std::uint8_t second = contents[1];
    if (first == 0 && (second & 0x80) == 0) return false;  // not minimal
  }
  // A leading 0x00 only carries the sign: up to 8 value bytes remain.
  const std::size_t value_bytes = contents.size() - (first == 0 ? 1 : 0);
  if (value_bytes > 8) return false;
  std::uint64_t value = first;
  std::uint8_t octet = 0;
  while (reader.ReadU8(&octet)) value = (value << 8) | octet;
  *out = value;
  return true;
}

bool DerReader::ReadUint64(std::uint64_t* out, DerTag tag) noexcept {
  DerReader copy = *this;
  ByteView contents;
  if (!copy.Read(tag, &contents)) return false;
  std::uint64_t value = 0;
  if (!ParseDerUint64(contents, &value)) return false;
  *out = value;
  *this = copy;
  return true;
}

bool DerReader::ReadBoolean(bool* out) noexcept {
  DerReader copy = *this;
  ByteView contents;
  if (!copy.Read(kDerBoolean, &contents) || contents.size() != 1) return false;
  if (contents[0] != 0x00 && contents[0] != 0xff) return false;
  *out = contents[0] == 0xff;
  *this = copy;
  return true;
}

}  // namespace passkey::internal
