// Authentication ceremony end to end against a fixed ES256 record. Invariant
// on success: OpenSSL itself verifies the signature over authData‖SHA-256(
// clientDataJSON) with the stored key, and the counter rule held.
#include <openssl/evp.h>

#include "ceremony_fuzz_util.h"
#include "crypto/crypto.h"
#include "fuzz_check.h"
#include "webauthn/cose_key.h"

namespace {

// COSE_Key {1: 2, 3: -7, -1: 1, -2: x, -3: y} of a P-256 test key.
const passkey::Bytes& RecordKey() {
  static const passkey::Bytes key = [] {
    passkey::Bytes out = {0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20};
    const std::uint8_t x[] = {0x1a, 0x24, 0x88, 0xdd, 0x96, 0x15, 0x3d, 0xa6, 0x1a, 0x97, 0x7b,
                              0xa6, 0x10, 0x5b, 0x69, 0xb4, 0xda, 0xf7, 0xb0, 0xd6, 0x4e, 0x42,
                              0x9e, 0xcd, 0xf5, 0x7e, 0xa7, 0x25, 0xfd, 0x14, 0x09, 0x2f};
    const std::uint8_t y[] = {0xaa, 0xa4, 0xf9, 0x64, 0xf0, 0x5c, 0x34, 0x1a, 0xba, 0x45, 0x18,
                              0x1d, 0x89, 0x99, 0x28, 0x32, 0x58, 0xbc, 0x32, 0x35, 0xc2, 0x13,
                              0x88, 0xbf, 0xe5, 0x78, 0xa5, 0x49, 0x89, 0xf2, 0x02, 0x2f};
    out.insert(out.end(), std::begin(x), std::end(x));
    out.push_back(0x22);
    out.push_back(0x58);
    out.push_back(0x20);
    out.insert(out.end(), std::begin(y), std::end(y));
    return out;
  }();
  return key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider provider(data, size);
  passkey::CredentialRecord record;
  record.id = {1, 2, 3, 4};
  record.public_key = RecordKey();
  record.sign_count = provider.ConsumeIntegral<std::uint32_t>();
  if (provider.ConsumeBool()) record.backup_eligible = provider.ConsumeBool();
  passkey::AuthenticationOptions options;
  options.rp = passkey::fuzz::FuzzRelyingParty();
  options.challenge = passkey::fuzz::Challenge();
  options.user_verification = passkey::UserVerification::kPreferred;
  options.allow_sign_count_rollback = provider.ConsumeBool();
  passkey::AuthenticationResponse response;
  response.raw_id = record.id;
  response.client_data_json = passkey::fuzz::ClientDataJson(provider, "webauthn.get");
  response.signature = provider.ConsumeBytes<std::uint8_t>(provider.ConsumeIntegralInRange<std::size_t>(0, 80));
  response.authenticator_data = provider.ConsumeRemainingBytes<std::uint8_t>();
  auto result = passkey::VerifyAuthentication(options, record, response);
  if (!result.has_value()) return 0;
  auto key = passkey::internal::ImportCoseKey(record.public_key);
  FUZZ_CHECK(key.has_value());
  const auto hash = passkey::internal::Sha256(response.client_data_json);
  passkey::Bytes message = response.authenticator_data;
  message.insert(message.end(), hash.begin(), hash.end());
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  FUZZ_CHECK(ctx != nullptr);
  FUZZ_CHECK(EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key->pkey()) == 1);
  const int ok = EVP_DigestVerify(ctx, response.signature.data(), response.signature.size(),
                                  message.data(), message.size());
  EVP_MD_CTX_free(ctx);
  FUZZ_CHECK(ok == 1);
  FUZZ_CHECK(result->sign_count_rollback || result->sign_count > record.sign_count ||
             (result->sign_count == 0 && record.sign_count == 0));
  return 0;
}
