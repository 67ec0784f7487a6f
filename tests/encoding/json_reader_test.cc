// JsonReader (the hot-path JSON validator) must accept exactly what
// ParseJsonStrict (nlohmann) accepts, and read the same values. Checked on
// hand-made edge cases, on every committed fuzz corpus input of the JSON
// targets, and on deterministic mutations of those.
#include "encoding/json_reader.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "encoding/json_util.h"
#include "internal/limits.h"
#include "test_util.h"

namespace passkey::internal {
namespace {

using namespace std::string_literals;
using test::ReadFile;
using test::ToHex;

bool ReaderAccepts(const std::string& text, int depth) {
  JsonValue root;
  const char* why = nullptr;
  return ValidateJson(text, depth, &root, &why);
}

bool NlohmannAccepts(const std::string& text, int depth) {
  nlohmann::json json;
  std::string why;
  return ParseJsonStrict(text, depth, &json, &why);
}

JsonKind KindOf(const nlohmann::json& j) {
  if (j.is_null()) return JsonKind::kNull;
  if (j.is_boolean()) return j.get<bool>() ? JsonKind::kTrue : JsonKind::kFalse;
  if (j.is_number()) return JsonKind::kNumber;
  if (j.is_string()) return JsonKind::kString;
  if (j.is_array()) return JsonKind::kArray;
  return JsonKind::kObject;
}

// SameValue: the reader's view of `value` matches nlohmann's `j`, deeply.
void ExpectSameValue(const JsonValue& value, const nlohmann::json& j, const std::string& text) {
  ASSERT_EQ(value.kind, KindOf(j)) << text;
  if (value.is_string()) {
    EXPECT_EQ(DecodeJsonString(value), j.get<std::string>()) << text;
  } else if (value.kind == JsonKind::kNumber) {
    EXPECT_EQ(JsonInteger(value), JsonInt64(j)) << text;
  } else if (value.is_object()) {
    JsonMembers members(value);
    std::string_view key;
    JsonValue member;
    std::size_t count = 0;
    while (members.Next(&key, &member)) {
      ++count;
      bool found = false;
      for (const auto& [name, child] : j.items()) {
        if (JsonKeyEquals(key, name)) {
          found = true;
          ExpectSameValue(member, child, text);
          const std::optional<JsonValue> by_name = FindMember(value, name);
          ASSERT_TRUE(by_name.has_value()) << text;
          EXPECT_EQ(by_name->text, member.text) << text;
        }
      }
      EXPECT_TRUE(found) << text;
    }
    EXPECT_EQ(count, j.size()) << text;
  } else if (value.is_array()) {
    JsonElements elements(value);
    JsonValue element;
    std::size_t index = 0;
    while (elements.Next(&element)) {
      ASSERT_LT(index, j.size()) << text;
      ExpectSameValue(element, j[index], text);
      ++index;
    }
    EXPECT_EQ(index, j.size()) << text;
  }
}

void ExpectAgreement(const std::string& text) {
  for (int depth : {1, 2, 4, 8}) {
    const bool nlohmann_ok = NlohmannAccepts(text, depth);
    ASSERT_EQ(ReaderAccepts(text, depth), nlohmann_ok)
        << "depth " << depth << " text (hex) " << ToHex(AsBytes(text));
    if (nlohmann_ok) {
      JsonValue root;
      const char* why = nullptr;
      ASSERT_TRUE(ValidateJson(text, depth, &root, &why));
      nlohmann::json j;
      std::string unused;
      ASSERT_TRUE(ParseJsonStrict(text, depth, &j, &unused));
      ExpectSameValue(root, j, text);
    }
  }
}

TEST(JsonReaderTest, AgreesWithNlohmannOnEdgeCases) {
  const std::vector<std::string> cases = {
      "", " ", "{}", "[]", "{ }", "[ ]", "0", "-0", "1", "-", "01", "1.", ".5", "1.5", "1e5",
      "1E+5", "1e-5", "1e", "1e+", "-1.5e-3", "1.5.3", "+1", "0x10", "1e308", "1.7976931348623157e308",
      "1.7976931348623159e308", "1e309", "-1e309", "1e-400", "0e99999999999", "0.0e999999",
      "123456789012345678901234567890", std::string(400, '9'), "-" + std::string(400, '9'),
      "0." + std::string(400, '0') + "1e400", "18446744073709551615", "18446744073709551616",
      "-9223372036854775808", "-9223372036854775809", "9223372036854775808",
      "true", "false", "null", "tru", "nul", "truex", "True", "NaN", "Infinity",
      "\"a\"", "\"\"", "\"\\u0000\"", "\"\\u00e9\"", "\"\\uD83D\\uDE00\"", "\"\\uD83D\"",
      "\"\\uD83Dx\"", "\"\\uD83D\\u0041\"", "\"\\uDE00\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\x\"",
      "\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"", "\"\t\"", "\"\x1f\"", "\"\x7f\"", "\"unterminated",
      "\"\xc3\xa9\"", "\"\xc0\x80\"", "\"\xc1\xbf\"", "\"\xe0\x80\x80\"", "\"\xe0\xa0\x80\"",
      "\"\xed\xa0\x80\"", "\"\xed\x9f\xbf\"", "\"\xf0\x8f\xbf\xbf\"", "\"\xf0\x90\x80\x80\"",
      "\"\xf4\x8f\xbf\xbf\"", "\"\xf4\x90\x80\x80\"", "\"\xf5\x80\x80\x80\"", "\"\xff\"",
      "\"\xc3\"", "\"\xe2\x82\"", "\x80", "\xef\xbb\xbf{}", "\xef\xbb\xbf", "\xef\xbb{}",
      "\xef{}", " \xef\xbb\xbf{}", "\xef\xbb\xbf\xef\xbb\xbf{}", "{}\xef\xbb\xbf",
      "{\"a\":1}", "{\"a\":1,}", "{,}", "{\"a\"}", "{\"a\":}", "{\"a\" 1}", "{a:1}", "{'a':1}",
      "{\"a\":1 \"b\":2}", "{\"a\":1,\"a\":2}", "{\"a\":1,\"\\u0061\":2}", "{\"a\":{\"a\":1}}",
      "{\"a\":{\"b\":1,\"b\":2}}", "[{\"a\":1},{\"a\":1}]", "{\"a\":[{\"b\":1,\"b\":1}]}",
      "[1,]", "[,1]", "[1 2]", "[[[[]]]]", "[[[[[]]]]]", "{\"a\":{\"b\":{\"c\":{}}}}",
      "{\"a\":{\"b\":{\"c\":{\"d\":{}}}}}", "[{\"a\":[{\"b\":[]}]}]", "{} {}", "{}x", "{} ",
      " \t\r\n{} \t\r\n", "{}\v", "\f{}", "/*c*/{}", "{}//c", "{\"a\":1}\0"s, "\0"s,
      "{\"a\":\"\0\"}"s, "{\"\":1}", "{\"\":1,\"\":2}", "{\"\\\"\":1,\"\\\"\":2}",
      "{\"type\":\"webauthn.get\",\"challenge\":\"AAAA\",\"origin\":\"https://example.com\"}",
      "{\"tokenBinding\":{\"status\":\"present\",\"id\":\"x\"},\"n\":[1,2.5,-3e2,true,null]}",
  };
  for (const std::string& text : cases) ExpectAgreement(text);
  // Many keys in one object: the sorted duplicate check.
  std::string many = "{";
  for (int i = 0; i < 100; ++i) many += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  ExpectAgreement(many + "\"k99x\":0}");
  ExpectAgreement(many + "\"k42\":0}");
  ExpectAgreement(many + "\"k\\u0034\\u0032\":0}");
}

// The string scanners read eight bytes at a time while none can be special
// (a quote, a backslash, a control character or a byte >= 0x80): put each
// kind of special byte at every offset of a long string, across word
// boundaries, after runs of every length, and compare with nlohmann.
TEST(JsonReaderTest, AgreesWithNlohmannOnSpecialBytesAtEveryOffset) {
  const std::vector<std::string> specials = {"\"",     "\\\"",  "\\\\", "\\n", "\\u00e9", "\x1f",
                                             "\x01",   "\t",      "\xc3\xa9", "\xe2\x82\xac", "\xff",
                                             "\xc3",   "\x7f",    " ",        "\x20\x1f"};
  for (std::size_t offset = 0; offset < 24; ++offset) {
    for (const std::string& special : specials) {
      const std::string body = std::string(offset, 'A') + special + std::string(17, 'B');
      ExpectAgreement("{\"a\":\"" + body + "\",\"b\":[\"" + body + "\",1]}");
      ExpectAgreement("[\"" + body + "\"]");
    }
  }
}

std::vector<std::string> CorpusInputs() {
  std::vector<std::string> inputs;
  const std::filesystem::path root = std::filesystem::path(PASSKEY_SOURCE_DIR) / "fuzz" / "corpus";
  for (const char* target :
       {"client_data", "authentication_response_json", "registration_response_json",
        "credential_record"}) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(root / target, ec)) {
      auto content = ReadFile(entry.path().string());
      if (content.has_value()) inputs.push_back(*content);
    }
  }
  std::sort(inputs.begin(), inputs.end());  // a deterministic order for mutations
  return inputs;
}

