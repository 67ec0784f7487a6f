#include <passkey/testing/test_ca.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/buffer.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <climits>
#include <cstddef>
#include <iterator>
#include <string>
#include <utility>

#include "crypto/openssl_ptr.h"
#include "internal/result_macros.h"

namespace passkey::testing {
namespace {

using internal::BioPtr;
using internal::EvpPkeyPtr;
using internal::Fail;
using internal::OpenSslPtr;
using internal::X509CrlPtr;
using internal::X509Ptr;

using Asn1ObjectPtr = OpenSslPtr<ASN1_OBJECT, ASN1_OBJECT_free>;
using Asn1OctetStringPtr = OpenSslPtr<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>;
using Asn1IntegerPtr = OpenSslPtr<ASN1_INTEGER, ASN1_INTEGER_free>;
using Asn1TimePtr = OpenSslPtr<ASN1_TIME, ASN1_TIME_free>;
using X509ExtensionPtr = OpenSslPtr<X509_EXTENSION, X509_EXTENSION_free>;
using X509NamePtr = OpenSslPtr<X509_NAME, X509_NAME_free>;
using X509RevokedPtr = OpenSslPtr<X509_REVOKED, X509_REVOKED_free>;

Unexpected OpenSslError(std::string what) {
  ERR_clear_error();
  return Fail(ErrorCode::kInternal, "OpenSSL: " + what + " failed");
}

const EVP_MD* DigestByName(std::string_view name) {
  if (name == "sha1") return EVP_sha1();
  if (name == "sha256") return EVP_sha256();
  if (name == "sha384") return EVP_sha384();
  if (name == "sha512") return EVP_sha512();
  return nullptr;
}

Status AddRawExtension(X509* cert, std::string_view oid, bool critical, ByteView value) {
  const std::string oid_text(oid);
  Asn1ObjectPtr object(OBJ_txt2obj(oid_text.c_str(), 1));
  if (object == nullptr) {
    ERR_clear_error();
    return Fail(ErrorCode::kInvalidArgument, "bad extension OID " + oid_text);
  }
  Asn1OctetStringPtr data(ASN1_OCTET_STRING_new());
  if (data == nullptr ||
      ASN1_OCTET_STRING_set(data.get(), value.data(), static_cast<int>(value.size())) != 1) {
    return OpenSslError("ASN1_OCTET_STRING_set");
  }
  X509ExtensionPtr extension(
      X509_EXTENSION_create_by_OBJ(nullptr, object.get(), critical ? 1 : 0, data.get()));
  if (extension == nullptr || X509_add_ext(cert, extension.get(), -1) != 1) {
    return OpenSslError("X509_add_ext");
  }
  return OkStatus();
}

Result<X509NamePtr> BuildName(const std::vector<std::pair<std::string, std::string>>& entries) {
  X509NamePtr name(X509_NAME_new());
  if (name == nullptr) return OpenSslError("X509_NAME_new");
  for (const auto& [field, value] : entries) {
    if (X509_NAME_add_entry_by_txt(name.get(), field.c_str(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.data()),
                                   static_cast<int>(value.size()), -1, 0) != 1) {
      ERR_clear_error();
      return Fail(ErrorCode::kInvalidArgument, "unknown subject attribute " + field);
    }
  }
  return name;
}

Result<Bytes> ToDer(const X509* cert) {
  unsigned char* der = nullptr;
  const int length = i2d_X509(cert, &der);
  if (length <= 0) return OpenSslError("i2d_X509");
  Bytes out(der, der + length);
  OPENSSL_free(der);
  return out;
}

// kBasicConstraintsCa / kBasicConstraintsEndEntity: the DER of
// BasicConstraints { cA TRUE } and { } (cA defaults to FALSE).
constexpr std::uint8_t kBasicConstraintsCa[] = {0x30, 0x03, 0x01, 0x01, 0xff};
constexpr std::uint8_t kBasicConstraintsEndEntity[] = {0x30, 0x00};
// kKeyUsageCertSign: KeyUsage BIT STRING keyCertSign | cRLSign.
constexpr std::uint8_t kKeyUsageCertSign[] = {0x03, 0x02, 0x01, 0x06};
// kKeyUsageDigitalSignature: KeyUsage BIT STRING digitalSignature only.
constexpr std::uint8_t kKeyUsageDigitalSignature[] = {0x03, 0x02, 0x07, 0x80};

// MakeCertificate builds and signs one certificate.
Result<X509Ptr> MakeCertificate(const CertificateSpec& spec, EVP_PKEY* subject_key,
                                const X509_NAME* issuer, EVP_PKEY* issuer_key,
                                bool add_ca_key_usage) {
  const EVP_MD* md = DigestByName(spec.signature_hash);
  if (md == nullptr) return Fail(ErrorCode::kInvalidArgument, "unknown signature hash");
  if (spec.version < 1 || spec.version > 3) return Fail(ErrorCode::kInvalidArgument, "bad version");
  X509Ptr cert(X509_new());
  if (cert == nullptr) return OpenSslError("X509_new");
  PASSKEY_ASSIGN_OR_RETURN(X509NamePtr subject, BuildName(spec.subject));
  Asn1IntegerPtr serial(ASN1_INTEGER_new());
  if (serial == nullptr || ASN1_INTEGER_set_uint64(serial.get(), spec.serial) != 1 ||
      X509_set_serialNumber(cert.get(), serial.get()) != 1 ||
      X509_set_version(cert.get(), spec.version - 1) != 1 ||
      X509_set_subject_name(cert.get(), subject.get()) != 1 ||
      X509_set_issuer_name(cert.get(), issuer != nullptr ? issuer : subject.get()) != 1 ||
      ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(spec.not_before)) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(spec.not_after)) == nullptr ||
      X509_set_pubkey(cert.get(), subject_key) != 1) {
    return OpenSslError("certificate fields");
  }
  if (spec.version == 3) {
    if (spec.basic_constraints.has_value()) {
      if (*spec.basic_constraints) {
        PASSKEY_RETURN_IF_ERROR(AddRawExtension(cert.get(), "2.5.29.19", true, kBasicConstraintsCa));
      } else {
        PASSKEY_RETURN_IF_ERROR(
            AddRawExtension(cert.get(), "2.5.29.19", false, kBasicConstraintsEndEntity));
      }
    }
    if (add_ca_key_usage) {
      PASSKEY_RETURN_IF_ERROR(AddRawExtension(cert.get(), "2.5.29.15", true, kKeyUsageCertSign));
    }
    for (const CertificateExtensionSpec& extension : spec.extensions) {
      PASSKEY_RETURN_IF_ERROR(
          AddRawExtension(cert.get(), extension.oid, extension.critical, extension.value));
    }
  }
  if (X509_sign(cert.get(), issuer_key, md) <= 0) return OpenSslError("X509_sign");
  return cert;
}

