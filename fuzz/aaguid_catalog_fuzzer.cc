// AAGUID catalog JSON (the community format, AaguidCatalog::FromJson).
// Invariants:
// - a failure carries one of the codes aaguid_catalog.h documents
//   (malformed_catalog, catalog_empty, catalog_limit_exceeded);
// - a loaded catalog is never empty, and every AAGUID it reports (entries())
//   is a canonical lowercase UUID, not all-zero, with a non-empty name, and
//   Find answers it with exactly that entry; the all-zero AAGUID finds nothing;
// - writing the entries back in the community format (keys upper-cased, icons
//   always present) loads again to the same entries;
// - merged over the embedded catalog, every loaded entry wins and every other
//   embedded entry is kept.
#include <cctype>
#include <string>

#include <nlohmann/json.hpp>

#include <passkey/aaguid_catalog.h>

#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using passkey::Aaguid;
  using passkey::AaguidCatalog;
  using passkey::ErrorCode;
  auto loaded = AaguidCatalog::FromJson(passkey::fuzz::AsText(data, size));
  if (!loaded.has_value()) {
    const ErrorCode code = loaded.error().code;
    FUZZ_CHECK(code == ErrorCode::kMalformedCatalog || code == ErrorCode::kCatalogEmpty ||
               code == ErrorCode::kCatalogLimitExceeded);
    return 0;
  }
  const AaguidCatalog& catalog = *loaded;
  FUZZ_CHECK(catalog.size() > 0);
  FUZZ_CHECK(catalog.size() == catalog.entries().size());
  FUZZ_CHECK(catalog.Find(Aaguid{}) == nullptr);

  nlohmann::ordered_json rewritten = nlohmann::ordered_json::object();
  for (const auto& [key, info] : catalog.entries()) {
    auto aaguid = Aaguid::Parse(key);
    FUZZ_CHECK(aaguid.has_value());
    FUZZ_CHECK(aaguid->ToString() == key);
    FUZZ_CHECK(!aaguid->IsZero());
    FUZZ_CHECK(!info.name.empty());
    FUZZ_CHECK(catalog.Find(*aaguid) == &info);
    std::string upper = key;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    rewritten[upper] = {
        {"name", info.name}, {"icon_light", info.icon_light}, {"icon_dark", info.icon_dark}};
  }
  auto again = AaguidCatalog::FromJson(rewritten.dump());
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(again->entries() == catalog.entries());

  AaguidCatalog merged = AaguidCatalog::Embedded();
  merged.Merge(catalog);
  for (const auto& [key, info] : catalog.entries()) {
    const passkey::AuthenticatorInfo* found = merged.Find(*Aaguid::Parse(key));
    FUZZ_CHECK(found != nullptr && *found == info);
  }
  for (const auto& [key, info] : AaguidCatalog::Embedded().entries()) {
    if (catalog.entries().contains(key)) continue;
    const passkey::AuthenticatorInfo* found = merged.Find(*Aaguid::Parse(key));
    FUZZ_CHECK(found != nullptr && *found == info);
  }
  return 0;
}