TEST(JsonReaderTest, AgreesWithNlohmannOnTheFuzzCorpora) {
  const std::vector<std::string> inputs = CorpusInputs();
  ASSERT_GT(inputs.size(), 50u) << "fuzz corpora not found under " << PASSKEY_SOURCE_DIR;
  for (const std::string& text : inputs) ExpectAgreement(text);
}

TEST(JsonReaderTest, AgreesWithNlohmannOnMutations) {
  const std::vector<std::string> inputs = CorpusInputs();
  ASSERT_FALSE(inputs.empty());
  std::mt19937 rng(20261123);
  const std::string tokens[] = {"\"", "\\", "\\u", "\\uD800", "\\uDC00", "{", "}", "[", "]",
                                ":", ",", " ", "\x00"s, "\xef\xbb\xbf", "\xc3", "\xff", "1e999",
                                "-", "0", ".", "e", "true", "null", "\"type\"", "\"a\":1,"};
  int accepted = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string text = inputs[rng() % inputs.size()];
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = rng() % (text.size() + 1);
      switch (rng() % 4) {
        case 0:
          if (at < text.size()) text[at] = static_cast<char>(rng() & 0xff);
          break;
        case 1:
          if (at < text.size()) text.erase(at, 1 + rng() % 4);
          break;
        case 2: {
          const std::string& t = tokens[rng() % std::size(tokens)];
          text.insert(at, t);
          break;
        }
        default: {
          // Duplicate a slice (repeats keys, nests deeper).
          const std::size_t from = rng() % text.size();
          const std::size_t length = std::min<std::size_t>(1 + rng() % 40, text.size() - from);
          text.insert(at, text.substr(from, length));
          break;
        }
      }
    }
    ExpectAgreement(text);
    if (NlohmannAccepts(text, 8)) ++accepted;
  }
  // The mutations must exercise both verdicts.
  EXPECT_GT(accepted, 50);
  EXPECT_LT(accepted, 3950);
}


