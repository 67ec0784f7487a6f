#include "crypto/crypto.h"

#include <openssl/err.h>
#include <openssl/rsa.h>

#include "internal/limits.h"
#include "internal/result_macros.h"

namespace passkey::internal {
namespace {

// Explicitly fetched digests: implicit fetching (EVP_sha256()) repeats the
// provider lookup on every use. Fetched once; never freed (process lifetime).
struct FetchedDigests {
  EVP_MD* sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  EVP_MD* sha384 = EVP_MD_fetch(nullptr, "SHA384", nullptr);
  EVP_MD* sha512 = EVP_MD_fetch(nullptr, "SHA512", nullptr);
};

const FetchedDigests& Digests() {
  static const FetchedDigests* digests = new FetchedDigests();
  return *digests;
}

}  // namespace

const EVP_MD* GetMd(HashAlgorithm hash) noexcept {
  const FetchedDigests& d = Digests();
  switch (hash) {
    case HashAlgorithm::kNone: return nullptr;
    case HashAlgorithm::kSha1: return d.sha1;
    case HashAlgorithm::kSha256: return d.sha256;
    case HashAlgorithm::kSha384: return d.sha384;
    case HashAlgorithm::kSha512: return d.sha512;
  }
  return nullptr;
}

Sha256Digest Sha256(ByteView first, ByteView second) {
  Sha256Digest out{};
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  unsigned int length = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), GetMd(HashAlgorithm::kSha256), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), first.data(), first.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), second.data(), second.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out.data(), &length) != 1 || length != out.size()) {
    // SHA-256 cannot fail short of memory exhaustion; never return a digest
    // that could match anything.
    ERR_clear_error();
    std::abort();
  }
  return out;
}

bool ComputeDigest(HashAlgorithm hash, ByteView data, Bytes* out) {
  const EVP_MD* md = GetMd(hash);
  if (md == nullptr) return false;
  out->resize(static_cast<std::size_t>(EVP_MD_get_size(md)));
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out->data(), &length, md, nullptr) != 1 ||
      length != out->size()) {
    ERR_clear_error();
    return false;
  }
  return true;
}

Status VerifySignature(EVP_PKEY* key, SignatureScheme scheme, HashAlgorithm hash,
                       ByteView message, ByteView signature, ErrorCode failure_code) {
  if (signature.empty() || signature.size() > kMaxSignatureBytes) {
    return Fail(failure_code, "signature length out of range");
  }
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return Fail(ErrorCode::kInternal, "EVP_MD_CTX_new failed");
  EVP_PKEY_CTX* pkey_ctx = nullptr;  // owned by ctx
  if (EVP_DigestVerifyInit_ex(ctx.get(), &pkey_ctx,
                              scheme == SignatureScheme::kEdDsa ? nullptr
                                                                : EVP_MD_get0_name(GetMd(hash)),
                              nullptr, nullptr, key, nullptr) != 1) {
    ERR_clear_error();
    return Fail(ErrorCode::kInternal, "EVP_DigestVerifyInit_ex failed");
  }
  if (scheme == SignatureScheme::kRsaPss) {
    // RFC 8230 §2: PS256/384/512 use MGF1 with the same hash as the
    // message. It also says the salt is as long as the hash output, but
    // deployed signers (TPMs, libraries defaulting to the maximum) differ,
    // and the salt length carries no security weight for a verifier, so the
    // length is recovered from the signature (RSA_PSS_SALTLEN_AUTO).
    if (EVP_PKEY_CTX_set_rsa_padding(pkey_ctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pkey_ctx, RSA_PSS_SALTLEN_AUTO) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(pkey_ctx, GetMd(hash)) != 1) {
      ERR_clear_error();
      return Fail(ErrorCode::kInternal, "cannot configure RSA-PSS");
    }
  } else if (scheme == SignatureScheme::kRsaPkcs1) {
    if (EVP_PKEY_CTX_set_rsa_padding(pkey_ctx, RSA_PKCS1_PADDING) != 1) {
      ERR_clear_error();
      return Fail(ErrorCode::kInternal, "cannot configure RSA PKCS#1 v1.5");
    }
  }
  const int verified = EVP_DigestVerify(ctx.get(), signature.data(), signature.size(),
                                        message.data(), message.size());
  if (verified != 1) {
    ERR_clear_error();
    return Fail(failure_code, "signature does not verify");
  }
  return OkStatus();
}

}  // namespace passkey::internal
