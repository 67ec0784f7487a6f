#include "attestation/x509.h"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <climits>
#include <string>
#include <utility>

#include "attestation/trust_impl.h"
#include "crypto/crypto.h"
#include "encoding/byte_reader.h"
#include "encoding/der_reader.h"
#include "internal/result_macros.h"

namespace passkey::internal {
namespace {

// kMaxCertificateBytes: larger DER certificates are refused before OpenSSL
// sees them.
constexpr std::size_t kMaxCertificateBytes = 16 * 1024;

// kAaguidExtensionOid: id-fido-gen-ce-aaguid (WebAuthn L3 §8.2.1).
constexpr std::string_view kAaguidExtensionOid = "1.3.6.1.4.1.45724.1.1.4";

using Asn1ObjectPtr = OpenSslPtr<ASN1_OBJECT, ASN1_OBJECT_free>;

struct CertificateSignatureScheme {
  SignatureScheme scheme;
  HashAlgorithm hash;
  bool sha1;
};

// SchemeForCoseAlgorithm maps a COSE signature algorithm (RFC 9053, RFC
// 8812) to how VerifySignature must treat the key and signature.
std::optional<CertificateSignatureScheme> SchemeForCoseAlgorithm(std::int64_t alg) {
  switch (alg) {
    case -7: return CertificateSignatureScheme{SignatureScheme::kEcdsaDer, HashAlgorithm::kSha256, false};
    case -35: return CertificateSignatureScheme{SignatureScheme::kEcdsaDer, HashAlgorithm::kSha384, false};
    case -36: return CertificateSignatureScheme{SignatureScheme::kEcdsaDer, HashAlgorithm::kSha512, false};
    case -8:
    case -19:
    case -53: return CertificateSignatureScheme{SignatureScheme::kEdDsa, HashAlgorithm::kNone, false};
    case -257: return CertificateSignatureScheme{SignatureScheme::kRsaPkcs1, HashAlgorithm::kSha256, false};
    case -258: return CertificateSignatureScheme{SignatureScheme::kRsaPkcs1, HashAlgorithm::kSha384, false};
    case -259: return CertificateSignatureScheme{SignatureScheme::kRsaPkcs1, HashAlgorithm::kSha512, false};
    case -37: return CertificateSignatureScheme{SignatureScheme::kRsaPss, HashAlgorithm::kSha256, false};
    case -38: return CertificateSignatureScheme{SignatureScheme::kRsaPss, HashAlgorithm::kSha384, false};
    case -39: return CertificateSignatureScheme{SignatureScheme::kRsaPss, HashAlgorithm::kSha512, false};
    case -65535: return CertificateSignatureScheme{SignatureScheme::kRsaPkcs1, HashAlgorithm::kSha1, true};
    default: return std::nullopt;
  }
}

// EcCurveNid: the NID of an EC key's named curve, or NID_undef.
int EcCurveNid(const EVP_PKEY* key) {
  char name[64] = {};
  std::size_t length = 0;
  if (EVP_PKEY_get_group_name(key, name, sizeof(name), &length) != 1) {
    ERR_clear_error();
    return NID_undef;
  }
  return OBJ_sn2nid(name);
}

// KeySuitsScheme: the key fits COSE `alg` (RFC 9053 §2.1, RFC 8812, RFC
// 9864): ES256/ES384/ES512 need a P-256/P-384/P-521 key, EdDSA an Ed25519
// or Ed448 key (Ed25519 -19 and Ed448 -53 exactly that curve), RS*/PS* RSA.
bool KeySuitsScheme(const EVP_PKEY* key, std::int64_t alg, SignatureScheme scheme) {
  const int id = EVP_PKEY_get_base_id(key);
  switch (scheme) {
    case SignatureScheme::kEcdsaDer: {
      if (id != EVP_PKEY_EC) return false;
      const int curve = EcCurveNid(key);
      if (alg == -7) return curve == NID_X9_62_prime256v1;
      if (alg == -35) return curve == NID_secp384r1;
      if (alg == -36) return curve == NID_secp521r1;
      return false;
    }
    case SignatureScheme::kEdDsa:
      if (alg == -19) return id == EVP_PKEY_ED25519;
      if (alg == -53) return id == EVP_PKEY_ED448;
      return id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448;
    case SignatureScheme::kRsaPkcs1: return id == EVP_PKEY_RSA;
    case SignatureScheme::kRsaPss: return id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS;
  }
  return false;
}

// UsesSha1Signature: the certificate's own signature uses SHA-1.
bool UsesSha1Signature(const X509* cert) {
  int md_nid = NID_undef;
  int pkey_nid = NID_undef;
  if (OBJ_find_sigid_algs(X509_get_signature_nid(cert), &md_nid, &pkey_nid) != 1) return false;
  return md_nid == NID_sha1;
}

std::string VerifyErrorText(int error, int depth) {
  std::string text = X509_verify_cert_error_string(error);
  text += " (certificate ";
  text += std::to_string(depth);
  text += " of the path)";
  return text;
}

// IgnoreMissingCrl: CRLs are optional per issuer; a CRL that is present is
// enforced, a missing one is not an error. The anchor at the top of the path
// is checked too (X509_V_FLAG_CRL_CHECK_ALL); when it is not self-signed (an
// intermediate anchor, or the x5c's last certificate standing in for one)
// its issuer is not in the path, so a CRL naming that issuer cannot be
// verified: OpenSSL reports "unable to get CRL issuer" and then a signature
// failure. That is no revocation information for the anchor, not a defect.
int IgnoreMissingCrl(int ok, X509_STORE_CTX* ctx) {
  if (ok != 0) return ok;
  const int error = X509_STORE_CTX_get_error(ctx);
  if (error == X509_V_ERR_UNABLE_TO_GET_CRL) return 1;
  if (error == X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER || error == X509_V_ERR_CRL_SIGNATURE_FAILURE) {
    STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx);
    const int top = chain == nullptr ? -1 : sk_X509_num(chain) - 1;
    if (top >= 0 && X509_STORE_CTX_get_error_depth(ctx) == top &&
        (X509_get_extension_flags(sk_X509_value(chain, top)) & EXFLAG_SS) == 0) {
      return 1;
    }
  }
  return ok;
}

bool IsNoAnchorError(int error) {
  switch (error) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_CERT_UNTRUSTED:
      return true;
    default:
      return false;
  }
}