Result<EvpPkeyPtr> NewCaKey() {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (key == nullptr) return OpenSslError("EC key generation");
  return key;
}

CertificateSpec CaSpec(std::string_view common_name, UnixSeconds not_before,
                       UnixSeconds not_after, std::uint64_t serial) {
  CertificateSpec spec;
  spec.subject = {{"C", "US"}, {"O", "passkey test"}, {"CN", std::string(common_name)}};
  spec.basic_constraints = true;
  spec.not_before = not_before;
  spec.not_after = not_after;
  spec.serial = serial;
  return spec;
}

}  // namespace

struct TestCa::Impl {
  EvpPkeyPtr key;
  X509Ptr cert;
  Bytes der;
};

TestCa::TestCa(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TestCa::TestCa(TestCa&&) noexcept = default;
TestCa& TestCa::operator=(TestCa&&) noexcept = default;
TestCa::~TestCa() = default;

Result<TestCa> TestCa::CreateRoot(std::string_view common_name, UnixSeconds not_before,
                                  UnixSeconds not_after) {
  auto impl = std::make_unique<Impl>();
  PASSKEY_ASSIGN_OR_RETURN(impl->key, NewCaKey());
  PASSKEY_ASSIGN_OR_RETURN(
      impl->cert, MakeCertificate(CaSpec(common_name, not_before, not_after, 1), impl->key.get(),
                                  nullptr, impl->key.get(), true));
  PASSKEY_ASSIGN_OR_RETURN(impl->der, ToDer(impl->cert.get()));
  return TestCa(std::move(impl));
}

Result<TestCa> TestCa::CreateIntermediate(std::string_view common_name, UnixSeconds not_before,
                                          UnixSeconds not_after) const {
  auto impl = std::make_unique<Impl>();
  PASSKEY_ASSIGN_OR_RETURN(impl->key, NewCaKey());
  PASSKEY_ASSIGN_OR_RETURN(
      impl->cert, MakeCertificate(CaSpec(common_name, not_before, not_after, 3), impl->key.get(),
                                  X509_get_subject_name(impl_->cert.get()), impl_->key.get(),
                                  true));
  PASSKEY_ASSIGN_OR_RETURN(impl->der, ToDer(impl->cert.get()));
  return TestCa(std::move(impl));
}

Result<TestCa> TestCa::CreateIntermediate(const IntermediateSpec& spec) const {
  if (spec.path_len.has_value() && (*spec.path_len < 0 || *spec.path_len > 127)) {
    return Fail(ErrorCode::kInvalidArgument, "path_len outside 0..127");
  }
  CertificateSpec cert_spec = CaSpec(spec.common_name, spec.not_before, spec.not_after, spec.serial);
  // BasicConstraints { cA TRUE, pathLenConstraint INTEGER (0..127) }.
  Bytes basic_constraints(std::begin(kBasicConstraintsCa), std::end(kBasicConstraintsCa));
  if (spec.path_len.has_value()) {
    basic_constraints[1] = 0x06;
    basic_constraints.insert(basic_constraints.end(),
                             {0x02, 0x01, static_cast<std::uint8_t>(*spec.path_len)});
  }
  cert_spec.basic_constraints.reset();
  cert_spec.extensions = {{"2.5.29.19", true, basic_constraints}};
  if (spec.key_cert_sign) {
    cert_spec.extensions.push_back(
        {"2.5.29.15", true, Bytes(std::begin(kKeyUsageCertSign), std::end(kKeyUsageCertSign))});
  } else {
    cert_spec.extensions.push_back(
        {"2.5.29.15", true, Bytes(std::begin(kKeyUsageDigitalSignature),
                                  std::end(kKeyUsageDigitalSignature))});
  }
  cert_spec.extensions.insert(cert_spec.extensions.end(), spec.extensions.begin(),
                              spec.extensions.end());
  auto impl = std::make_unique<Impl>();
  PASSKEY_ASSIGN_OR_RETURN(impl->key, NewCaKey());
  PASSKEY_ASSIGN_OR_RETURN(
      impl->cert, MakeCertificate(cert_spec, impl->key.get(),
                                  X509_get_subject_name(impl_->cert.get()), impl_->key.get(),
                                  false));
  PASSKEY_ASSIGN_OR_RETURN(impl->der, ToDer(impl->cert.get()));
  return TestCa(std::move(impl));
}

Result<Bytes> TestCa::Issue(const CertificateSpec& spec, ByteView subject_spki) const {
  const unsigned char* cursor = subject_spki.data();
  EvpPkeyPtr subject_key(d2i_PUBKEY(nullptr, &cursor, static_cast<long>(subject_spki.size())));  // NOLINT
  if (subject_key == nullptr || cursor != subject_spki.data() + subject_spki.size()) {
    ERR_clear_error();
    return Fail(ErrorCode::kInvalidArgument, "subject SPKI does not parse");
  }
  PASSKEY_ASSIGN_OR_RETURN(
      X509Ptr cert, MakeCertificate(spec, subject_key.get(), X509_get_subject_name(impl_->cert.get()),
                                    impl_->key.get(), false));
  return ToDer(cert.get());
}

Result<Bytes> TestCa::IssueCrl(const std::vector<std::uint64_t>& serials, UnixSeconds this_update,
                               UnixSeconds next_update) const {
  X509CrlPtr crl(X509_CRL_new());
  Asn1TimePtr last(ASN1_TIME_set(nullptr, static_cast<time_t>(this_update)));
  Asn1TimePtr next(ASN1_TIME_set(nullptr, static_cast<time_t>(next_update)));
  if (crl == nullptr || last == nullptr || next == nullptr ||
      X509_CRL_set_version(crl.get(), 1) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(impl_->cert.get())) != 1 ||
      X509_CRL_set1_lastUpdate(crl.get(), last.get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), next.get()) != 1) {
    return OpenSslError("CRL fields");
  }
  for (const std::uint64_t serial : serials) {
    X509RevokedPtr revoked(X509_REVOKED_new());
    Asn1IntegerPtr number(ASN1_INTEGER_new());
    if (revoked == nullptr || number == nullptr ||
        ASN1_INTEGER_set_uint64(number.get(), serial) != 1 ||
        X509_REVOKED_set_serialNumber(revoked.get(), number.get()) != 1 ||
        X509_REVOKED_set_revocationDate(revoked.get(), last.get()) != 1 ||
        X509_CRL_add0_revoked(crl.get(), revoked.get()) != 1) {
      return OpenSslError("CRL entry");
    }
    static_cast<void>(revoked.release());  // owned by the CRL now
  }
  if (X509_CRL_sort(crl.get()) != 1 || X509_CRL_sign(crl.get(), impl_->key.get(), EVP_sha256()) <= 0) {
    return OpenSslError("X509_CRL_sign");
  }
  unsigned char* der = nullptr;
  const int length = i2d_X509_CRL(crl.get(), &der);
  if (length <= 0) return OpenSslError("i2d_X509_CRL");
  Bytes out(der, der + length);
  OPENSSL_free(der);
  return out;
}

