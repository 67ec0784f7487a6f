// Shared checks of the MDS fuzz targets (mds_blob_fuzzer, mds_payload_fuzzer).
//
// CheckVerifiedMdsBlob asserts what a verified MdsBlob promises (mds.h):
// - every entry with an AAGUID is what Find returns for it (so AAGUIDs are
//   unique), next_update is a YYYY-MM-DD date and stale() agrees with it;
// - LatestStatusReport(now) is null only without a report in effect at now
//   (undated, or dated on or before now) and is not older than any report in
//   effect; CheckAuthenticatorStatus(now) fails (only with
//   authenticator_status_compromised) exactly when some compromise report in
//   effect is undated or has no FIDO_CERTIFIED* report dated after it and on
//   or before now (an oracle written independently of mds.cc), passes for an
//   unlisted AAGUID, and without now fails with invalid_argument;
// - ToCatalog holds exactly the entries with a non-zero AAGUID and a
//   description, as {description, icon, icon};
// - AddAttestationRoots accepts every attestation root the BLOB kept and
//   adds one anchor per root of an entry with an AAGUID;
// - the same BLOB with last_number = no is a rollback; with no - 1 it
//   verifies to the same no and entries (when `check_newer`: it costs a
//   third verification).
//
// kMdsFuzzRootPem is fuzz/mds_keys/root.pem (fuzz/make_mds_seeds.py); the
// mds_blob corpus is signed under it (directly, or by fuzz/mds_keys/signer*.pem
// in x5c). kMdsFuzzNow (2027-06-01T00:00:00Z) lies inside every validity
// period there.
#ifndef PASSKEY_FUZZ_MDS_FUZZ_UTIL_H_
#define PASSKEY_FUZZ_MDS_FUZZ_UTIL_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <passkey/attestation_trust.h>
#include <passkey/mds.h>
#include <passkey/options.h>

#include "fuzz_check.h"

namespace passkey::fuzz {

inline constexpr UnixSeconds kMdsFuzzNow = 1811808000;  // 2027-06-01T00:00:00Z
inline constexpr std::string_view kMdsFuzzNowDate = "2027-06-01";

inline constexpr char kMdsFuzzRootPem[] = R"(-----BEGIN CERTIFICATE-----
MIIB2TCCAYCgAwIBAgIBATAKBggqhkjOPQQDAjBEMQswCQYDVQQGEwJVUzEVMBMG
A1UECgwMcGFzc2tleSBmdXp6MR4wHAYDVQQDDBVwYXNza2V5IGZ1enogTURTIHJv
b3QwHhcNMjYxMTIzMTQyMDA5WhcNNDYxMTE4MTQyMDA5WjBEMQswCQYDVQQGEwJV
UzEVMBMGA1UECgwMcGFzc2tleSBmdXp6MR4wHAYDVQQDDBVwYXNza2V5IGZ1enog
TURTIHJvb3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQdw72juc8tcTOrZ5NW
8lCJSOc44Y3uLhMdGtv95OYJBQLBJJAo90p9GLmEsHwR0z8qWeN7TwGJeZgpz8oX
CXbzo2MwYTAdBgNVHQ4EFgQUGZnI2lLt1szKbyflVT8v3+I/EbgwHwYDVR0jBBgw
FoAUGZnI2lLt1szKbyflVT8v3+I/EbgwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8B
Af8EBAMCAQYwCgYIKoZIzj0EAwIDRwAwRAIgDLXh++7uM/ILU2kFplyzLf0OszrM
yr0jwXQor/IMADsCIFehWjEI5c8R0qX+3aoZW99Rhb4VlP6qr05Gvo0hJTdA
-----END CERTIFICATE-----
)";

inline bool IsCompromiseStatus(const std::string& status) {
  return status == "USER_VERIFICATION_BYPASS" || status == "ATTESTATION_KEY_COMPROMISE" ||
         status == "USER_KEY_REMOTE_COMPROMISE" || status == "USER_KEY_PHYSICAL_COMPROMISE" ||
         status == "REVOKED";
}

