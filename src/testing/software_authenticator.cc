#include <passkey/testing/software_authenticator.h>

#include <array>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "internal/result_macros.h"
#include "testing/cbor_writer.h"

namespace passkey::testing {
namespace {

using internal::Fail;

// --- OpenSSL ownership -----------------------------------------------------

template <auto kFree>
struct Deleter {
  template <class T>
  void operator()(T* p) const noexcept {
    kFree(p);
  }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_clear_free>>;
using BnCtxPtr = std::unique_ptr<BN_CTX, Deleter<BN_CTX_free>>;
using EcGroupPtr = std::unique_ptr<EC_GROUP, Deleter<EC_GROUP_free>>;
using EcPointPtr = std::unique_ptr<EC_POINT, Deleter<EC_POINT_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;

// OpenSslError returns kInternal and clears the OpenSSL error queue.
Unexpected OpenSslError(std::string what) {
  ERR_clear_error();
  return Fail(ErrorCode::kInternal, std::move(what) + " failed (OpenSSL)");
}

// --- Algorithms ------------------------------------------------------------

enum class KeyFamily { kEc, kOkp, kRsa };

struct AlgorithmInfo {
  CoseAlgorithm alg;
  KeyFamily family;
  const char* digest;       // EVP digest name; nullptr for EdDSA
  bool pss;                 // RSASSA-PSS instead of PKCS#1 v1.5
  const char* group_name;   // EC: OpenSSL group name
  int curve_nid;            // EC: curve NID
  int cose_crv;             // EC2: 1/2/3
  std::size_t field_bytes;  // EC2: coordinate length
};

constexpr std::array<AlgorithmInfo, 12> kAlgorithms = {{
    {CoseAlgorithm::kEs256, KeyFamily::kEc, "SHA256", false, "P-256",
     NID_X9_62_prime256v1, 1, 32},
    {CoseAlgorithm::kEs384, KeyFamily::kEc, "SHA384", false, "P-384",
     NID_secp384r1, 2, 48},
    {CoseAlgorithm::kEs512, KeyFamily::kEc, "SHA512", false, "P-521",
     NID_secp521r1, 3, 66},
    {CoseAlgorithm::kEdDsa, KeyFamily::kOkp, nullptr, false, nullptr, 0, 0, 0},
    {CoseAlgorithm::kEd448, KeyFamily::kOkp, nullptr, false, nullptr, 0, 0, 0},
    {CoseAlgorithm::kRs256, KeyFamily::kRsa, "SHA256", false, nullptr, 0, 0, 0},
    {CoseAlgorithm::kRs384, KeyFamily::kRsa, "SHA384", false, nullptr, 0, 0, 0},
    {CoseAlgorithm::kRs512, KeyFamily::kRsa, "SHA512", false, nullptr, 0, 0, 0},
    {CoseAlgorithm::kPs256, KeyFamily::kRsa, "SHA256", true, nullptr, 0, 0, 0},
    {CoseAlgorithm::kPs384, KeyFamily::kRsa, "SHA384", true, nullptr, 0, 0, 0},
    {CoseAlgorithm::kPs512, KeyFamily::kRsa, "SHA512", true, nullptr, 0, 0, 0},
    {CoseAlgorithm::kRs1, KeyFamily::kRsa, "SHA1", false, nullptr, 0, 0, 0},
}};

const AlgorithmInfo* FindAlgorithm(CoseAlgorithm alg) {
  for (const AlgorithmInfo& info : kAlgorithms) {
    if (info.alg == alg) return &info;
  }
  return nullptr;
}

// COSE_Key labels and key types (RFC 9052 §7, RFC 9053 §7).
constexpr std::int64_t kCoseKty = 1;
constexpr std::int64_t kCoseAlg = 3;
constexpr std::int64_t kCoseCrvOrN = -1;
constexpr std::int64_t kCoseXOrE = -2;
constexpr std::int64_t kCoseY = -3;
constexpr std::int64_t kKtyOkp = 1;
constexpr std::int64_t kKtyEc2 = 2;
constexpr std::int64_t kKtyRsa = 3;

// --- Key material ----------------------------------------------------------

// Shake256 returns `length` bytes of SHAKE256(label ‖ "/" ‖ seed).
Result<Bytes> Shake256(std::string_view label, std::string_view seed,
                       std::size_t length) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  Bytes out(length);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_shake256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), label.data(), label.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), "/", 1) != 1 ||
      EVP_DigestUpdate(ctx.get(), seed.data(), seed.size()) != 1 ||
      EVP_DigestFinalXOF(ctx.get(), out.data(), out.size()) != 1) {
    return OpenSslError("SHAKE256");
  }
  return out;
}