struct VerifyRun {
  bool ok = false;
  int error = X509_V_OK;
  int depth = 0;
  StackOfX509Ptr chain;  // the validated chain when ok
};

// RunVerify runs X509_verify_cert for `chain` against `anchors` at
// policy.now, with the trust's CRLs.
Result<VerifyRun> RunVerify(const std::vector<X509Ptr>& chain,
                            const std::vector<const X509*>& anchors,
                            const PathPolicy& policy) {
  X509StorePtr store(X509_STORE_new());
  StackOfX509Ptr untrusted(sk_X509_new_null());
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (store == nullptr || untrusted == nullptr || ctx == nullptr) {
    return Fail(ErrorCode::kInternal, "OpenSSL allocation failed");
  }
  for (const X509* anchor : anchors) {
    // X509_STORE_add_cert takes its own reference.
    if (X509_STORE_add_cert(store.get(), const_cast<X509*>(anchor)) != 1) {
      // A duplicate anchor is reported as an error by some versions; it is
      // harmless.
      ERR_clear_error();
    }
  }
  unsigned long flags = X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_USE_CHECK_TIME;  // NOLINT
  if (policy.trust != nullptr && !TrustImplOf(*policy.trust).crls.empty()) {
    for (const X509CrlPtr& crl : TrustImplOf(*policy.trust).crls) {
      if (X509_STORE_add_crl(store.get(), crl.get()) != 1) ERR_clear_error();
    }
    flags |= X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL;
    X509_STORE_set_verify_cb(store.get(), IgnoreMissingCrl);
  }
  for (std::size_t i = 1; i < chain.size(); ++i) {
    if (X509_up_ref(chain[i].get()) != 1) return Fail(ErrorCode::kInternal, "X509_up_ref failed");
    if (sk_X509_push(untrusted.get(), chain[i].get()) <= 0) {
      X509_free(chain[i].get());
      return Fail(ErrorCode::kInternal, "sk_X509_push failed");
    }
  }
  if (X509_STORE_CTX_init(ctx.get(), store.get(), chain[0].get(), untrusted.get()) != 1) {
    return Fail(ErrorCode::kInternal, "X509_STORE_CTX_init failed");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_flags(param, flags);
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(policy.now));

  // OpenSSL's chain building needs every certificate's public key (it asks
  // whether each is self-signed) and reports an undecodable or unknown key
  // as an internal error (rc < 0): that is bad input, not our failure.
  for (std::size_t i = 0; i < chain.size(); ++i) {
    if (X509_get0_pubkey(chain[i].get()) == nullptr) {
      ERR_clear_error();
      return Fail(ErrorCode::kCertificateInvalid,
                  "certificate " + std::to_string(i) + " has no usable public key");
    }
  }
  VerifyRun run;
  const int rc = X509_verify_cert(ctx.get());
  if (rc < 0) {
    ERR_clear_error();
    return Fail(ErrorCode::kInternal, "X509_verify_cert failed internally");
  }
  run.ok = rc == 1;
  run.error = X509_STORE_CTX_get_error(ctx.get());
  run.depth = X509_STORE_CTX_get_error_depth(ctx.get());
  if (run.ok) run.chain.reset(X509_STORE_CTX_get1_chain(ctx.get()));
  ERR_clear_error();
  return run;
}