// CompromisedAtFuzzNow: the status policy (mds.h) at kMdsFuzzNow, as an
// oracle. Verified dates are YYYY-MM-DD, so text order is date order, and
// kMdsFuzzNow is midnight, so "in effect" is date <= kMdsFuzzNowDate.
inline bool CompromisedAtFuzzNow(const MdsEntry& entry) {
  for (const MdsStatusReport& compromise : entry.status_reports) {
    if (!IsCompromiseStatus(compromise.status)) continue;
    if (compromise.effective_date.empty()) return true;
    if (compromise.effective_date > kMdsFuzzNowDate) continue;
    bool cleared = false;
    for (const MdsStatusReport& later : entry.status_reports) {
      cleared = cleared || (later.status.starts_with("FIDO_CERTIFIED") &&
                            later.effective_date > compromise.effective_date &&
                            later.effective_date <= kMdsFuzzNowDate);
    }
    if (!cleared) return true;
  }
  return false;
}

inline void CheckVerifiedMdsBlob(const MdsBlob& blob, std::string_view jwt,
                                 const AttestationTrust& trust, bool check_newer) {
  const std::string& next = blob.next_update();
  FUZZ_CHECK(next.size() == 10 && next[4] == '-' && next[7] == '-');
  const Result<UnixSeconds> next_time = ParseTimestamp(next + "T00:00:00Z");
  FUZZ_CHECK(next_time.has_value());
  FUZZ_CHECK(blob.stale(kMdsFuzzNow) == (kMdsFuzzNow >= *next_time));

  std::size_t catalog_entries = 0;
  std::size_t roots = 0;
  const AaguidCatalog catalog = blob.ToCatalog();
  for (const MdsEntry& entry : blob.entries()) {
    const MdsStatusReport* latest = entry.LatestStatusReport(kMdsFuzzNow);
    bool any_in_effect = false;
    for (const MdsStatusReport& report : entry.status_reports) {
      FUZZ_CHECK(!report.status.empty());
      if (report.effective_date > kMdsFuzzNowDate) continue;
      any_in_effect = true;
      FUZZ_CHECK(latest != nullptr && report.effective_date <= latest->effective_date);
    }
    FUZZ_CHECK((latest == nullptr) == !any_in_effect);
    if (!entry.aaguid.has_value()) continue;
    FUZZ_CHECK(blob.Find(*entry.aaguid) == &entry);
    roots += entry.attestation_root_certificates.size();
    const Status status = CheckAuthenticatorStatus(blob, *entry.aaguid, kMdsFuzzNow);
    FUZZ_CHECK(status.has_value() != CompromisedAtFuzzNow(entry));
    if (!status.has_value()) {
      FUZZ_CHECK(status.error().code == ErrorCode::kAuthenticatorStatusCompromised);
    }
    const Status without_now = CheckAuthenticatorStatus(blob, *entry.aaguid, std::nullopt);
    FUZZ_CHECK(!without_now.has_value() &&
               without_now.error().code == ErrorCode::kInvalidArgument);
    const AuthenticatorInfo* info = catalog.Find(*entry.aaguid);
    if (entry.aaguid->IsZero() || entry.description.empty()) {
      FUZZ_CHECK(info == nullptr);
      continue;
    }
    ++catalog_entries;
    FUZZ_CHECK(info != nullptr);
    FUZZ_CHECK(*info == (AuthenticatorInfo{entry.description, entry.icon, entry.icon}));
  }
  FUZZ_CHECK(catalog.size() == catalog_entries);
  Aaguid unlisted;
  unlisted.bytes.fill(0xa5);
  if (blob.Find(unlisted) == nullptr) {
    FUZZ_CHECK(CheckAuthenticatorStatus(blob, unlisted, kMdsFuzzNow).has_value());
  }

  AttestationTrust anchors;
  FUZZ_CHECK(blob.AddAttestationRoots(&anchors).has_value());
  FUZZ_CHECK(anchors.anchor_count() == roots);

  MdsVerifyOptions options;
  options.now = kMdsFuzzNow;
  options.last_number = blob.number();
  const Result<MdsBlob> rollback = MdsBlob::Verify(jwt, trust, options);
  FUZZ_CHECK(!rollback.has_value() && rollback.error().code == ErrorCode::kMdsRollback);
  if (check_newer && blob.number() > 0) {
    options.last_number = blob.number() - 1;
    const Result<MdsBlob> newer = MdsBlob::Verify(jwt, trust, options);
    FUZZ_CHECK(newer.has_value() && newer->number() == blob.number() &&
               newer->entries().size() == blob.entries().size());
  }
}

}  // namespace passkey::fuzz

#endif  // PASSKEY_FUZZ_MDS_FUZZ_UTIL_H_
