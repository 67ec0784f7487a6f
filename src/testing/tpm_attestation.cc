#include <algorithm>
#include <string_view>
#include <utility>

#include <openssl/err.h>
#include <openssl/evp.h>

#include <passkey/testing/tpm_attestation.h>

#include "encoding/cbor_reader.h"
#include "internal/result_macros.h"
#include "testing/cbor_writer.h"

namespace passkey::testing {
namespace {

// TPM 2.0 constants (Part 2 §6).
constexpr std::uint32_t kTpmGeneratedValue = 0xff544347;
constexpr std::uint16_t kTpmStAttestCertify = 0x8017;
constexpr std::uint16_t kTpmAlgRsa = 0x0001;
constexpr std::uint16_t kTpmAlgNull = 0x0010;
constexpr std::uint16_t kTpmAlgRsassa = 0x0014;
constexpr std::uint16_t kTpmAlgEcdsa = 0x0018;
constexpr std::uint16_t kTpmAlgEcc = 0x0023;
// TPMA_OBJECT of a TPM-resident signing key: fixedTPM | fixedParent |
// sensitiveDataOrigin | userWithAuth | noDA | sign.
constexpr std::uint32_t kSigningKeyAttributes = 0x00060472;

// --- Minimal DER writer for the AIK certificate extensions ---------------

void AppendLength(Bytes& out, std::size_t length) {
  if (length < 0x80) {
    out.push_back(static_cast<std::uint8_t>(length));
    return;
  }
  Bytes digits;
  for (std::size_t rest = length; rest != 0; rest >>= 8) {
    digits.insert(digits.begin(), static_cast<std::uint8_t>(rest & 0xff));
  }
  out.push_back(static_cast<std::uint8_t>(0x80 | digits.size()));
  out.insert(out.end(), digits.begin(), digits.end());
}

Bytes Tlv(std::uint8_t tag, ByteView contents) {
  Bytes out{tag};
  AppendLength(out, contents.size());
  out.insert(out.end(), contents.begin(), contents.end());
  return out;
}

Bytes Concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView part : parts)
    out.insert(out.end(), part.begin(), part.end());
  return out;
}

// tcg-at-tpmManufacturer/Model/Version (2.23.133.2.1-3) and
// tcg-kp-AIKCertificate (2.23.133.8.3), DER contents octets.
const Bytes kOidTpmManufacturer = {0x67, 0x81, 0x05, 0x02, 0x01};
const Bytes kOidTpmModel = {0x67, 0x81, 0x05, 0x02, 0x02};
const Bytes kOidTpmVersion = {0x67, 0x81, 0x05, 0x02, 0x03};
const Bytes kOidTcgKpAikCertificate = {0x67, 0x81, 0x05, 0x08, 0x03};

// AttributeTypeAndValue with a UTF8String value.
Bytes Attribute(const Bytes& oid, std::string_view value) {
  return Tlv(0x30, Concat({Tlv(0x06, oid), Tlv(0x0c, AsBytes(value))}));
}

Bytes SubjectAltNameValue(TpmSanLayout layout) {
  const Bytes manufacturer = Attribute(kOidTpmManufacturer, "id:FFFFF1D0");
  const Bytes model = Attribute(kOidTpmModel, "passkey test TPM");
  const Bytes version = Attribute(kOidTpmVersion, "id:00020000");
  Bytes rdn_sequence;
  if (layout == TpmSanLayout::kMultiValuedRdn) {
    // SET OF in DER is sorted by encoding; these differ only in the OID's
    // last byte, so manufacturer < model < version.
    rdn_sequence = Tlv(0x31, Concat({manufacturer, model, version}));
  } else {
    rdn_sequence = Concat({Tlv(0x31, manufacturer), Tlv(0x31, model), Tlv(0x31, version)});
  }
  // GeneralNames { directoryName [4] EXPLICIT Name }
  return Tlv(0x30, Tlv(0xa4, Tlv(0x30, rdn_sequence)));
}

Bytes ExtendedKeyUsageValue() { return Tlv(0x30, Tlv(0x06, kOidTcgKpAikCertificate)); }

// --- TPM structures -------------------------------------------------------

void PutU16(Bytes& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xff));
}

