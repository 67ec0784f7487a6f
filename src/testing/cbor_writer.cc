#include "testing/cbor_writer.h"

#include <utility>

namespace passkey::testing {
namespace {

std::uint8_t Initial(CborMajor major, std::uint8_t additional) {
  return static_cast<std::uint8_t>((static_cast<std::uint8_t>(major) << 5) |
                                   additional);
}

}  // namespace

CborWriter& CborWriter::Head(CborMajor major, std::uint64_t argument) {
  if (argument < 24) {
    out_.push_back(Initial(major, static_cast<std::uint8_t>(argument)));
    return *this;
  }
  if (argument <= 0xff) return HeadWidth(major, argument, 1);
  if (argument <= 0xffff) return HeadWidth(major, argument, 2);
  if (argument <= 0xffffffff) return HeadWidth(major, argument, 4);
  return HeadWidth(major, argument, 8);
}

CborWriter& CborWriter::HeadWidth(CborMajor major, std::uint64_t argument,
                                  int width) {
  std::uint8_t additional = 27;
  if (width == 1) {
    additional = 24;
  } else if (width == 2) {
    additional = 25;
  } else if (width == 4) {
    additional = 26;
  } else {
    width = 8;
  }
  out_.push_back(Initial(major, additional));
  for (int shift = (width - 1) * 8; shift >= 0; shift -= 8) {
    out_.push_back(static_cast<std::uint8_t>((argument >> shift) & 0xff));
  }
  return *this;
}

CborWriter& CborWriter::Int(std::int64_t value) {
  if (value >= 0) return Head(CborMajor::kUnsigned, static_cast<std::uint64_t>(value));
  // -1 - n encodes n; computed without overflow for INT64_MIN.
  return Head(CborMajor::kNegative, static_cast<std::uint64_t>(-(value + 1)));
}

CborWriter& CborWriter::ByteString(ByteView value) {
  Head(CborMajor::kBytes, value.size());
  out_.insert(out_.end(), value.begin(), value.end());
  return *this;
}

CborWriter& CborWriter::TextString(std::string_view value) {
  Head(CborMajor::kText, value.size());
  Raw(AsBytes(value));
  return *this;
}

CborWriter& CborWriter::Bool(bool value) {
  out_.push_back(Initial(CborMajor::kSimple, value ? 21 : 20));
  return *this;
}

CborWriter& CborWriter::Null() {
  out_.push_back(Initial(CborMajor::kSimple, 22));
  return *this;
}

CborWriter& CborWriter::ArrayHeader(std::uint64_t count) {
  return Head(CborMajor::kArray, count);
}

CborWriter& CborWriter::MapHeader(std::uint64_t count) {
  return Head(CborMajor::kMap, count);
}

CborWriter& CborWriter::Indefinite(CborMajor major) {
  out_.push_back(Initial(major, 31));
  return *this;
}

CborWriter& CborWriter::Break() {
  out_.push_back(0xff);
  return *this;
}

CborWriter& CborWriter::Tag(std::uint64_t tag) {
  return Head(CborMajor::kTag, tag);
}

CborWriter& CborWriter::Raw(ByteView bytes) {
  out_.insert(out_.end(), bytes.begin(), bytes.end());
  return *this;
}

}  // namespace passkey::testing