// DeriveEcKey derives a P-256/384/521 key pair: the private scalar is
// 1 + (SHAKE256(label, seed) mod (n - 1)), with 16 bytes more than the order
// so the reduction bias is negligible; the public point is scalar × G.
Result<PkeyPtr> DeriveEcKey(const AlgorithmInfo& info, std::string_view seed) {
  EcGroupPtr group(EC_GROUP_new_by_curve_name(info.curve_nid));
  BnCtxPtr bn_ctx(BN_CTX_new());
  if (!group || !bn_ctx) return OpenSslError("EC group");
  const BIGNUM* order = EC_GROUP_get0_order(group.get());
  const auto order_bytes = static_cast<std::size_t>(BN_num_bytes(order));
  PASSKEY_ASSIGN_OR_RETURN(
      Bytes material,
      Shake256(std::string("passkey-testing/ec/") + info.group_name, seed,
               order_bytes + 16));
  BnPtr scalar(BN_bin2bn(material.data(), static_cast<int>(material.size()),
                         nullptr));
  BnPtr order_minus_one(BN_dup(order));
  if (!scalar || !order_minus_one ||
      BN_sub_word(order_minus_one.get(), 1) != 1 ||
      BN_nnmod(scalar.get(), scalar.get(), order_minus_one.get(),
               bn_ctx.get()) != 1 ||
      BN_add_word(scalar.get(), 1) != 1) {
    return OpenSslError("EC scalar");
  }
  EcPointPtr point(EC_POINT_new(group.get()));
  if (!point || EC_POINT_mul(group.get(), point.get(), scalar.get(), nullptr,
                             nullptr, bn_ctx.get()) != 1) {
    return OpenSslError("EC public point");
  }
  const std::size_t point_length =
      EC_POINT_point2oct(group.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED,
                         nullptr, 0, bn_ctx.get());
  Bytes encoded_point(point_length);
  if (point_length == 0 ||
      EC_POINT_point2oct(group.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED,
                         encoded_point.data(), encoded_point.size(),
                         bn_ctx.get()) != point_length) {
    return OpenSslError("EC point encoding");
  }
  ParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (!builder ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                      info.group_name, 0) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_PRIV_KEY,
                             scalar.get()) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                       encoded_point.data(),
                                       encoded_point.size()) != 1) {
    return OpenSslError("EC key parameters");
  }
  ParamPtr params(OSSL_PARAM_BLD_to_param(builder.get()));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw_key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw_key, EVP_PKEY_KEYPAIR, params.get()) !=
          1) {
    return OpenSslError("EC key import");
  }
  return PkeyPtr(raw_key);
}

// DeriveEdKey: the raw private key is SHAKE256(label, seed) (32 bytes for
// Ed25519, 57 for Ed448; RFC 8032 hashes it again, so any bytes are valid).
Result<PkeyPtr> DeriveEdKey(EdCurve curve, std::string_view seed) {
  const bool ed448 = curve == EdCurve::kEd448;
  PASSKEY_ASSIGN_OR_RETURN(
      Bytes raw, Shake256(ed448 ? "passkey-testing/ed448"
                                : "passkey-testing/ed25519",
                          seed, ed448 ? 57 : 32));
  PkeyPtr key(EVP_PKEY_new_raw_private_key(
      ed448 ? EVP_PKEY_ED448 : EVP_PKEY_ED25519, nullptr, raw.data(),
      raw.size()));
  OPENSSL_cleanse(raw.data(), raw.size());
  if (!key) return OpenSslError("EdDSA key import");
  return key;
}

