// ParseClientData (WebAuthn L3 §5.8.1): strict JSON over the exact bytes.
#include "webauthn/client_data.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "internal/limits.h"
#include "test_util.h"

namespace passkey::internal {
namespace {

constexpr std::string_view kMinimal =
    R"({"type":"webauthn.get","challenge":"dGVzdC1jaGFsbGVuZ2U","origin":"https://example.com"})";

Result<ClientData> Parse(std::string_view json) { return ParseClientData(AsBytes(json)); }

// WithMember appends `,"name":value` inside the minimal object.
std::string WithMember(std::string_view member) {
  std::string out(kMinimal);
  out.pop_back();
  out += ",";
  out += member;
  out += "}";
  return out;
}

TEST(ClientDataTest, ParsesMinimalClientData) {
  auto parsed = Parse(kMinimal);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->type, "webauthn.get");
  EXPECT_EQ(parsed->challenge, "dGVzdC1jaGFsbGVuZ2U");
  EXPECT_EQ(parsed->origin, "https://example.com");
  EXPECT_FALSE(parsed->cross_origin);
  EXPECT_FALSE(parsed->top_origin.has_value());
  EXPECT_TRUE(parsed->token_binding_valid);
}

TEST(ClientDataTest, AcceptsAnyMemberOrderAndWhitespace) {
  auto parsed = Parse(
      " {\n  \"origin\" : \"https://example.com\",\r\n\t\"challenge\":\"AAAA\" , "
      "\"type\":\"webauthn.create\"}\n ");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->type, "webauthn.create");
  EXPECT_EQ(parsed->challenge, "AAAA");
}

TEST(ClientDataTest, ReadsCrossOrigin) {
  auto cross = Parse(WithMember(R"("crossOrigin":true)"));
  ASSERT_THAT(cross, IsOk());
  EXPECT_TRUE(cross->cross_origin);
  auto same = Parse(WithMember(R"("crossOrigin":false)"));
  ASSERT_THAT(same, IsOk());
  EXPECT_FALSE(same->cross_origin);
}

TEST(ClientDataTest, ReadsTopOrigin) {
  auto parsed = Parse(WithMember(R"("crossOrigin":true,"topOrigin":"https://top.example")"));
  ASSERT_THAT(parsed, IsOk());
  ASSERT_TRUE(parsed->top_origin.has_value());
  EXPECT_EQ(*parsed->top_origin, "https://top.example");
}

TEST(ClientDataTest, KeepsUnknownMembers) {
  // §5.8.1: clients may add members; e.g. Chrome's "other_keys_can_be_added_here".
  auto parsed = Parse(WithMember(
      R"("other_keys_can_be_added_here":"do not compare clientDataJSON against a template",)"
      R"("ext":{"a":[1,2,{"b":null}]})"));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->type, "webauthn.get");
}

TEST(ClientDataTest, DecodesJsonEscapesInMembers) {
  auto parsed =
      Parse(R"({"type":"webauthn.get","challenge":"AAAA","origin":"https:\/\/ex\u0061mple.com"})");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->origin, "https://example.com");
}

// --- tokenBinding ------------------------------------------------------------

TEST(ClientDataTest, TokenBindingPresentIsValid) {
  auto parsed = Parse(WithMember(R"("tokenBinding":{"status":"present","id":"AAAA"})"));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_TRUE(parsed->token_binding_valid);
}

TEST(ClientDataTest, TokenBindingSupportedIsValid) {
  auto parsed = Parse(WithMember(R"("tokenBinding":{"status":"supported"})"));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_TRUE(parsed->token_binding_valid);
}

TEST(ClientDataTest, TokenBindingNotSupportedIsInvalid) {
  // Parsed, but flagged: the ceremonies report token_binding_invalid.
  auto parsed = Parse(WithMember(R"("tokenBinding":{"status":"not-supported"})"));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_FALSE(parsed->token_binding_valid);
}

TEST(ClientDataTest, TokenBindingObjectWithoutStringStatusIsInvalid) {
  for (const char* member : {R"("tokenBinding":{})", R"("tokenBinding":{"status":1})",
                             R"("tokenBinding":{"status":"PRESENT"})"}) {
    auto parsed = Parse(WithMember(member));
    ASSERT_THAT(parsed, IsOk()) << member;
    EXPECT_FALSE(parsed->token_binding_valid) << member;
  }
}

TEST(ClientDataTest, TokenBindingLegacyStringIsValid) {
  auto parsed = Parse(WithMember(R"("tokenBinding":"unused")"));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_TRUE(parsed->token_binding_valid);
}

TEST(ClientDataTest, TokenBindingNumberIsInvalid) {
  for (const char* member : {R"("tokenBinding":1)", R"("tokenBinding":true)",
                             R"("tokenBinding":null)", R"("tokenBinding":[])"}) {
    auto parsed = Parse(WithMember(member));
    ASSERT_THAT(parsed, IsOk()) << member;
    EXPECT_FALSE(parsed->token_binding_valid) << member;
  }
}

