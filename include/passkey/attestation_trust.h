// Trust anchors and revocation lists for attestation certificate paths
// (WebAuthn L3 §7.1 "Assess the attestation trustworthiness").
#ifndef PASSKEY_ATTESTATION_TRUST_H_
#define PASSKEY_ATTESTATION_TRUST_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>

#include <passkey/bytes.h>
#include <passkey/result.h>

namespace passkey {

namespace internal {
struct TrustAccess;
}  // namespace internal

// AttestationTrust: the certificates an attestation path may chain to (roots
// or intermediates; a path that reaches any of them is trusted) and the CRLs
// to check it against. Anchors are either global or bound to one AAGUID
// (then they only count for credentials whose authData carries that AAGUID).
//
// Build it once, then share it: a const AttestationTrust is safe to use from
// any number of concurrent verifications. Adding to it while a verification
// reads it is a data race. Move-only.
class AttestationTrust {
 public:
  AttestationTrust();
  AttestationTrust(AttestationTrust&&) noexcept;
  AttestationTrust& operator=(AttestationTrust&&) noexcept;
  ~AttestationTrust();

  // AddAnchorsPem adds every "CERTIFICATE" block of `pem` (at least one).
  // Errors: kInvalidArgument (no certificate, or one that does not parse);
  // nothing is added on error.
  Status AddAnchorsPem(std::string_view pem,
                       std::optional<Aaguid> aaguid = std::nullopt);
  // AddAnchorDer adds one DER certificate (no trailing bytes).
  // Errors: kInvalidArgument.
  Status AddAnchorDer(ByteView der, std::optional<Aaguid> aaguid = std::nullopt);
  // AddCrlsPem adds every "X509 CRL" block of `pem` (at least one);
  // AddCrlDer one DER CRL. A CRL is used only when its signature verifies
  // with its issuer in the path. Errors: kInvalidArgument.
  Status AddCrlsPem(std::string_view pem);
  Status AddCrlDer(ByteView der);

  // anchor_count: global plus AAGUID-bound anchors. crl_count: CRLs.
  std::size_t anchor_count() const noexcept;
  std::size_t crl_count() const noexcept;

 private:
  // The certificates and CRLs, parsed; only the library reads them.
  struct Impl;
  friend struct internal::TrustAccess;
  std::unique_ptr<Impl> impl_;
};

}  // namespace passkey

#endif  // PASSKEY_ATTESTATION_TRUST_H_
