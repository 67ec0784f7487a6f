// Strict base64url (RFC 4648 §5, no padding) and Aaguid text forms.
#include <cstdint>
#include <random>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <passkey/bytes.h>

#include "test_util.h"

namespace passkey {
namespace {

using test::Hex;

Bytes RandomBytes(std::mt19937& rng, std::size_t n) {
  std::uniform_int_distribution<int> byte(0, 255);
  Bytes out(n);
  for (auto& b : out) {
    b = static_cast<std::uint8_t>(byte(rng));
  }
  return out;
}

TEST(Base64UrlTest, RoundTripsRandomBytesOfEveryLengthUpTo64) {
  std::mt19937 rng(20240611);
  for (std::size_t n = 0; n <= 64; ++n) {
    for (int trial = 0; trial < 8; ++trial) {
      const Bytes data = RandomBytes(rng, n);
      const std::string text = Base64UrlEncode(data);
      EXPECT_EQ(text.size(), (n * 4 + 2) / 3) << "n=" << n;
      EXPECT_EQ(text.find_first_of("=+/"), std::string::npos) << text;
      auto decoded = Base64UrlDecode(text);
      ASSERT_THAT(decoded, IsOk()) << "n=" << n << " text=" << text;
      EXPECT_EQ(*decoded, data) << "n=" << n;
    }
  }
}

// The decoder reads four characters at a time and then the tail: a bad
// character is found wherever it is, and the message names what it is.
TEST(Base64UrlTest, RejectsABadCharacterAtEveryPosition) {
  const std::string text = Base64UrlEncode(Bytes(32, 0x5a));  // 43 characters
  for (std::size_t i = 0; i < text.size(); ++i) {
    for (const char bad : {'=', '+', '/', ' ', '\0', '\x80'}) {
      std::string corrupted = text;
      corrupted[i] = bad;
      auto decoded = Base64UrlDecode(corrupted);
      ASSERT_THAT(decoded, HasError(ErrorCode::kMalformedBase64Url)) << "at " << i;
      const std::string where = " at position " + std::to_string(i + 1);
      std::string expected;
      switch (bad) {
        case '=':
          expected = "'=' padding" + where + " (strict base64url has none: drop it)";
          break;
        case '+':
        case '/':
          expected = std::string("'") + bad + "'" + where +
                     " is standard base64, not base64url (which uses '-' for '+' and '_' for '/')";
          break;
        default:
          expected = std::string(bad == ' ' ? "byte 0x20" : bad == '\0' ? "byte 0x00" : "byte 0x80") +
                     where + " is not a base64url character (A-Z a-z 0-9 - _)";
      }
      EXPECT_EQ(decoded.error().message, expected) << "at " << i;
    }
  }
}

TEST(Base64UrlTest, EncodesRfc4648TestVectorsWithoutPadding) {
  // RFC 4648 §10 vectors, padding stripped.
  EXPECT_EQ(Base64UrlEncode(AsBytes("")), "");
  EXPECT_EQ(Base64UrlEncode(AsBytes("f")), "Zg");
  EXPECT_EQ(Base64UrlEncode(AsBytes("fo")), "Zm8");
  EXPECT_EQ(Base64UrlEncode(AsBytes("foo")), "Zm9v");
  EXPECT_EQ(Base64UrlEncode(AsBytes("foob")), "Zm9vYg");
  EXPECT_EQ(Base64UrlEncode(AsBytes("fooba")), "Zm9vYmE");
  EXPECT_EQ(Base64UrlEncode(AsBytes("foobar")), "Zm9vYmFy");
}

TEST(Base64UrlTest, UsesTheUrlSafeAlphabet) {
  EXPECT_EQ(Base64UrlEncode(Hex("fbff")), "-_8");
  EXPECT_EQ(Base64UrlEncode(Hex("fbefbe")), "----");
  EXPECT_EQ(Base64UrlEncode(Hex("ffffff")), "____");
  auto decoded = Base64UrlDecode("-_8");
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(*decoded, Hex("fbff"));
}

TEST(Base64UrlTest, DecodesEmptyStringToNoBytes) {
  auto decoded = Base64UrlDecode("");
  ASSERT_THAT(decoded, IsOk());
  EXPECT_TRUE(decoded->empty());
}

TEST(Base64UrlTest, RejectsPadding) {
  EXPECT_THAT(Base64UrlDecode("Zg=="), HasError(ErrorCode::kMalformedBase64Url));
  EXPECT_THAT(Base64UrlDecode("Zm8="), HasError(ErrorCode::kMalformedBase64Url));
  EXPECT_THAT(Base64UrlDecode("Zm9v===="), HasError(ErrorCode::kMalformedBase64Url));
  EXPECT_THAT(Base64UrlDecode("===="), HasError(ErrorCode::kMalformedBase64Url));
}

TEST(Base64UrlTest, RejectsStandardAlphabetPlusAndSlash) {
  EXPECT_THAT(Base64UrlDecode("+_8"), HasError(ErrorCode::kMalformedBase64Url));
  EXPECT_THAT(Base64UrlDecode("-/8"), HasError(ErrorCode::kMalformedBase64Url));
  EXPECT_THAT(Base64UrlDecode("++++"), HasError(ErrorCode::kMalformedBase64Url));
  EXPECT_THAT(Base64UrlDecode("////"), HasError(ErrorCode::kMalformedBase64Url));
}

TEST(Base64UrlTest, RejectsWhitespace) {
  EXPECT_THAT(Base64UrlDecode("Zm9v YmFy"), HasError(ErrorCode::kMalformedBase64Url));
  EXPECT_THAT(Base64UrlDecode("Zm9v\nYmFy"), HasError(ErrorCode::kMalformedBase64Url));
  EXPECT_THAT(Base64UrlDecode("Zm9vYmFy\n"), HasError(ErrorCode::kMalformedBase64Url));
  EXPECT_THAT(Base64UrlDecode(" Zm9vYmFy"), HasError(ErrorCode::kMalformedBase64Url));
  EXPECT_THAT(Base64UrlDecode("Zm9v\tYmE"), HasError(ErrorCode::kMalformedBase64Url));
  EXPECT_THAT(Base64UrlDecode("Zm9v\rYmE"), HasError(ErrorCode::kMalformedBase64Url));
}

TEST(Base64UrlTest, RejectsOtherNonAlphabetCharacters) {
  EXPECT_THAT(Base64UrlDecode("Zm9v.mFy"), HasError(ErrorCode::kMalformedBase64Url));
  EXPECT_THAT(Base64UrlDecode(std::string("Zm9v\0mFy", 8)),
              HasError(ErrorCode::kMalformedBase64Url));
  EXPECT_THAT(Base64UrlDecode("Zm9v\xc3\xa9mF"), HasError(ErrorCode::kMalformedBase64Url));
  EXPECT_THAT(Base64UrlDecode("Zm9v\xffmFy"), HasError(ErrorCode::kMalformedBase64Url));
}

TEST(Base64UrlTest, RejectsLengthOneModFour) {
  for (const char* text : {"A", "AAAAA", "Zm9vY", "Zm9vYmFyZ"}) {
    EXPECT_THAT(Base64UrlDecode(text), HasError(ErrorCode::kMalformedBase64Url)) << text;
  }
  EXPECT_EQ(Base64UrlDecode("AAAAA").error().message,
            "its length, 5 characters, is one more than a multiple of 4, which no byte string "
            "encodes");
  // A bad character is named before the length.
  EXPECT_EQ(Base64UrlDecode("AA*AA").error().message,
            "'*' at position 3 is not a base64url character (A-Z a-z 0-9 - _)");
}

TEST(Base64UrlTest, RejectsNonZeroTrailingBits) {
  // "Zg" is the only encoding of "f"; "Zh".."Zv" set unused low bits.
  EXPECT_THAT(Base64UrlDecode("Zh"), HasError(ErrorCode::kMalformedBase64Url));
  EXPECT_THAT(Base64UrlDecode("Zv"), HasError(ErrorCode::kMalformedBase64Url));
  EXPECT_THAT(Base64UrlDecode("Z_"), HasError(ErrorCode::kMalformedBase64Url));
  // "Zm8" is the only encoding of "fo"; "Zm9" sets the low 2 bits.
  EXPECT_THAT(Base64UrlDecode("Zm9"), HasError(ErrorCode::kMalformedBase64Url));
  EXPECT_THAT(Base64UrlDecode("Zm-"), HasError(ErrorCode::kMalformedBase64Url));
  EXPECT_THAT(Base64UrlDecode("Zm9vZh"), HasError(ErrorCode::kMalformedBase64Url));
  // The message names the character and the one the canonical spelling ends in.
  EXPECT_EQ(Base64UrlDecode("Zh").error().message,
            "non-zero trailing bits: the last character 'h' carries 4 bits after the last byte, "
            "which must be 0 (the same bytes end in 'g')");
  EXPECT_EQ(Base64UrlDecode("Zm9").error().message,
            "non-zero trailing bits: the last character '9' carries 2 bits after the last byte, "
            "which must be 0 (the same bytes end in '8')");
}

TEST(Base64UrlTest, AcceptsEveryCanonicalFinalCharacter) {
  // With 2 leftover chars only 4 bits are unused: A, Q, g, w are canonical.
  for (const char* text : {"ZA", "ZQ", "Zg", "Zw"}) {
    EXPECT_THAT(Base64UrlDecode(text), IsOk()) << text;
  }
  // With 3 leftover chars 2 bits are unused: multiples of 4.
  for (const char* text : {"ZmA", "ZmE", "Zm8", "Zm4"}) {
    EXPECT_THAT(Base64UrlDecode(text), IsOk()) << text;
  }
}

TEST(AaguidTest, ToStringIsLowercase8444412) {
  Aaguid aaguid;
  const Bytes bytes = Hex("ADCE000235BCC60A648B0B25F1F05503");
  std::copy(bytes.begin(), bytes.end(), aaguid.bytes.begin());
  EXPECT_EQ(aaguid.ToString(), "adce0002-35bc-c60a-648b-0b25f1f05503");
}

TEST(AaguidTest, ParseAcceptsEitherCaseAndRoundTrips) {
  auto lower = Aaguid::Parse("adce0002-35bc-c60a-648b-0b25f1f05503");
  auto upper = Aaguid::Parse("ADCE0002-35BC-C60A-648B-0B25F1F05503");
  ASSERT_THAT(lower, IsOk());
  ASSERT_THAT(upper, IsOk());
  EXPECT_EQ(*lower, *upper);
  EXPECT_EQ(test::ToHex(lower->bytes), "adce000235bcc60a648b0b25f1f05503");
  EXPECT_EQ(upper->ToString(), "adce0002-35bc-c60a-648b-0b25f1f05503");
}

TEST(AaguidTest, ParseRejectsMalformedText) {
  const char* const kBad[] = {
      "",
      "adce000235bcc60a648b0b25f1f05503",       // no dashes
      "adce0002-35bc-c60a-648b-0b25f1f0550",    // short
      "adce0002-35bc-c60a-648b-0b25f1f055030",  // long
      "adce0002-35bcc-60a-648b-0b25f1f05503",   // dash misplaced
      "adce0002_35bc_c60a_648b_0b25f1f05503",   // wrong separator
      "gdce0002-35bc-c60a-648b-0b25f1f05503",   // non-hex
      "{dce0002-35bc-c60a-648b-0b25f1f05503}",  // braces
      "adce0002-35bc-c60a-648b-0b25f1f0550 ",   // space
      "adce0002-35bc-c60a-648b-0b25f1f0550-",   // dash as digit
  };
  for (const char* text : kBad) {
    EXPECT_THAT(Aaguid::Parse(text), HasError(ErrorCode::kInvalidArgument)) << text;
  }
}

TEST(AaguidTest, IsZeroOnlyForAllZeroBytes) {
  Aaguid aaguid;
  EXPECT_TRUE(aaguid.IsZero());
  EXPECT_EQ(aaguid.ToString(), "00000000-0000-0000-0000-000000000000");
  for (std::size_t i = 0; i < aaguid.bytes.size(); ++i) {
    Aaguid one;
    one.bytes[i] = 0x01;
    EXPECT_FALSE(one.IsZero()) << i;
  }
  auto parsed = Aaguid::Parse("00000000-0000-0000-0000-000000000000");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_TRUE(parsed->IsZero());
}

}  // namespace
}  // namespace passkey
