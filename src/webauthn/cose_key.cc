#include "webauthn/cose_key.h"

#include <openssl/core_names.h>
#include <openssl/err.h>

#include <algorithm>
#include <bit>
#include <string>

#include "encoding/cbor_reader.h"
#include "internal/result_macros.h"

namespace passkey::internal {
namespace {

// COSE key parameter labels (RFC 9052 §7.1, RFC 9053 §7).
constexpr std::int64_t kLabelKty = 1;
constexpr std::int64_t kLabelAlg = 3;
constexpr std::int64_t kLabelCrv = -1;   // EC2/OKP
constexpr std::int64_t kLabelX = -2;     // EC2/OKP
constexpr std::int64_t kLabelY = -3;     // EC2
constexpr std::int64_t kLabelD = -4;     // EC2/OKP private key
constexpr std::int64_t kLabelN = -1;     // RSA
constexpr std::int64_t kLabelE = -2;     // RSA
constexpr std::int64_t kKtyOkp = 1;
constexpr std::int64_t kKtyEc2 = 2;
constexpr std::int64_t kKtyRsa = 3;
constexpr std::int64_t kCrvP256 = 1;
constexpr std::int64_t kCrvP384 = 2;
constexpr std::int64_t kCrvP521 = 3;
constexpr std::int64_t kCrvEd25519 = 6;
constexpr std::int64_t kCrvEd448 = 7;
// RFC 8017 minimum we accept: smaller moduli are below 112-bit security.
constexpr std::size_t kMinRsaBits = 2048;
constexpr std::size_t kMaxRsaBits = 8192;

Unexpected Invalid(std::string message) {
  return Fail(ErrorCode::kInvalidPublicKey, std::move(message));
}

// What an algorithm demands of the key.
struct AlgorithmSpec {
  CoseAlgorithm alg;
  std::int64_t kty;
  SignatureScheme scheme;
  HashAlgorithm hash;
};

constexpr AlgorithmSpec kAlgorithms[] = {
    {CoseAlgorithm::kEs256, kKtyEc2, SignatureScheme::kEcdsaDer, HashAlgorithm::kSha256},
    {CoseAlgorithm::kEs384, kKtyEc2, SignatureScheme::kEcdsaDer, HashAlgorithm::kSha384},
    {CoseAlgorithm::kEs512, kKtyEc2, SignatureScheme::kEcdsaDer, HashAlgorithm::kSha512},
    {CoseAlgorithm::kEdDsa, kKtyOkp, SignatureScheme::kEdDsa, HashAlgorithm::kNone},
    {CoseAlgorithm::kEd25519, kKtyOkp, SignatureScheme::kEdDsa, HashAlgorithm::kNone},
    {CoseAlgorithm::kEd448, kKtyOkp, SignatureScheme::kEdDsa, HashAlgorithm::kNone},
    {CoseAlgorithm::kRs256, kKtyRsa, SignatureScheme::kRsaPkcs1, HashAlgorithm::kSha256},
    {CoseAlgorithm::kRs384, kKtyRsa, SignatureScheme::kRsaPkcs1, HashAlgorithm::kSha384},
    {CoseAlgorithm::kRs512, kKtyRsa, SignatureScheme::kRsaPkcs1, HashAlgorithm::kSha512},
    {CoseAlgorithm::kRs1, kKtyRsa, SignatureScheme::kRsaPkcs1, HashAlgorithm::kSha1},
    {CoseAlgorithm::kPs256, kKtyRsa, SignatureScheme::kRsaPss, HashAlgorithm::kSha256},
    {CoseAlgorithm::kPs384, kKtyRsa, SignatureScheme::kRsaPss, HashAlgorithm::kSha384},
    {CoseAlgorithm::kPs512, kKtyRsa, SignatureScheme::kRsaPss, HashAlgorithm::kSha512},
};

const AlgorithmSpec* FindAlgorithm(std::int64_t alg) {
  for (const auto& spec : kAlgorithms) {
    if (static_cast<std::int64_t>(spec.alg) == alg) return &spec;
  }
  return nullptr;
}

Result<CborValue> DecodeKeyMap(ByteView cose_key) {
  auto map = DecodeCbor(cose_key);
  if (!map.has_value()) return Rewrap(ErrorCode::kInvalidPublicKey, "COSE_Key", map.error());
  if (!map->is_map()) return Invalid("COSE_Key is not a CBOR map");
  return map;
}

Result<std::int64_t> RequireInt(const CborValue& map, std::int64_t label, const char* name) {
  const CborValue* value = map.Find(label);
  if (value == nullptr) return Invalid(std::string("COSE_Key lacks ") + name);
  auto as_int = value->AsInt64();
  if (!as_int.has_value()) return Invalid(std::string("COSE_Key ") + name + " is not an integer");
  return *as_int;
}

Result<ByteView> RequireBytes(const CborValue& map, std::int64_t label, const char* name) {
  const CborValue* value = map.Find(label);
  if (value == nullptr) return Invalid(std::string("COSE_Key lacks ") + name);
  if (!value->is_bytes()) return Invalid(std::string("COSE_Key ") + name + " is not a byte string");
  return value->bytes();
}

const EVP_PKEY* CurveParameters(std::int64_t crv) {
  struct Curves {
    static EVP_PKEY* Make(const char* group) {
      OSSL_PARAM params[] = {
          OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                           const_cast<char*>(group), 0),  // NOLINT
          OSSL_PARAM_construct_end()};
      EVP_PKEY* key = nullptr;
      EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
      if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
          EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_KEY_PARAMETERS, params) != 1) {
        ERR_clear_error();
        return nullptr;
      }
      return key;
    }
    EVP_PKEY* p256 = Make("P-256");
    EVP_PKEY* p384 = Make("P-384");
    EVP_PKEY* p521 = Make("P-521");
  };
  static const Curves* curves = new Curves();
  if (crv == kCrvP256) return curves->p256;
  if (crv == kCrvP384) return curves->p384;
  if (crv == kCrvP521) return curves->p521;
  return nullptr;
}

