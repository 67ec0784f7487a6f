// Digests and signature verification over OpenSSL 3 EVP.
#ifndef PASSKEY_CRYPTO_CRYPTO_H_
#define PASSKEY_CRYPTO_CRYPTO_H_

#include <array>
#include <cstdint>

#include <passkey/bytes.h>
#include <passkey/result.h>

#include "crypto/openssl_ptr.h"

namespace passkey::internal {

using Sha256Digest = std::array<std::uint8_t, 32>;

// HashAlgorithm: the digests signatures in WebAuthn use.
enum class HashAlgorithm { kNone, kSha1, kSha256, kSha384, kSha512 };

// GetMd: a pre-fetched EVP_MD (fetched once per process, thread-safe), or
// nullptr for kNone.
const EVP_MD* GetMd(HashAlgorithm hash) noexcept;

// Sha256 of the concatenation of `first` and `second`.
Sha256Digest Sha256(ByteView first, ByteView second = {});

// Digest with `hash` (not kNone); false on an OpenSSL failure.
[[nodiscard]] bool ComputeDigest(HashAlgorithm hash, ByteView data, Bytes* out);

// SignatureScheme: how VerifySignature interprets the key and signature.
enum class SignatureScheme { kEcdsaDer, kEdDsa, kRsaPkcs1, kRsaPss };

// VerifySignature checks `signature` over `message` (the message is hashed
// with `hash`; kNone for EdDSA). Returns OkStatus, or `failure_code` when the
// signature does not verify (including malformed signature encodings).
// Thread-safe; it creates no OpenSSL context per call: each thread keeps its
// digest context and the verification contexts of the last few keys it
// used (each holding a reference to its key until replaced or the thread
// ends).
Status VerifySignature(EVP_PKEY* key, SignatureScheme scheme, HashAlgorithm hash,
                       ByteView message, ByteView signature, ErrorCode failure_code);

}  // namespace passkey::internal

#endif  // PASSKEY_CRYPTO_CRYPTO_H_