Status MapVerifyError(int error, int depth) {
  switch (error) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return Fail(ErrorCode::kCertificateExpired, VerifyErrorText(error, depth));
    case X509_V_ERR_CERT_REVOKED:
      return Fail(ErrorCode::kCertificateRevoked, VerifyErrorText(error, depth));
    default:
      return Fail(ErrorCode::kCertificateInvalid, VerifyErrorText(error, depth));
  }
}

// CheckNoSha1Links: every certificate whose signature the validation
// checked (all but the trust point at the end) must not be SHA-1 signed.
Status CheckNoSha1Links(STACK_OF(X509)* chain, bool allow_sha1) {
  if (allow_sha1 || chain == nullptr) return OkStatus();
  const int count = sk_X509_num(chain);
  for (int i = 0; i + 1 < count; ++i) {
    if (UsesSha1Signature(sk_X509_value(chain, i))) {
      return Fail(ErrorCode::kAlgorithmNotAllowed,
                  "certificate " + std::to_string(i) +
                      " of the attestation path is signed with SHA-1 "
                      "(allow_sha1_attestation is off)");
    }
  }
  return OkStatus();
}

// CheckX5cIsPathStart: the validated `path` begins with x5c, certificate by
// certificate, in x5c's order ("each subsequent one, if any, certifying the
// previous"): an extra certificate, or an order that leaves one out of the
// path, is a malformed x5c.
Status CheckX5cIsPathStart(const std::vector<X509Ptr>& chain, STACK_OF(X509)* path) {
  const int path_length = path == nullptr ? 0 : sk_X509_num(path);
  for (std::size_t i = 0; i < chain.size(); ++i) {
    if (static_cast<int>(i) >= path_length ||
        X509_cmp(sk_X509_value(path, static_cast<int>(i)), chain[i].get()) != 0) {
      return Fail(ErrorCode::kCertificateInvalid,
                  "x5c certificate " + std::to_string(i) +
                      " is not the issuer of the one before it in the validated path");
    }
  }
  return OkStatus();
}

// CrlCovers: a CRL of the trust is issued by `issuer` (name and signature),
// so the revocation status of the certificates `issuer` signed is known.
// (X509_verify_cert already applied such a CRL: validity, revoked entries.)
bool CrlCovers(const PathPolicy& policy, X509* issuer) {
  if (policy.trust == nullptr) return false;
  EVP_PKEY* issuer_key = X509_get0_pubkey(issuer);
  for (const X509CrlPtr& crl : TrustImplOf(*policy.trust).crls) {
    if (issuer_key != nullptr &&
        X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(issuer)) == 0 &&
        X509_CRL_verify(crl.get(), issuer_key) == 1) {
      return true;
    }
  }
  ERR_clear_error();
  return false;
}

bool NamesCrlDistributionPoint(const X509* cert) {
  return X509_get_ext_by_NID(cert, NID_crl_distribution_points, -1) >= 0;
}