Result<EvpPkeyPtr> ImportEc2(const CborValue& map, CoseAlgorithm alg) {
  if (map.Find(kLabelD) != nullptr) return Invalid("COSE_Key contains a private key");
  PASSKEY_ASSIGN_OR_RETURN(const std::int64_t crv, RequireInt(map, kLabelCrv, "crv"));
  std::size_t coordinate = 0;
  CoseAlgorithm expected_alg = CoseAlgorithm::kEs256;
  if (crv == kCrvP256) {
    coordinate = 32, expected_alg = CoseAlgorithm::kEs256;
  } else if (crv == kCrvP384) {
    coordinate = 48, expected_alg = CoseAlgorithm::kEs384;
  } else if (crv == kCrvP521) {
    coordinate = 66, expected_alg = CoseAlgorithm::kEs512;
  } else {
    return Invalid("EC2 curve is not P-256, P-384 or P-521");
  }
  if (alg != expected_alg) return Invalid("EC2 curve does not match alg");
  PASSKEY_ASSIGN_OR_RETURN(const ByteView x, RequireBytes(map, kLabelX, "x"));
  const CborValue* y_value = map.Find(kLabelY);
  if (y_value == nullptr) return Invalid("COSE_Key lacks y");
  if (!y_value->is_bytes()) return Invalid("compressed EC2 points are not accepted");
  const ByteView y = y_value->bytes();
  if (x.size() != coordinate || y.size() != coordinate) {
    return Invalid("EC2 coordinate has the wrong length");
  }
  std::uint8_t point[1 + 2 * 66];
  point[0] = 0x04;  // SEC 1 uncompressed point
  std::copy(x.begin(), x.end(), point + 1);
  std::copy(y.begin(), y.end(), point + 1 + coordinate);
  // A copy of the curve's parameters-only key, given the point: the same
  // EC_POINT_oct2point decoding (coordinates < p, point on the curve) as
  // EVP_PKEY_fromdata with the group name, without building the group.
  const EVP_PKEY* params = CurveParameters(crv);
  EvpPkeyPtr pkey(params == nullptr ? nullptr : EVP_PKEY_dup(const_cast<EVP_PKEY*>(params)));  // NOLINT
  if (!pkey) {
    ERR_clear_error();
    return Fail(ErrorCode::kInternal, "cannot build EC parameters");
  }
  if (EVP_PKEY_set1_encoded_public_key(pkey.get(), point, 1 + 2 * coordinate) != 1) {
    ERR_clear_error();
    return Invalid("OpenSSL rejects the public key");
  }
  // No separate EVP_PKEY_public_check: it would find nothing more. Its quick
  // part (coordinates below p, point on the curve, not the point at
  // infinity) is what EC_POINT_oct2point has just enforced for an
  // uncompressed point (which cannot encode infinity); its full part adds
  // "n·Q is the point at infinity", a scalar multiplication as costly as a
  // signature check, which cannot fail on these curves: P-256, P-384 and
  // P-521 have cofactor 1 (SEC 2 §2.4), so every point on them has prime
  // order n (SP 800-56A Rev. 3 §5.6.2.3.3: partial public-key validation is
  // full validation when h = 1). tests/webauthn/cose_key_test.cc keeps the
  // off-curve, out-of-field and zero-point cases.
  return pkey;
}

