// AAGUID catalog JSON (the community format, AaguidCatalog::FromJson).
// Invariants:
// - a failure carries one of the codes aaguid_catalog.h documents
//   (malformed_catalog, catalog_empty, catalog_limit_exceeded);
// - a loaded catalog is never empty, and the AAGUIDs it reports (aaguids())
//   are size() many, strictly ascending, none all-zero, each with an entry
//   of a non-empty name; the all-zero AAGUID finds nothing;
// - writing the entries back in the community format (keys upper-cased, icons
//   always present) loads again to the same entries;
// - merged over the embedded catalog, every loaded entry wins and every other
//   embedded entry is kept.
#include <cctype>
#include <string>
#include <vector>

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
  const std::vector<Aaguid> aaguids = catalog.aaguids();
  FUZZ_CHECK(catalog.size() == aaguids.size());
  FUZZ_CHECK(catalog.Find(Aaguid{}) == nullptr);

  nlohmann::ordered_json rewritten = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < aaguids.size(); ++i) {
    const Aaguid& aaguid = aaguids[i];
    FUZZ_CHECK(i == 0 || aaguids[i - 1].bytes < aaguid.bytes);
    FUZZ_CHECK(!aaguid.IsZero());
    const passkey::AuthenticatorInfo* info = catalog.Find(aaguid);
    FUZZ_CHECK(info != nullptr && !info->name.empty());
    std::string upper = aaguid.ToString();
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    rewritten[upper] = {
        {"name", info->name}, {"icon_light", info->icon_light}, {"icon_dark", info->icon_dark}};
  }
  auto again = AaguidCatalog::FromJson(rewritten.dump());
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(again->aaguids() == aaguids);
  for (const Aaguid& aaguid : aaguids) FUZZ_CHECK(*again->Find(aaguid) == *catalog.Find(aaguid));

  AaguidCatalog merged = AaguidCatalog::Embedded();
  merged.Merge(catalog);
  for (const Aaguid& aaguid : aaguids) {
    const passkey::AuthenticatorInfo* found = merged.Find(aaguid);
    FUZZ_CHECK(found != nullptr && *found == *catalog.Find(aaguid));
  }
  for (const Aaguid& aaguid : AaguidCatalog::Embedded().aaguids()) {
    if (catalog.Find(aaguid) != nullptr) continue;
    const passkey::AuthenticatorInfo* found = merged.Find(aaguid);
    FUZZ_CHECK(found != nullptr && *found == *AaguidCatalog::Embedded().Find(aaguid));
  }
  return 0;
}