// --- Malformed ------------------------------------------------------------------

TEST(ClientDataTest, RejectsEmptyInput) {
  EXPECT_THAT(ParseClientData(ByteView()), HasError(ErrorCode::kMalformedClientData));
  EXPECT_THAT(Parse(" "), HasError(ErrorCode::kMalformedClientData));
}

TEST(ClientDataTest, RejectsNonJson) {
  for (const char* text : {"type=webauthn.get", "{", "{\"type\":}", "{'type':'webauthn.get'}",
                           "{\"type\":\"webauthn.get\",}", "\xef\xbb"}) {
    EXPECT_THAT(Parse(text), HasError(ErrorCode::kMalformedClientData)) << text;
  }
}

TEST(ClientDataTest, RejectsComments) {
  EXPECT_THAT(Parse(std::string("/* c */") + std::string(kMinimal)),
              HasError(ErrorCode::kMalformedClientData));
  EXPECT_THAT(Parse(std::string(kMinimal) + "// c"), HasError(ErrorCode::kMalformedClientData));
}

TEST(ClientDataTest, RejectsJsonThatIsNotAnObject) {
  for (const char* text : {"\"webauthn.get\"", "1", "true", "null"}) {
    EXPECT_THAT(Parse(text), HasError(ErrorCode::kMalformedClientData)) << text;
  }
}

TEST(ClientDataTest, RejectsArray) {
  EXPECT_THAT(Parse("[]"), HasError(ErrorCode::kMalformedClientData));
  EXPECT_THAT(Parse(std::string("[") + std::string(kMinimal) + "]"),
              HasError(ErrorCode::kMalformedClientData));
}