const Bytes& TestCa::certificate_der() const noexcept { return impl_->der; }

std::string TestCa::certificate_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_X509(bio.get(), impl_->cert.get()) != 1) {
    ERR_clear_error();
    return {};
  }
  BUF_MEM* memory = nullptr;
  BIO_get_mem_ptr(bio.get(), &memory);
  return std::string(memory->data, memory->length);
}

Result<TestCa> TestCa::FromPem(std::string_view certificate_pem,
                               std::string_view private_key_pem) {
  auto impl = std::make_unique<Impl>();
  BioPtr cert_bio(BIO_new_mem_buf(certificate_pem.data(), static_cast<int>(certificate_pem.size())));
  BioPtr key_bio(BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())));
  if (cert_bio == nullptr || key_bio == nullptr) return OpenSslError("BIO_new_mem_buf");
  impl->cert.reset(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  impl->key.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (impl->cert == nullptr || impl->key == nullptr) {
    ERR_clear_error();
    return Fail(ErrorCode::kInvalidArgument, "CA certificate or key is not PEM");
  }
  if (X509_check_private_key(impl->cert.get(), impl->key.get()) != 1) {
    ERR_clear_error();
    return Fail(ErrorCode::kInvalidArgument, "CA key does not match its certificate");
  }
  PASSKEY_ASSIGN_OR_RETURN(impl->der, ToDer(impl->cert.get()));
  return TestCa(std::move(impl));
}