void PutU32(Bytes& out, std::uint32_t value) {
  PutU16(out, static_cast<std::uint16_t>(value >> 16));
  PutU16(out, static_cast<std::uint16_t>(value & 0xffff));
}

void PutU64(Bytes& out, std::uint64_t value) {
  PutU32(out, static_cast<std::uint32_t>(value >> 32));
  PutU32(out, static_cast<std::uint32_t>(value & 0xffffffff));
}

void PutTpm2b(Bytes& out, ByteView value) {
  PutU16(out, static_cast<std::uint16_t>(value.size()));
  out.insert(out.end(), value.begin(), value.end());
}

const EVP_MD* TpmMd(std::uint16_t alg) {
  switch (alg) {
    case kTpmAlgSha1:
      return EVP_sha1();
    case kTpmAlgSha256:
      return EVP_sha256();
    case kTpmAlgSha384:
      return EVP_sha384();
    case kTpmAlgSha512:
      return EVP_sha512();
    default:
      return nullptr;
  }
}

// CoseHashMd: the hash "employed in alg" (extraData).
const EVP_MD* CoseHashMd(CoseAlgorithm alg) {
  switch (alg) {
    case CoseAlgorithm::kRs1:
      return EVP_sha1();
    case CoseAlgorithm::kEs384:
    case CoseAlgorithm::kPs384:
    case CoseAlgorithm::kRs384:
      return EVP_sha384();
    case CoseAlgorithm::kEs512:
    case CoseAlgorithm::kPs512:
    case CoseAlgorithm::kRs512:
      return EVP_sha512();
    default:
      return EVP_sha256();
  }
}

Result<Bytes> Digest(const EVP_MD* md, ByteView data) {
  if (md == nullptr)
    return Unexpected(ErrorCode::kInvalidArgument, "tpm builder: unknown hash");
  Bytes out(static_cast<std::size_t>(EVP_MD_get_size(md)));
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &length, md, nullptr) != 1) {
    ERR_clear_error();
    return Unexpected(ErrorCode::kInternal, "tpm builder: digest failed");
  }
  return out;
}

// BuildPubArea encodes TPMT_PUBLIC for the key of `cose_key` (RSA or EC2).
Result<Bytes> BuildPubArea(ByteView cose_key, const TpmAttestationOptions& options) {
  PASSKEY_ASSIGN_OR_RETURN(const internal::CborValue key, internal::DecodeCbor(cose_key));
  const internal::CborValue* kty = key.Find(1);
  if (kty == nullptr || !kty->AsInt64().has_value()) {
    return Unexpected(ErrorCode::kInvalidArgument, "tpm builder: COSE_Key without kty");
  }
  // authPolicy: an arbitrary policy digest of nameAlg's size, as TPMs write.
  PASSKEY_ASSIGN_OR_RETURN(const Bytes auth_policy,
                           Digest(TpmMd(options.name_alg), AsBytes("passkey-test-policy")));
  Bytes out;
  if (*kty->AsInt64() == 3) {  // RSA {-1: n, -2: e}
    const internal::CborValue* n = key.Find(-1);
    const internal::CborValue* e = key.Find(-2);
    if (n == nullptr || e == nullptr || !n->is_bytes() || !e->is_bytes() || e->bytes().size() > 4 ||
        n->bytes().empty()) {
      return Unexpected(ErrorCode::kInvalidArgument, "tpm builder: bad RSA COSE_Key");
    }
    std::uint32_t exponent = 0;
    for (std::uint8_t byte : e->bytes())
      exponent = (exponent << 8) | byte;
    if (exponent == 65537 && !options.rsa_exponent_explicit)
      exponent = 0;
    PutU16(out, kTpmAlgRsa);
    PutU16(out, options.name_alg);
    PutU32(out, kSigningKeyAttributes);
    PutTpm2b(out, auth_policy);
    PutU16(out, kTpmAlgNull);  // symmetric
    if (options.signing_scheme) {
      PutU16(out, kTpmAlgRsassa);
      PutU16(out, options.name_alg);
    } else {
      PutU16(out, kTpmAlgNull);
    }
    PutU16(out, static_cast<std::uint16_t>(n->bytes().size() * 8));  // keyBits
    PutU32(out, exponent);
    PutTpm2b(out, n->bytes());  // unique
    return out;
  }
  if (*kty->AsInt64() == 2) {  // EC2 {-1: crv, -2: x, -3: y}
    const internal::CborValue* crv = key.Find(-1);
    const internal::CborValue* x = key.Find(-2);
    const internal::CborValue* y = key.Find(-3);
    if (crv == nullptr || x == nullptr || y == nullptr || !crv->AsInt64().has_value() ||
        !x->is_bytes() || !y->is_bytes()) {
      return Unexpected(ErrorCode::kInvalidArgument, "tpm builder: bad EC2 COSE_Key");
    }
    // COSE crv 1/2/3 (P-256/384/521) ↔ TPM_ECC_NIST_P256/384/521 (3/4/5).
    const std::int64_t cose_curve = *crv->AsInt64();
    if (cose_curve < 1 || cose_curve > 3) {
      return Unexpected(ErrorCode::kInvalidArgument, "tpm builder: EC2 curve not in the TPM set");
    }
    PutU16(out, kTpmAlgEcc);
    PutU16(out, options.name_alg);
    PutU32(out, kSigningKeyAttributes);
    PutTpm2b(out, auth_policy);
    PutU16(out, kTpmAlgNull);  // symmetric
    if (options.signing_scheme) {
      PutU16(out, kTpmAlgEcdsa);
      PutU16(out, options.name_alg);
    } else {
      PutU16(out, kTpmAlgNull);
    }
    PutU16(out, static_cast<std::uint16_t>(cose_curve + 2));  // curveID
    PutU16(out, kTpmAlgNull);                                 // kdf
    PutTpm2b(out, x->bytes());
    PutTpm2b(out, y->bytes());
    return out;
  }
  return Unexpected(ErrorCode::kInvalidArgument, "tpm builder: credential is neither RSA nor EC2");
}

}  // namespace