// CheckRevocationCoverage walks the validated `path` (its last certificate
// is the anchor, or the x5c's top standing in for one: `pseudo_anchor`).
// Every certificate below the anchor is covered when a CRL of its issuer is
// given; a pseudo-anchor that is not self-issued has no issuer here and is
// never covered. Sets *all_covered; with require_revocation_check a
// certificate that names a CRL distribution point and is not covered fails.
Status CheckRevocationCoverage(STACK_OF(X509)* path, bool pseudo_anchor,
                               const PathPolicy& policy, bool* all_covered) {
  *all_covered = true;
  const int count = path == nullptr ? 0 : sk_X509_num(path);
  for (int i = 0; i < count; ++i) {
    X509* cert = sk_X509_value(path, i);
    bool covered = false;
    if (i + 1 < count) {
      covered = CrlCovers(policy, sk_X509_value(path, i + 1));
    } else if (!pseudo_anchor) {
      continue;  // the caller's anchor: trusted as given
    } else if ((X509_get_extension_flags(cert) & EXFLAG_SS) != 0) {
      continue;  // a self-signed root at the top of x5c: nothing issues it
    }
    if (covered) continue;
    *all_covered = false;
    if (policy.require_revocation_check && NamesCrlDistributionPoint(cert)) {
      return Fail(ErrorCode::kCertificateInvalid,
                  "certificate " + std::to_string(i) +
                      " of the path names a CRL distribution point but no given CRL "
                      "covers it (require_revocation_check)");
    }
  }
  return OkStatus();
}

// CheckPseudoAnchorSha1: the x5c's top certificate stands in as the anchor,
// so X509_verify_cert does not look at its signature; a SHA-1 signature on
// it is still refused unless it is self-issued (a root's self-signature
// carries no trust).
Status CheckPseudoAnchorSha1(const X509* top, bool allow_sha1) {
  const bool self_issued =
      X509_NAME_cmp(X509_get_issuer_name(top), X509_get_subject_name(top)) == 0;
  if (allow_sha1 || self_issued || !UsesSha1Signature(top)) return OkStatus();
  return Fail(ErrorCode::kAlgorithmNotAllowed,
              "the last x5c certificate is signed with SHA-1 (allow_sha1_attestation is off)");
}

}  // namespace

Result<X509Ptr> ParseCertificateDer(ByteView der) {
  if (der.empty() || der.size() > kMaxCertificateBytes) {
    return Fail(ErrorCode::kCertificateInvalid, "certificate empty or larger than 16 KiB");
  }
  const unsigned char* cursor = der.data();
  X509Ptr cert(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));  // NOLINT
  ERR_clear_error();
  if (cert == nullptr) return Fail(ErrorCode::kCertificateInvalid, "certificate DER does not parse");
  if (cursor != der.data() + der.size()) {
    return Fail(ErrorCode::kCertificateInvalid, "trailing bytes after the certificate");
  }
  return cert;
}

Result<std::vector<X509Ptr>> ParseX5c(const CborValue& x5c) {
  if (!x5c.is_array() || x5c.array().empty()) {
    return Fail(ErrorCode::kAttestationInvalid, "x5c is not a non-empty array");
  }
  if (x5c.array().size() > kMaxX5cCertificates) {
    return Fail(ErrorCode::kAttestationInvalid, "x5c holds more than 8 certificates");
  }
  std::vector<X509Ptr> certs;
  certs.reserve(x5c.array().size());
  for (const CborValue& item : x5c.array()) {
    if (!item.is_bytes()) return Fail(ErrorCode::kAttestationInvalid, "x5c item is not a byte string");
    PASSKEY_ASSIGN_OR_RETURN(X509Ptr cert, ParseCertificateDer(item.bytes()));
    certs.push_back(std::move(cert));
  }
  return certs;
}

Result<std::optional<CertificateExtension>> FindExtension(const X509* cert,
                                                          std::string_view dotted_oid) {
  const std::string oid_text(dotted_oid);
  Asn1ObjectPtr oid(OBJ_txt2obj(oid_text.c_str(), /*no_name=*/1));
  if (oid == nullptr) {
    ERR_clear_error();
    return Fail(ErrorCode::kInternal, "bad extension OID constant");
  }
  std::optional<CertificateExtension> found;
  const int count = X509_get_ext_count(cert);
  for (int i = 0; i < count; ++i) {
    X509_EXTENSION* extension = X509_get_ext(cert, i);
    if (extension == nullptr || OBJ_cmp(X509_EXTENSION_get_object(extension), oid.get()) != 0) {
      continue;
    }
    if (found.has_value()) {
      return Fail(ErrorCode::kCertificateInvalid, "extension " + oid_text + " occurs twice");
    }
    const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(extension);
    CertificateExtension value;
    value.critical = X509_EXTENSION_get_critical(extension) == 1;
    const unsigned char* bytes = ASN1_STRING_get0_data(data);
    value.value.assign(bytes, bytes + ASN1_STRING_length(data));
    found = std::move(value);
  }
  return found;
}

