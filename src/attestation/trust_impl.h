// The inside of passkey::AttestationTrust (shared by attestation_trust.cc
// and attestation/x509.cc).
#ifndef PASSKEY_ATTESTATION_TRUST_IMPL_H_
#define PASSKEY_ATTESTATION_TRUST_IMPL_H_

#include <array>
#include <cstdint>
#include <map>
#include <vector>

#include <passkey/attestation_trust.h>

#include "crypto/openssl_ptr.h"

namespace passkey {

struct AttestationTrust::Impl {
  std::vector<internal::X509Ptr> anchors;  // for every AAGUID
  std::map<std::array<std::uint8_t, 16>, std::vector<internal::X509Ptr>> aaguid_anchors;
  std::vector<internal::X509CrlPtr> crls;
};

namespace internal {

// TrustAccess: the library's way in to AttestationTrust's private Impl
// (the public header only names it, as a friend).
struct TrustAccess {
  using Impl = AttestationTrust::Impl;
  static const Impl& Get(const AttestationTrust& trust) noexcept { return *trust.impl_; }
};

// TrustImpl / TrustImplOf: what attestation/x509.cc and mds.cc read.
using TrustImpl = TrustAccess::Impl;
inline const TrustImpl& TrustImplOf(const AttestationTrust& trust) noexcept {
  return TrustAccess::Get(trust);
}

}  // namespace internal

}  // namespace passkey

#endif  // PASSKEY_ATTESTATION_TRUST_IMPL_H_
