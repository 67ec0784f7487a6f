// AAGUID → authenticator display info (name and icons).
#ifndef PASSKEY_AAGUID_CATALOG_H_
#define PASSKEY_AAGUID_CATALOG_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <passkey/bytes.h>
#include <passkey/result.h>

namespace passkey {

// AuthenticatorInfo: what a UI shows for a credential's provider. Icons are
// data: URLs (may be empty).
struct AuthenticatorInfo {
  std::string name;
  std::string icon_light;
  std::string icon_dark;

  friend bool operator==(const AuthenticatorInfo&, const AuthenticatorInfo&) = default;
};

// AaguidCatalog: an immutable AAGUID → AuthenticatorInfo map. AAGUIDs are for
// display only: without verified attestation they are unauthenticated, and
// the community list is "not intended to be used for any other purpose".
// A loaded catalog is safe to read from many threads.
class AaguidCatalog {
 public:
  AaguidCatalog();
  AaguidCatalog(const AaguidCatalog& other);
  AaguidCatalog& operator=(const AaguidCatalog& other);
  AaguidCatalog(AaguidCatalog&& other) noexcept;
  AaguidCatalog& operator=(AaguidCatalog&& other) noexcept;
  ~AaguidCatalog();

  // FromJson loads the community format (passkeydeveloper/passkey-
  // authenticator-aaguids): {"<uuid>": {"name": str, "icon_light": str?,
  // "icon_dark": str?}, ...}; a null icon is
  // treated as absent. Never half-loaded. Errors:
  // kCatalogLimitExceeded (over 8 MiB), kMalformedCatalog (bad JSON,
  // duplicate keys, bad UUID, wrong types, empty name), kCatalogEmpty (`{}`).
  static Result<AaguidCatalog> FromJson(std::string_view json);

  // Embedded returns the catalog compiled into the library (fido/aaguids.json).
  static const AaguidCatalog& Embedded();

  // Merge overlays `later` onto this catalog: its entries replace ours.
  void Merge(const AaguidCatalog& later);

  // Add sets the entry for `aaguid` (replacing one that exists), e.g. from
  // a verified MDS BLOB (MdsBlob::ToCatalog). Errors: kInvalidArgument for
  // the all-zero AAGUID or an empty name; the catalog is then unchanged.
  Status Add(const Aaguid& aaguid, AuthenticatorInfo info);

  // Find returns the entry for `aaguid`, or nullptr when unknown or all-zero
  // (O(log size())). The pointer lives as long as the catalog is not
  // modified or destroyed.
  const AuthenticatorInfo* Find(const Aaguid& aaguid) const;

  // size: the number of entries.
  std::size_t size() const noexcept;
  // aaguids: every AAGUID the catalog has an entry for, in ascending byte
  // order; Find(aaguid) returns each one's entry. To list the catalog:
  //   for (const Aaguid& aaguid : catalog.aaguids())
  //     Show(aaguid.ToString(), *catalog.Find(aaguid));
  std::vector<Aaguid> aaguids() const;

 private:
  // The entries, keyed by AAGUID bytes (only aaguid_catalog.cc sees it).
  struct Impl;
  Impl& Mutable();
  std::unique_ptr<Impl> impl_;  // null when empty
};

}  // namespace passkey

#endif  // PASSKEY_AAGUID_CATALOG_H_