long CertificateVersion(const X509* cert) { return X509_get_version(cert) + 1; }  // NOLINT

bool IsCa(const X509* cert) {
  // X509_get_extension_flags computes the cached extension data.
  return (X509_get_extension_flags(const_cast<X509*>(cert)) & EXFLAG_CA) != 0;
}

bool HasBasicConstraints(const X509* cert) {
  return (X509_get_extension_flags(const_cast<X509*>(cert)) & EXFLAG_BCONS) != 0;
}

std::optional<std::string> SubjectAttribute(const X509* cert, int nid) {
  const X509_NAME* name = X509_get_subject_name(cert);
  const int index = X509_NAME_get_index_by_NID(name, nid, -1);
  if (index < 0) return std::nullopt;
  const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, index);
  unsigned char* utf8 = nullptr;
  const int length = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry));
  if (length < 0) {
    ERR_clear_error();
    return std::nullopt;
  }
  std::string value(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length));
  OPENSSL_free(utf8);
  return value;
}

bool SubjectIsEmpty(const X509* cert) {
  return X509_NAME_entry_count(X509_get_subject_name(cert)) == 0;
}

Status CheckAaguidExtension(const X509* cert, const Aaguid& aaguid) {
  PASSKEY_ASSIGN_OR_RETURN(const std::optional<CertificateExtension> extension,
                           FindExtension(cert, kAaguidExtensionOid));
  // §8.2.1: "If the related attestation root certificate is used for multiple
  // authenticator models, the Extension OID 1.3.6.1.4.1.45724.1.1.4
  // (id-fido-gen-ce-aaguid) MUST be present, containing the AAGUID as a 16-byte
  // OCTET STRING. The extension MUST NOT be marked as critical."
  if (!extension.has_value()) return OkStatus();
  if (extension->critical) {
    return Fail(ErrorCode::kCertificateInvalid, "id-fido-gen-ce-aaguid is marked critical");
  }
  DerReader reader(extension->value);
  ByteView contents;
  if (!reader.Read(kDerOctetString, &contents) || !reader.empty() || contents.size() != 16) {
    return Fail(ErrorCode::kCertificateInvalid,
                "id-fido-gen-ce-aaguid is not a 16-byte OCTET STRING");
  }
  if (!ConstantTimeEquals(contents, aaguid.bytes)) {
    return Fail(ErrorCode::kAttestationAaguidMismatch,
                "certificate AAGUID differs from authenticatorData's");
  }
  return OkStatus();
}

bool CertificateKeyEquals(const X509* cert, const EVP_PKEY* key) {
  const EVP_PKEY* cert_key = X509_get0_pubkey(cert);
  const bool equal = cert_key != nullptr && key != nullptr && EVP_PKEY_eq(cert_key, key) == 1;
  ERR_clear_error();
  return equal;
}

Status CheckCertificateKeySuitsAlgorithm(const X509* cert, std::int64_t alg,
                                         ErrorCode mismatch_code) {
  const std::optional<CertificateSignatureScheme> scheme = SchemeForCoseAlgorithm(alg);
  if (!scheme.has_value()) {
    return Fail(ErrorCode::kUnsupportedAlgorithm,
                "attestation alg " + std::to_string(alg) + " is not supported");
  }
  const EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key == nullptr) {
    ERR_clear_error();
    return Fail(ErrorCode::kCertificateInvalid, "certificate public key does not parse");
  }
  if (!KeySuitsScheme(key, alg, scheme->scheme)) {
    return Fail(mismatch_code,
                "certificate key (type or curve) does not suit attestation alg " +
                    std::to_string(alg));
  }
  return OkStatus();
}

