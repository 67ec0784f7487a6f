#include <passkey/attestation_trust.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <climits>
#include <utility>
#include <vector>

#include "attestation/trust_impl.h"
#include "internal/result_macros.h"

namespace passkey {
namespace {

using internal::BioPtr;
using internal::Fail;
using internal::X509CrlPtr;
using internal::X509Ptr;

// kMaxPemBytes: a generous cap on one PEM input (a bundle of roots).
constexpr std::size_t kMaxPemBytes = 4u << 20;

Result<BioPtr> MemoryBio(ByteView data) {
  if (data.size() > kMaxPemBytes) {
    return Fail(ErrorCode::kInvalidArgument, "PEM/DER input larger than 4 MiB");
  }
  BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (bio == nullptr) return Fail(ErrorCode::kInternal, "BIO_new_mem_buf failed");
  return bio;
}

// ReadPemBlocks reads every block `read` understands; at least one.
template <class Ptr, class ReadFn>
Result<std::vector<Ptr>> ReadPemBlocks(std::string_view pem, ReadFn read, const char* what) {
  PASSKEY_ASSIGN_OR_RETURN(BioPtr bio, MemoryBio(AsBytes(pem)));
  std::vector<Ptr> items;
  while (true) {
    Ptr item(read(bio.get(), nullptr, nullptr, nullptr));
    if (item == nullptr) break;
    items.push_back(std::move(item));
  }
  // The loop ends with "no start line" at the end of input; anything else
  // is a block that did not parse.
  const unsigned long error = ERR_peek_last_error();  // NOLINT(runtime/int)
  const bool clean_end = ERR_GET_LIB(error) == ERR_LIB_PEM &&
                         ERR_GET_REASON(error) == PEM_R_NO_START_LINE;
  ERR_clear_error();
  if (!clean_end) {
    return Fail(ErrorCode::kInvalidArgument, std::string("a PEM ") + what + " does not parse");
  }
  if (items.empty()) {
    return Fail(ErrorCode::kInvalidArgument, std::string("no PEM ") + what + " found");
  }
  return items;
}

Result<X509Ptr> ParseDer(ByteView der) {
  if (der.size() > kMaxPemBytes || der.size() > static_cast<std::size_t>(LONG_MAX)) {
    return Fail(ErrorCode::kInvalidArgument, "certificate larger than 4 MiB");
  }
  const unsigned char* cursor = der.data();
  X509Ptr cert(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));  // NOLINT
  ERR_clear_error();
  if (cert == nullptr || cursor != der.data() + der.size()) {
    return Fail(ErrorCode::kInvalidArgument, "not exactly one DER certificate");
  }
  return cert;
}

}  // namespace

AttestationTrust::AttestationTrust() : impl_(std::make_unique<Impl>()) {}
AttestationTrust::AttestationTrust(AttestationTrust&&) noexcept = default;
AttestationTrust& AttestationTrust::operator=(AttestationTrust&&) noexcept = default;
AttestationTrust::~AttestationTrust() = default;

Status AttestationTrust::AddAnchorsPem(std::string_view pem, std::optional<Aaguid> aaguid) {
  PASSKEY_ASSIGN_OR_RETURN(std::vector<X509Ptr> certs,
                           ReadPemBlocks<X509Ptr>(pem, PEM_read_bio_X509, "certificate"));
  auto& target = aaguid.has_value() ? impl_->aaguid_anchors[aaguid->bytes] : impl_->anchors;
  for (X509Ptr& cert : certs) target.push_back(std::move(cert));
  return OkStatus();
}

Status AttestationTrust::AddAnchorDer(ByteView der, std::optional<Aaguid> aaguid) {
  PASSKEY_ASSIGN_OR_RETURN(X509Ptr cert, ParseDer(der));
  auto& target = aaguid.has_value() ? impl_->aaguid_anchors[aaguid->bytes] : impl_->anchors;
  target.push_back(std::move(cert));
  return OkStatus();
}

Status AttestationTrust::AddCrlsPem(std::string_view pem) {
  PASSKEY_ASSIGN_OR_RETURN(std::vector<X509CrlPtr> crls,
                           ReadPemBlocks<X509CrlPtr>(pem, PEM_read_bio_X509_CRL, "CRL"));
  for (X509CrlPtr& crl : crls) impl_->crls.push_back(std::move(crl));
  return OkStatus();
}

Status AttestationTrust::AddCrlDer(ByteView der) {
  if (der.size() > kMaxPemBytes) return Fail(ErrorCode::kInvalidArgument, "CRL larger than 4 MiB");
  const unsigned char* cursor = der.data();
  X509CrlPtr crl(d2i_X509_CRL(nullptr, &cursor, static_cast<long>(der.size())));  // NOLINT
  ERR_clear_error();
  if (crl == nullptr || cursor != der.data() + der.size()) {
    return Fail(ErrorCode::kInvalidArgument, "not exactly one DER CRL");
  }
  impl_->crls.push_back(std::move(crl));
  return OkStatus();
}

std::size_t AttestationTrust::anchor_count() const noexcept {
  std::size_t count = impl_->anchors.size();
  for (const auto& [aaguid, anchors] : impl_->aaguid_anchors) count += anchors.size();
  return count;
}

std::size_t AttestationTrust::crl_count() const noexcept { return impl_->crls.size(); }

}  // namespace passkey