Result<PkeyPtr> GenerateRsaKey(int bits) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw_key = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) != 1 ||
      EVP_PKEY_keygen(ctx.get(), &raw_key) != 1) {
    return OpenSslError("RSA key generation");
  }
  return PkeyPtr(raw_key);
}

Result<Bytes> BnParam(const EVP_PKEY* key, const char* name,
                      std::size_t pad_to) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) {
    return OpenSslError(std::string("reading key parameter ") + name);
  }
  BnPtr value(raw);
  const auto length = pad_to != 0
                          ? pad_to
                          : static_cast<std::size_t>(BN_num_bytes(value.get()));
  Bytes out(length);
  if (BN_bn2binpad(value.get(), out.data(), static_cast<int>(out.size())) < 0) {
    return OpenSslError("encoding key parameter");
  }
  return out;
}

// CoseKeyFor encodes the public half of `key` as a COSE_Key announcing
// `alg`, in CTAP2 canonical key order.
Result<Bytes> CoseKeyFor(const EVP_PKEY* key, const AlgorithmInfo& info,
                         CoseAlgorithm alg) {
  CborWriter cbor;
  switch (info.family) {
    case KeyFamily::kEc: {
      PASSKEY_ASSIGN_OR_RETURN(
          Bytes x, BnParam(key, OSSL_PKEY_PARAM_EC_PUB_X, info.field_bytes));
      PASSKEY_ASSIGN_OR_RETURN(
          Bytes y, BnParam(key, OSSL_PKEY_PARAM_EC_PUB_Y, info.field_bytes));
      cbor.MapHeader(5)
          .Int(kCoseKty).Int(kKtyEc2)
          .Int(kCoseAlg).Int(static_cast<std::int64_t>(alg))
          .Int(kCoseCrvOrN).Int(info.cose_crv)
          .Int(kCoseXOrE).ByteString(x)
          .Int(kCoseY).ByteString(y);
      break;
    }
    case KeyFamily::kOkp: {
      std::size_t length = 0;
      if (EVP_PKEY_get_raw_public_key(key, nullptr, &length) != 1) {
        return OpenSslError("EdDSA public key");
      }
      Bytes x(length);
      if (EVP_PKEY_get_raw_public_key(key, x.data(), &length) != 1) {
        return OpenSslError("EdDSA public key");
      }
      const EdCurve curve =
          EVP_PKEY_is_a(key, "ED448") ? EdCurve::kEd448 : EdCurve::kEd25519;
      cbor.MapHeader(4)
          .Int(kCoseKty).Int(kKtyOkp)
          .Int(kCoseAlg).Int(static_cast<std::int64_t>(alg))
          .Int(kCoseCrvOrN).Int(static_cast<std::int64_t>(curve))
          .Int(kCoseXOrE).ByteString(x);
      break;
    }
    case KeyFamily::kRsa: {
      PASSKEY_ASSIGN_OR_RETURN(Bytes n, BnParam(key, OSSL_PKEY_PARAM_RSA_N, 0));
      PASSKEY_ASSIGN_OR_RETURN(Bytes e, BnParam(key, OSSL_PKEY_PARAM_RSA_E, 0));
      cbor.MapHeader(4)
          .Int(kCoseKty).Int(kKtyRsa)
          .Int(kCoseAlg).Int(static_cast<std::int64_t>(alg))
          .Int(kCoseCrvOrN).ByteString(n)
          .Int(kCoseXOrE).ByteString(e);
      break;
    }
  }
  return cbor.Take();
}

