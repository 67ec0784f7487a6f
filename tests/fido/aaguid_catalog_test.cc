#include <passkey/aaguid_catalog.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "test_util.h"

namespace passkey {
namespace {

Aaguid MustParse(std::string_view text) {
  auto parsed = Aaguid::Parse(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed.has_value() ? *parsed : Aaguid{};
}

TEST(AaguidCatalogTest, EmbeddedHasAtLeastFortyEntriesAndAllResolve) {
  const AaguidCatalog& catalog = AaguidCatalog::Embedded();
  EXPECT_GE(catalog.size(), 40u);
  for (const Aaguid& aaguid : catalog.aaguids()) {
    const std::string key = aaguid.ToString();
    const AuthenticatorInfo* found = catalog.Find(aaguid);
    ASSERT_NE(found, nullptr) << key;
    EXPECT_FALSE(found->name.empty()) << key;
    EXPECT_EQ(found->icon_light.rfind("data:image/svg+xml;base64,", 0), 0u) << key;
    EXPECT_EQ(found->icon_dark.rfind("data:image/svg+xml;base64,", 0), 0u) << key;
    EXPECT_NE(found->icon_light, found->icon_dark) << key;
  }
}

// The table fido/CMakeLists.txt compiles must hold exactly what the JSON
// loader reads from the same file: same keys, names and icons.
TEST(AaguidCatalogTest, EmbeddedTableEqualsTheJsonItIsCompiledFrom) {
  auto text = test::ReadFile(std::string(PASSKEY_SOURCE_DIR) + "/fido/aaguids.json");
  ASSERT_TRUE(text.has_value());
  auto loaded = AaguidCatalog::FromJson(*text);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  const AaguidCatalog& embedded = AaguidCatalog::Embedded();
  ASSERT_EQ(embedded.size(), loaded->size());
  EXPECT_EQ(embedded.aaguids(), loaded->aaguids());
  for (const Aaguid& aaguid : loaded->aaguids()) {
    const AuthenticatorInfo* found = embedded.Find(aaguid);
    ASSERT_NE(found, nullptr) << aaguid.ToString();
    EXPECT_EQ(*found, *loaded->Find(aaguid)) << aaguid.ToString();
  }
}

TEST(AaguidCatalogTest, EmbeddedKnowsWellKnownProviders) {
  const AaguidCatalog& catalog = AaguidCatalog::Embedded();
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"fbfc3007-154e-4ecc-8c0b-6e020557d7bd", "iCloud Keychain"},
      {"ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4", "Google Password Manager"},
      {"bada5566-a7aa-401f-bd96-45619a55120d", "1Password"},
      {"d548826e-79b4-db40-a3d8-11116f7e8349", "Bitwarden"},
  };
  for (const auto& [uuid, name] : expected) {
    const AuthenticatorInfo* info = catalog.Find(MustParse(uuid));
    ASSERT_NE(info, nullptr) << uuid;
    EXPECT_EQ(info->name, name);
  }
  // Upper case parses to the same AAGUID.
  EXPECT_NE(catalog.Find(MustParse("FBFC3007-154E-4ECC-8C0B-6E020557D7BD")), nullptr);
}

TEST(AaguidCatalogTest, FindReturnsNullForUnknownAndZero) {
  const AaguidCatalog& catalog = AaguidCatalog::Embedded();
  EXPECT_EQ(catalog.Find(Aaguid{}), nullptr);
  EXPECT_EQ(catalog.Find(MustParse("01234567-89ab-cdef-0123-456789abcdef")), nullptr);
}

TEST(AaguidCatalogTest, EmbeddedIsSafeFromManyThreads) {
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([] {
      for (int j = 0; j < 100; ++j) {
        EXPECT_NE(AaguidCatalog::Embedded().Find(
                      MustParse("bada5566-a7aa-401f-bd96-45619a55120d")),
                  nullptr);
      }
    });
  }
  for (auto& t : threads) t.join();
}

TEST(AaguidCatalogTest, LoadsMinimalEntryWithoutIcons) {
  auto catalog = AaguidCatalog::FromJson(R"({"01234567-89ab-cdef-0123-456789abcdef": {"name": "X"}})");
  ASSERT_TRUE(catalog.has_value());
  const AuthenticatorInfo* info = catalog->Find(MustParse("01234567-89ab-cdef-0123-456789abcdef"));
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->name, "X");
  EXPECT_TRUE(info->icon_light.empty());
}

TEST(AaguidCatalogTest, NullIconsAreAbsent) {
  auto catalog = AaguidCatalog::FromJson(
      R"({"01234567-89ab-cdef-0123-456789abcdef": {"name": "X", "icon_light": null, "icon_dark": null}})");
  ASSERT_TRUE(catalog.has_value());
  EXPECT_TRUE(catalog->Find(MustParse("01234567-89ab-cdef-0123-456789abcdef"))->icon_dark.empty());
}

TEST(AaguidCatalogTest, MergeLetsLaterSourcesOverride) {
  auto base = AaguidCatalog::FromJson(
      R"({"01234567-89ab-cdef-0123-456789abcdef": {"name": "Old"},
          "11111111-2222-3333-4444-555555555555": {"name": "Kept"}})");
  auto overlay = AaguidCatalog::FromJson(R"({"01234567-89AB-CDEF-0123-456789ABCDEF": {"name": "New"}})");
  ASSERT_TRUE(base.has_value());
  ASSERT_TRUE(overlay.has_value());
  base->Merge(*overlay);
  EXPECT_EQ(base->size(), 2u);
  EXPECT_EQ(base->Find(MustParse("01234567-89ab-cdef-0123-456789abcdef"))->name, "New");
  EXPECT_EQ(base->Find(MustParse("11111111-2222-3333-4444-555555555555"))->name, "Kept");
}

