// ByteReader: every read either succeeds and advances or fails and leaves
// the cursor untouched.
#include "encoding/byte_reader.h"

#include <array>
#include <cstdint>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_util.h"

namespace passkey::internal {
namespace {

using test::Hex;

const Bytes kInput = Hex("0102030405060708090a");

TEST(ByteReaderTest, ReadU8ConsumesOneByte) {
  ByteReader reader(ByteView(kInput).first(1));
  std::uint8_t value = 0;
  ASSERT_TRUE(reader.ReadU8(&value));
  EXPECT_EQ(value, 0x01);
  EXPECT_TRUE(reader.empty());
}

TEST(ByteReaderTest, ReadU8FailsOnEmptyInputAndLeavesOutputAlone) {
  ByteReader reader{ByteView()};
  std::uint8_t value = 0xaa;
  EXPECT_FALSE(reader.ReadU8(&value));
  EXPECT_EQ(value, 0xaa);
  EXPECT_EQ(reader.remaining(), 0u);
}

TEST(ByteReaderTest, ReadU16BeIsBigEndianAtExactLength) {
  ByteReader reader(ByteView(kInput).first(2));
  std::uint16_t value = 0;
  ASSERT_TRUE(reader.ReadU16Be(&value));
  EXPECT_EQ(value, 0x0102);
  EXPECT_TRUE(reader.empty());
}

TEST(ByteReaderTest, ReadU16BeFailsShortWithoutMoving) {
  for (std::size_t n = 0; n < 2; ++n) {
    ByteReader reader(ByteView(kInput).first(n));
    std::uint16_t value = 0xbeef;
    EXPECT_FALSE(reader.ReadU16Be(&value)) << n;
    EXPECT_EQ(value, 0xbeef);
    EXPECT_EQ(reader.remaining(), n);
    EXPECT_EQ(reader.rest().data(), kInput.data());
  }
}

TEST(ByteReaderTest, ReadU32BeIsBigEndianAtExactLength) {
  ByteReader reader(ByteView(kInput).first(4));
  std::uint32_t value = 0;
  ASSERT_TRUE(reader.ReadU32Be(&value));
  EXPECT_EQ(value, 0x01020304u);
  EXPECT_TRUE(reader.empty());
}

TEST(ByteReaderTest, ReadU32BeHandlesHighBitSet) {
  const Bytes input = Hex("fffffffe");
  ByteReader reader(input);
  std::uint32_t value = 0;
  ASSERT_TRUE(reader.ReadU32Be(&value));
  EXPECT_EQ(value, 0xfffffffeu);
}

TEST(ByteReaderTest, ReadU32BeFailsShortWithoutMoving) {
  for (std::size_t n = 0; n < 4; ++n) {
    ByteReader reader(ByteView(kInput).first(n));
    std::uint32_t value = 7;
    EXPECT_FALSE(reader.ReadU32Be(&value)) << n;
    EXPECT_EQ(value, 7u);
    EXPECT_EQ(reader.remaining(), n);
  }
}

TEST(ByteReaderTest, ReadU64BeIsBigEndianAtExactLength) {
  ByteReader reader(ByteView(kInput).first(8));
  std::uint64_t value = 0;
  ASSERT_TRUE(reader.ReadU64Be(&value));
  EXPECT_EQ(value, 0x0102030405060708u);
  EXPECT_TRUE(reader.empty());
}

TEST(ByteReaderTest, ReadU64BeFailsShortWithoutMoving) {
  for (std::size_t n = 0; n < 8; ++n) {
    ByteReader reader(ByteView(kInput).first(n));
    std::uint64_t value = 7;
    EXPECT_FALSE(reader.ReadU64Be(&value)) << n;
    EXPECT_EQ(value, 7u);
    EXPECT_EQ(reader.remaining(), n);
  }
}

TEST(ByteReaderTest, ReadBytesReturnsAViewIntoTheInput) {
  ByteReader reader(kInput);
  ByteView view;
  ASSERT_TRUE(reader.ReadBytes(3, &view));
  EXPECT_EQ(view.data(), kInput.data());
  EXPECT_EQ(view.size(), 3u);
  ASSERT_TRUE(reader.ReadBytes(7, &view));
  EXPECT_EQ(view.data(), kInput.data() + 3);
  EXPECT_EQ(test::ToHex(view), "0405060708090a");
  EXPECT_TRUE(reader.empty());
}

TEST(ByteReaderTest, ReadBytesOfZeroSucceedsEvenWhenEmpty) {
  ByteReader reader{ByteView()};
  ByteView view = kInput;
  ASSERT_TRUE(reader.ReadBytes(0, &view));
  EXPECT_TRUE(view.empty());
}

TEST(ByteReaderTest, ReadBytesFailsShortWithoutMoving) {
  ByteReader reader(kInput);
  ByteView view = ByteView(kInput).first(1);
  EXPECT_FALSE(reader.ReadBytes(11, &view));
  EXPECT_EQ(view.size(), 1u);
  EXPECT_EQ(reader.remaining(), 10u);
  EXPECT_FALSE(reader.ReadBytes(SIZE_MAX, &view));
  EXPECT_EQ(reader.remaining(), 10u);
  std::uint8_t first = 0;
  ASSERT_TRUE(reader.ReadU8(&first));
  EXPECT_EQ(first, 0x01);
}

TEST(ByteReaderTest, SkipAdvancesOrFailsWithoutMoving) {
  ByteReader reader(kInput);
  EXPECT_FALSE(reader.Skip(11));
  EXPECT_FALSE(reader.Skip(SIZE_MAX));
  EXPECT_EQ(reader.remaining(), 10u);
  ASSERT_TRUE(reader.Skip(9));
  EXPECT_EQ(reader.remaining(), 1u);
  EXPECT_FALSE(reader.Skip(2));
  EXPECT_EQ(reader.remaining(), 1u);
  ASSERT_TRUE(reader.Skip(1));
  EXPECT_TRUE(reader.empty());
  ASSERT_TRUE(reader.Skip(0));
}

TEST(ByteReaderTest, ReadArrayAtExactLength) {
  ByteReader reader(ByteView(kInput).first(4));
  std::array<std::uint8_t, 4> out{};
  ASSERT_TRUE(reader.ReadArray(&out));
  EXPECT_EQ(out, (std::array<std::uint8_t, 4>{1, 2, 3, 4}));
  EXPECT_TRUE(reader.empty());
}

TEST(ByteReaderTest, ReadArrayFailsShortWithoutMovingOrWriting) {
  for (std::size_t n = 0; n < 4; ++n) {
    ByteReader reader(ByteView(kInput).first(n));
    std::array<std::uint8_t, 4> out{9, 9, 9, 9};
    EXPECT_FALSE(reader.ReadArray(&out)) << n;
    EXPECT_EQ(out, (std::array<std::uint8_t, 4>{9, 9, 9, 9}));
    EXPECT_EQ(reader.remaining(), n);
  }
}

TEST(ByteReaderTest, FailedReadThenSmallerReadSucceedsFromSamePosition) {
  ByteReader reader(ByteView(kInput).first(3));
  std::uint32_t u32 = 0;
  EXPECT_FALSE(reader.ReadU32Be(&u32));
  std::uint16_t u16 = 0;
  ASSERT_TRUE(reader.ReadU16Be(&u16));
  EXPECT_EQ(u16, 0x0102);
  EXPECT_FALSE(reader.ReadU16Be(&u16));
  EXPECT_EQ(u16, 0x0102);
  std::uint8_t u8 = 0;
  ASSERT_TRUE(reader.ReadU8(&u8));
  EXPECT_EQ(u8, 0x03);
  EXPECT_TRUE(reader.empty());
}

TEST(ByteReaderTest, RestDoesNotConsume) {
  ByteReader reader(kInput);
  ASSERT_TRUE(reader.Skip(4));
  EXPECT_EQ(test::ToHex(reader.rest()), "05060708090a");
  EXPECT_EQ(reader.remaining(), 6u);
}

TEST(ByteReaderTest, ConstantTimeEqualsComparesLengthAndContent) {
  const Bytes a = Hex("00112233");
  const Bytes b = Hex("00112233");
  const Bytes c = Hex("00112234");
  const Bytes prefix = Hex("001122");
  EXPECT_TRUE(ConstantTimeEquals(a, b));
  EXPECT_FALSE(ConstantTimeEquals(a, c));
  EXPECT_FALSE(ConstantTimeEquals(a, prefix));
  EXPECT_FALSE(ConstantTimeEquals(prefix, a));
  EXPECT_TRUE(ConstantTimeEquals(ByteView(), ByteView()));
  EXPECT_FALSE(ConstantTimeEquals(ByteView(), a));
  EXPECT_FALSE(ConstantTimeEquals(a, ByteView()));
}

TEST(ByteReaderTest, ConstantTimeEqualsDetectsEveryBytePosition) {
  const Bytes base(32, 0x5a);
  for (std::size_t i = 0; i < base.size(); ++i) {
    Bytes other = base;
    other[i] ^= 0x01;
    EXPECT_FALSE(ConstantTimeEquals(base, other)) << i;
  }
}

}  // namespace
}  // namespace passkey::internal