Result<Bytes> SpkiFor(EVP_PKEY* key) {
  const int length = i2d_PUBKEY(key, nullptr);
  if (length <= 0) return OpenSslError("SubjectPublicKeyInfo encoding");
  Bytes out(static_cast<std::size_t>(length));
  unsigned char* cursor = out.data();
  if (i2d_PUBKEY(key, &cursor) != length) {
    return OpenSslError("SubjectPublicKeyInfo encoding");
  }
  return out;
}

// KeySuits reports whether `key` can sign for `info`.
bool KeySuits(const EVP_PKEY* key, const AlgorithmInfo& info) {
  switch (info.family) {
    case KeyFamily::kRsa:
      return EVP_PKEY_is_a(key, "RSA") == 1;
    case KeyFamily::kOkp:
      if (info.alg == CoseAlgorithm::kEd448) return EVP_PKEY_is_a(key, "ED448") == 1;
      return EVP_PKEY_is_a(key, "ED25519") == 1 || EVP_PKEY_is_a(key, "ED448") == 1;
    case KeyFamily::kEc: {
      if (EVP_PKEY_is_a(key, "EC") != 1) return false;
      std::array<char, 64> name{};
      std::size_t name_length = 0;
      if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME,
                                         name.data(), name.size(),
                                         &name_length) != 1) {
        ERR_clear_error();
        return false;
      }
      int nid = EC_curve_nist2nid(name.data());
      if (nid == NID_undef) nid = OBJ_sn2nid(name.data());
      return nid == info.curve_nid;
    }
  }
  return false;
}

Result<PkeyPtr> ParsePrivateKeyPem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return OpenSslError("BIO");
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    ERR_clear_error();
    return Fail(ErrorCode::kInvalidArgument, "not a PEM private key");
  }
  return key;
}

Result<std::string> WritePrivateKeyPem(const EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0,
                                       nullptr, nullptr) != 1) {
    return OpenSslError("PEM encoding");
  }
  std::string out(BIO_ctrl_pending(bio.get()), '\0');
  if (BIO_read(bio.get(), out.data(), static_cast<int>(out.size())) !=
      static_cast<int>(out.size())) {
    return OpenSslError("PEM encoding");
  }
  return out;
}

Bytes CredentialIdFor(std::string_view seed) {
  const std::string label = std::string("passkey-testing/credential-id/") +
                            std::string(seed);
  return Sha256(AsBytes(label));
}

// SignedData returns authData ‖ SHA-256(clientDataJSON), the message of both
// the packed attestation signature and the assertion signature.
Bytes SignedData(ByteView auth_data, std::string_view client_data_json) {
  Bytes message(auth_data.begin(), auth_data.end());
  const Bytes hash = Sha256(AsBytes(client_data_json));
  message.insert(message.end(), hash.begin(), hash.end());
  return message;
}

std::string Dump(const nlohmann::ordered_json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void AppendU16Be(Bytes& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xff));
}

void AppendU32Be(Bytes& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<std::uint8_t>((value >> shift) & 0xff));
  }
}

}  // namespace

// --- Building blocks -------------------------------------------------------

std::uint8_t FlagsByte(const Flags& flags, bool attested_data,
                       bool extensions) noexcept {
  std::uint8_t out = 0;
  if (flags.user_present) out |= kFlagUp;
  if (flags.user_verified) out |= kFlagUv;
  if (flags.backup_eligible) out |= kFlagBe;
  if (flags.backup_state) out |= kFlagBs;
  if (attested_data) out |= kFlagAt;
  if (extensions) out |= kFlagEd;
  return out;
}

Bytes Sha256(ByteView data) {
  Bytes out(32);
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &length, EVP_sha256(),
                 nullptr) != 1 ||
      length != out.size()) {
    std::fputs("passkey::testing::Sha256: OpenSSL failure\n", stderr);
    std::abort();
  }
  return out;
}