// EdwardsCurve: what CheckEdwardsPoint needs of a curve a·x² + y² = 1 + d·x²·y²
// over GF(p) (RFC 8032 §5.1, §5.2), with d = -d_num / d_den.
struct EdwardsCurve {
  std::size_t length;        // encoded point: y little-endian, x's sign in the top bit
  int p_bit;                 // p = 2^p_bit - 2^p_mid_bit (if nonzero) - p_low
  int p_mid_bit;
  BN_ULONG p_low;
  int a;                     // -1 (edwards25519) or 1 (edwards448)
  BN_ULONG d_num;            // d = -d_num / d_den
  BN_ULONG d_den;
  bool has_order_8_points;   // cofactor 8 (edwards25519) rather than 4
};

// edwards25519: p = 2^255 - 19, a = -1, d = -121665/121666, cofactor 8.
constexpr EdwardsCurve kEdwards25519 = {32, 255, 0, 19, -1, 121665, 121666, true};
// edwards448: p = 2^448 - 2^224 - 1, a = 1, d = -39081, cofactor 4.
constexpr EdwardsCurve kEdwards448 = {57, 448, 224, 1, 1, 39081, 1, false};

// EdwardsPrimes: p and p - 1 of a curve, as BIGNUMs built once for the
// process (never freed; read-only after construction, so shared by threads).
struct EdwardsPrimes {
  BIGNUM* p = nullptr;
  BIGNUM* p_minus_1 = nullptr;
};

