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

// Per-thread OpenSSL contexts, so that the verification hot path creates
// none: OpenSSL contexts must not be used by two threads at once, and
// thread-local ones need no lock. Nothing here is shared between threads.
//
// Verifier: an EVP_PKEY_CTX initialised for EVP_PKEY_verify with the
// scheme's padding and digest (ECDSA, RSA), or an EVP_MD_CTX initialised
// for EVP_DigestVerify (EdDSA). Each holds a reference to its key, so the
// key's address cannot be reused while it is cached: the address identifies
// the key.
struct Verifier {
  const EVP_PKEY* key = nullptr;
  SignatureScheme scheme = SignatureScheme::kEcdsaDer;
  HashAlgorithm hash = HashAlgorithm::kNone;
  EvpPkeyCtxPtr pkey_ctx;
  EvpMdCtxPtr md_ctx;
};

// A few recently used keys per thread (a server verifying against several
// credentials in turn still reuses them; a bound keeps memory small).
constexpr std::size_t kCachedVerifiers = 4;

struct ThreadContexts {
  EvpMdCtxPtr digest{EVP_MD_CTX_new()};
  Verifier verifiers[kCachedVerifiers];
  std::size_t next = 0;  // round-robin replacement
};

ThreadContexts& Contexts() {
  thread_local ThreadContexts contexts;
  return contexts;
}

EVP_MD_CTX* ThreadDigestContext() { return Contexts().digest.get(); }

bool InitVerifier(Verifier& v, EVP_PKEY* key, SignatureScheme scheme, HashAlgorithm hash) {
  v = Verifier{};
  const EVP_MD* md = GetMd(hash);
  if (scheme == SignatureScheme::kEdDsa) {
    v.md_ctx.reset(EVP_MD_CTX_new());
    if (!v.md_ctx || EVP_DigestVerifyInit_ex(v.md_ctx.get(), nullptr, nullptr, nullptr, nullptr,
                                             key, nullptr) != 1) {
      return false;
    }
  } else {
    if (md == nullptr) return false;
    v.pkey_ctx.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    EVP_PKEY_CTX* ctx = v.pkey_ctx.get();
    if (!ctx || EVP_PKEY_verify_init(ctx) != 1) return false;
    if (scheme == SignatureScheme::kRsaPss) {
      // RFC 8230 §2: PS256/384/512 use MGF1 with the same hash as the
      // message. It also says the salt is as long as the hash output, but
      // deployed signers (TPMs, libraries defaulting to the maximum) differ,
      // and the salt length carries no security weight for a verifier, so
      // the length is recovered from the signature (RSA_PSS_SALTLEN_AUTO).
      if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) != 1 ||
          EVP_PKEY_CTX_set_signature_md(ctx, md) != 1 ||
          EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_AUTO) != 1 ||
          EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) != 1) {
        return false;
      }
    } else if (scheme == SignatureScheme::kRsaPkcs1) {
      if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1 ||
          EVP_PKEY_CTX_set_signature_md(ctx, md) != 1) {
        return false;
      }
    } else if (EVP_PKEY_CTX_set_signature_md(ctx, md) != 1) {
      return false;
    }
  }
  v.key = key;
  v.scheme = scheme;
  v.hash = hash;
  return true;
}

// ThreadVerifier: this thread's verifier for (key, scheme, hash), set up on
// first use. nullptr when OpenSSL refuses the set-up.
Verifier* ThreadVerifier(EVP_PKEY* key, SignatureScheme scheme, HashAlgorithm hash) {
  ThreadContexts& contexts = Contexts();
  for (Verifier& v : contexts.verifiers) {
    if (v.key == key && v.scheme == scheme && v.hash == hash) return &v;
  }
  Verifier& slot = contexts.verifiers[contexts.next];
  contexts.next = (contexts.next + 1) % kCachedVerifiers;
  if (!InitVerifier(slot, key, scheme, hash)) {
    slot = Verifier{};
    return nullptr;
  }
  return &slot;
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
  EVP_MD_CTX* ctx = ThreadDigestContext();
  unsigned int length = 0;
  if (ctx == nullptr ||
      EVP_DigestInit_ex2(ctx, GetMd(HashAlgorithm::kSha256), nullptr) != 1 ||
      EVP_DigestUpdate(ctx, first.data(), first.size()) != 1 ||
      EVP_DigestUpdate(ctx, second.data(), second.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, out.data(), &length) != 1 || length != out.size()) {
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
  Verifier* verifier = ThreadVerifier(key, scheme, hash);
  if (verifier == nullptr) {
    ERR_clear_error();
    return Fail(ErrorCode::kInternal, "cannot set up signature verification");
  }
  int verified = 0;
  if (scheme == SignatureScheme::kEdDsa) {
    // EdDSA (pure) is one-shot over the message. Re-initialising with no
    // key keeps the key and resets the state (EVP_DigestVerifyInit(3)).
    // Should a build of OpenSSL refuse that, initialise again with the key.
    if (EVP_DigestVerifyInit_ex(verifier->md_ctx.get(), nullptr, nullptr, nullptr, nullptr,
                                nullptr, nullptr) != 1) {
      ERR_clear_error();
      if (EVP_DigestVerifyInit_ex(verifier->md_ctx.get(), nullptr, nullptr, nullptr, nullptr,
                                  key, nullptr) != 1) {
        ERR_clear_error();
        return Fail(ErrorCode::kInternal, "EVP_DigestVerifyInit_ex failed");
      }
    }
    verified = EVP_DigestVerify(verifier->md_ctx.get(), signature.data(), signature.size(),
                                message.data(), message.size());
  } else {
    // Hash-then-verify: what EVP_DigestVerify does inside (ECDSA_verify /
    // RSA_verify on the digest), without a context set-up per call.
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_length = 0;
    EVP_MD_CTX* ctx = ThreadDigestContext();
    if (ctx == nullptr || EVP_DigestInit_ex2(ctx, GetMd(hash), nullptr) != 1 ||
        EVP_DigestUpdate(ctx, message.data(), message.size()) != 1 ||
        EVP_DigestFinal_ex(ctx, digest, &digest_length) != 1) {
      ERR_clear_error();
      return Fail(ErrorCode::kInternal, "digest failed");
    }
    verified = EVP_PKEY_verify(verifier->pkey_ctx.get(), signature.data(), signature.size(),
                               digest, digest_length);
  }
  if (verified != 1) {
    ERR_clear_error();
    return Fail(failure_code, "signature does not verify");
  }
  return OkStatus();
}

}  // namespace passkey::internal