std::string BuildClientDataJson(const ClientDataParams& params) {
  nlohmann::ordered_json json;
  json["type"] = params.type;
  json["challenge"] = Base64UrlEncode(params.challenge);
  json["origin"] = params.origin;
  if (params.cross_origin.has_value()) json["crossOrigin"] = *params.cross_origin;
  if (params.top_origin.has_value()) json["topOrigin"] = *params.top_origin;
  if (params.token_binding_status.has_value()) {
    json["tokenBinding"] = {{"status", *params.token_binding_status}};
  }
  return Dump(json);
}

Bytes BuildAuthenticatorData(ByteView rp_id_hash, std::uint8_t flags,
                             std::uint32_t sign_count,
                             const AttestedCredentialData* attested,
                             const Bytes* extensions) {
  Bytes out(rp_id_hash.begin(), rp_id_hash.end());
  out.push_back(flags);
  AppendU32Be(out, sign_count);
  if (attested != nullptr) {
    out.insert(out.end(), attested->aaguid.bytes.begin(),
               attested->aaguid.bytes.end());
    AppendU16Be(out, static_cast<std::uint16_t>(attested->credential_id.size()));
    out.insert(out.end(), attested->credential_id.begin(),
               attested->credential_id.end());
    out.insert(out.end(), attested->cose_key.begin(), attested->cose_key.end());
  }
  if (extensions != nullptr) {
    out.insert(out.end(), extensions->begin(), extensions->end());
  }
  return out;
}

Bytes EncodeAttestationObject(std::string_view fmt, ByteView att_stmt,
                              ByteView auth_data) {
  CborWriter cbor;
  cbor.MapHeader(3)
      .TextString("fmt").TextString(fmt)
      .TextString("attStmt").Raw(att_stmt)
      .TextString("authData").ByteString(auth_data);
  return cbor.Take();
}

Bytes EmptyCborMap() { return CborWriter().MapHeader(0).Take(); }

std::string RegistrationResponseJson(const RegistrationParts& parts) {
  const std::string id = Base64UrlEncode(parts.credential_id);
  nlohmann::ordered_json response;
  response["clientDataJSON"] = Base64UrlEncode(AsBytes(parts.client_data_json));
  response["attestationObject"] = Base64UrlEncode(parts.attestation_object);
  response["authenticatorData"] = Base64UrlEncode(parts.authenticator_data);
  if (parts.public_key_algorithm.has_value()) {
    response["publicKeyAlgorithm"] = *parts.public_key_algorithm;
  }
  if (!parts.public_key_spki.empty()) {
    response["publicKey"] = Base64UrlEncode(parts.public_key_spki);
  }
  response["transports"] = parts.transports;

  nlohmann::ordered_json json;
  json["id"] = parts.id_text.value_or(id);
  json["rawId"] = parts.raw_id_text.value_or(id);
  json["type"] = "public-key";
  json["response"] = std::move(response);
  if (parts.attachment.has_value()) {
    json["authenticatorAttachment"] = std::string(AttachmentName(*parts.attachment));
  }
  json["clientExtensionResults"] = nlohmann::ordered_json::object();
  return Dump(json);
}

std::string AuthenticationResponseJson(const AssertionParts& parts) {
  const std::string id = Base64UrlEncode(parts.credential_id);
  nlohmann::ordered_json response;
  response["clientDataJSON"] = Base64UrlEncode(AsBytes(parts.client_data_json));
  response["authenticatorData"] = Base64UrlEncode(parts.authenticator_data);
  response["signature"] = Base64UrlEncode(parts.signature);
  if (parts.user_handle.has_value()) {
    response["userHandle"] = Base64UrlEncode(*parts.user_handle);
  }

  nlohmann::ordered_json json;
  json["id"] = parts.id_text.value_or(id);
  json["rawId"] = parts.raw_id_text.value_or(id);
  json["type"] = "public-key";
  json["response"] = std::move(response);
  if (parts.attachment.has_value()) {
    json["authenticatorAttachment"] = std::string(AttachmentName(*parts.attachment));
  }
  json["clientExtensionResults"] = nlohmann::ordered_json::object();
  return Dump(json);
}