// --- Integers: strict, no wrap-around, no rounding --------------------------------

struct IntegerCase {
  std::string text;
  std::optional<std::int64_t> int64;
  std::optional<std::uint64_t> uint64;
};

TEST(JsonReaderTest, IntegersAreStrictAndInRange) {
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  const std::vector<IntegerCase> cases = {
      {"0", 0, 0},
      {"-0", 0, 0},
      {"-7", -7, std::nullopt},
      {"7", 7, 7},
      {"9223372036854775807", kMax, static_cast<std::uint64_t>(kMax)},
      {"-9223372036854775808", kMin, std::nullopt},
      // Outside int64: refused, never wrapped.
      {"9223372036854775808", std::nullopt, 9223372036854775808u},
      {"18446744073709551609", std::nullopt, 18446744073709551609u},  // -7 if wrapped
      {"18446744073709551615", std::nullopt, std::numeric_limits<std::uint64_t>::max()},
      {"18446744073709551616", std::nullopt, std::nullopt},
      {"-9223372036854775809", std::nullopt, std::nullopt},
      {"-18446744073709551623", std::nullopt, std::nullopt},
      // Strict: a fraction or an exponent is not an integer, whatever the value.
      {"1.5", std::nullopt, std::nullopt},
      {"-7.0", std::nullopt, std::nullopt},
      {"-7.0000000000000001", std::nullopt, std::nullopt},  // -7 if rounded
      {"1e2", std::nullopt, std::nullopt},
      {"1E2", std::nullopt, std::nullopt},
      {"-7e0", std::nullopt, std::nullopt},
      {"0.0", std::nullopt, std::nullopt},
      // Not numbers at all.
      {"\"-7\"", std::nullopt, std::nullopt},
      {"true", std::nullopt, std::nullopt},
      {"null", std::nullopt, std::nullopt},
      {"[-7]", std::nullopt, std::nullopt},
  };
  for (const IntegerCase& c : cases) {
    JsonValue value;
    const char* why = nullptr;
    ASSERT_TRUE(ValidateJson(c.text, 4, &value, &why)) << c.text;
    EXPECT_EQ(JsonInteger(value), c.int64) << c.text;
    nlohmann::json j;
    std::string unused;
    ASSERT_TRUE(ParseJsonStrict(c.text, 4, &j, &unused)) << c.text;
    EXPECT_EQ(JsonInt64(j), c.int64) << c.text;
    EXPECT_EQ(JsonUint64(j), c.uint64) << c.text;
  }
  // Beyond a double: not JSON we accept at all.
  for (const std::string text : {"1e400", "-1e400", "[1e400]"}) {
    EXPECT_FALSE(ReaderAccepts(text, 4)) << text;
    EXPECT_FALSE(NlohmannAccepts(text, 4)) << text;
  }
}