// MakePrimes: p = 2^p_bit - 2^p_mid_bit (if nonzero) - p_low; nullptr on
// allocation failure.
const EdwardsPrimes* MakePrimes(const EdwardsCurve& curve) {
  BignumPtr p(BN_new());
  BignumPtr p_minus_1(BN_new());
  BignumPtr mid(BN_new());
  if (!p || !p_minus_1 || !mid || BN_set_bit(p.get(), curve.p_bit) != 1 ||
      (curve.p_mid_bit != 0 && (BN_set_bit(mid.get(), curve.p_mid_bit) != 1 ||
                                BN_sub(p.get(), p.get(), mid.get()) != 1)) ||
      BN_sub_word(p.get(), curve.p_low) != 1 || BN_copy(p_minus_1.get(), p.get()) == nullptr ||
      BN_sub_word(p_minus_1.get(), 1) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  return new EdwardsPrimes{p.release(), p_minus_1.release()};
}

const EdwardsPrimes* PrimesOf(const EdwardsCurve& curve) {
  static const EdwardsPrimes* const p25519 = MakePrimes(kEdwards25519);
  static const EdwardsPrimes* const p448 = MakePrimes(kEdwards448);
  return &curve == &kEdwards25519 ? p25519 : &curve == &kEdwards448 ? p448 : nullptr;
}

// CheckEdwardsPoint rejects an encoded Ed25519/Ed448 public key that is not
// canonical, of small order, or (kFull) not on the curve. OpenSSL's
// EVP_PKEY_new_raw_public_key accepts any byte string of the right length
// and its EdDSA verification does not reject small-order keys: with the
// identity as the key (y = 1), R = the identity's encoding and S = 0 satisfy
// [S]B = R + [k]A for every message, so anyone could sign in as the holder.
//
// Arithmetic on public values only, with OpenSSL BIGNUM:
// - Encoding (RFC 8032 §5.1.3/§5.2.3): y is the little-endian integer with
//   x's sign bit cleared (the top bit of the last byte; for Ed448 the other
//   seven bits of the 57th byte must be 0). y >= p is non-canonical.
// - Small order: the points of order dividing the cofactor h. Curve points
//   with x = 0 have y² = 1: (0, 1) (order 1) and (0, -1) (order 2); points
//   with y = 0 have a·x² = 1: order 4. For edwards448 (h = 4) that is all of
//   them: y ∈ {0, 1, p-1}. For edwards25519 (h = 8) there are four more, of
//   order 8: P with y(2P) = 0. Doubling gives y(2P) = (y² - a·x²) /
//   (2 - a·x² - y²), so with a = -1, y(2P) = 0 ⇔ x² = -y²; the curve
//   equation gives x² = (y² - 1) / (d·y² + 1), hence
//   d·y⁴ + 2·y² - 1 ≡ 0, i.e. (times -d_den) d_num·y⁴ - 2·d_den·y² + d_den ≡ 0.
//   x = 0 happens only for y = ±1, so "x = 0 with the sign bit set"
//   (non-canonical, RFC 8032) is among the points rejected here.
// - On the curve (only with `validation` = kFull): x² = (y² - 1) / (d·y² - a)
//   must be a square mod p. With d = -d_num/d_den, x² = u / v for
//   u = (y² - 1)·d_den and v = -(d_num·y² + a·d_den); u/v is a square ⇔ u·v
//   is (u·v = (u/v)·v²), so one Kronecker symbol (binary, no
//   exponentiation) decides it; u ≠ 0 after the small-order check. It costs ~7 µs of the ~10 µs this function
//   takes (passkey_bench, VerifyRegistration/none/EdDSA), so kStored, the
//   per-sign-in import of a record's key, skips it: a y off the curve
//   cannot verify any signature (OpenSSL's point decoding at Verify fails:
//   kSignatureInvalid), unlike a small-order point, and registration
//   refused it.
// Errors: kInvalidPublicKey; kInternal (OpenSSL allocation failure).
Status CheckEdwardsPoint(ByteView encoded, const EdwardsCurve& curve, KeyValidation validation) {
  if (encoded.size() != curve.length) return Invalid("OKP public key has the wrong length");
  std::uint8_t y_bytes[57] = {};
  std::copy(encoded.begin(), encoded.end(), y_bytes);
  std::uint8_t& last = y_bytes[curve.length - 1];
  if (curve.length == 57 && (last & 0x7f) != 0) {
    return Invalid("Ed448 public key: the last byte may hold only the sign bit");
  }
  last = static_cast<std::uint8_t>(last & 0x7f);

  // The field prime and p - 1 are built once per curve; the temporaries
  // come from a per-thread BN_CTX, whose pool is reused from call to call
  // (a registration used to allocate nine BIGNUMs and a context here).
  const EdwardsPrimes* primes = PrimesOf(curve);
  thread_local const BnCtxPtr ctx(BN_CTX_new());
  const auto failed = [] {
    ERR_clear_error();
    return Fail(ErrorCode::kInternal, "BIGNUM arithmetic failed");
  };
  if (primes == nullptr || !ctx) return failed();
  BN_CTX_start(ctx.get());
  struct FrameEnd {
    BN_CTX* ctx;
    ~FrameEnd() { BN_CTX_end(ctx); }
  } frame_end{ctx.get()};
  const BIGNUM* p = primes->p;
  const BIGNUM* p_minus_1 = primes->p_minus_1;
  BIGNUM* y = BN_CTX_get(ctx.get());
  BIGNUM* y2 = BN_CTX_get(ctx.get());
  BIGNUM* t = BN_CTX_get(ctx.get());
  BIGNUM* u = BN_CTX_get(ctx.get());
  BIGNUM* v = BN_CTX_get(ctx.get());
  // BN_CTX_get fails only by returning null, and then every later call does.
  if (v == nullptr || BN_lebin2bn(y_bytes, static_cast<int>(curve.length), y) == nullptr) {
    return failed();
  }
  if (BN_cmp(y, p) >= 0) {
    return Invalid("EdDSA public key is not canonical (y >= p)");
  }
  if (BN_is_zero(y) || BN_is_one(y) || BN_cmp(y, p_minus_1) == 0) {
    return Invalid("EdDSA public key is a point of small order");
  }
  if (BN_mod_sqr(y2, y, p, ctx.get()) != 1) return failed();
  if (curve.has_order_8_points) {
    // t = d_num·y⁴ - 2·d_den·y² + d_den (mod p).
    if (BN_mod_sqr(t, y2, p, ctx.get()) != 1 ||
        BN_mul_word(t, curve.d_num) != 1 || BN_copy(u, y2) == nullptr ||
        BN_mul_word(u, 2 * curve.d_den) != 1 || BN_sub(t, t, u) != 1 ||
        BN_add_word(t, curve.d_den) != 1 ||
        BN_nnmod(t, t, p, ctx.get()) != 1) {
      return failed();
    }
    if (BN_is_zero(t)) return Invalid("EdDSA public key is a point of small order");
  }
  if (validation == KeyValidation::kStored) return OkStatus();
  // u = (y² - 1)·d_den, v = -(d_num·y² + a·d_den) (mod p); t = u·v.
  if (BN_copy(u, y2) == nullptr || BN_sub_word(u, 1) != 1 ||
      BN_mul_word(u, curve.d_den) != 1 || BN_copy(v, y2) == nullptr ||
      BN_mul_word(v, curve.d_num) != 1 ||
      (curve.a > 0 ? BN_add_word(v, curve.d_den) : BN_sub_word(v, curve.d_den)) != 1) {
    return failed();
  }
  BN_set_negative(v, 1);
  if (BN_nnmod(v, v, p, ctx.get()) != 1 ||
      BN_mod_mul(t, u, v, p, ctx.get()) != 1) {
    return failed();
  }
  const int symbol = BN_kronecker(t, p, ctx.get());
  if (symbol == -2) return failed();
  if (symbol != 1) return Invalid("EdDSA public key is not a point on the curve");
  return OkStatus();
}

Result<EvpPkeyPtr> ImportOkp(const CborValue& map, CoseAlgorithm alg, KeyValidation validation) {
  if (map.Find(kLabelD) != nullptr) return Invalid("COSE_Key contains a private key");
  PASSKEY_ASSIGN_OR_RETURN(const std::int64_t crv, RequireInt(map, kLabelCrv, "crv"));
  const char* type = nullptr;
  const EdwardsCurve* curve = nullptr;
  if (crv == kCrvEd25519 && (alg == CoseAlgorithm::kEdDsa || alg == CoseAlgorithm::kEd25519)) {
    type = "ED25519", curve = &kEdwards25519;
  } else if (crv == kCrvEd448 && (alg == CoseAlgorithm::kEdDsa || alg == CoseAlgorithm::kEd448)) {
    type = "ED448", curve = &kEdwards448;
  } else {
    return Invalid("OKP curve does not match alg");
  }
  PASSKEY_ASSIGN_OR_RETURN(const ByteView x, RequireBytes(map, kLabelX, "x"));
  PASSKEY_RETURN_IF_ERROR(CheckEdwardsPoint(x, *curve, validation));
  EVP_PKEY* raw = EVP_PKEY_new_raw_public_key_ex(nullptr, type, nullptr, x.data(), x.size());
  if (raw == nullptr) {
    ERR_clear_error();
    return Invalid("OpenSSL rejects the OKP public key");
  }
  return EvpPkeyPtr(raw);
}

// RsaPublicCheck: the deterministic checks of an RSA public key from
// SP 800-56B Rev. 2 §6.4.2.2 (the modulus size is checked by the caller):
// n odd, e odd, 3 <= e < n (e = 1 would make every message its own
// signature); with kFull also 2^16 < e (< 2^256 holds: e is at most 8 bytes).
// Read off the minimal big-endian encodings, so that no BIGNUM is built for
// a check (an import per sign-in from a stored record pays for every step).
//
// Not OpenSSL's EVP_PKEY_public_check: for RSA it adds an "enhanced"
// Miller-Rabin test of n with random bases, which on a composite n that is
// not a product of two primes may or may not find a factor, so the same key
// was accepted on one run and rejected on the next (found by the
// verify_registration fuzzer: a registered key failed a second import). A
// verdict must not depend on chance; a weak modulus only hurts its own
// credential's holder. It also cost ~3 ms per key.
Status RsaPublicCheck(ByteView n, ByteView e, KeyValidation validation) {
  std::uint64_t e_value = 0;
  for (const std::uint8_t byte : e) e_value = (e_value << 8) | byte;
  // n has at least 2048 bits and e at most 64, so e < n holds.
  if ((n.back() & 1) == 0 || (e_value & 1) == 0 || e_value < 3) {
    return Invalid("RSA n or e fails the structural check (n, e odd; 3 <= e < n)");
  }
  if (validation == KeyValidation::kFull && e_value <= 0xffff) {
    return Invalid("RSA e must exceed 2^16 (SP 800-56B)");
  }
  return OkStatus();
}

// ToNativeBn: a big-endian unsigned integer as OSSL_PARAM_construct_BN wants
// it (native byte order) in `out`, which holds at least big_endian.size().
void ToNativeBn(ByteView big_endian, std::uint8_t* out) {
  if constexpr (std::endian::native == std::endian::little) {
    std::reverse_copy(big_endian.begin(), big_endian.end(), out);
  } else {
    std::copy(big_endian.begin(), big_endian.end(), out);
  }
}

// FromDataRsa imports (n, e) with EVP_PKEY_fromdata. The EVP_PKEY_CTX is
// kept per thread: creating one by name fetches the key manager (a locked
// name-map lookup) each time, ~40 % of an RSA import. A context is not
// shareable between threads but may run any number of fromdata operations
// one after another (each EVP_PKEY_fromdata_init starts afresh).
Result<EvpPkeyPtr> FromDataRsa(OSSL_PARAM* params) {
  thread_local const EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) {
    ERR_clear_error();
    return Fail(ErrorCode::kInternal, "cannot prepare key import");
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    ERR_clear_error();
    return Invalid("OpenSSL rejects the public key");
  }
  return EvpPkeyPtr(raw);
}