TEST(ClientDataTest, RejectsMissingType) {
  EXPECT_THAT(Parse(R"({"challenge":"AAAA","origin":"https://example.com"})"),
              HasError(ErrorCode::kMalformedClientData));
}

TEST(ClientDataTest, RejectsMissingChallenge) {
  EXPECT_THAT(Parse(R"({"type":"webauthn.get","origin":"https://example.com"})"),
              HasError(ErrorCode::kMalformedClientData));
}

TEST(ClientDataTest, RejectsMissingOrigin) {
  EXPECT_THAT(Parse(R"({"type":"webauthn.get","challenge":"AAAA"})"),
              HasError(ErrorCode::kMalformedClientData));
}

TEST(ClientDataTest, RejectsMistypedRequiredMembers) {
  for (const char* text : {
           R"({"type":1,"challenge":"AAAA","origin":"https://example.com"})",
           R"({"type":null,"challenge":"AAAA","origin":"https://example.com"})",
           R"({"type":["webauthn.get"],"challenge":"AAAA","origin":"https://example.com"})",
           R"({"type":"webauthn.get","challenge":[1,2],"origin":"https://example.com"})",
           R"({"type":"webauthn.get","challenge":{"a":1},"origin":"https://example.com"})",
           R"({"type":"webauthn.get","challenge":"AAAA","origin":null})",
           R"({"type":"webauthn.get","challenge":"AAAA","origin":true})",
       }) {
    EXPECT_THAT(Parse(text), HasError(ErrorCode::kMalformedClientData)) << text;
  }
}

TEST(ClientDataTest, RejectsCrossOriginThatIsNotBoolean) {
  for (const char* member : {R"("crossOrigin":"true")", R"("crossOrigin":1)", R"("crossOrigin":0)",
                             R"("crossOrigin":null)", R"("crossOrigin":{})"}) {
    EXPECT_THAT(Parse(WithMember(member)), HasError(ErrorCode::kMalformedClientData)) << member;
  }
}

TEST(ClientDataTest, RejectsTopOriginThatIsNotString) {
  for (const char* member : {R"("topOrigin":1)", R"("topOrigin":null)", R"("topOrigin":true)",
                             R"("topOrigin":["https://top.example"])"}) {
    EXPECT_THAT(Parse(WithMember(member)), HasError(ErrorCode::kMalformedClientData)) << member;
  }
}

TEST(ClientDataTest, RejectsDuplicateKeys) {
  EXPECT_THAT(Parse(WithMember(R"("type":"webauthn.create")")),
              HasError(ErrorCode::kMalformedClientData));
  EXPECT_THAT(Parse(WithMember(R"("origin":"https://evil.example")")),
              HasError(ErrorCode::kMalformedClientData));
  EXPECT_THAT(Parse(WithMember(R"("extra":1,"extra":1)")),
              HasError(ErrorCode::kMalformedClientData));
}

TEST(ClientDataTest, RejectsDuplicateKeysSpelledWithEscapes) {
  EXPECT_THAT(Parse(WithMember(R"("t\u0079pe":"webauthn.create")")),
              HasError(ErrorCode::kMalformedClientData));
}

TEST(ClientDataTest, RejectsDuplicateKeysInNestedObject) {
  EXPECT_THAT(Parse(WithMember(R"("tokenBinding":{"status":"present","status":"supported"})")),
              HasError(ErrorCode::kMalformedClientData));
}

TEST(ClientDataTest, SameKeyInDifferentObjectsIsNotADuplicate) {
  EXPECT_THAT(Parse(WithMember(R"("a":{"type":1},"b":{"type":2})")), IsOk());
}

TEST(ClientDataTest, AcceptsNestingUpToTheLimit) {
  // Top-level object plus three more levels = kMaxClientDataDepth (4).
  ASSERT_EQ(kMaxClientDataDepth, 4);
  EXPECT_THAT(Parse(WithMember(R"("x":{"y":{"z":{}}})")), IsOk());
  EXPECT_THAT(Parse(WithMember(R"("x":[[[]]])")), IsOk());
}

TEST(ClientDataTest, RejectsNestingDeeperThanFour) {
  EXPECT_THAT(Parse(WithMember(R"("x":{"y":{"z":{"w":{}}}})")),
              HasError(ErrorCode::kMalformedClientData));
  EXPECT_THAT(Parse(WithMember(R"("x":[[[[]]]])")), HasError(ErrorCode::kMalformedClientData));
  EXPECT_THAT(Parse(WithMember(R"("x":[{"y":[{}]}])")), HasError(ErrorCode::kMalformedClientData));
}

TEST(ClientDataTest, RejectsVeryDeepNestingQuickly) {
  // 8,000 levels within the size limit: refused without recursion.
  const std::string deep = std::string(8000, '[') + std::string(8000, ']');
  ASSERT_LE(deep.size(), kMaxClientDataJsonBytes);
  EXPECT_THAT(Parse(deep), HasError(ErrorCode::kMalformedClientData));
  const std::string deep_in_member =
      WithMember("\"x\":" + std::string(7000, '[') + std::string(7000, ']'));
  EXPECT_THAT(Parse(deep_in_member), HasError(ErrorCode::kMalformedClientData));
}

TEST(ClientDataTest, AcceptsExactlyTheSizeLimit) {
  std::string text = WithMember(R"("pad":"")");
  text.insert(text.size() - 2, kMaxClientDataJsonBytes - text.size(), 'a');
  ASSERT_EQ(text.size(), kMaxClientDataJsonBytes);
  EXPECT_THAT(Parse(text), IsOk());
}

TEST(ClientDataTest, RejectsMoreThan16KiB) {
  std::string text = WithMember(R"("pad":"")");
  text.insert(text.size() - 2, kMaxClientDataJsonBytes + 1 - text.size(), 'a');
  ASSERT_EQ(text.size(), 16u * 1024u + 1u);
  EXPECT_THAT(Parse(text), HasError(ErrorCode::kMalformedClientData));
}

TEST(ClientDataTest, RejectsInvalidUtf8) {
  for (const char* bad :
       {"\xff", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe6\xb0", "\x80"}) {
    // In a member value and in a key.
    EXPECT_THAT(Parse(WithMember(std::string("\"x\":\"") + bad + "\"")),
                HasError(ErrorCode::kMalformedClientData));
    EXPECT_THAT(Parse(WithMember(std::string("\"") + bad + "\":1")),
                HasError(ErrorCode::kMalformedClientData));
  }
  // In the origin itself.
  EXPECT_THAT(
      Parse("{\"type\":\"webauthn.get\",\"challenge\":\"AAAA\",\"origin\":\"https://ex\xff.com\"}"),
      HasError(ErrorCode::kMalformedClientData));
}

TEST(ClientDataTest, RejectsLoneSurrogateEscape) {
  EXPECT_THAT(Parse(WithMember(R"("x":"\ud800")")), HasError(ErrorCode::kMalformedClientData));
  EXPECT_THAT(Parse(WithMember(R"("x":"\udc00\ud800")")),
              HasError(ErrorCode::kMalformedClientData));
}

TEST(ClientDataTest, RejectsTrailingGarbageAfterTheObject) {
  for (const char* trailer : {"x", "{}", ",", "}", "\"", "0", " x"}) {
    EXPECT_THAT(Parse(std::string(kMinimal) + trailer), HasError(ErrorCode::kMalformedClientData))
        << trailer;
  }
}

TEST(ClientDataTest, RejectsNulByteFollowedByGarbage) {
  // A raw NUL is never valid JSON; nlohmann's lexer treats it as the end of
  // input, so whatever follows it must not be silently ignored.
  using namespace std::string_literals;
  for (const std::string& trailer :
       {"\0"s, "\0garbage"s, "\0{\"type\":\"webauthn.create\"}"s, " \0 x"s}) {
    EXPECT_THAT(Parse(std::string(kMinimal) + trailer), HasError(ErrorCode::kMalformedClientData))
        << test::ToHex(AsBytes(trailer));
  }
}

TEST(ClientDataTest, AcceptsTrailingWhitespace) {
  EXPECT_THAT(Parse(std::string(kMinimal) + " \n\t\r"), IsOk());
}

}  // namespace
}  // namespace passkey::internal
