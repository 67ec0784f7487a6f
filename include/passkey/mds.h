// FIDO Metadata Service 3 (MDS3): verified metadata BLOBs, metadata
// statements by AAGUID, and the authenticator status policy.
//
// The library never touches the network: the caller downloads the BLOB (a
// JWS, https://mds3.fidoalliance.org/) and the root it is signed under, and
// passes both in with the verification time.
#ifndef PASSKEY_MDS_H_
#define PASSKEY_MDS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <passkey/aaguid_catalog.h>
#include <passkey/attestation_trust.h>
#include <passkey/bytes.h>
#include <passkey/options.h>
#include <passkey/result.h>

namespace passkey {

// MdsStatusReport: one StatusReport of a metadata BLOB payload entry.
struct MdsStatusReport {
  std::string status;          // e.g. "FIDO_CERTIFIED_L1", "REVOKED"
  std::string effective_date;  // "YYYY-MM-DD", or empty when absent
};

// MdsEntry: one MetadataBLOBPayloadEntry. FIDO2 authenticators have an
// AAGUID; UAF entries have an `aaid` and U2F entries
// attestationCertificateKeyIdentifiers instead (kept, not indexed).
struct MdsEntry {
  std::optional<Aaguid> aaguid;
  std::string aaid;
  std::vector<std::string> attestation_certificate_key_identifiers;
  // From metadataStatement (empty when it is absent):
  std::string description;
  std::string icon;  // a data: URL, or empty
  std::vector<Bytes> attestation_root_certificates;  // DER
  std::vector<MdsStatusReport> status_reports;

  // LatestStatusReport: the report in effect at `now`. Reports whose
  // effectiveDate (00:00:00Z of that day) is after `now` are ignored; of the
  // rest, the one with the latest effectiveDate (a report without one counts
  // as older than any dated one); among reports of the same date the worst,
  // whatever their order in the array (a compromise status, see
  // IsCompromiseStatus, over any other status, any other over
  // FIDO_CERTIFIED*; the first listed among equals). nullptr when no report
  // is in effect. For display: the status policy is CheckAuthenticatorStatus,
  // which also fails on an older compromise not cleared since.
  const MdsStatusReport* LatestStatusReport(UnixSeconds now) const;
};

// MdsVerifyOptions: what MdsBlob::Verify needs besides the BLOB and the root.
struct MdsVerifyOptions {
  // now: the time at which the BLOB's certificate chain must be valid.
  // Required (kInvalidArgument when unset): the library never reads the clock.
  std::optional<UnixSeconds> now;
  // last_number: the `no` of the last BLOB the caller accepted. When set, a
  // BLOB whose `no` is not greater is rejected (kMdsRollback).
  std::optional<std::uint64_t> last_number;
  // require_revocation_check: reject the BLOB when a certificate of its
  // chain (below the root) names a CRL distribution point
  // (cRLDistributionPoints) that no CRL of `roots` covers:
  // kCertificateInvalid, the code of an incomplete path (the message names
  // the certificate). Off: CRLs are applied when given and
  // MdsBlob::revocation_checked() reports whether they covered the chain.
  bool require_revocation_check = false;
};

// MdsBlob: a verified metadata BLOB. Immutable; safe to share across threads.
class MdsBlob {
 public:
  // Verify processes `jwt` per FIDO MDS 3 "Metadata BLOB object processing
  // rules": the JWS (ES256/384/512, RS256/384/512, PS256/384/512 by its
  // "alg") must be signed by x5c[0], and x5c must chain, valid at
  // options.now, to a global anchor of `roots`. Revocation: the CRLs are
  // those of `roots` (AttestationTrust::AddCrlsPem / AddCrlDer, PEM or
  // DER): a CRL whose issuer is in the path and whose signature verifies is
  // enforced (kCertificateRevoked for a listed certificate); a missing one
  // is not an error unless options.require_revocation_check (see
  // revocation_checked()).
  // Without x5c (and x5u) the roots themselves are the signing chain. A BLOB
  // past nextUpdate still verifies (see stale()).
  // Errors: kInvalidArgument (no now, no anchors), kMdsLimitExceeded (over
  // 16 MiB), kMdsMalformed (not a JWS, bad header, payload not the MDS3
  // shape: missing/mistyped no, nextUpdate, entries, aaguid, …),
  // kUnsupportedAlgorithm, kCertificateInvalid (bad x5c DER or link),
  // kCertificateExpired, kCertificateRevoked, kAlgorithmNotAllowed (SHA-1
  // certificate), kCertificateInvalid also for a certificate naming a CRL
  // distribution point no CRL covers (require_revocation_check),
  // kMdsUntrusted (x5c does not reach a root; x5u only),
  // kMdsSignatureInvalid, kMdsRollback.
  static Result<MdsBlob> Verify(std::string_view jwt, const AttestationTrust& roots,
                                const MdsVerifyOptions& options);