Result<EvpPkeyPtr> ImportRsa(const CborValue& map, KeyValidation validation) {
  // Labels -3 … -12 hold private-key material (RFC 8230 §4).
  for (std::int64_t label = -3; label >= -12; --label) {
    if (map.Find(label) != nullptr) return Invalid("COSE_Key contains RSA private parameters");
  }
  PASSKEY_ASSIGN_OR_RETURN(const ByteView n, RequireBytes(map, kLabelN, "n"));
  PASSKEY_ASSIGN_OR_RETURN(const ByteView e, RequireBytes(map, kLabelE, "e"));
  if (n.empty() || e.empty() || e.size() > 8) return Invalid("RSA n or e has a bad length");
  // RFC 8230 §4: n and e are unsigned big-endian integers "with the
  // minimum number of octets" — no leading zero byte.
  if (n.front() == 0 || e.front() == 0) {
    return Invalid("RSA n or e is not minimally encoded (leading zero byte)");
  }
  const std::size_t bits = (n.size() - 1) * 8 + static_cast<std::size_t>(std::bit_width(n.front()));
  if (bits < kMinRsaBits || bits > kMaxRsaBits) {
    return Invalid("RSA modulus size " + std::to_string(bits) + " bits is out of range");
  }
  PASSKEY_RETURN_IF_ERROR(RsaPublicCheck(n, e, validation));
  std::uint8_t n_native[kMaxRsaBits / 8];
  std::uint8_t e_native[8];
  ToNativeBn(n, n_native);
  ToNativeBn(e, e_native);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_RSA_N, n_native, n.size()),
      OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_RSA_E, e_native, e.size()),
      OSSL_PARAM_construct_end()};
  return FromDataRsa(params);
}

}  // namespace