// --- SoftwareAuthenticator -------------------------------------------------

struct SoftwareAuthenticator::Impl {
  // Make derives the public encodings of `key` and the credential ID.
  static Result<std::unique_ptr<Impl>> Make(CoseAlgorithm alg,
                                            const AlgorithmInfo& info,
                                            PkeyPtr key,
                                            std::string_view seed) {
    auto impl = std::make_unique<Impl>();
    impl->alg = alg;
    impl->info = &info;
    PASSKEY_ASSIGN_OR_RETURN(impl->cose_key, CoseKeyFor(key.get(), info, alg));
    PASSKEY_ASSIGN_OR_RETURN(impl->spki, SpkiFor(key.get()));
    impl->key = std::move(key);
    impl->credential_id = CredentialIdFor(seed);
    return impl;
  }

  CoseAlgorithm alg = CoseAlgorithm::kEs256;
  const AlgorithmInfo* info = nullptr;
  PkeyPtr key;
  Bytes credential_id;
  Bytes cose_key;
  Bytes spki;
};

SoftwareAuthenticator::SoftwareAuthenticator(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
SoftwareAuthenticator::SoftwareAuthenticator(SoftwareAuthenticator&&) noexcept =
    default;
SoftwareAuthenticator& SoftwareAuthenticator::operator=(
    SoftwareAuthenticator&&) noexcept = default;
SoftwareAuthenticator::~SoftwareAuthenticator() = default;


Result<SoftwareAuthenticator> SoftwareAuthenticator::Create(
    CoseAlgorithm alg, std::string_view seed) {
  const AlgorithmInfo* info = FindAlgorithm(alg);
  if (info == nullptr) {
    return Fail(ErrorCode::kUnsupportedAlgorithm,
                "no software key for COSE algorithm " +
                    std::to_string(static_cast<std::int32_t>(alg)));
  }
  PkeyPtr key;
  switch (info->family) {
    case KeyFamily::kEc: {
      PASSKEY_ASSIGN_OR_RETURN(key, DeriveEcKey(*info, seed));
      break;
    }
    case KeyFamily::kOkp: {
      PASSKEY_ASSIGN_OR_RETURN(
          key, DeriveEdKey(alg == CoseAlgorithm::kEd448 ? EdCurve::kEd448
                                                        : EdCurve::kEd25519,
                           seed));
      break;
    }
    case KeyFamily::kRsa: {
      PASSKEY_ASSIGN_OR_RETURN(key, GenerateRsaKey(2048));
      break;
    }
  }
  PASSKEY_ASSIGN_OR_RETURN(auto impl, Impl::Make(alg, *info, std::move(key), seed));
  return SoftwareAuthenticator(std::move(impl));
}

Result<SoftwareAuthenticator> SoftwareAuthenticator::CreateEdDsa(
    EdCurve curve, std::string_view seed) {
  if (curve != EdCurve::kEd25519 && curve != EdCurve::kEd448) {
    return Fail(ErrorCode::kInvalidArgument, "unknown EdDSA curve");
  }
  PASSKEY_ASSIGN_OR_RETURN(PkeyPtr key, DeriveEdKey(curve, seed));
  PASSKEY_ASSIGN_OR_RETURN(
      auto impl, Impl::Make(CoseAlgorithm::kEdDsa,
                          *FindAlgorithm(CoseAlgorithm::kEdDsa), std::move(key),
                          seed));
  return SoftwareAuthenticator(std::move(impl));
}

Result<SoftwareAuthenticator> SoftwareAuthenticator::CreateFromPem(
    CoseAlgorithm alg, std::string_view pem, std::string_view seed) {
  const AlgorithmInfo* info = FindAlgorithm(alg);
  if (info == nullptr) {
    return Fail(ErrorCode::kUnsupportedAlgorithm,
                "no software key for COSE algorithm " +
                    std::to_string(static_cast<std::int32_t>(alg)));
  }
  PASSKEY_ASSIGN_OR_RETURN(PkeyPtr key, ParsePrivateKeyPem(pem));
  if (!KeySuits(key.get(), *info)) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string("PEM key does not suit ") +
                    std::string(CoseAlgorithmName(alg)));
  }
  PASSKEY_ASSIGN_OR_RETURN(auto impl, Impl::Make(alg, *info, std::move(key), seed));
  return SoftwareAuthenticator(std::move(impl));
}

