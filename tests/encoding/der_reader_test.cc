// DerReader (src/encoding/der_reader.h): DER TLVs from untrusted bytes.
#include "encoding/der_reader.h"

#include <cstdint>

#include <gtest/gtest.h>

#include "test_util.h"

namespace passkey::internal {
namespace {

using ::passkey::test::Hex;

TEST(DerReaderTest, ReadsNestedSequence) {
  const Bytes der = Hex("3006020101040100");
  DerReader reader(der);
  DerReader sequence(ByteView{});
  ASSERT_TRUE(reader.ReadSequence(&sequence));
  EXPECT_TRUE(reader.empty());
  std::uint64_t value = 0;
  ASSERT_TRUE(sequence.ReadUint64(&value));
  EXPECT_EQ(value, 1u);
  ByteView octets;
  ASSERT_TRUE(sequence.Read(kDerOctetString, &octets));
  ASSERT_EQ(octets.size(), 1u);
  EXPECT_EQ(octets[0], 0x00);
  EXPECT_TRUE(sequence.empty());
}

TEST(DerReaderTest, ReadsHighTagNumbers) {
  // [702] EXPLICIT INTEGER 0 (Android's origin tag): bf 85 3e 03 02 01 00.
  const Bytes der = Hex("bf853e03020100");
  DerReader reader(der);
  DerTag tag;
  ByteView contents;
  ASSERT_TRUE(reader.ReadAny(&tag, &contents));
  EXPECT_EQ(tag, ContextTag(702));
  EXPECT_EQ(contents.size(), 3u);
}

TEST(DerReaderTest, HighTagNumbersMustBeMinimal) {
  DerTag tag;
  ByteView contents;
  const Bytes thirty_one_der = Hex("bf1f00");
  DerReader thirty_one(thirty_one_der);  // 31 needs the high form
  ASSERT_TRUE(thirty_one.ReadAny(&tag, &contents));
  EXPECT_EQ(tag.number, 31u);
  const Bytes leading_0x80_der = Hex("bf800100");
  DerReader leading_0x80(leading_0x80_der);
  EXPECT_FALSE(leading_0x80.ReadAny(&tag, &contents));
  const Bytes five_der = Hex("bf0500");
  DerReader five(five_der);  // 5 fits the low form
  EXPECT_FALSE(five.ReadAny(&tag, &contents));
}

TEST(DerReaderTest, RejectsNonDerLengths) {
  for (const char* hex : {"0480",         // indefinite
                          "048101ff",     // long form for a short length
                          "04820001ff",   // leading zero length octet
                          "0485000000000001",  // too many length octets
                          "0402ff"}) {    // runs past the end
    const Bytes der = Hex(hex);
    DerReader reader(der);
    DerTag tag;
    ByteView contents;
    EXPECT_FALSE(reader.ReadAny(&tag, &contents)) << hex;
    EXPECT_EQ(reader.rest().size(), Hex(hex).size()) << "cursor moved on failure";
  }
}

TEST(DerReaderTest, LongFormLengthIsRead) {
  Bytes der = {0x04, 0x81, 0x80};
  der.resize(3 + 0x80, 0xaa);
  DerReader reader(der);
  ByteView contents;
  ASSERT_TRUE(reader.Read(kDerOctetString, &contents));
  EXPECT_EQ(contents.size(), 0x80u);
}

TEST(DerReaderTest, IntegersMustBeMinimalNonNegativeAndFit) {
  std::uint64_t value = 0;
  EXPECT_TRUE(ParseDerUint64(Hex("00"), &value));
  EXPECT_EQ(value, 0u);
  EXPECT_TRUE(ParseDerUint64(Hex("0080"), &value));
  EXPECT_EQ(value, 0x80u);
  EXPECT_TRUE(ParseDerUint64(Hex("00ffffffffffffffff"), &value));
  EXPECT_EQ(value, UINT64_MAX);
  EXPECT_FALSE(ParseDerUint64(Hex(""), &value));
  EXPECT_FALSE(ParseDerUint64(Hex("80"), &value));       // negative
  EXPECT_FALSE(ParseDerUint64(Hex("0001"), &value));     // not minimal
  EXPECT_FALSE(ParseDerUint64(Hex("010000000000000000"), &value));  // > 64 bits
}

TEST(DerReaderTest, ReadOptionalLeavesOtherTags) {
  const Bytes der = Hex("020105");
  DerReader reader(der);
  ByteView contents;
  bool present = true;
  ASSERT_TRUE(reader.ReadOptional(kDerOctetString, &contents, &present));
  EXPECT_FALSE(present);
  ASSERT_TRUE(reader.ReadOptional(kDerInteger, &contents, &present));
  EXPECT_TRUE(present);
  ASSERT_TRUE(reader.ReadOptional(kDerInteger, &contents, &present));
  EXPECT_FALSE(present);
}

TEST(DerReaderTest, BooleanIsStrict) {
  bool value = false;
  const Bytes yes_der = Hex("0101ff");
  DerReader yes(yes_der);
  ASSERT_TRUE(yes.ReadBoolean(&value));
  EXPECT_TRUE(value);
  const Bytes no_der = Hex("010100");
  DerReader no(no_der);
  ASSERT_TRUE(no.ReadBoolean(&value));
  EXPECT_FALSE(value);
  const Bytes bad_der = Hex("010101");
  DerReader bad(bad_der);
  EXPECT_FALSE(bad.ReadBoolean(&value));
  EXPECT_EQ(bad.rest().size(), 3u);
}

}  // namespace
}  // namespace passkey::internal