Status PublicKey::Verify(ByteView message, ByteView signature, ErrorCode failure_code) const {
  return VerifySignature(key_.get(), scheme_, hash_, message, signature, failure_code);
}

Result<CoseKeyMap> DecodeCoseKey(ByteView cose_key) {
  CoseKeyMap out;
  PASSKEY_ASSIGN_OR_RETURN(out.map, DecodeKeyMap(cose_key));
  PASSKEY_ASSIGN_OR_RETURN(out.alg, RequireInt(out.map, kLabelAlg, "alg"));
  return out;
}

Result<std::int64_t> CoseKeyAlgorithm(ByteView cose_key) {
  PASSKEY_ASSIGN_OR_RETURN(const CoseKeyMap key, DecodeCoseKey(cose_key));
  return key.alg;
}

Result<PublicKey> ImportCoseKey(ByteView cose_key, KeyValidation validation) {
  PASSKEY_ASSIGN_OR_RETURN(const CoseKeyMap key, DecodeCoseKey(cose_key));
  return ImportCoseKey(key, validation);
}

Result<PublicKey> ImportCoseKey(const CoseKeyMap& decoded, KeyValidation validation) {
  const CborValue& map = decoded.map;
  const std::int64_t alg = decoded.alg;
  PASSKEY_ASSIGN_OR_RETURN(const std::int64_t kty, RequireInt(map, kLabelKty, "kty"));
  const AlgorithmSpec* spec = FindAlgorithm(alg);
  if (spec == nullptr) {
    return Fail(ErrorCode::kUnsupportedAlgorithm,
                "COSE algorithm " + std::to_string(alg) + " is not supported");
  }
  if (kty != spec->kty) return Invalid("COSE kty does not match alg");
  PublicKey key;
  key.algorithm_ = spec->alg;
  key.scheme_ = spec->scheme;
  key.hash_ = spec->hash;
  if (kty == kKtyEc2) {
    PASSKEY_ASSIGN_OR_RETURN(key.key_, ImportEc2(map, spec->alg));
  } else if (kty == kKtyOkp) {
    PASSKEY_ASSIGN_OR_RETURN(key.key_, ImportOkp(map, spec->alg, validation));
  } else {
    PASSKEY_ASSIGN_OR_RETURN(key.key_, ImportRsa(map, validation));
  }
  return key;
}

}  // namespace passkey::internal
