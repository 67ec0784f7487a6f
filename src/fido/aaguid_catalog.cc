#include <passkey/aaguid_catalog.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "encoding/json_util.h"
#include "fido/embedded_aaguids.h"
#include "internal/result_macros.h"

namespace passkey {

// A sorted map: aaguids() lists it in order, and two keys that differ only
// in the case of their text form (one AAGUID) collide.
struct AaguidCatalog::Impl {
  std::map<std::array<std::uint8_t, 16>, AuthenticatorInfo> entries;
};

namespace {

// 8 MiB: the community list with its PNG icons is about 4 MiB.
constexpr std::size_t kMaxCatalogBytes = 8 * 1024 * 1024;
// Top-level object → entry object → string members.
constexpr int kMaxCatalogDepth = 3;

Unexpected Malformed(std::string why) {
  return internal::Fail(ErrorCode::kMalformedCatalog, std::move(why));
}

}  // namespace

// impl_ is null for an empty catalog (default-constructed or moved from):
// readers treat null as empty, writers create it (Mutable).
AaguidCatalog::AaguidCatalog() = default;
AaguidCatalog::AaguidCatalog(const AaguidCatalog& other)
    : impl_(other.impl_ == nullptr ? nullptr : std::make_unique<Impl>(*other.impl_)) {}
AaguidCatalog& AaguidCatalog::operator=(const AaguidCatalog& other) {
  if (this != &other) {
    impl_ = other.impl_ == nullptr ? nullptr : std::make_unique<Impl>(*other.impl_);
  }
  return *this;
}
AaguidCatalog::AaguidCatalog(AaguidCatalog&& other) noexcept = default;
AaguidCatalog& AaguidCatalog::operator=(AaguidCatalog&& other) noexcept = default;
AaguidCatalog::~AaguidCatalog() = default;

AaguidCatalog::Impl& AaguidCatalog::Mutable() {
  if (impl_ == nullptr) impl_ = std::make_unique<Impl>();
  return *impl_;
}

Result<AaguidCatalog> AaguidCatalog::FromJson(std::string_view json) {
  if (json.size() > kMaxCatalogBytes) {
    return internal::Fail(ErrorCode::kCatalogLimitExceeded, "catalog larger than 8 MiB");
  }
  nlohmann::json doc;
  std::string why;
  if (!internal::ParseJsonStrict(json, kMaxCatalogDepth, &doc, &why)) {
    return Malformed("catalog JSON: " + why);
  }
  if (!doc.is_object()) return Malformed("catalog is not a JSON object");
  if (doc.empty()) return internal::Fail(ErrorCode::kCatalogEmpty, "catalog is {}");
  AaguidCatalog catalog;
  for (const auto& [key, value] : doc.items()) {
    auto aaguid = Aaguid::Parse(key);
    if (!aaguid.has_value()) return Malformed("key is not a UUID");
    if (aaguid->IsZero()) return Malformed("all-zero AAGUID");
    if (!value.is_object()) return Malformed(aaguid->ToString() + ": entry is not an object");
    AuthenticatorInfo info;
    bool wrong_type = false;
    const std::string* name = internal::FindString(value, "name", &wrong_type);
    if (wrong_type || name == nullptr || name->empty()) {
      return Malformed(aaguid->ToString() + ": name missing or not a string");
    }
    info.name = *name;
    for (const auto& [member, out] :
         {std::pair<const char*, std::string*>{"icon_light", &info.icon_light},
          std::pair<const char*, std::string*>{"icon_dark", &info.icon_dark}}) {
      // The community list has entries with `null` icons: same as absent.
      if (auto it = value.find(member); it != value.end() && it->is_null()) continue;
      const std::string* icon = internal::FindString(value, member, &wrong_type);
      if (wrong_type) return Malformed(aaguid->ToString() + ": " + member + " is not a string");
      if (icon != nullptr) *out = *icon;
    }
    // Keys differing only in case name the same AAGUID.
    if (!catalog.Mutable().entries.emplace(aaguid->bytes, std::move(info)).second) {
      return Malformed(aaguid->ToString() + ": duplicate AAGUID");
    }
  }
  return catalog;
}

const AaguidCatalog& AaguidCatalog::Embedded() {
  // Built once from the table fido/CMakeLists.txt compiles out of
  // fido/aaguids.json (keys checked and lower-cased at build time), without
  // parsing JSON: this runs in every cold process that needs a provider.
  static const AaguidCatalog* const kCatalog = [] {
    auto* catalog = new AaguidCatalog();
    Impl& impl = catalog->Mutable();
    for (std::size_t i = 0; i < internal::kEmbeddedAaguidCount; ++i) {
      const internal::EmbeddedAaguidEntry& row = internal::kEmbeddedAaguids[i];
      // The build checked every key: value() cannot abort here.
      impl.entries.emplace(Aaguid::Parse(row.aaguid).value().bytes,
                           AuthenticatorInfo{row.name, row.icon_light, row.icon_dark});
    }
    return catalog;
  }();
  return *kCatalog;
}

void AaguidCatalog::Merge(const AaguidCatalog& later) {
  if (later.impl_ == nullptr || this == &later) return;
  Impl& impl = Mutable();
  for (const auto& [key, info] : later.impl_->entries) impl.entries[key] = info;
}

Status AaguidCatalog::Add(const Aaguid& aaguid, AuthenticatorInfo info) {
  if (aaguid.IsZero()) {
    return internal::Fail(ErrorCode::kInvalidArgument, "the all-zero AAGUID names no provider");
  }
  if (info.name.empty()) return internal::Fail(ErrorCode::kInvalidArgument, "empty name");
  Mutable().entries[aaguid.bytes] = std::move(info);
  return OkStatus();
}

const AuthenticatorInfo* AaguidCatalog::Find(const Aaguid& aaguid) const {
  if (aaguid.IsZero() || impl_ == nullptr) return nullptr;
  auto it = impl_->entries.find(aaguid.bytes);
  return it == impl_->entries.end() ? nullptr : &it->second;
}

std::size_t AaguidCatalog::size() const noexcept {
  return impl_ == nullptr ? 0 : impl_->entries.size();
}

std::vector<Aaguid> AaguidCatalog::aaguids() const {
  std::vector<Aaguid> out;
  if (impl_ == nullptr) return out;
  out.reserve(impl_->entries.size());
  for (const auto& [key, info] : impl_->entries) out.push_back(Aaguid{key});
  return out;
}

}  // namespace passkey
