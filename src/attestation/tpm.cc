// §8.3 TPM Attestation Statement Format.
//
// The two TPM 2.0 structures of the statement (TPM 2.0 Library Part 2:
// TPMT_PUBLIC §12.2.4, TPMS_ATTEST §10.12.12) are parsed here with
// ByteReader: big-endian integers, TPM2B fields as a u16 size and that many
// bytes, unions selected by the preceding algorithm or type. Unknown
// selectors and trailing bytes are refused.
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

#include "attestation/verifier.h"
#include "attestation/x509.h"
#include "encoding/byte_reader.h"
#include "encoding/der_reader.h"
#include "internal/result_macros.h"

namespace passkey::internal {
namespace {

// TPM_GENERATED_VALUE (Part 2 §6.2): 0xFF 'T' 'C' 'G'.
constexpr std::uint32_t kTpmGeneratedValue = 0xff544347;
// TPM_ST_ATTEST_CERTIFY (Part 2 §6.9).
constexpr std::uint16_t kTpmStAttestCertify = 0x8017;

// TPM_ALG_ID values (Part 2 §6.3) used by TPMT_PUBLIC.
constexpr std::uint16_t kTpmAlgRsa = 0x0001;
constexpr std::uint16_t kTpmAlgSha1 = 0x0004;
constexpr std::uint16_t kTpmAlgAes = 0x0006;
constexpr std::uint16_t kTpmAlgMgf1 = 0x0007;
constexpr std::uint16_t kTpmAlgSha256 = 0x000B;
constexpr std::uint16_t kTpmAlgSha384 = 0x000C;
constexpr std::uint16_t kTpmAlgSha512 = 0x000D;
constexpr std::uint16_t kTpmAlgNull = 0x0010;
constexpr std::uint16_t kTpmAlgSm3256 = 0x0012;
constexpr std::uint16_t kTpmAlgSm4 = 0x0013;
constexpr std::uint16_t kTpmAlgRsassa = 0x0014;
constexpr std::uint16_t kTpmAlgRsaes = 0x0015;
constexpr std::uint16_t kTpmAlgRsapss = 0x0016;
constexpr std::uint16_t kTpmAlgOaep = 0x0017;
constexpr std::uint16_t kTpmAlgEcdsa = 0x0018;
constexpr std::uint16_t kTpmAlgEcdh = 0x0019;
constexpr std::uint16_t kTpmAlgEcdaa = 0x001A;
constexpr std::uint16_t kTpmAlgSm2 = 0x001B;
constexpr std::uint16_t kTpmAlgEcschnorr = 0x001C;
constexpr std::uint16_t kTpmAlgEcmqv = 0x001D;
constexpr std::uint16_t kTpmAlgKdf1Sp80056a = 0x0020;
constexpr std::uint16_t kTpmAlgKdf2 = 0x0021;
constexpr std::uint16_t kTpmAlgKdf1Sp800108 = 0x0022;
constexpr std::uint16_t kTpmAlgEcc = 0x0023;
constexpr std::uint16_t kTpmAlgCamellia = 0x0026;

// TPM_ECC_CURVE values (Part 2 §6.4).
constexpr std::uint16_t kTpmEccNistP256 = 0x0003;
constexpr std::uint16_t kTpmEccNistP384 = 0x0004;
constexpr std::uint16_t kTpmEccNistP521 = 0x0005;

// Object identifiers, as the contents octets of their DER encoding.
// tcg-at-tpmManufacturer 2.23.133.2.1, tcg-at-tpmModel 2.23.133.2.2,
// tcg-at-tpmVersion 2.23.133.2.3 (TCG EK Credential Profile §3.2.9), and
// tcg-kp-AIKCertificate 2.23.133.8.3.
constexpr std::array<std::uint8_t, 5> kOidTpmManufacturer = {0x67, 0x81, 0x05, 0x02, 0x01};
constexpr std::array<std::uint8_t, 5> kOidTpmModel = {0x67, 0x81, 0x05, 0x02, 0x02};
constexpr std::array<std::uint8_t, 5> kOidTpmVersion = {0x67, 0x81, 0x05, 0x02, 0x03};
constexpr std::array<std::uint8_t, 5> kOidTcgKpAikCertificate = {0x67, 0x81, 0x05, 0x08, 0x03};

constexpr char kOidSubjectAltName[] = "2.5.29.17";
constexpr char kOidExtendedKeyUsage[] = "2.5.29.37";

// TpmPublic: the parts of TPMT_PUBLIC the verification uses.
struct TpmPublic {
  std::uint16_t type = 0;
  std::uint16_t name_alg = 0;
  // RSA (TPMS_RSA_PARMS, TPM2B_PUBLIC_KEY_RSA).
  std::uint16_t rsa_key_bits = 0;
  std::uint32_t rsa_exponent = 0;
  ByteView rsa_modulus;
  // ECC (TPMS_ECC_PARMS, TPMS_ECC_POINT).
  std::uint16_t ecc_curve = 0;
  ByteView ecc_x;
  ByteView ecc_y;
};

// TpmAttest: the parts of TPMS_ATTEST (with TPMS_CERTIFY_INFO) used.
struct TpmAttest {
  std::uint32_t magic = 0;
  std::uint16_t type = 0;
  ByteView extra_data;
  ByteView attested_name;
};

Unexpected Malformed(const char* structure, const char* what) {
  std::string message(structure);
  message += ": ";
  message += what;
  return Fail(ErrorCode::kAttestationInvalid, std::move(message));
}

// ReadTpm2b reads a TPM2B_*: a u16 size, then that many bytes.
[[nodiscard]] bool ReadTpm2b(ByteReader& reader, ByteView* out) {
  std::uint16_t size = 0;
  return reader.ReadU16Be(&size) && reader.ReadBytes(size, out);
}

// TpmHash maps a TPMI_ALG_HASH to our digest; kNone when unknown or not
// supported here (SM3_256).
HashAlgorithm TpmHash(std::uint16_t alg) {
  switch (alg) {
    case kTpmAlgSha1:
      return HashAlgorithm::kSha1;
    case kTpmAlgSha256:
      return HashAlgorithm::kSha256;
    case kTpmAlgSha384:
      return HashAlgorithm::kSha384;
    case kTpmAlgSha512:
      return HashAlgorithm::kSha512;
    default:
      return HashAlgorithm::kNone;
  }
}

bool IsTpmHashAlg(std::uint16_t alg) {
  return TpmHash(alg) != HashAlgorithm::kNone || alg == kTpmAlgSm3256;
}

// ReadSymDefObject: TPMT_SYM_DEF_OBJECT (Part 2 §11.1.7). For a key that
// is not a storage key the algorithm is TPM_ALG_NULL; a block cipher carries
// keyBits and mode.
[[nodiscard]] bool ReadSymDefObject(ByteReader& reader) {
  std::uint16_t algorithm = 0;
  if (!reader.ReadU16Be(&algorithm))
    return false;
  if (algorithm == kTpmAlgNull)
    return true;
  if (algorithm != kTpmAlgAes && algorithm != kTpmAlgSm4 && algorithm != kTpmAlgCamellia) {
    return false;
  }
  std::uint16_t key_bits = 0;
  std::uint16_t mode = 0;
  return reader.ReadU16Be(&key_bits) && reader.ReadU16Be(&mode);
}

// ReadSchemeHash reads the TPMS_SCHEME_HASH that follows a signing or
// key-derivation scheme selector, requiring a hash algorithm.
[[nodiscard]] bool ReadSchemeHash(ByteReader& reader) {
  std::uint16_t hash_alg = 0;
  return reader.ReadU16Be(&hash_alg) && IsTpmHashAlg(hash_alg);
}

// ReadRsaScheme: TPMT_RSA_SCHEME (Part 2 §11.2.4.2).
[[nodiscard]] bool ReadRsaScheme(ByteReader& reader) {
  std::uint16_t scheme = 0;
  if (!reader.ReadU16Be(&scheme))
    return false;
  switch (scheme) {
    case kTpmAlgNull:
    case kTpmAlgRsaes:  // TPMS_ENC_SCHEME_RSAES is empty
      return true;
    case kTpmAlgRsassa:
    case kTpmAlgRsapss:
    case kTpmAlgOaep:
      return ReadSchemeHash(reader);
    default:
      return false;
  }
}

// ReadEccScheme: TPMT_ECC_SCHEME (Part 2 §11.2.5.6).
[[nodiscard]] bool ReadEccScheme(ByteReader& reader) {
  std::uint16_t scheme = 0;
  if (!reader.ReadU16Be(&scheme))
    return false;
  switch (scheme) {
    case kTpmAlgNull:
      return true;
    case kTpmAlgEcdsa:
    case kTpmAlgEcdh:
    case kTpmAlgSm2:
    case kTpmAlgEcschnorr:
    case kTpmAlgEcmqv:
      return ReadSchemeHash(reader);
    case kTpmAlgEcdaa: {  // TPMS_SCHEME_ECDAA: hashAlg, count
      std::uint16_t count = 0;
      return ReadSchemeHash(reader) && reader.ReadU16Be(&count);
    }
    default:
      return false;
  }
}

// ReadKdfScheme: TPMT_KDF_SCHEME (Part 2 §11.2.3.3).
[[nodiscard]] bool ReadKdfScheme(ByteReader& reader) {
  std::uint16_t scheme = 0;
  if (!reader.ReadU16Be(&scheme))
    return false;
  switch (scheme) {
    case kTpmAlgNull:
      return true;
    case kTpmAlgMgf1:
    case kTpmAlgKdf1Sp80056a:
    case kTpmAlgKdf2:
    case kTpmAlgKdf1Sp800108:
      return ReadSchemeHash(reader);
    default:
      return false;
  }
}

// ParsePubArea parses TPMT_PUBLIC (Part 2 §12.2.4): type, nameAlg,
// objectAttributes, authPolicy, parameters, unique.
Result<TpmPublic> ParsePubArea(ByteView bytes) {
  constexpr char kWhat[] = "pubArea (TPMT_PUBLIC)";
  ByteReader reader(bytes);
  TpmPublic pub;
  std::uint32_t object_attributes = 0;
  ByteView auth_policy;
  if (!reader.ReadU16Be(&pub.type) || !reader.ReadU16Be(&pub.name_alg) ||
      !reader.ReadU32Be(&object_attributes) || !ReadTpm2b(reader, &auth_policy)) {
    return Malformed(kWhat, "truncated header");
  }
  if (!IsTpmHashAlg(pub.name_alg))
    return Malformed(kWhat, "unknown nameAlg");
  if (pub.type == kTpmAlgRsa) {
    // TPMS_RSA_PARMS: symmetric, scheme, keyBits, exponent; then
    // TPM2B_PUBLIC_KEY_RSA unique.
    if (!ReadSymDefObject(reader) || !ReadRsaScheme(reader) ||
        !reader.ReadU16Be(&pub.rsa_key_bits) || !reader.ReadU32Be(&pub.rsa_exponent)) {
      return Malformed(kWhat, "bad TPMS_RSA_PARMS");
    }
    if (!ReadTpm2b(reader, &pub.rsa_modulus) || pub.rsa_modulus.empty()) {
      return Malformed(kWhat, "bad RSA unique");
    }
  } else if (pub.type == kTpmAlgEcc) {
    // TPMS_ECC_PARMS: symmetric, scheme, curveID, kdf; then TPMS_ECC_POINT.
    if (!ReadSymDefObject(reader) || !ReadEccScheme(reader) || !reader.ReadU16Be(&pub.ecc_curve) ||
        !ReadKdfScheme(reader)) {
      return Malformed(kWhat, "bad TPMS_ECC_PARMS");
    }
    if (!ReadTpm2b(reader, &pub.ecc_x) || !ReadTpm2b(reader, &pub.ecc_y) || pub.ecc_x.empty() ||
        pub.ecc_y.empty()) {
      return Malformed(kWhat, "bad ECC unique");
    }
  } else {
    return Malformed(kWhat, "type is neither TPM_ALG_RSA nor TPM_ALG_ECC");
  }
  if (!reader.empty())
    return Malformed(kWhat, "trailing bytes");
  return pub;
}

// ParseCertInfo parses TPMS_ATTEST (Part 2 §10.12.12) in the order of the
// §8.3 checks: magic and type first (the type selects the attested union),
// then the rest with TPMS_CERTIFY_INFO as `attested`.
Result<TpmAttest> ParseCertInfo(ByteView bytes) {
  constexpr char kWhat[] = "certInfo (TPMS_ATTEST)";
  ByteReader reader(bytes);
  TpmAttest attest;
  if (!reader.ReadU32Be(&attest.magic) || !reader.ReadU16Be(&attest.type)) {
    return Malformed(kWhat, "truncated header");
  }
  // §8.3: "Verify that magic is set to TPM_GENERATED_VALUE."
  if (attest.magic != kTpmGeneratedValue) {
    return Malformed(kWhat, "magic is not TPM_GENERATED_VALUE");
  }
  // §8.3: "Verify that type is set to TPM_ST_ATTEST_CERTIFY."
  if (attest.type != kTpmStAttestCertify) {
    return Malformed(kWhat, "type is not TPM_ST_ATTEST_CERTIFY");
  }
  // qualifiedSigner (TPM2B_NAME), extraData (TPM2B_DATA), clockInfo
  // (TPMS_CLOCK_INFO: clock u64, resetCount u32, restartCount u32, safe u8),
  // firmwareVersion (u64), attested (TPMS_CERTIFY_INFO: name, qualifiedName).
  ByteView qualified_signer;
  ByteView qualified_name;
  std::uint64_t clock = 0;
  std::uint32_t reset_count = 0;
  std::uint32_t restart_count = 0;
  std::uint8_t safe = 0;
  std::uint64_t firmware_version = 0;
  if (!ReadTpm2b(reader, &qualified_signer) || !ReadTpm2b(reader, &attest.extra_data) ||
      !reader.ReadU64Be(&clock) || !reader.ReadU32Be(&reset_count) ||
      !reader.ReadU32Be(&restart_count) || !reader.ReadU8(&safe) ||
      !reader.ReadU64Be(&firmware_version) || !ReadTpm2b(reader, &attest.attested_name) ||
      !ReadTpm2b(reader, &qualified_name)) {
    return Malformed(kWhat, "truncated");
  }
  if (!reader.empty())
    return Malformed(kWhat, "trailing bytes");
  return attest;
}

// AlgHash: the hash "employed in alg" (§8.3 extraData).
// Errors: kUnsupportedAlgorithm, kAlgorithmNotAllowed (RS1 without
// allow_sha1_attestation).
Result<HashAlgorithm> AlgHash(std::int64_t alg, bool allow_sha1) {
  switch (alg) {
    case static_cast<std::int64_t>(CoseAlgorithm::kEs256):
    case static_cast<std::int64_t>(CoseAlgorithm::kPs256):
    case static_cast<std::int64_t>(CoseAlgorithm::kRs256):
      return HashAlgorithm::kSha256;
    case static_cast<std::int64_t>(CoseAlgorithm::kEs384):
    case static_cast<std::int64_t>(CoseAlgorithm::kPs384):
    case static_cast<std::int64_t>(CoseAlgorithm::kRs384):
      return HashAlgorithm::kSha384;
    case static_cast<std::int64_t>(CoseAlgorithm::kEs512):
    case static_cast<std::int64_t>(CoseAlgorithm::kPs512):
    case static_cast<std::int64_t>(CoseAlgorithm::kRs512):
      return HashAlgorithm::kSha512;
    case static_cast<std::int64_t>(CoseAlgorithm::kRs1):
      if (!allow_sha1) {
        return Fail(ErrorCode::kAlgorithmNotAllowed,
                    "tpm attStmt alg RS1 (SHA-1) needs allow_sha1_attestation");
      }
      return HashAlgorithm::kSha1;
    default:
      return Fail(ErrorCode::kUnsupportedAlgorithm,
                  "tpm attStmt alg " + std::to_string(alg) + " is not supported");
  }
}

// BnFromBytes: big-endian unsigned bytes → BIGNUM.
Result<BignumPtr> BnFromBytes(ByteView bytes) {
  BignumPtr bn(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
  if (!bn) {
    ERR_clear_error();
    return Fail(ErrorCode::kInternal, "BN_bin2bn failed");
  }
  return bn;
}

// KeyBn: a BIGNUM parameter of `key`, or nullptr.
BignumPtr KeyBn(EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  return BignumPtr(raw);
}

// BnEquals: `bn` is present and equals the unsigned big-endian `bytes`.
Result<bool> BnEquals(const BignumPtr& bn, ByteView bytes) {
  if (!bn)
    return false;
  PASSKEY_ASSIGN_OR_RETURN(const BignumPtr other, BnFromBytes(bytes));
  return BN_cmp(bn.get(), other.get()) == 0;
}

// TpmCurveOf: the TPM_ECC_CURVE of an EC key, or nullopt.
std::optional<std::uint16_t> TpmCurveOf(EVP_PKEY* key) {
  std::array<char, 64> name{};
  std::size_t length = 0;
  if (EVP_PKEY_get_group_name(key, name.data(), name.size(), &length) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  int nid = OBJ_sn2nid(name.data());
  if (nid == NID_undef)
    nid = EC_curve_nist2nid(name.data());
  switch (nid) {
    case NID_X9_62_prime256v1:
      return kTpmEccNistP256;
    case NID_secp384r1:
      return kTpmEccNistP384;
    case NID_secp521r1:
      return kTpmEccNistP521;
    default:
      return std::nullopt;
  }
}

// CheckPubAreaKey: "the public key specified by the parameters and unique
// fields of pubArea is identical to the credentialPublicKey".
// Errors: kAttestationKeyMismatch, kAttestationInvalid (inconsistent
// pubArea), kInternal.
Status CheckPubAreaKey(const TpmPublic& pub, EVP_PKEY* key) {
  const int base_id = EVP_PKEY_get_base_id(key);
  if (pub.type == kTpmAlgRsa) {
    if (base_id != EVP_PKEY_RSA && base_id != EVP_PKEY_RSA_PSS) {
      return Fail(ErrorCode::kAttestationKeyMismatch,
                  "tpm pubArea holds an RSA key but the credential key is not RSA");
    }
    PASSKEY_ASSIGN_OR_RETURN(const BignumPtr unique_n, BnFromBytes(pub.rsa_modulus));
    if (BN_num_bits(unique_n.get()) != static_cast<int>(pub.rsa_key_bits)) {
      return Fail(ErrorCode::kAttestationInvalid,
                  "tpm pubArea keyBits disagree with its RSA modulus");
    }
    // TPMS_RSA_PARMS: "exponent: the public exponent; zero indicates that
    // the exponent is the default of 2^16 + 1".
    const std::uint32_t exponent = pub.rsa_exponent == 0 ? 65537u : pub.rsa_exponent;
    const BignumPtr n = KeyBn(key, OSSL_PKEY_PARAM_RSA_N);
    const BignumPtr e = KeyBn(key, OSSL_PKEY_PARAM_RSA_E);
    if (!n || !e)
      return Fail(ErrorCode::kInternal, "cannot read the credential RSA key");
    if (BN_cmp(n.get(), unique_n.get()) != 0) {
      return Fail(ErrorCode::kAttestationKeyMismatch,
                  "tpm pubArea RSA modulus differs from the credential key's");
    }
    if (!BN_is_word(e.get(), exponent)) {
      return Fail(ErrorCode::kAttestationKeyMismatch,
                  "tpm pubArea RSA exponent differs from the credential key's");
    }
    return OkStatus();
  }
  // pub.type == kTpmAlgEcc (ParsePubArea admits nothing else).
  if (base_id != EVP_PKEY_EC) {
    return Fail(ErrorCode::kAttestationKeyMismatch,
                "tpm pubArea holds an ECC key but the credential key is not EC2");
  }
  const std::optional<std::uint16_t> curve = TpmCurveOf(key);
  if (!curve.has_value() || *curve != pub.ecc_curve) {
    return Fail(ErrorCode::kAttestationKeyMismatch,
                "tpm pubArea curveID differs from the credential key's curve");
  }
  PASSKEY_ASSIGN_OR_RETURN(const bool x_equal,
                           BnEquals(KeyBn(key, OSSL_PKEY_PARAM_EC_PUB_X), pub.ecc_x));
  PASSKEY_ASSIGN_OR_RETURN(const bool y_equal,
                           BnEquals(KeyBn(key, OSSL_PKEY_PARAM_EC_PUB_Y), pub.ecc_y));
  if (!x_equal || !y_equal) {
    return Fail(ErrorCode::kAttestationKeyMismatch,
                "tpm pubArea ECC point differs from the credential key's");
  }
  return OkStatus();
}

bool OidEquals(ByteView oid, const std::array<std::uint8_t, 5>& expected) {
  return oid.size() == expected.size() && std::equal(oid.begin(), oid.end(), expected.begin());
}

// IsDirectoryStringTag: the string types a TPM attribute value may use.
bool IsDirectoryStringTag(const DerTag& tag) {
  constexpr DerTag kUtf8String{DerTag::Class::kUniversal, false, 12};
  constexpr DerTag kPrintableString{DerTag::Class::kUniversal, false, 19};
  constexpr DerTag kIa5String{DerTag::Class::kUniversal, false, 22};
  return tag == kUtf8String || tag == kPrintableString || tag == kIa5String;
}

// TpmSanAttributes: which of the TPM device attributes a SAN names.
struct TpmSanAttributes {
  bool manufacturer = false;
  bool model = false;
  bool version = false;
};

// ReadDirectoryName reads a Name (RDNSequence) and records the TPM
// attributes in it. Devices write them as one multi-valued RDN or as one
// RDN each; both are accepted. Returns false on malformed DER.
[[nodiscard]] bool ReadDirectoryName(ByteView name_der, TpmSanAttributes* found) {
  DerReader outer(name_der);
  DerReader rdn_sequence(ByteView{});
  if (!outer.ReadSequence(&rdn_sequence) || !outer.empty())
    return false;
  while (!rdn_sequence.empty()) {
    DerReader rdn(ByteView{});
    if (!rdn_sequence.ReadSet(&rdn) || rdn.empty())
      return false;
    while (!rdn.empty()) {
      DerReader attribute(ByteView{});
      ByteView oid;
      DerTag value_tag;
      ByteView value;
      if (!rdn.ReadSequence(&attribute) || !attribute.Read(kDerOid, &oid) ||
          !attribute.ReadAny(&value_tag, &value) || !attribute.empty()) {
        return false;
      }
      const bool is_string = IsDirectoryStringTag(value_tag) && !value.empty();
      if (OidEquals(oid, kOidTpmManufacturer))
        found->manufacturer |= is_string;
      if (OidEquals(oid, kOidTpmModel))
        found->model |= is_string;
      if (OidEquals(oid, kOidTpmVersion))
        found->version |= is_string;
    }
  }
  return true;
}

// CheckAikSubjectAltName: "The Subject Alternative Name extension MUST be
// set as defined in [TPMv2-EK-Profile] section 3.2.9": a directoryName
// holding TPMManufacturer, TPMModel and TPMVersion.
Status CheckAikSubjectAltName(const X509* aik) {
  PASSKEY_ASSIGN_OR_RETURN(const std::optional<CertificateExtension> san,
                           FindExtension(aik, kOidSubjectAltName));
  if (!san.has_value()) {
    return Fail(ErrorCode::kCertificateInvalid, "tpm aikCert lacks a Subject Alternative Name");
  }
  // GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName;
  // directoryName [4] Name (explicit: Name is a CHOICE).
  DerReader outer(san->value);
  DerReader names(ByteView{});
  if (!outer.ReadSequence(&names) || !outer.empty() || names.empty()) {
    return Fail(ErrorCode::kCertificateInvalid, "tpm aikCert SAN is not GeneralNames");
  }
  TpmSanAttributes found;
  while (!names.empty()) {
    DerTag tag;
    ByteView contents;
    if (!names.ReadAny(&tag, &contents)) {
      return Fail(ErrorCode::kCertificateInvalid, "tpm aikCert SAN is not GeneralNames");
    }
    if (tag == ContextTag(4) && !ReadDirectoryName(contents, &found)) {
      return Fail(ErrorCode::kCertificateInvalid, "tpm aikCert SAN directoryName is malformed");
    }
  }
  if (!found.manufacturer || !found.model || !found.version) {
    return Fail(ErrorCode::kCertificateInvalid,
                "tpm aikCert SAN lacks TPM manufacturer, model or version");
  }
  return OkStatus();
}

// CheckAikExtendedKeyUsage: "The Extended Key Usage extension MUST contain
// the joint-iso-itu-t(2) internationalorganizations(23) 133 tcg-kp(8)
// tcg-kp-AIKCertificate(3) OID."
Status CheckAikExtendedKeyUsage(const X509* aik) {
  PASSKEY_ASSIGN_OR_RETURN(const std::optional<CertificateExtension> eku,
                           FindExtension(aik, kOidExtendedKeyUsage));
  if (!eku.has_value()) {
    return Fail(ErrorCode::kCertificateInvalid, "tpm aikCert lacks Extended Key Usage");
  }
  // ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId
  DerReader outer(eku->value);
  DerReader purposes(ByteView{});
  if (!outer.ReadSequence(&purposes) || !outer.empty()) {
    return Fail(ErrorCode::kCertificateInvalid, "tpm aikCert Extended Key Usage is malformed");
  }
  bool aik_purpose = false;
  while (!purposes.empty()) {
    ByteView oid;
    if (!purposes.Read(kDerOid, &oid)) {
      return Fail(ErrorCode::kCertificateInvalid, "tpm aikCert Extended Key Usage is malformed");
    }
    aik_purpose |= OidEquals(oid, kOidTcgKpAikCertificate);
  }
  if (!aik_purpose) {
    return Fail(ErrorCode::kCertificateInvalid,
                "tpm aikCert Extended Key Usage lacks tcg-kp-AIKCertificate");
  }
  return OkStatus();
}

// CheckAikCertificate: §8.3.1 TPM Attestation Statement Certificate
// Requirements. Errors: kCertificateInvalid.
Status CheckAikCertificate(const X509* aik) {
  // "Version MUST be set to 3."
  if (CertificateVersion(aik) != 3) {
    return Fail(ErrorCode::kCertificateInvalid, "tpm aikCert is not an X.509 v3 certificate");
  }
  // "Subject field MUST be set to empty."
  if (!SubjectIsEmpty(aik)) {
    return Fail(ErrorCode::kCertificateInvalid, "tpm aikCert subject is not empty");
  }
  PASSKEY_RETURN_IF_ERROR(CheckAikSubjectAltName(aik));
  PASSKEY_RETURN_IF_ERROR(CheckAikExtendedKeyUsage(aik));
  // "The Basic Constraints extension MUST have the CA component set to
  // false."
  if (!HasBasicConstraints(aik) || IsCa(aik)) {
    return Fail(ErrorCode::kCertificateInvalid,
                "tpm aikCert basicConstraints must be present with CA false");
  }
  return OkStatus();
}

}  // namespace

Result<AttestationOutcome> VerifyTpmAttestation(const AttestationInput& input) {
  // §8.3 syntax (L3): { ver: "2.0", alg: COSEAlgorithmIdentifier,
  //   x5c: [ aikCert: bytes, * (caCert: bytes) ], sig: bytes,
  //   certInfo: bytes, pubArea: bytes }.
  // "Verify that attStmt is valid CBOR conforming to the syntax defined
  // above and perform CBOR decoding on it to extract the contained fields."
  const CborValue& stmt = input.att_stmt;
  for (const auto& [key, value] : stmt.map()) {
    if (!key.is_text() ||
        (key.text() != "ver" && key.text() != "alg" && key.text() != "x5c" && key.text() != "sig" &&
         key.text() != "certInfo" && key.text() != "pubArea")) {
      return Fail(ErrorCode::kAttestationInvalid, "tpm attStmt has an unknown member");
    }
  }
  const CborValue* ver = stmt.Find("ver");
  const CborValue* alg = stmt.Find("alg");
  const CborValue* x5c = stmt.Find("x5c");
  const CborValue* sig = stmt.Find("sig");
  const CborValue* cert_info_item = stmt.Find("certInfo");
  const CborValue* pub_area_item = stmt.Find("pubArea");
  if (ver == nullptr || !ver->is_text() || ver->text() != "2.0") {
    return Fail(ErrorCode::kAttestationInvalid, "tpm attStmt ver is not \"2.0\"");
  }
  if (alg == nullptr || !alg->AsInt64().has_value()) {
    return Fail(ErrorCode::kAttestationInvalid, "tpm attStmt lacks an integer alg");
  }
  if (x5c == nullptr) {
    return Fail(ErrorCode::kAttestationInvalid, "tpm attStmt lacks x5c");
  }
  if (sig == nullptr || !sig->is_bytes()) {
    return Fail(ErrorCode::kAttestationInvalid, "tpm attStmt lacks sig bytes");
  }
  if (cert_info_item == nullptr || !cert_info_item->is_bytes()) {
    return Fail(ErrorCode::kAttestationInvalid, "tpm attStmt lacks certInfo bytes");
  }
  if (pub_area_item == nullptr || !pub_area_item->is_bytes()) {
    return Fail(ErrorCode::kAttestationInvalid, "tpm attStmt lacks pubArea bytes");
  }
  if (!input.parsed_auth_data.attested_credential_data.has_value()) {
    return Fail(ErrorCode::kAttestationInvalid, "tpm attestation needs attested credential data");
  }
  const Aaguid& aaguid = input.parsed_auth_data.attested_credential_data->aaguid;
  PASSKEY_ASSIGN_OR_RETURN(const std::vector<X509Ptr> chain, ParseX5c(*x5c));
  const X509* aik_cert = chain.front().get();
  const bool allow_sha1 = input.options.allow_sha1_attestation;
  PASSKEY_ASSIGN_OR_RETURN(const HashAlgorithm alg_hash, AlgHash(*alg->AsInt64(), allow_sha1));
  // alg must fit aikCert's key (ES256 ⇔ P-256, …, RS*/PS* ⇔ RSA) before
  // anything is computed with the hash it names: a misfit statement is
  // kAttestationInvalid (issue #16), not a nonce or signature failure.
  PASSKEY_RETURN_IF_ERROR(CheckCertificateKeySuitsAlgorithm(aik_cert, *alg->AsInt64()));
  PASSKEY_ASSIGN_OR_RETURN(const PathPolicy policy, PathPolicyFor(input.options, aaguid));
  const ByteView pub_area_bytes = pub_area_item->bytes();
  const ByteView cert_info_bytes = cert_info_item->bytes();
  PASSKEY_ASSIGN_OR_RETURN(const TpmPublic pub_area, ParsePubArea(pub_area_bytes));
  if (pub_area.name_alg == kTpmAlgSha1 && !allow_sha1) {
    return Fail(ErrorCode::kAlgorithmNotAllowed,
                "tpm pubArea nameAlg SHA-1 needs allow_sha1_attestation");
  }
  if (TpmHash(pub_area.name_alg) == HashAlgorithm::kNone) {
    return Fail(ErrorCode::kUnsupportedAlgorithm, "tpm pubArea nameAlg is not supported");
  }

  // "Verify that the public key specified by the parameters and unique
  // fields of pubArea is identical to the credentialPublicKey in the
  // attestedCredentialData in authenticatorData."
  PASSKEY_RETURN_IF_ERROR(CheckPubAreaKey(pub_area, input.credential_key.pkey()));

  // "Concatenate authenticatorData and clientDataHash to form
  // attToBeSigned."
  Bytes att_to_be_signed(input.auth_data.begin(), input.auth_data.end());
  att_to_be_signed.insert(att_to_be_signed.end(), input.client_data_hash.begin(),
                          input.client_data_hash.end());

  // "Validate that certInfo is valid:" magic and type (in ParseCertInfo),
  // then extraData and attested.name.
  PASSKEY_ASSIGN_OR_RETURN(const TpmAttest cert_info, ParseCertInfo(cert_info_bytes));
  // "Verify that extraData is set to the hash of attToBeSigned using the
  // hash algorithm employed in "alg"."
  Bytes expected_extra_data;
  if (!ComputeDigest(alg_hash, att_to_be_signed, &expected_extra_data)) {
    return Fail(ErrorCode::kInternal, "digest failed");
  }
  if (!ConstantTimeEquals(cert_info.extra_data, expected_extra_data)) {
    return Fail(ErrorCode::kAttestationNonceMismatch,
                "tpm certInfo extraData is not the hash of authData || clientDataHash");
  }
  // "Verify that attested contains a TPMS_CERTIFY_INFO structure as
  // specified in [TPMv2-Part2] section 10.12.3, whose name field contains a
  // valid Name for pubArea, as computed using the algorithm in the nameAlg
  // field of pubArea using the procedure specified in [TPMv2-Part1] section
  // 16." (Part 1 §16: Name = nameAlg (u16, big-endian) || H_nameAlg(pubArea).)
  Bytes name_digest;
  if (!ComputeDigest(TpmHash(pub_area.name_alg), pub_area_bytes, &name_digest)) {
    return Fail(ErrorCode::kInternal, "digest failed");
  }
  // Sized once, then filled: growing a 2-byte vector by insert() makes g++ 12
  // at -O2 report a false -Warray-bounds in the inlined memmove.
  Bytes expected_name(2 + name_digest.size());
  expected_name[0] = static_cast<std::uint8_t>(pub_area.name_alg >> 8);
  expected_name[1] = static_cast<std::uint8_t>(pub_area.name_alg & 0xff);
  std::copy(name_digest.begin(), name_digest.end(), expected_name.begin() + 2);
  if (!ConstantTimeEquals(cert_info.attested_name, expected_name)) {
    return Fail(ErrorCode::kAttestationInvalid,
                "tpm certInfo attested.name is not the Name of pubArea");
  }
  // "Note that the remaining fields in the "Standard Attestation Structure"
  // [TPMv2-Part1] section 31.2, i.e., qualifiedSigner, clockInfo and
  // firmwareVersion are ignored." (ParseCertInfo still bounds-checks them.)

  // "If x5c is present: Verify the sig is a valid signature over certInfo
  // using the attestation public key in aikCert with the algorithm specified
  // in alg."
  PASSKEY_RETURN_IF_ERROR(
      VerifyWithCertificate(aik_cert, *alg->AsInt64(), cert_info_bytes, sig->bytes(), allow_sha1));
  // "Verify that aikCert meets the requirements in § 8.3.1 TPM Attestation
  // Statement Certificate Requirements."
  PASSKEY_RETURN_IF_ERROR(CheckAikCertificate(aik_cert));
  // "If aikCert contains an extension with OID 1.3.6.1.4.1.45724.1.1.4
  // (id-fido-gen-ce-aaguid) verify that the value of this extension matches
  // the aaguid in authenticatorData."
  PASSKEY_RETURN_IF_ERROR(CheckAaguidExtension(aik_cert, aaguid));
  // "If successful, return implementation-specific values representing
  // attestation type AttCA and attestation trust path x5c."
  PASSKEY_ASSIGN_OR_RETURN(const PathValidation path, ValidateAttestationPath(chain, policy));
  return AttestationOutcome{"attca", path.trusted, path.revocation_checked};
}

}  // namespace passkey::internal