CertificateSpec TpmAikCertificateSpec(TpmSanLayout layout, std::optional<Aaguid> aaguid) {
  CertificateSpec spec;
  spec.subject.clear();
  spec.version = 3;
  spec.basic_constraints = false;
  spec.extensions.push_back({kTpmOidSubjectAltName, true, SubjectAltNameValue(layout)});
  spec.extensions.push_back({kTpmOidExtendedKeyUsage, false, ExtendedKeyUsageValue()});
  if (aaguid.has_value()) {
    spec.extensions.push_back({"1.3.6.1.4.1.45724.1.1.4", false, DerOctetString(aaguid->bytes)});
  }
  return spec;
}

struct TpmAttestation::State {
  TpmAttestationOptions options;
  SoftwareAuthenticator aik;
  Bytes certificate;
};

TpmAttestation::TpmAttestation(std::shared_ptr<const State> state) : state_(std::move(state)) {}

Result<TpmAttestation> TpmAttestation::Create(const TestCa& issuer, TpmAttestationOptions options) {
  Result<SoftwareAuthenticator> aik =
      options.aik_private_key_pem.empty()
          ? SoftwareAuthenticator::Create(options.aik_algorithm, options.aik_seed)
          : SoftwareAuthenticator::CreateFromPem(options.aik_algorithm, options.aik_private_key_pem,
                                                 options.aik_seed);
  if (!aik.has_value())
    return Unexpected(aik.error());
  PASSKEY_ASSIGN_OR_RETURN(Bytes certificate,
                           issuer.Issue(options.aik_certificate, aik->PublicKeySpki()));
  auto state = std::make_shared<State>(
      State{std::move(options), std::move(aik).value(), std::move(certificate)});
  return TpmAttestation(std::move(state));
}

const Bytes& TpmAttestation::certificate_der() const noexcept { return state_->certificate; }

