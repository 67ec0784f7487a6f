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

}  // namespace passkey

#endif  // PASSKEY_ATTESTATION_TRUST_IMPL_H_