Result<std::string> SoftwareAuthenticator::GenerateRsaPrivateKeyPem(int bits) {
  if (bits < 1024) {
    return Fail(ErrorCode::kInvalidArgument, "RSA keys need at least 1024 bits");
  }
  PASSKEY_ASSIGN_OR_RETURN(PkeyPtr key, GenerateRsaKey(bits));
  return WritePrivateKeyPem(key.get());
}

CoseAlgorithm SoftwareAuthenticator::algorithm() const noexcept {
  return impl_->alg;
}

const Bytes& SoftwareAuthenticator::credential_id() const noexcept {
  return impl_->credential_id;
}

void SoftwareAuthenticator::set_credential_id(Bytes id) {
  impl_->credential_id = std::move(id);
}

const Bytes& SoftwareAuthenticator::CosePublicKey() const noexcept {
  return impl_->cose_key;
}

const Bytes& SoftwareAuthenticator::PublicKeySpki() const noexcept {
  return impl_->spki;
}

Result<std::string> SoftwareAuthenticator::PrivateKeyPem() const {
  return WritePrivateKeyPem(impl_->key.get());
}

Result<Bytes> SoftwareAuthenticator::Sign(ByteView message) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pkey_ctx = nullptr;  // owned by ctx
  if (!ctx || EVP_DigestSignInit_ex(ctx.get(), &pkey_ctx, impl_->info->digest,
                                    nullptr, nullptr, impl_->key.get(),
                                    nullptr) != 1) {
    return OpenSslError("signature init");
  }
  if (impl_->info->pss &&
      (EVP_PKEY_CTX_set_rsa_padding(pkey_ctx, RSA_PKCS1_PSS_PADDING) != 1 ||
       EVP_PKEY_CTX_set_rsa_pss_saltlen(pkey_ctx, RSA_PSS_SALTLEN_DIGEST) != 1)) {
    return OpenSslError("RSASSA-PSS parameters");
  }
  std::size_t length = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &length, message.data(),
                     message.size()) != 1) {
    return OpenSslError("signature size");
  }
  Bytes signature(length);
  if (EVP_DigestSign(ctx.get(), signature.data(), &length, message.data(),
                     message.size()) != 1) {
    return OpenSslError("signing");
  }
  signature.resize(length);
  return signature;
}

