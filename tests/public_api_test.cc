// The shape of the public API (issue #20, "Result and API polish"): parse
// functions return Result<T>, implementation types are not reachable from
// the public headers, and the AAGUID catalog lists what Find looks up.
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <passkey/passkey.h>

#include "test_util.h"

namespace passkey {
namespace {

// --- Implementation detail stays private ------------------------------------------

template <class T>
concept HasNestedImpl = requires { typename T::Impl; };
template <class T>
concept HasNestedState = requires { typename T::State; };
template <class T>
concept HasNestedData = requires { typename T::Data; };
template <class T>
concept HasImplAccessor = requires(const T& object) { object.impl(); };
template <class T>
concept HasEntriesAccessor = requires(const T& object) { object.entries(); };

static_assert(!HasNestedImpl<AttestationTrust>);
static_assert(!HasImplAccessor<AttestationTrust>);
static_assert(!HasNestedState<PreparedCredential>);
static_assert(!HasNestedData<MdsBlob>);
// The payload behind a pointer: copies share it (and a move copies, so no
// MdsBlob is ever left without one).
static_assert(std::is_copy_constructible_v<MdsBlob> && std::is_copy_assignable_v<MdsBlob>);
static_assert(!std::is_default_constructible_v<MdsBlob>);
static_assert(!HasNestedImpl<AaguidCatalog>);
static_assert(!HasEntriesAccessor<AaguidCatalog>);
static_assert(HasEntriesAccessor<MdsBlob>);  // the concept can see a public accessor
// The catalog lists AAGUIDs, the key type Find takes.
static_assert(std::is_same_v<decltype(std::declval<const AaguidCatalog&>().aaguids()),
                             std::vector<Aaguid>>);

// --- Parse functions: one shape -----------------------------------------------------

static_assert(std::is_same_v<decltype(ParseCoseAlgorithm("")), Result<CoseAlgorithm>>);
static_assert(std::is_same_v<decltype(ParseAttachment("")), Result<Attachment>>);
static_assert(std::is_same_v<decltype(ParseUserVerification("")), Result<UserVerification>>);
static_assert(std::is_same_v<decltype(ParseResidentKeyRequirement("")),
                             Result<ResidentKeyRequirement>>);
static_assert(std::is_same_v<decltype(ParseAttestationConveyance("")),
                             Result<AttestationConveyance>>);
static_assert(std::is_same_v<decltype(ParseCredentialHint("")), Result<CredentialHint>>);
static_assert(std::is_same_v<decltype(ParseTimestamp("")), Result<UnixSeconds>>);
static_assert(std::is_same_v<decltype(Aaguid::Parse("")), Result<Aaguid>>);
static_assert(std::is_same_v<decltype(ParseErrorCode("")), Result<ErrorCode>>);

TEST(PublicApiTest, ParseCoseAlgorithmReadsNamesAndNumbers) {
  for (const CoseAlgorithm alg : SupportedAlgorithms(/*include_rs1=*/true)) {
    const Result<CoseAlgorithm> by_name = ParseCoseAlgorithm(CoseAlgorithmName(alg));
    ASSERT_THAT(by_name, IsOk()) << CoseAlgorithmName(alg);
    EXPECT_EQ(*by_name, alg);
    const Result<CoseAlgorithm> by_number =
        ParseCoseAlgorithm(std::to_string(static_cast<int>(alg)));
    ASSERT_THAT(by_number, IsOk()) << static_cast<int>(alg);
    EXPECT_EQ(*by_number, alg);
  }
  EXPECT_EQ(*ParseCoseAlgorithm("-7"), CoseAlgorithm::kEs256);
  EXPECT_EQ(*ParseCoseAlgorithm("RS1"), CoseAlgorithm::kRs1);
}

TEST(PublicApiTest, ParseCoseAlgorithmRefusesOtherText) {
  // Well-formed numbers this build cannot verify.
  for (const char* text : {"-999", "0", "-65536", "-260"}) {
    EXPECT_THAT(ParseCoseAlgorithm(text), HasError(ErrorCode::kUnsupportedAlgorithm)) << text;
  }
  // Not a name (names are exact) and not a decimal int32.
  for (const char* text : {"", "es256", "ES-256", "unknown", " -7", "-7 ", "+7", "-7.0", "0x7",
                           "-2147483649", "2147483648"}) {
    EXPECT_THAT(ParseCoseAlgorithm(text), HasError(ErrorCode::kInvalidArgument)) << text;
  }
}

TEST(PublicApiTest, EnumParsersReturnTheValueOrInvalidArgument) {
  EXPECT_EQ(*ParseAttachment("platform"), Attachment::kPlatform);
  EXPECT_EQ(*ParseAttachment("cross-platform"), Attachment::kCrossPlatform);
  EXPECT_THAT(ParseAttachment("Platform"), HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(ParseAttachment("hybrid"), HasError(ErrorCode::kInvalidArgument));
  EXPECT_EQ(*ParseUserVerification("required"), UserVerification::kRequired);
  EXPECT_EQ(*ParseUserVerification("preferred"), UserVerification::kPreferred);
  EXPECT_EQ(*ParseUserVerification("discouraged"), UserVerification::kDiscouraged);
  EXPECT_THAT(ParseUserVerification(""), HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(ParseUserVerification("REQUIRED"), HasError(ErrorCode::kInvalidArgument));
}

// --- AaguidCatalog: listed by AAGUID ------------------------------------------------

Aaguid AaguidOf(const char* text) { return Aaguid::Parse(text).value(); }

TEST(PublicApiTest, CatalogListsItsAaguidsInOrderAndFindAnswersEach) {
  Result<AaguidCatalog> catalog = AaguidCatalog::FromJson(
      R"({"FFFFFFFF-0000-0000-0000-000000000001": {"name": "Last"},)"
      R"( "00000000-0000-0000-0000-000000000002": {"name": "First"},)"
      R"( "7f000000-0000-0000-0000-000000000000": {"name": "Middle"}})");
  ASSERT_THAT(catalog, IsOk());
  const std::vector<Aaguid> expected = {AaguidOf("00000000-0000-0000-0000-000000000002"),
                                        AaguidOf("7f000000-0000-0000-0000-000000000000"),
                                        AaguidOf("ffffffff-0000-0000-0000-000000000001")};
  EXPECT_EQ(catalog->aaguids(), expected);
  EXPECT_EQ(catalog->size(), 3u);
  EXPECT_EQ(catalog->Find(expected[0])->name, "First");
  EXPECT_EQ(catalog->Find(expected[1])->name, "Middle");
  EXPECT_EQ(catalog->Find(expected[2])->name, "Last");

  // Copies are independent; a moved-from catalog is empty and usable.
  AaguidCatalog copy = *catalog;
  ASSERT_THAT(copy.Add(AaguidOf("00000000-0000-0000-0000-0000000000aa"), {"Added", "", ""}),
              IsOk());
  EXPECT_EQ(copy.size(), 4u);
  EXPECT_EQ(catalog->size(), 3u);
  AaguidCatalog moved = std::move(copy);
  EXPECT_EQ(moved.size(), 4u);
  EXPECT_EQ(copy.size(), 0u);  // NOLINT(bugprone-use-after-move): documented state
  EXPECT_TRUE(copy.aaguids().empty());
  EXPECT_EQ(copy.Find(expected[0]), nullptr);
  copy.Merge(*catalog);
  EXPECT_EQ(copy.aaguids(), expected);

  EXPECT_TRUE(AaguidCatalog().aaguids().empty());
  EXPECT_EQ(AaguidCatalog().Find(expected[0]), nullptr);
}

TEST(PublicApiTest, EmbeddedCatalogListsEveryEntryOnce) {
  const AaguidCatalog& embedded = AaguidCatalog::Embedded();
  const std::vector<Aaguid> aaguids = embedded.aaguids();
  ASSERT_EQ(aaguids.size(), embedded.size());
  for (std::size_t i = 0; i < aaguids.size(); ++i) {
    if (i > 0) {
      EXPECT_LT(aaguids[i - 1].bytes, aaguids[i].bytes);
    }
    EXPECT_NE(embedded.Find(aaguids[i]), nullptr) << aaguids[i].ToString();
  }
}

}  // namespace
}  // namespace passkey