TEST(AaguidCatalogTest, EmptyObjectIsCatalogEmpty) {
  EXPECT_THAT(AaguidCatalog::FromJson("{}"), HasError(ErrorCode::kCatalogEmpty));
  EXPECT_THAT(AaguidCatalog::FromJson(" { } "), HasError(ErrorCode::kCatalogEmpty));
}

TEST(AaguidCatalogTest, RejectsMalformedCatalogs) {
  const std::vector<std::string> bad = {
      "",
      "[]",
      "\"x\"",
      "{",
      R"({"not-a-uuid": {"name": "X"}})",
      R"({"01234567-89ab-cdef-0123-456789abcde": {"name": "X"}})",
      R"({"00000000-0000-0000-0000-000000000000": {"name": "X"}})",
      R"({"01234567-89ab-cdef-0123-456789abcdef": "X"})",
      R"({"01234567-89ab-cdef-0123-456789abcdef": {}})",
      R"({"01234567-89ab-cdef-0123-456789abcdef": {"name": ""}})",
      R"({"01234567-89ab-cdef-0123-456789abcdef": {"name": 7}})",
      R"({"01234567-89ab-cdef-0123-456789abcdef": {"name": "X", "icon_light": 1}})",
      R"({"01234567-89ab-cdef-0123-456789abcdef": {"name": "X", "icon_dark": false}})",
      R"({"01234567-89ab-cdef-0123-456789abcdef": {"name": "X", "icon_dark": {"a": "b"}}})",
      // Duplicate key, exact and differing only in case.
      R"({"01234567-89ab-cdef-0123-456789abcdef": {"name": "X"},
          "01234567-89ab-cdef-0123-456789abcdef": {"name": "Y"}})",
      R"({"01234567-89ab-cdef-0123-456789abcdef": {"name": "X"},
          "01234567-89AB-CDEF-0123-456789ABCDEF": {"name": "Y"}})",
      R"({"01234567-89ab-cdef-0123-456789abcdef": {"name": "X", "name": "Y"}})",
      R"({"01234567-89ab-cdef-0123-456789abcdef": {"name": "X"}} trailing)",
  };
  for (const auto& json : bad) {
    EXPECT_THAT(AaguidCatalog::FromJson(json), HasError(ErrorCode::kMalformedCatalog)) << json;
  }
}

TEST(AaguidCatalogTest, DepthIsBounded) {
  // Catalog object, entry object and one array in an ignored member reach
  // the catalog's cap (3); one more level, 65 or a million are refused.
  const auto nested = [](std::size_t depth) {
    return R"({"01234567-89ab-cdef-0123-456789abcdef": {"name": "X", "x": )" +
           std::string(depth, '[') + std::string(depth, ']') + "}}";
  };
  EXPECT_THAT(AaguidCatalog::FromJson(nested(1)), IsOk());
  for (std::size_t depth : {2u, 63u, 1000000u}) {
    EXPECT_THAT(AaguidCatalog::FromJson(nested(depth)), HasError(ErrorCode::kMalformedCatalog))
        << depth;
  }
}

TEST(AaguidCatalogTest, RejectsHugeInput) {
  std::string huge = R"({"01234567-89ab-cdef-0123-456789abcdef": {"name": ")";
  huge.append(8 * 1024 * 1024, 'a');
  huge += "\"}}";
  EXPECT_THAT(AaguidCatalog::FromJson(huge), HasError(ErrorCode::kCatalogLimitExceeded));
}

TEST(AaguidCatalogTest, SharedCommunityListLoadsAndResolves) {
  auto vectors = test::SharedVectorsDir();
  if (!vectors.has_value()) GTEST_SKIP() << "shared vectors directory not configured";
  const auto path = std::filesystem::path(*vectors).parent_path() / "fido" / "aaguids.json";
  auto text = test::ReadFile(path.string());
  if (!text.has_value()) GTEST_SKIP() << "shared community list absent: " << path;
  auto catalog = AaguidCatalog::FromJson(*text);
  ASSERT_TRUE(catalog.has_value()) << catalog.error().message;
  EXPECT_GT(catalog->size(), 100u);
  std::size_t with_icons = 0;
  for (const Aaguid& aaguid : catalog->aaguids()) {
    const std::string key = aaguid.ToString();
    const AuthenticatorInfo* found = catalog->Find(aaguid);
    ASSERT_NE(found, nullptr) << key;
    EXPECT_FALSE(found->name.empty());
    if (!found->icon_light.empty() && !found->icon_dark.empty()) {
      EXPECT_EQ(found->icon_light.rfind("data:", 0), 0u) << key;
      EXPECT_EQ(found->icon_dark.rfind("data:", 0), 0u) << key;
      ++with_icons;
    }
  }
  EXPECT_GT(with_icons, catalog->size() / 2);
  // Overlaying the community list on the embedded catalog keeps both.
  AaguidCatalog merged = AaguidCatalog::Embedded();
  merged.Merge(*catalog);
  EXPECT_GE(merged.size(), catalog->size());
  // Every AAGUID we embed is a public fact: it is in the community list.
  for (const Aaguid& aaguid : AaguidCatalog::Embedded().aaguids()) {
    EXPECT_NE(catalog->Find(aaguid), nullptr)
        << aaguid.ToString() << " " << AaguidCatalog::Embedded().Find(aaguid)->name;
  }
}

}  // namespace
}  // namespace passkey