// --- Nesting depth ----------------------------------------------------------------

std::string NestedArrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

TEST(JsonReaderTest, DepthIsBoundedTo64WhateverTheCallerAsks) {
  static_assert(kMaxJsonDepth == 64);
  for (int asked : {64, 65, 1000}) {
    EXPECT_TRUE(ReaderAccepts(NestedArrays(64), asked)) << asked;
    EXPECT_TRUE(NlohmannAccepts(NestedArrays(64), asked)) << asked;
    EXPECT_TRUE(JsonDepthWithin(NestedArrays(64), asked)) << asked;
    EXPECT_FALSE(ReaderAccepts(NestedArrays(65), asked)) << asked;
    EXPECT_FALSE(NlohmannAccepts(NestedArrays(65), asked)) << asked;
    EXPECT_FALSE(JsonDepthWithin(NestedArrays(65), asked)) << asked;
  }
  // A stricter caller depth stays stricter.
  EXPECT_TRUE(NlohmannAccepts(NestedArrays(4), 4));
  EXPECT_FALSE(NlohmannAccepts(NestedArrays(5), 4));
}

TEST(JsonReaderTest, DepthScanSkipsStringsAndCountsObjects) {
  // Brackets inside strings (escaped quotes included) do not nest.
  EXPECT_TRUE(JsonDepthWithin(R"(["[[[[", "\"[[[[", {"k[[": "]]{{"}])", 2));
  EXPECT_FALSE(JsonDepthWithin(R"(["\\", [[]]])", 2));  // "\\" ends the string
  EXPECT_TRUE(JsonDepthWithin(R"({"a":{"b":{}}})", 3));
  EXPECT_FALSE(JsonDepthWithin(R"({"a":{"b":{"c":[]}}})", 3));
  // Closers never take the count below zero.
  EXPECT_FALSE(JsonDepthWithin("]]]]" + NestedArrays(3), 2));
  EXPECT_TRUE(JsonDepthWithin("", 0));
  EXPECT_FALSE(JsonDepthWithin("[", 0));
}

TEST(JsonReaderTest, HugeNestingIsRefusedBeforeNlohmann) {
  // 8 MiB of '[' (and an unterminated one): refused by the scan, which
  // neither recurses nor allocates (nlohmann alone would keep a stack
  // entry per level). Time and memory are measured by hand (see the
  // hardening notes), not asserted here.
  const std::string deep(8 * 1024 * 1024, '[');
  EXPECT_FALSE(JsonDepthWithin(deep, 64));
  nlohmann::json j;
  std::string why;
  EXPECT_FALSE(ParseJsonStrict(deep, 16, &j, &why));
  EXPECT_EQ(why, "JSON nested deeper than allowed");
  EXPECT_FALSE(ParseJsonStrict(deep + std::string(deep.size(), ']'), 64, &j, &why));
  EXPECT_EQ(why, "JSON nested deeper than allowed");
  EXPECT_FALSE(ReaderAccepts(deep, 64));
}

}  // namespace
}  // namespace passkey::internal
