// AAGUID → authenticator display info (name and icons).
#ifndef PASSKEY_AAGUID_CATALOG_H_
#define PASSKEY_AAGUID_CATALOG_H_

#include <unordered_map>
#include <string>
#include <string_view>

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
  AaguidCatalog() = default;

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

  // Find returns the entry for `aaguid`, or nullptr when unknown or all-zero.
  // The pointer lives as long as the catalog is not modified or destroyed.
  const AuthenticatorInfo* Find(const Aaguid& aaguid) const;

  std::size_t size() const noexcept { return entries_.size(); }
  // entries: every AAGUID in lowercase 8-4-4-4-12 form, in no particular
  // order (a hash map: Find is O(1)).
  const std::unordered_map<std::string, AuthenticatorInfo>& entries() const noexcept {
    return entries_;
  }

 private:
  std::unordered_map<std::string, AuthenticatorInfo> entries_;
};

}  // namespace passkey

#endif  // PASSKEY_AAGUID_CATALOG_H_
