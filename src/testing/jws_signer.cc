#include "testing/jws_signer.h"

#include <cstddef>
#include <utility>

#include <openssl/bn.h>
#include <openssl/ec.h>

#include "crypto/openssl_ptr.h"
#include "internal/result_macros.h"

namespace passkey::testing {
namespace {

using EcdsaSigPtr = internal::OpenSslPtr<ECDSA_SIG, ECDSA_SIG_free>;

// JwsAlg: the JWS "alg" for a COSE algorithm, and the JOSE ECDSA component
// size (0 for RSA).
struct JwsAlg {
  std::string name;
  std::size_t ecdsa_component_bytes = 0;
};

Result<JwsAlg> JwsAlgFor(CoseAlgorithm alg) {
  switch (alg) {
    case CoseAlgorithm::kRs256: return JwsAlg{"RS256", 0};
    case CoseAlgorithm::kRs384: return JwsAlg{"RS384", 0};
    case CoseAlgorithm::kRs512: return JwsAlg{"RS512", 0};
    case CoseAlgorithm::kPs256: return JwsAlg{"PS256", 0};
    case CoseAlgorithm::kEs256: return JwsAlg{"ES256", 32};
    case CoseAlgorithm::kEs384: return JwsAlg{"ES384", 48};
    case CoseAlgorithm::kEs512: return JwsAlg{"ES512", 66};
    default:
      return Unexpected(ErrorCode::kUnsupportedAlgorithm, "JWS signer: no JWS alg for this key");
  }
}

// DerEcdsaToJose converts a DER Ecdsa-Sig-Value to r ‖ s (RFC 7518 §3.4).
Result<Bytes> DerEcdsaToJose(const Bytes& der, std::size_t component_bytes) {
  const unsigned char* cursor = der.data();
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));  // NOLINT
  if (sig == nullptr) return Unexpected(ErrorCode::kInternal, "d2i_ECDSA_SIG failed");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  Bytes out(2 * component_bytes);
  const int width = static_cast<int>(component_bytes);
  if (BN_bn2binpad(r, out.data(), width) != width ||
      BN_bn2binpad(s, out.data() + component_bytes, width) != width) {  // NOLINT
    return Unexpected(ErrorCode::kInternal, "BN_bn2binpad failed");
  }
  return out;
}

}  // namespace

Result<std::string> JwsAlgName(const SoftwareAuthenticator& key) {
  PASSKEY_ASSIGN_OR_RETURN(JwsAlg alg, JwsAlgFor(key.algorithm()));
  return std::move(alg.name);
}

Result<std::string> SignCompactJws(const SoftwareAuthenticator& key, std::string_view header_json,
                                   std::string_view payload_json, bool tamper_signature) {
  PASSKEY_ASSIGN_OR_RETURN(const JwsAlg alg, JwsAlgFor(key.algorithm()));
  std::string signing_input =
      Base64UrlEncode(AsBytes(header_json)) + "." + Base64UrlEncode(AsBytes(payload_json));
  PASSKEY_ASSIGN_OR_RETURN(Bytes signature, key.Sign(AsBytes(signing_input)));
  if (alg.ecdsa_component_bytes != 0) {
    PASSKEY_ASSIGN_OR_RETURN(signature, DerEcdsaToJose(signature, alg.ecdsa_component_bytes));
  }
  if (tamper_signature && !signature.empty()) signature.back() ^= 0x01;
  return std::move(signing_input) + "." + Base64UrlEncode(signature);
}

}  // namespace passkey::testing
