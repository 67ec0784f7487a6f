// A test certificate authority for attestation test data: roots,
// intermediates, leaf certificates with arbitrary extensions, and CRLs, all
// made with OpenSSL. NOT for production.
#ifndef PASSKEY_TESTING_TEST_CA_H_
#define PASSKEY_TESTING_TEST_CA_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <passkey/bytes.h>
#include <passkey/options.h>
#include <passkey/result.h>

namespace passkey::testing {

// CertificateExtensionSpec: one extension, written verbatim: `value` is the
// extension's DER (the contents of extnValue's OCTET STRING).
struct CertificateExtensionSpec {
  std::string oid;  // dotted, "1.3.6.1.4.1.45724.1.1.4"
  bool critical = false;
  Bytes value;
};

// CertificateSpec: what a certificate says. Defaults make a valid packed
// attestation leaf (§8.2.1) valid from 2020 to 2040.
struct CertificateSpec {
  // subject: (short name, value) pairs in order: {{"C","US"},{"O","…"}}.
  // Empty = an empty subject Name (TPM AIK certificates).
  std::vector<std::pair<std::string, std::string>> subject = {
      {"C", "US"},
      {"O", "passkey test"},
      {"OU", "Authenticator Attestation"},
      {"CN", "passkey test attestation"}};
  int version = 3;                 // 1..3
  // basic_constraints: nullopt = no basicConstraints extension; otherwise
  // the cA value (critical when is_ca).
  std::optional<bool> basic_constraints = false;
  UnixSeconds not_before = 1577836800;  // 2020-01-01T00:00:00Z
  UnixSeconds not_after = 2208988800;   // 2040-01-01T00:00:00Z
  std::uint64_t serial = 2;
  // signature_hash: "sha256" (default), "sha384", "sha512" or "sha1".
  std::string signature_hash = "sha256";
  std::vector<CertificateExtensionSpec> extensions;
};

// IntermediateSpec: an intermediate CA certificate that may be defective on purpose
// (TestCa::CreateIntermediate(const IntermediateSpec&)).
struct IntermediateSpec {
  std::string common_name = "passkey test intermediate";
  UnixSeconds not_before = 1577836800;  // 2020-01-01T00:00:00Z
  UnixSeconds not_after = 2208988800;   // 2040-01-01T00:00:00Z
  std::uint64_t serial = 3;
  // key_cert_sign: keyUsage keyCertSign|cRLSign (critical); false writes
  // keyUsage digitalSignature only (a CA that may not sign certificates).
  bool key_cert_sign = true;
  // path_len: basicConstraints pathLenConstraint; nullopt = none.
  std::optional<int> path_len;
  std::vector<CertificateExtensionSpec> extensions;  // written after those
};

// TestCa: a CA key and its certificate. Move-only.
class TestCa {
 public:
  // CreateRoot makes a self-signed root with an EC P-256 key derived from
  // nothing (fresh random key), named CN=`common_name`.
  // Errors: kInternal.
  static Result<TestCa> CreateRoot(std::string_view common_name,
                                   UnixSeconds not_before = 1577836800,
                                   UnixSeconds not_after = 2208988800);

  // CreateIntermediate makes a CA certificate issued by this CA.
  Result<TestCa> CreateIntermediate(std::string_view common_name,
                                    UnixSeconds not_before = 1577836800,
                                    UnixSeconds not_after = 2208988800) const;

  // CreateIntermediate (spec): as above, with the certificate `spec` says.
  // Errors: kInvalidArgument (path_len outside 0..127, bad extension OID),
  // kInternal.
  Result<TestCa> CreateIntermediate(const IntermediateSpec& spec) const;

  // FromPem rebuilds a CA from its certificate and private key, both PEM
  // (as certificate_pem() and PrivateKeyPem() wrote them), so a CA can be
  // kept in a file across processes. The key must match the certificate.
  // Errors: kInvalidArgument (either does not parse, or they do not match).
  static Result<TestCa> FromPem(std::string_view certificate_pem,
                                std::string_view private_key_pem);

  TestCa(TestCa&&) noexcept;
  TestCa& operator=(TestCa&&) noexcept;
  ~TestCa();

  // Issue signs a certificate for the subject public key `subject_spki`
  // (SubjectPublicKeyInfo DER, e.g. SoftwareAuthenticator::PublicKeySpki())
  // as `spec` says; returns its DER. Errors: kInvalidArgument (bad SPKI,
  // unknown subject attribute or hash), kInternal.
  Result<Bytes> Issue(const CertificateSpec& spec, ByteView subject_spki) const;

  // IssueCrl returns a DER CRL signed by this CA revoking `serials`
  // (valid from this_update to next_update).
  Result<Bytes> IssueCrl(const std::vector<std::uint64_t>& serials,
                         UnixSeconds this_update = 1577836800,
                         UnixSeconds next_update = 2208988800) const;

  // certificate_der / certificate_pem: this CA's certificate.
  const Bytes& certificate_der() const noexcept;
  std::string certificate_pem() const;
  // PrivateKeyPem: this CA's private key as PKCS#8 PEM (for FromPem).
  // Errors: kInternal.
  Result<std::string> PrivateKeyPem() const;

 private:
  struct Impl;
  explicit TestCa(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// CrlDistributionPointsExtension: a non-critical cRLDistributionPoints
// extension (2.5.29.31) with one distribution point, the URI `uri`.
CertificateExtensionSpec CrlDistributionPointsExtension(std::string_view uri);

// DerOctetString returns the DER OCTET STRING of `contents` (handy for the
// AAGUID extension value: DerOctetString(aaguid bytes)).
Bytes DerOctetString(ByteView contents);

}  // namespace passkey::testing

#endif  // PASSKEY_TESTING_TEST_CA_H_
