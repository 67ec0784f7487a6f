// The bounded CBOR reader: RFC 8949 Appendix A examples in the accepted
// subset, the refused constructs, and hostile lengths, counts and depths.
#include "encoding/cbor_reader.h"

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <list>
#include <new>
#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "internal/limits.h"
#include "test_util.h"

// ---------------------------------------------------------------------------
// Allocation probe: this binary replaces the global operator new so a test
// can assert that hostile declared lengths never reach an allocation. Memory
// still comes from malloc/free, so ASan keeps checking every access.
namespace {
std::atomic<std::size_t> g_largest_allocation{0};

void* CountedAlloc(std::size_t size) {
  std::size_t seen = g_largest_allocation.load(std::memory_order_relaxed);
  while (size > seen &&
         !g_largest_allocation.compare_exchange_weak(seen, size, std::memory_order_relaxed)) {
  }
  if (void* p = std::malloc(size == 0 ? 1 : size)) {
    return p;
  }
  throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t size) { return CountedAlloc(size); }
void* operator new[](std::size_t size) { return CountedAlloc(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace passkey::internal {
namespace {

using test::CborHead;
using test::Hex;
using Type = CborValue::Type;

// LargestAllocationDuring runs `f` and returns the largest single allocation
// it made.
template <class F>
std::size_t LargestAllocationDuring(F&& f) {
  g_largest_allocation.store(0);
  f();
  return g_largest_allocation.load();
}

// Input decodes `hex` into storage that lives until the binary exits, so the
// views a decoded CborValue holds stay valid for the whole test.
ByteView Input(std::string_view hex) {
  static std::list<Bytes>* storage = new std::list<Bytes>();
  return storage->emplace_back(Hex(hex));
}


Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& part : parts) {
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

// Every error the reader may return on hostile input.
bool IsReaderError(ErrorCode code) {
  return code == ErrorCode::kMalformedCbor || code == ErrorCode::kCborLimitExceeded;
}

// --- RFC 8949 Appendix A ----------------------------------------------------

struct IntExample {
  const char* hex;
  Type type;
  std::uint64_t magnitude;  // value, or n for a negative -1-n
};

TEST(CborReaderTest, DecodesAppendixAIntegers) {
  const IntExample kExamples[] = {
      {"00", Type::kUnsigned, 0},
      {"01", Type::kUnsigned, 1},
      {"0a", Type::kUnsigned, 10},
      {"17", Type::kUnsigned, 23},
      {"1818", Type::kUnsigned, 24},
      {"1819", Type::kUnsigned, 25},
      {"1864", Type::kUnsigned, 100},
      {"1903e8", Type::kUnsigned, 1000},
      {"1a000f4240", Type::kUnsigned, 1000000},
      {"1b000000e8d4a51000", Type::kUnsigned, 1000000000000},
      {"1bffffffffffffffff", Type::kUnsigned, 18446744073709551615u},
      {"3bffffffffffffffff", Type::kNegative, 18446744073709551615u},
      {"20", Type::kNegative, 0},
      {"29", Type::kNegative, 9},
      {"3863", Type::kNegative, 99},
      {"3903e7", Type::kNegative, 999},
  };
  for (const auto& example : kExamples) {
    const Bytes input = Hex(example.hex);
    auto value = DecodeCbor(input);
    ASSERT_THAT(value, IsOk()) << example.hex;
    EXPECT_EQ(value->type(), example.type) << example.hex;
    EXPECT_TRUE(value->is_int()) << example.hex;
    EXPECT_EQ(test::ToHex(value->encoded()), example.hex);
    if (example.magnitude <= 0x7fffffffffffffffu) {
      const auto m = static_cast<std::int64_t>(example.magnitude);
      EXPECT_EQ(value->AsInt64(), example.type == Type::kUnsigned ? m : -1 - m) << example.hex;
    } else {
      // 2^64-1 and -2^64 do not fit in int64_t.
      EXPECT_EQ(value->AsInt64(), std::nullopt) << example.hex;
    }
  }
}

TEST(CborReaderTest, AsInt64AtTheInt64Boundaries) {
  auto max = DecodeCbor(Input("1b7fffffffffffffff"));
  ASSERT_THAT(max, IsOk());
  EXPECT_EQ(max->AsInt64(), INT64_MAX);
  auto over = DecodeCbor(Input("1b8000000000000000"));
  ASSERT_THAT(over, IsOk());
  EXPECT_EQ(over->AsInt64(), std::nullopt);
  auto min = DecodeCbor(Input("3b7fffffffffffffff"));
  ASSERT_THAT(min, IsOk());
  EXPECT_EQ(min->AsInt64(), INT64_MIN);
  auto under = DecodeCbor(Input("3b8000000000000000"));
  ASSERT_THAT(under, IsOk());
  EXPECT_EQ(under->AsInt64(), std::nullopt);
}

TEST(CborReaderTest, DecodesAppendixASimpleTrueFalseNull) {
  auto f = DecodeCbor(Input("f4"));
  ASSERT_THAT(f, IsOk());
  EXPECT_TRUE(f->is_bool());
  EXPECT_FALSE(f->boolean());
  auto t = DecodeCbor(Input("f5"));
  ASSERT_THAT(t, IsOk());
  EXPECT_TRUE(t->is_bool());
  EXPECT_TRUE(t->boolean());
  auto n = DecodeCbor(Input("f6"));
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(n->type(), Type::kNull);
  EXPECT_FALSE(n->is_bool());
  EXPECT_FALSE(n->is_int());
}

TEST(CborReaderTest, DecodesAppendixAByteStrings) {
  auto empty = DecodeCbor(Input("40"));
  ASSERT_THAT(empty, IsOk());
  EXPECT_TRUE(empty->is_bytes());
  EXPECT_TRUE(empty->bytes().empty());
  const Bytes input = Hex("4401020304");
  auto four = DecodeCbor(input);
  ASSERT_THAT(four, IsOk());
  EXPECT_TRUE(four->is_bytes());
  EXPECT_EQ(test::ToHex(four->bytes()), "01020304");
  EXPECT_EQ(four->bytes().data(), input.data() + 1);  // a view, not a copy
}

TEST(CborReaderTest, DecodesAppendixATextStrings) {
  const struct {
    const char* hex;
    std::string_view text;
  } kExamples[] = {
      {"60", ""},
      {"6161", "a"},
      {"6449455446", "IETF"},
      {"62225c", "\"\\"},
      {"62c3bc", "\xc3\xbc"},              // U+00FC
      {"63e6b0b4", "\xe6\xb0\xb4"},        // U+6C34
      {"64f0908591", "\xf0\x90\x85\x91"},  // U+10151
  };
  for (const auto& example : kExamples) {
    auto value = DecodeCbor(Input(example.hex));
    ASSERT_THAT(value, IsOk()) << example.hex;
    EXPECT_TRUE(value->is_text()) << example.hex;
    EXPECT_EQ(value->text(), example.text) << example.hex;
  }
}

TEST(CborReaderTest, DecodesAppendixAArrays) {
  auto empty = DecodeCbor(Input("80"));
  ASSERT_THAT(empty, IsOk());
  EXPECT_TRUE(empty->is_array());
  EXPECT_TRUE(empty->array().empty());

  auto flat = DecodeCbor(Input("83010203"));
  ASSERT_THAT(flat, IsOk());
  ASSERT_EQ(flat->array().size(), 3u);
  EXPECT_EQ(flat->array()[2].AsInt64(), 3);

  auto nested = DecodeCbor(Input("8301820203820405"));
  ASSERT_THAT(nested, IsOk());
  ASSERT_EQ(nested->array().size(), 3u);
  EXPECT_EQ(nested->array()[0].AsInt64(), 1);
  ASSERT_TRUE(nested->array()[1].is_array());
  EXPECT_EQ(nested->array()[1].array()[1].AsInt64(), 3);
  EXPECT_EQ(nested->array()[2].array()[0].AsInt64(), 4);

  auto long_array = DecodeCbor(Input("98190102030405060708090a0b0c0d0e0f101112131415161718181819"));
  ASSERT_THAT(long_array, IsOk());
  ASSERT_EQ(long_array->array().size(), 25u);
  for (std::size_t i = 0; i < 25; ++i) {
    EXPECT_EQ(long_array->array()[i].AsInt64(), static_cast<std::int64_t>(i + 1));
  }
}

TEST(CborReaderTest, DecodesAppendixAMaps) {
  auto empty = DecodeCbor(Input("a0"));
  ASSERT_THAT(empty, IsOk());
  EXPECT_TRUE(empty->is_map());
  EXPECT_TRUE(empty->map().empty());

  auto ints = DecodeCbor(Input("a201020304"));
  ASSERT_THAT(ints, IsOk());
  ASSERT_NE(ints->Find(1), nullptr);
  EXPECT_EQ(ints->Find(1)->AsInt64(), 2);
  EXPECT_EQ(ints->Find(3)->AsInt64(), 4);
  EXPECT_EQ(ints->Find(2), nullptr);
  EXPECT_EQ(ints->Find("1"), nullptr);

  auto mixed = DecodeCbor(Input("a26161016162820203"));
  ASSERT_THAT(mixed, IsOk());
  ASSERT_NE(mixed->Find("a"), nullptr);
  EXPECT_EQ(mixed->Find("a")->AsInt64(), 1);
  ASSERT_NE(mixed->Find("b"), nullptr);
  EXPECT_EQ(mixed->Find("b")->array().size(), 2u);

  auto in_array = DecodeCbor(Input("826161a161626163"));
  ASSERT_THAT(in_array, IsOk());
  EXPECT_EQ(in_array->array()[0].text(), "a");
  EXPECT_EQ(in_array->array()[1].Find("b")->text(), "c");

  auto five = DecodeCbor(Input("a56161614161626142616361436164614461656145"));
  ASSERT_THAT(five, IsOk());
  EXPECT_EQ(five->map().size(), 5u);
  EXPECT_EQ(five->Find("e")->text(), "E");
}

TEST(CborReaderTest, FindDistinguishesNegativeAndUnsignedKeys) {
  // {1: 2, -1: 3, -2: h'aa'}: the COSE shape.
  auto map = DecodeCbor(Input("a3010220032141aa"));
  ASSERT_THAT(map, IsOk());
  EXPECT_EQ(map->Find(1)->AsInt64(), 2);
  EXPECT_EQ(map->Find(-1)->AsInt64(), 3);
  EXPECT_EQ(test::ToHex(map->Find(-2)->bytes()), "aa");
  EXPECT_EQ(map->Find(0), nullptr);
  EXPECT_EQ(map->Find(-3), nullptr);
}

// --- Exact spans and prefixes ------------------------------------------------

TEST(CborReaderTest, EncodedSpansPointAtTheExactInputBytes) {
  // {"a": 1, "b": [2, 3]}
  const Bytes input = Hex("a26161016162820203");
  auto map = DecodeCbor(input);
  ASSERT_THAT(map, IsOk());
  EXPECT_EQ(map->encoded().data(), input.data());
  EXPECT_EQ(map->encoded().size(), input.size());
  const auto& entries = map->map();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].first.encoded().data(), input.data() + 1);
  EXPECT_EQ(test::ToHex(entries[0].first.encoded()), "6161");
  EXPECT_EQ(entries[0].second.encoded().data(), input.data() + 3);
  EXPECT_EQ(test::ToHex(entries[0].second.encoded()), "01");
  EXPECT_EQ(entries[1].second.encoded().data(), input.data() + 6);
  EXPECT_EQ(test::ToHex(entries[1].second.encoded()), "820203");
  EXPECT_EQ(entries[1].second.array()[1].encoded().data(), input.data() + 8);
}

TEST(CborReaderTest, EncodedSpanKeepsNonPreferredEncodings) {
  // 1 encoded in 8 bytes and a 2-byte length: spans are the bytes as sent,
  // never a re-encoding.
  const Bytes input = Hex("821b0000000000000001580201ff");
  auto array = DecodeCbor(input);
  ASSERT_THAT(array, IsOk());
  EXPECT_EQ(test::ToHex(array->array()[0].encoded()), "1b0000000000000001");
  EXPECT_EQ(array->array()[0].AsInt64(), 1);
  EXPECT_EQ(test::ToHex(array->array()[1].encoded()), "580201ff");
  EXPECT_EQ(test::ToHex(array->array()[1].bytes()), "01ff");
}

TEST(CborReaderTest, DecodeCborPrefixReportsBytesConsumed) {
  const struct {
    const char* hex;
    std::size_t consumed;
  } kCases[] = {
      {"00", 1},
      {"00ff", 1},
      {"1903e8ffff", 3},
      {"440102030400", 5},
      {"83010203a0", 4},
      {"a26161016162820203deadbeef", 9},
      {"83018202038204058301820203820405", 8},
  };
  for (const auto& c : kCases) {
    const Bytes input = Hex(c.hex);
    std::size_t consumed = 12345;
    auto value = DecodeCborPrefix(input, &consumed);
    ASSERT_THAT(value, IsOk()) << c.hex;
    EXPECT_EQ(consumed, c.consumed) << c.hex;
    EXPECT_EQ(value->encoded().size(), c.consumed) << c.hex;
  }
}

TEST(CborReaderTest, DecodeCborPrefixRejectsEmptyInput) {
  std::size_t consumed = 0;
  EXPECT_THAT(DecodeCborPrefix(ByteView(), &consumed), HasError(ErrorCode::kMalformedCbor));
}

TEST(CborReaderTest, RejectsEmptyInput) {
  EXPECT_THAT(DecodeCbor(ByteView()), HasError(ErrorCode::kMalformedCbor));
}

TEST(CborReaderTest, RejectsTrailingBytes) {
  for (const char* hex : {"0000", "a000", "83010203ff", "4401020304ff", "f6f6", "616100"}) {
    EXPECT_THAT(DecodeCbor(Hex(hex)), HasError(ErrorCode::kMalformedCbor)) << hex;
  }
}

// --- Refused constructs ------------------------------------------------------

TEST(CborReaderTest, RejectsIndefiniteByteString) {
  EXPECT_THAT(DecodeCbor(Hex("5f42010243030405ff")), HasError(ErrorCode::kMalformedCbor));
  EXPECT_THAT(DecodeCbor(Hex("5fff")), HasError(ErrorCode::kMalformedCbor));
}

TEST(CborReaderTest, RejectsIndefiniteTextString) {
  EXPECT_THAT(DecodeCbor(Hex("7f657374726561646d696e67ff")), HasError(ErrorCode::kMalformedCbor));
  EXPECT_THAT(DecodeCbor(Hex("7fff")), HasError(ErrorCode::kMalformedCbor));
}

TEST(CborReaderTest, RejectsIndefiniteArray) {
  for (const char* hex : {"9fff", "9f018202039f0405ffff", "83018202039f0405ff",
                          "9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff"}) {
    EXPECT_THAT(DecodeCbor(Hex(hex)), HasError(ErrorCode::kMalformedCbor)) << hex;
  }
}

TEST(CborReaderTest, RejectsIndefiniteMap) {
  for (const char* hex :
       {"bfff", "bf61610161629f0203ffff", "826161bf61626163ff", "bf6346756ef563416d7421ff"}) {
    EXPECT_THAT(DecodeCbor(Hex(hex)), HasError(ErrorCode::kMalformedCbor)) << hex;
  }
}

TEST(CborReaderTest, RejectsTags) {
  for (const char* hex : {
           "c074323031332d30332d32315432303a30343a30305a",        // 0("2013-03-21T20:04:00Z")
           "c11a514b67b0",                                        // 1(1363896240)
           "c249010000000000000000",                              // bignum
           "d74401020304",                                        // 23(h'01020304')
           "d818456449455446",                                    // 24(h'6449455446')
           "d82076687474703a2f2f7777772e6578616d706c652e636f6d",  // 32("http://…")
           "d9d9f700",                                            // self-described CBOR
           "8201c000",                                            // tag inside an array
           "a101c000",                                            // tag as a map value
       }) {
    EXPECT_THAT(DecodeCbor(Hex(hex)), HasError(ErrorCode::kMalformedCbor)) << hex;
  }
}

TEST(CborReaderTest, RejectsHalfSingleAndDoubleFloats) {
  for (const char* hex : {"f90000", "f98000", "f93c00", "f97bff", "f97c00", "f97e00", "fa47c35000",
                          "fa7f800000", "fb3ff199999999999a", "fb7ff8000000000000", "8201f93c00"}) {
    EXPECT_THAT(DecodeCbor(Hex(hex)), HasError(ErrorCode::kMalformedCbor)) << hex;
  }
}

TEST(CborReaderTest, RejectsUndefined) {
  EXPECT_THAT(DecodeCbor(Hex("f7")), HasError(ErrorCode::kMalformedCbor));
  EXPECT_THAT(DecodeCbor(Hex("a101f7")), HasError(ErrorCode::kMalformedCbor));
}

TEST(CborReaderTest, RejectsOtherSimpleValues) {
  // simple(0), simple(16), simple(19), simple(32), simple(255), and the
  // not-well-formed two-byte forms of simple(0..31).
  for (const char* hex : {"e0", "f0", "f3", "f820", "f8ff", "f800", "f818", "8201f0"}) {
    EXPECT_THAT(DecodeCbor(Hex(hex)), HasError(ErrorCode::kMalformedCbor)) << hex;
  }
}

TEST(CborReaderTest, RejectsReservedAdditionalInformation) {
  for (int major = 0; major < 8; ++major) {
    for (int info = 28; info <= 30; ++info) {
      const Bytes input = {static_cast<std::uint8_t>((major << 5) | info), 0, 0, 0, 0, 0, 0, 0, 0};
      std::size_t consumed = 0;
      EXPECT_THAT(DecodeCborPrefix(input, &consumed), HasError(ErrorCode::kMalformedCbor))
          << "major " << major << " info " << info;
    }
  }
}

TEST(CborReaderTest, RejectsIndefiniteLengthIntegersAndBreak) {
  // Additional information 31 on majors 0 and 1 is not well-formed.
  EXPECT_THAT(DecodeCbor(Hex("1f")), HasError(ErrorCode::kMalformedCbor));
  EXPECT_THAT(DecodeCbor(Hex("3f")), HasError(ErrorCode::kMalformedCbor));
}

TEST(CborReaderTest, RejectsBreakOutsideIndefiniteItem) {
  for (const char* hex : {"ff", "81ff", "a1ff00", "a101ff", "82ff00"}) {
    EXPECT_THAT(DecodeCbor(Hex(hex)), HasError(ErrorCode::kMalformedCbor)) << hex;
  }
}

// --- Map keys ----------------------------------------------------------------

TEST(CborReaderTest, RejectsDuplicateIntKeys) {
  EXPECT_THAT(DecodeCbor(Hex("a201000101")), HasError(ErrorCode::kMalformedCbor));
  EXPECT_THAT(DecodeCbor(Hex("a3010002002001")), IsOk());
  EXPECT_THAT(DecodeCbor(Hex("a3200001002001")), HasError(ErrorCode::kMalformedCbor));
  EXPECT_THAT(DecodeCbor(Hex("a320000100200f")), HasError(ErrorCode::kMalformedCbor));
}

TEST(CborReaderTest, RejectsDuplicateIntKeysEncodedDifferently) {
  // 1 and 1 in a one-byte argument are the same key.
  EXPECT_THAT(DecodeCbor(Hex("a20100180101")), HasError(ErrorCode::kMalformedCbor));
  EXPECT_THAT(DecodeCbor(Hex("a2200038000f")), HasError(ErrorCode::kMalformedCbor));
}

TEST(CborReaderTest, RejectsDuplicateTextKeys) {
  EXPECT_THAT(DecodeCbor(Hex("a2616100616101")), HasError(ErrorCode::kMalformedCbor));
  EXPECT_THAT(DecodeCbor(Hex("a3616100616201616102")), HasError(ErrorCode::kMalformedCbor));
  EXPECT_THAT(DecodeCbor(Hex("a260006001")), HasError(ErrorCode::kMalformedCbor));
  // A 2-byte text length still names the same key.
  EXPECT_THAT(DecodeCbor(Hex("a261610078016101")), HasError(ErrorCode::kMalformedCbor));
}

TEST(CborReaderTest, RejectsDuplicateKeysInNestedMap) {
  EXPECT_THAT(DecodeCbor(Hex("a10aa2616100616101")), HasError(ErrorCode::kMalformedCbor));
  EXPECT_THAT(DecodeCbor(Hex("81a201000101")), HasError(ErrorCode::kMalformedCbor));
}

TEST(CborReaderTest, DuplicateKeysAllowedOnlyWhenAskedForAnExtent) {
  const Bytes input = Hex("a2010201030a");  // {1: 2, 1: 3} then 0x0a
  std::size_t consumed = 0;
  EXPECT_THAT(DecodeCborPrefix(input, &consumed), HasError(ErrorCode::kMalformedCbor));
  auto allowed = DecodeCborPrefix(input, &consumed, DuplicateKeys::kAllow);
  ASSERT_THAT(allowed, IsOk());
  EXPECT_EQ(consumed, 5u);
  // Key types and everything else stay strict.
  EXPECT_THAT(DecodeCborPrefix(Hex("a1410102"), &consumed, DuplicateKeys::kAllow),
              HasError(ErrorCode::kMalformedCbor));
  EXPECT_THAT(DecodeCborPrefix(Hex("bf0102ff"), &consumed, DuplicateKeys::kAllow),
              HasError(ErrorCode::kMalformedCbor));
}

TEST(CborReaderTest, KeysOfDifferentTypesWithSameValueAreDistinct) {
  // 0 and -1 (n = 0) share the argument; "a" and 97 share nothing but are
  // also different keys.
  EXPECT_THAT(DecodeCbor(Hex("a200002000")), IsOk());
  EXPECT_THAT(DecodeCbor(Hex("a2186100616100")), IsOk());
}

TEST(CborReaderTest, RejectsByteStringKey) {
  EXPECT_THAT(DecodeCbor(Hex("a1416100")), HasError(ErrorCode::kMalformedCbor));
  EXPECT_THAT(DecodeCbor(Hex("a14000")), HasError(ErrorCode::kMalformedCbor));
}

TEST(CborReaderTest, RejectsArrayKey) {
  EXPECT_THAT(DecodeCbor(Hex("a18000")), HasError(ErrorCode::kMalformedCbor));
  EXPECT_THAT(DecodeCbor(Hex("a182010200")), HasError(ErrorCode::kMalformedCbor));
}

TEST(CborReaderTest, RejectsMapBoolAndNullKeys) {
  for (const char* hex : {"a1a000", "a1f500", "a1f400", "a1f600"}) {
    EXPECT_THAT(DecodeCbor(Hex(hex)), HasError(ErrorCode::kMalformedCbor)) << hex;
  }
}

TEST(CborReaderTest, AcceptsAnyKeyOrder) {
  const char* const kOrders[] = {
      "a2616200616101",     // "b" before "a"
      "a203000100",         // 3 before 1
      "a26161000100",       // text before int
      "a220000000",         // -1 before 0
      "a2626161006162 01",  // "aa" before "b" (length-first order violated)
      "a301022001 0304",    // COSE order 1, -1, 3
  };
  for (const char* hex : kOrders) {
    EXPECT_THAT(DecodeCbor(Hex(hex)), IsOk()) << hex;
  }
}

// --- Truncation --------------------------------------------------------------

TEST(CborReaderTest, RejectsEveryTruncationOfValidItems) {
  const char* const kValid[] = {
      "1818",
      "1903e8",
      "1a000f4240",
      "1b000000e8d4a51000",
      "3bffffffffffffffff",
      "4401020304",
      "5818000102030405060708090a0b0c0d0e0f1011121314151617",
      "6449455446",
      "7818616263646566676869707172737475767778797a41424344",
      "64f0908591",
      "8301820203820405",
      "98190102030405060708090a0b0c0d0e0f101112131415161718181819",
      "a26161016162820203",
      "a56161614161626142616361436164614461656145",
      "a501020326200121582000000000000000000000000000000000000000000000000000000000000000"
      "012258200000000000000000000000000000000000000000000000000000000000000002",
  };
  for (const char* hex : kValid) {
    const Bytes input = Hex(hex);
    ASSERT_THAT(DecodeCbor(input), IsOk()) << hex;
    for (std::size_t n = 0; n < input.size(); ++n) {
      EXPECT_THAT(DecodeCbor(ByteView(input).first(n)), HasError(ErrorCode::kMalformedCbor))
          << hex << " cut at " << n;
    }
  }
}

// --- UTF-8 -------------------------------------------------------------------

TEST(CborReaderTest, RejectsOverlongUtf8InText) {
  for (const char* hex : {"62c080", "62c1bf", "63e08080", "63e09fbf", "64f0808080", "64f08fbfbf"}) {
    EXPECT_THAT(DecodeCbor(Hex(hex)), HasError(ErrorCode::kMalformedCbor)) << hex;
  }
}

TEST(CborReaderTest, RejectsSurrogatesInText) {
  for (const char* hex : {"63eda080", "63edbfbf", "66eda081edb080"}) {
    EXPECT_THAT(DecodeCbor(Hex(hex)), HasError(ErrorCode::kMalformedCbor)) << hex;
  }
}

TEST(CborReaderTest, RejectsCodePointsAboveU10FFFFInText) {
  for (const char* hex : {"64f4908080", "64f7bfbfbf", "65f888808080", "61ff", "61fe"}) {
    EXPECT_THAT(DecodeCbor(Hex(hex)), HasError(ErrorCode::kMalformedCbor)) << hex;
  }
}

TEST(CborReaderTest, RejectsTruncatedUtf8SequenceInText) {
  for (const char* hex : {"61c3", "62e6b0", "63f09085", "6180", "6261c3", "63806161", "62c361"}) {
    EXPECT_THAT(DecodeCbor(Hex(hex)), HasError(ErrorCode::kMalformedCbor)) << hex;
  }
}

TEST(CborReaderTest, RejectsInvalidUtf8InMapKey) {
  EXPECT_THAT(DecodeCbor(Hex("a162c08000")), HasError(ErrorCode::kMalformedCbor));
}

TEST(CborReaderTest, AcceptsUtf8AtTheRangeBoundaries) {
  for (const char* hex : {"617f", "62c280", "62dfbf", "63e0a080", "63ed9fbf", "63ee8080",
                          "63efbfbf", "64f0908080", "64f48fbfbf", "6100"}) {
    EXPECT_THAT(DecodeCbor(Hex(hex)), IsOk()) << hex;
  }
}

TEST(CborReaderTest, ByteStringsAreNotUtf8Checked) {
  EXPECT_THAT(DecodeCbor(Hex("42c080")), IsOk());
  EXPECT_THAT(DecodeCbor(Hex("41ff")), IsOk());
}

// --- Hostile lengths, counts and depths ---------------------------------------

TEST(CborReaderTest, AllocationProbeSeesLargeAllocations) {
  // Guards the tests below against a probe that silently measures nothing.
  const std::size_t largest = LargestAllocationDuring([] {
    Bytes big(1 << 20);
    big[0] = 1;
    EXPECT_EQ(big[0], 1);
  });
  EXPECT_GE(largest, std::size_t{1} << 20);
}

TEST(CborReaderTest, RejectsByteStringLength2To63WithoutAllocating) {
  const Bytes input = Hex("5b800000000000000000");
  const std::size_t largest = LargestAllocationDuring(
      [&] { EXPECT_THAT(DecodeCbor(input), HasError(ErrorCode::kMalformedCbor)); });
  EXPECT_LT(largest, 4096u);
}

TEST(CborReaderTest, RejectsByteStringLength2To64Minus1WithoutAllocating) {
  const Bytes input = Hex("5bffffffffffffffff0102");
  const std::size_t largest = LargestAllocationDuring(
      [&] { EXPECT_THAT(DecodeCbor(input), HasError(ErrorCode::kMalformedCbor)); });
  EXPECT_LT(largest, 4096u);
}

TEST(CborReaderTest, RejectsHugeTextLengthsWithoutAllocating) {
  for (const char* hex : {"7b8000000000000000", "7bffffffffffffffff61", "7affffffff6161",
                          "5affffffff00", "7bfffffffffffffff76161"}) {
    const Bytes input = Hex(hex);
    const std::size_t largest = LargestAllocationDuring(
        [&] { EXPECT_THAT(DecodeCbor(input), HasError(ErrorCode::kMalformedCbor)) << hex; });
    EXPECT_LT(largest, 4096u) << hex;
  }
}

TEST(CborReaderTest, RejectsHugeStringLengthInsideContainer) {
  // [h'' of length 2^64-1] and {"a": h'' of length 2^63}
  EXPECT_THAT(DecodeCbor(Hex("815bffffffffffffffff00")), HasError(ErrorCode::kMalformedCbor));
  EXPECT_THAT(DecodeCbor(Hex("a161615b800000000000000000")), HasError(ErrorCode::kMalformedCbor));
}

TEST(CborReaderTest, RejectsArrayCount2To32WithTinyInputWithoutAllocating) {
  const Bytes input = Hex("9b0000000100000000000000");
  const std::size_t largest = LargestAllocationDuring(
      [&] { EXPECT_THAT(DecodeCbor(input), HasError(ErrorCode::kMalformedCbor)); });
  EXPECT_LT(largest, 4096u);
}

TEST(CborReaderTest, RejectsHugeArrayAndMapCountsWithTinyInput) {
  for (const char* hex : {"9affffffff00", "9bffffffffffffffff00", "9b8000000000000000",
                          "bbffffffffffffffff0000", "ba0000ffff0000", "bb0000000100000000"}) {
    const Bytes input = Hex(hex);
    const std::size_t largest = LargestAllocationDuring(
        [&] { EXPECT_THAT(DecodeCbor(input), HasError(ErrorCode::kMalformedCbor)) << hex; });
    EXPECT_LT(largest, 4096u) << hex;
  }
}

TEST(CborReaderTest, RejectsArrayCountOneMoreThanTheBytesLeft) {
  // Each element needs at least one byte.
  EXPECT_THAT(DecodeCbor(Hex("830000")), HasError(ErrorCode::kMalformedCbor));
  EXPECT_THAT(DecodeCbor(Hex("a2000000")), HasError(ErrorCode::kMalformedCbor));
}

TEST(CborReaderTest, Rejects10000DeepArraysAsLimitExceeded) {
  Bytes input(10000, 0x81);
  input.push_back(0x00);
  EXPECT_THAT(DecodeCbor(input), HasError(ErrorCode::kCborLimitExceeded));
}

TEST(CborReaderTest, Rejects10000DeepMapsAsLimitExceeded) {
  Bytes input;
  for (int i = 0; i < 10000; ++i) {
    input.push_back(0xa1);
    input.push_back(0x00);
  }
  input.push_back(0x00);
  EXPECT_THAT(DecodeCbor(input), HasError(ErrorCode::kCborLimitExceeded));
}

TEST(CborReaderTest, AcceptsNestingUpToTheDepthLimit) {
  Bytes at_limit(static_cast<std::size_t>(kMaxCborDepth), 0x81);
  at_limit.push_back(0x00);
  EXPECT_THAT(DecodeCbor(at_limit), IsOk());
  Bytes over_limit(static_cast<std::size_t>(kMaxCborDepth) + 1, 0x81);
  over_limit.push_back(0x00);
  EXPECT_THAT(DecodeCbor(over_limit), HasError(ErrorCode::kCborLimitExceeded));
}

TEST(CborReaderTest, RejectsMapWith100000EntriesDeclaredBeforeAllocating) {
  // With too few bytes for the entries: malformed.
  const Bytes tiny = Hex("ba000186a00000");
  std::size_t largest = LargestAllocationDuring(
      [&] { EXPECT_THAT(DecodeCbor(tiny), HasError(ErrorCode::kMalformedCbor)); });
  EXPECT_LT(largest, 4096u);
  // With enough bytes to be plausible: over the item limit, refused before
  // reserving 100,000 entries.
  Bytes big = Hex("ba000186a0");
  big.resize(big.size() + 200000, 0x00);
  largest = LargestAllocationDuring(
      [&] { EXPECT_THAT(DecodeCbor(big), HasError(ErrorCode::kCborLimitExceeded)); });
  EXPECT_LT(largest, 64u * 1024u);
}

TEST(CborReaderTest, RejectsArrayWith100000ElementsBeforeAllocating) {
  Bytes big = Hex("9a000186a0");
  big.resize(big.size() + 100000, 0x00);
  const std::size_t largest = LargestAllocationDuring(
      [&] { EXPECT_THAT(DecodeCbor(big), HasError(ErrorCode::kCborLimitExceeded)); });
  EXPECT_LT(largest, 64u * 1024u);
}

TEST(CborReaderTest, AcceptsExactlyMaxItems) {
  // One array head plus kMaxCborItems - 1 elements.
  Bytes input = CborHead(4, kMaxCborItems - 1);
  input.resize(input.size() + kMaxCborItems - 1, 0x00);
  auto value = DecodeCbor(input);
  ASSERT_THAT(value, IsOk());
  EXPECT_EQ(value->array().size(), kMaxCborItems - 1);
}

TEST(CborReaderTest, RejectsMoreThanMaxItemsInOneArray) {
  Bytes input = CborHead(4, kMaxCborItems);
  input.resize(input.size() + kMaxCborItems, 0x00);
  EXPECT_THAT(DecodeCbor(input), HasError(ErrorCode::kCborLimitExceeded));
}

TEST(CborReaderTest, RejectsMoreThanMaxItemsSpreadOverNestedArrays) {
  // [[0 × 600], [0 × 600]]: no single array is over the limit, the total is.
  Bytes inner = CborHead(4, 600);
  inner.resize(inner.size() + 600, 0x00);
  const Bytes input = Concat({CborHead(4, 2), inner, inner});
  EXPECT_THAT(DecodeCbor(input), HasError(ErrorCode::kCborLimitExceeded));
}

TEST(CborReaderTest, RejectsMoreThanMaxItemsInAMap) {
  // {0: 0, 1: 0, …} with 600 entries = 1201 items.
  Bytes input = CborHead(5, 600);
  for (std::uint64_t key = 0; key < 600; ++key) {
    const Bytes head = CborHead(0, key);
    input.insert(input.end(), head.begin(), head.end());
    input.push_back(0x00);
  }
  EXPECT_THAT(DecodeCbor(input), HasError(ErrorCode::kCborLimitExceeded));
}

TEST(CborReaderTest, SurvivesOneMebibyteOfRandomGarbage) {
  std::mt19937_64 rng(0x9a5b0de);
  Bytes garbage(1024 * 1024);
  for (auto& b : garbage) {
    b = static_cast<std::uint8_t>(rng());
  }
  const ByteView all(garbage);
  auto whole = DecodeCbor(all);
  if (!whole.has_value()) {
    EXPECT_TRUE(IsReaderError(whole.error().code));
  }
  // Decode from many offsets and with many lengths, so most heads are tried.
  std::size_t offset = 0;
  int decoded = 0;
  while (offset < all.size()) {
    const std::size_t length = std::min<std::size_t>(1 + rng() % 64, all.size() - offset);
    std::size_t consumed = 0;
    auto value = DecodeCborPrefix(all.subspan(offset, length), &consumed);
    if (value.has_value()) {
      ++decoded;
      EXPECT_GE(consumed, 1u);
      EXPECT_LE(consumed, length);
      EXPECT_EQ(value->encoded().size(), consumed);
    } else {
      EXPECT_TRUE(IsReaderError(value.error().code)) << ErrorCodeName(value.error().code);
    }
    offset += length;
  }
  EXPECT_GT(decoded, 0);
}

TEST(CborReaderTest, IsValidUtf8MatchesRfc3629) {
  EXPECT_TRUE(IsValidUtf8(ByteView()));
  EXPECT_TRUE(IsValidUtf8(AsBytes("plain ascii")));
  EXPECT_TRUE(IsValidUtf8(Hex("f48fbfbf")));
  EXPECT_FALSE(IsValidUtf8(Hex("f4908080")));
  EXPECT_FALSE(IsValidUtf8(Hex("eda080")));
  EXPECT_FALSE(IsValidUtf8(Hex("c0af")));
  EXPECT_FALSE(IsValidUtf8(Hex("e6b0")));
  EXPECT_FALSE(IsValidUtf8(Hex("bf")));
}

}  // namespace
}  // namespace passkey::internal