  // Copies share the verified payload (immutable). There are no separate
  // move operations: a "moved-from" MdsBlob is a copy, still complete.
  MdsBlob(const MdsBlob&) = default;
  MdsBlob& operator=(const MdsBlob&) = default;
  ~MdsBlob() = default;

  // number: the payload's `no` (serial number, increases with each BLOB).
  std::uint64_t number() const noexcept;
  // next_update: the payload's `nextUpdate` ("YYYY-MM-DD").
  const std::string& next_update() const noexcept;
  const std::string& legal_header() const noexcept;
  // revocation_checked: every certificate of the BLOB's signing chain below
  // the root was covered by a CRL of its issuer (true for a BLOB the root
  // signs itself: nothing lies below it).
  bool revocation_checked() const noexcept;
  // stale: `now` is on or after nextUpdate (00:00:00Z): a newer BLOB should
  // have been fetched. The BLOB is still usable; the caller decides.
  bool stale(UnixSeconds now) const noexcept;

  // entries: the payload's entries, in BLOB order.
  const std::vector<MdsEntry>& entries() const noexcept;
  // Find: the entry for `aaguid`, or nullptr. Lives as long as the blob.
  const MdsEntry* Find(const Aaguid& aaguid) const;

  // ToCatalog: AAGUID → {description, icon, icon} for every entry with an
  // AAGUID and a description (MDS has one icon for both themes). Merge it
  // over other catalogs to let MDS win.
  AaguidCatalog ToCatalog() const;

  // AddAttestationRoots adds every entry's attestationRootCertificates to
  // `trust` as anchors bound to that entry's AAGUID (WebAuthn L3 §7.1 "Assess
  // the attestation trustworthiness"). Entries without an AAGUID are
  // skipped. Errors: kInvalidArgument (null trust or a certificate that
  // does not parse; nothing is rolled back).
  Status AddAttestationRoots(AttestationTrust* trust) const;

 private:
  // The verified payload, shared (immutable) between copies: copying an
  // MdsBlob is cheap.
  struct Data;
  explicit MdsBlob(std::shared_ptr<const Data> data) noexcept;
  std::shared_ptr<const Data> data_;
};

// IsCompromiseStatus: whether `status` is one of the FIDO MDS3
// AuthenticatorStatus values that say the authenticator can no longer be
// relied upon: USER_VERIFICATION_BYPASS, ATTESTATION_KEY_COMPROMISE,
// USER_KEY_REMOTE_COMPROMISE, USER_KEY_PHYSICAL_COMPROMISE, REVOKED.
bool IsCompromiseStatus(std::string_view status) noexcept;

// CheckAuthenticatorStatus applies the status policy to the entry for
// `aaguid` at time `now`. It fails with kAuthenticatorStatusCompromised
// when the entry has a compromise status report (IsCompromiseStatus) that
// is in effect and not cleared:
//  - a report whose effectiveDate is after `now` is ignored (neither a
//    compromise nor a clearing report counts yet);
//  - a compromise report is cleared only by a report with a LATER
//    effectiveDate (on or before `now`) whose status starts with
//    "FIDO_CERTIFIED"; UPDATE_AVAILABLE, NOT_FIDO_CERTIFIED or any other
//    status after it does not clear it;
//  - reports of the same date: the worst wins, whatever their order (a
//    FIDO_CERTIFIED report on the compromise's date does not clear it);
//  - a compromise report without effectiveDate (or with one that does not
//    parse) is never cleared: fail closed.
// An AAGUID the BLOB does not list passes (the BLOB has nothing to say about
// it). `now` is required: without it, kInvalidArgument (fail closed; the
// library never reads the clock). Use it at registration
// (RegistrationOptions::mds_blob does, with RegistrationOptions::now) and
// again on stored credentials when a new BLOB arrives.
Status CheckAuthenticatorStatus(const MdsBlob& blob, const Aaguid& aaguid,
                                std::optional<UnixSeconds> now);
// The same policy on one entry (e.g. from MdsBlob::entries()).
Status CheckAuthenticatorStatus(const MdsEntry& entry, std::optional<UnixSeconds> now);

}  // namespace passkey

#endif  // PASSKEY_MDS_H_