Result<std::string> TestCa::PrivateKeyPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PrivateKey(bio.get(), impl_->key.get(), nullptr, nullptr, 0,
                                                 nullptr, nullptr) != 1) {
    return OpenSslError("PEM_write_bio_PrivateKey");
  }
  BUF_MEM* memory = nullptr;
  BIO_get_mem_ptr(bio.get(), &memory);
  return std::string(memory->data, memory->length);
}

CertificateExtensionSpec CrlDistributionPointsExtension(std::string_view uri) {
  // CRLDistributionPoints ::= SEQUENCE OF DistributionPoint
  // DistributionPoint ::= SEQUENCE { distributionPoint [0] { fullName [0]
  //   GeneralNames { uniformResourceIdentifier [6] IA5String } } }
  // Every length stays below 128 for URIs under 100 bytes.
  const std::size_t n = uri.size() < 100 ? uri.size() : 100;
  Bytes value = {0x30, static_cast<std::uint8_t>(n + 8), 0x30, static_cast<std::uint8_t>(n + 6),
                 0xa0, static_cast<std::uint8_t>(n + 4), 0xa0, static_cast<std::uint8_t>(n + 2),
                 0x86, static_cast<std::uint8_t>(n)};
  value.insert(value.end(), uri.begin(), uri.begin() + static_cast<std::ptrdiff_t>(n));
  return CertificateExtensionSpec{"2.5.29.31", false, std::move(value)};
}

Bytes DerOctetString(ByteView contents) {
  Bytes out{0x04};
  const std::size_t n = contents.size();
  if (n < 0x80) {
    out.push_back(static_cast<std::uint8_t>(n));
  } else if (n <= 0xff) {
    out.push_back(0x81);
    out.push_back(static_cast<std::uint8_t>(n));
  } else {
    out.push_back(0x82);
    out.push_back(static_cast<std::uint8_t>(n >> 8));
    out.push_back(static_cast<std::uint8_t>(n));
  }
  out.insert(out.end(), contents.begin(), contents.end());
  return out;
}

}  // namespace passkey::testing
