// Attestation trust and FIDO metadata (MDS3): which authenticator models a
// registration may come from, and what they are called.
#include <cstdint>
#include <string_view>
#include <utility>

#include <passkey/passkey.h>

#include "server_flow.h"

namespace quickstart {

passkey::Status ConfigureAttestation(Server& server, std::string_view vendor_root_pem,
                                     const passkey::Aaguid& vendor_aaguid,
                                     std::string_view crl_pem) {
  // Anchors bound to an AAGUID vouch for that model only; without the
  // AAGUID argument an anchor vouches for any model.
  passkey::Status anchors = server.trust.AddAnchorsPem(vendor_root_pem, vendor_aaguid);
  if (!anchors.has_value()) {
    return anchors;  // invalid_argument: no CERTIFICATE block, or one that does not parse
  }
  passkey::Status crls = server.trust.AddCrlsPem(crl_pem);  // optional revocation lists
  if (!crls.has_value()) {
    return crls;
  }
  // Refuse what does not chain to an anchor (none and self attestation too);
  // without this, such a record says attestationTrusted: false.
  server.require_trusted_attestation = true;
  return passkey::OkStatus();
}

passkey::Status LoadMetadata(Server& server, std::string_view blob_text,
                             std::string_view mds_root_pem, std::uint64_t last_accepted_no,
                             passkey::UnixSeconds now) {
  passkey::AttestationTrust mds_root;
  passkey::Status root = mds_root.AddAnchorsPem(mds_root_pem);  // FIDO's: GlobalSign Root CA - R3
  if (!root.has_value()) {
    return root;
  }
  passkey::MdsVerifyOptions mds_options;
  mds_options.now = now;                       // required
  mds_options.last_number = last_accepted_no;  // mds_rollback for an older BLOB
  passkey::Result<passkey::MdsBlob> blob =
      passkey::MdsBlob::Verify(blob_text, mds_root, mds_options);
  if (!blob.has_value()) {
    return passkey::Unexpected(blob.error());  // mds_* / certificate_* codes
  }
  server.mds_stale = blob->stale(now);      // past nextUpdate: still usable, fetch a newer one
  server.catalog.Merge(blob->ToCatalog());  // MDS names and icons win
  passkey::Status roots = blob->AddAttestationRoots(&server.trust);  // each bound to its AAGUID
  if (!roots.has_value()) {
    return roots;
  }
  server.mds = *std::move(blob);  // FinishRegistration: reg.mds_blob, the status policy
  return passkey::OkStatus();
}

}  // namespace quickstart