AttestationBuilder TpmAttestation::Builder() const {
  std::shared_ptr<const State> state = state_;
  return [state](const AttestationContext& context) -> Result<Bytes> {
    const TpmAttestationOptions& options = state->options;
    if (context.credential == nullptr) {
      return Unexpected(ErrorCode::kInvalidArgument, "tpm builder: no credential");
    }
    // pubArea: the credential public key as TPMT_PUBLIC.
    const ByteView cose_key = options.pub_area_cose_key.has_value()
                                  ? ByteView(*options.pub_area_cose_key)
                                  : ByteView(context.credential->CosePublicKey());
    PASSKEY_ASSIGN_OR_RETURN(Bytes pub_area, BuildPubArea(cose_key, options));
    if (options.trailing_byte_in_pub_area)
      pub_area.push_back(0x00);
    if (options.edit_pub_area)
      options.edit_pub_area(pub_area);

    // extraData = H_alg(authData ‖ clientDataHash); Name = nameAlg ‖
    // H_nameAlg(pubArea).
    Bytes att_to_be_signed(context.authenticator_data.begin(), context.authenticator_data.end());
    att_to_be_signed.insert(att_to_be_signed.end(), context.client_data_hash.begin(),
                            context.client_data_hash.end());
    PASSKEY_ASSIGN_OR_RETURN(Bytes extra_data,
                             Digest(CoseHashMd(state->aik.algorithm()), att_to_be_signed));
    if (options.wrong_extra_data)
      extra_data.front() ^= 0x01;
    PASSKEY_ASSIGN_OR_RETURN(const Bytes name_digest, Digest(TpmMd(options.name_alg), pub_area));
    Bytes name;
    PutU16(name, options.name_alg);
    name.insert(name.end(), name_digest.begin(), name_digest.end());
    if (options.wrong_name)
      name.back() ^= 0x01;

    // certInfo: TPMS_ATTEST with TPMS_CERTIFY_INFO.
    Bytes cert_info;
    PutU32(cert_info, options.magic.value_or(kTpmGeneratedValue));
    PutU16(cert_info, options.attest_type.value_or(kTpmStAttestCertify));
    Bytes qualified_signer;  // the AIK's Name; any value will do here
    PutU16(qualified_signer, kTpmAlgSha256);
    const Bytes signer_digest = Sha256(state->aik.PublicKeySpki());
    qualified_signer.insert(qualified_signer.end(), signer_digest.begin(), signer_digest.end());
    PutTpm2b(cert_info, qualified_signer);
    PutTpm2b(cert_info, extra_data);
    PutU64(cert_info, 0x0000000123456789);  // clockInfo.clock
    PutU32(cert_info, 7);                   // clockInfo.resetCount
    PutU32(cert_info, 3);                   // clockInfo.restartCount
    cert_info.push_back(0x01);              // clockInfo.safe
    PutU64(cert_info, 0x2000000000000000);  // firmwareVersion
    PutTpm2b(cert_info, name);              // attested.name
    PutTpm2b(cert_info, name);              // attested.qualifiedName
    if (options.trailing_byte_in_cert_info)
      cert_info.push_back(0x00);
    if (options.edit_cert_info)
      options.edit_cert_info(cert_info);

    PASSKEY_ASSIGN_OR_RETURN(Bytes sig, state->aik.Sign(cert_info));
    if (options.tamper_signature && !sig.empty())
      sig.back() ^= 0x01;

    auto include = [&options](std::string_view member) {
      return std::find(options.omit_members.begin(), options.omit_members.end(), member) ==
             options.omit_members.end();
    };
    const std::int64_t alg =
        options.alg.value_or(static_cast<std::int64_t>(state->aik.algorithm()));
    std::uint64_t count = options.unknown_member ? 1 : 0;
    for (std::string_view member : {"alg", "sig", "ver", "x5c", "pubArea", "certInfo"}) {
      if (include(member))
        ++count;
    }
    // CTAP2 canonical key order: shorter keys first, then bytewise.
    CborWriter writer;
    writer.MapHeader(count);
    if (include("alg"))
      writer.TextString("alg").Int(alg);
    if (include("sig"))
      writer.TextString("sig").ByteString(sig);
    if (include("ver"))
      writer.TextString("ver").TextString(options.ver.value_or("2.0"));
    if (include("x5c")) {
      writer.TextString("x5c").ArrayHeader(1 + options.extra_certificates.size());
      writer.ByteString(state->certificate);
      for (const Bytes& extra : options.extra_certificates)
        writer.ByteString(extra);
    }
    if (include("pubArea"))
      writer.TextString("pubArea").ByteString(pub_area);
    if (include("certInfo"))
      writer.TextString("certInfo").ByteString(cert_info);
    if (options.unknown_member)
      writer.TextString("ecdaaKeyId").ByteString(name_digest);
    return writer.Take();
  };
}

}  // namespace passkey::testing