Status VerifyWithCertificate(const X509* cert, std::int64_t alg, ByteView message,
                             ByteView signature, bool allow_sha1, ErrorCode failure_code,
                             ErrorCode mismatch_code) {
  const std::optional<CertificateSignatureScheme> scheme = SchemeForCoseAlgorithm(alg);
  if (scheme.has_value() && scheme->sha1 && !allow_sha1) {
    return Fail(ErrorCode::kAlgorithmNotAllowed,
                "attestation signed with RS1 (SHA-1); allow_sha1_attestation is off");
  }
  PASSKEY_RETURN_IF_ERROR(CheckCertificateKeySuitsAlgorithm(cert, alg, mismatch_code));
  // The check above returned kUnsupportedAlgorithm when `scheme` is empty.
  return VerifySignature(X509_get0_pubkey(cert), scheme->scheme, scheme->hash, message, signature,
                         failure_code);
}

Result<PathPolicy> PathPolicyFor(const RegistrationOptions& options, const Aaguid& aaguid) {
  if (!options.now.has_value()) {
    return Fail(ErrorCode::kInvalidArgument,
                "the attestation carries certificates: options.now must be set to validate them");
  }
  PathPolicy policy;
  policy.trust = options.attestation_trust;
  policy.aaguid = aaguid;
  policy.now = *options.now;
  policy.allow_sha1 = options.allow_sha1_attestation;
  policy.require_revocation_check = options.require_revocation_check;
  return policy;
}

Result<PathValidation> ValidateAttestationPath(const std::vector<X509Ptr>& chain,
                                               const PathPolicy& policy) {
  if (chain.empty()) return Fail(ErrorCode::kAttestationInvalid, "empty certificate path");
  std::vector<const X509*> anchors;
  if (policy.trust != nullptr) {
    const internal::TrustImpl& trust = internal::TrustImplOf(*policy.trust);
    for (const X509Ptr& anchor : trust.anchors) anchors.push_back(anchor.get());
    if (const auto it = trust.aaguid_anchors.find(policy.aaguid.bytes);
        it != trust.aaguid_anchors.end()) {
      for (const X509Ptr& anchor : it->second) anchors.push_back(anchor.get());
    }
  }
  // RFC 5280 §6 path validation by OpenSSL (X509_verify_cert): signatures,
  // validity at `now`, basicConstraints cA and pathLenConstraint, keyUsage
  // keyCertSign on every issuer, no unknown critical extension, the trust's
  // CRLs. No purpose is set: attestation certificates carry none we know.
  PathValidation result;
  if (!anchors.empty()) {
    PASSKEY_ASSIGN_OR_RETURN(VerifyRun run, RunVerify(chain, anchors, policy));
    if (run.ok) {
      PASSKEY_RETURN_IF_ERROR(CheckNoSha1Links(run.chain.get(), policy.allow_sha1));
      PASSKEY_RETURN_IF_ERROR(CheckRevocationCoverage(run.chain.get(), /*pseudo_anchor=*/false,
                                                      policy, &result.revocation_checked));
      result.trusted = true;
      if (CheckX5cIsPathStart(chain, run.chain.get()).has_value()) return result;
    } else if (!IsNoAnchorError(run.error)) {
      PASSKEY_RETURN_IF_ERROR(MapVerifyError(run.error, run.depth));
    }
  }
  // No anchor is reached (or none is given), or the anchor was reached
  // before the end of x5c (an intermediate anchor, the root sent along):
  // the x5c is validated on its own, in the order the formats define ("each
  // subsequent one, if any, certifying the previous"), with its last
  // certificate as the anchor of a partial chain: the path must be x5c,
  // in order.
  const std::vector<const X509*> pseudo_anchor{chain.back().get()};
  PASSKEY_ASSIGN_OR_RETURN(VerifyRun run, RunVerify(chain, pseudo_anchor, policy));
  if (!run.ok) return Unexpected(MapVerifyError(run.error, run.depth).error());
  PASSKEY_RETURN_IF_ERROR(CheckX5cIsPathStart(chain, run.chain.get()));
  PASSKEY_RETURN_IF_ERROR(CheckNoSha1Links(run.chain.get(), policy.allow_sha1));
  PASSKEY_RETURN_IF_ERROR(CheckPseudoAnchorSha1(chain.back().get(), policy.allow_sha1));
  if (result.trusted) return result;  // coverage was judged on the anchored path
  PASSKEY_RETURN_IF_ERROR(CheckRevocationCoverage(run.chain.get(), /*pseudo_anchor=*/true,
                                                  policy, &result.revocation_checked));
  return result;
}

}  // namespace passkey::internal