Result<RegistrationParts> SoftwareAuthenticator::MakeCredential(
    const RegistrationParams& params) const {
  RegistrationParts parts;
  parts.credential_id = impl_->credential_id;

  AttestedCredentialData attested;
  attested.aaguid = params.aaguid;
  attested.credential_id = impl_->credential_id;
  attested.cose_key = params.cose_key.value_or(impl_->cose_key);
  const Bytes* extensions =
      params.extensions.has_value() ? &*params.extensions : nullptr;
  const std::uint8_t flags = params.flags_byte.value_or(
      FlagsByte(params.flags, /*attested_data=*/true, extensions != nullptr));
  parts.authenticator_data =
      BuildAuthenticatorData(Sha256(AsBytes(params.rp_id)), flags,
                             params.sign_count, &attested, extensions);
  if (params.edit_authenticator_data) {
    params.edit_authenticator_data(parts.authenticator_data);
  }

  parts.client_data_json = params.client_data_json.value_or(BuildClientDataJson(
      {.type = params.type.value_or("webauthn.create"),
       .challenge = params.challenge,
       .origin = params.origin,
       .cross_origin = params.cross_origin,
       .top_origin = params.top_origin,
       .token_binding_status = params.token_binding_status}));

  Bytes att_stmt;
  if (params.attestation_statement.has_value()) {
    att_stmt = *params.attestation_statement;
  } else if (params.attest) {
    const Bytes client_data_hash = Sha256(AsBytes(parts.client_data_json));
    PASSKEY_ASSIGN_OR_RETURN(
        att_stmt, params.attest(AttestationContext{parts.authenticator_data,
                                                   client_data_hash, this}));
  } else if (params.format == "packed") {
    // §8.2 self attestation: sig over authenticatorData ‖ clientDataHash
    // with the credential private key; alg is the credential's algorithm.
    PASSKEY_ASSIGN_OR_RETURN(
        Bytes sig,
        Sign(SignedData(parts.authenticator_data, parts.client_data_json)));
    if (params.edit_attestation_signature) params.edit_attestation_signature(sig);
    att_stmt = CborWriter()
                   .MapHeader(2)
                   .TextString("alg")
                   .Int(params.packed_alg.value_or(
                       static_cast<std::int64_t>(impl_->alg)))
                   .TextString("sig")
                   .ByteString(sig)
                   .Take();
  } else {
    att_stmt = EmptyCborMap();
  }
  parts.attestation_object = EncodeAttestationObject(
      params.format, att_stmt, parts.authenticator_data);
  if (params.edit_attestation_object) {
    params.edit_attestation_object(parts.attestation_object);
  }

  if (params.cose_key.has_value()) {
    parts.public_key_algorithm = params.public_key_algorithm;
  } else {
    parts.public_key_algorithm = params.public_key_algorithm.value_or(
        static_cast<std::int64_t>(impl_->alg));
    parts.public_key_spki = impl_->spki;
  }
  parts.transports = params.transports;
  parts.attachment = params.attachment;
  parts.id_text = params.id_text;
  parts.raw_id_text = params.raw_id_text;
  return parts;
}

Result<std::string> SoftwareAuthenticator::MakeCredentialJson(
    const RegistrationParams& params) const {
  PASSKEY_ASSIGN_OR_RETURN(RegistrationParts parts, MakeCredential(params));
  return RegistrationResponseJson(parts);
}

Result<AssertionParts> SoftwareAuthenticator::GetAssertion(
    const AssertionParams& params) const {
  AssertionParts parts;
  parts.credential_id = impl_->credential_id;
  const Bytes* extensions =
      params.extensions.has_value() ? &*params.extensions : nullptr;
  const std::uint8_t flags = params.flags_byte.value_or(
      FlagsByte(params.flags, /*attested_data=*/false, extensions != nullptr));
  parts.authenticator_data =
      BuildAuthenticatorData(Sha256(AsBytes(params.rp_id)), flags,
                             params.sign_count, nullptr, extensions);
  if (params.edit_authenticator_data) {
    params.edit_authenticator_data(parts.authenticator_data);
  }
  parts.client_data_json = params.client_data_json.value_or(BuildClientDataJson(
      {.type = params.type.value_or("webauthn.get"),
       .challenge = params.challenge,
       .origin = params.origin,
       .cross_origin = params.cross_origin,
       .top_origin = params.top_origin,
       .token_binding_status = params.token_binding_status}));
  PASSKEY_ASSIGN_OR_RETURN(
      parts.signature,
      Sign(SignedData(parts.authenticator_data, parts.client_data_json)));
  if (params.edit_signature) params.edit_signature(parts.signature);
  parts.user_handle = params.user_handle;
  parts.attachment = params.attachment;
  parts.id_text = params.id_text;
  parts.raw_id_text = params.raw_id_text;
  return parts;
}

Result<std::string> SoftwareAuthenticator::GetAssertionJson(
    const AssertionParams& params) const {
  PASSKEY_ASSIGN_OR_RETURN(AssertionParts parts, GetAssertion(params));
  return AuthenticationResponseJson(parts);
}

}  // namespace passkey::testing
