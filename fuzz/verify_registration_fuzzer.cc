// Registration ceremony end to end. Invariants on success: the record's
// credential ID is the one the response reported, its public key is a
// sub-span of the attestation object and imports as a supported key.
#include <algorithm>

#include "ceremony_fuzz_util.h"
#include "fuzz_check.h"
#include "webauthn/cose_key.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider provider(data, size);
  passkey::RegistrationOptions options;
  options.rp = passkey::fuzz::FuzzRelyingParty();
  options.challenge = passkey::fuzz::Challenge();
  options.user_verification = passkey::UserVerification::kPreferred;
  options.now = 1'767'225'600;  // 2026-01-01: a fixed time keeps runs reproducible
  passkey::RegistrationResponse response;
  response.client_data_json = passkey::fuzz::ClientDataJson(provider, "webauthn.create");
  response.raw_id = provider.ConsumeBytes<std::uint8_t>(provider.ConsumeIntegralInRange<std::size_t>(1, 64));
  response.attestation_object = provider.ConsumeRemainingBytes<std::uint8_t>();
  auto record = passkey::VerifyRegistration(options, response);
  if (!record.has_value()) return 0;
  FUZZ_CHECK(record->id == response.raw_id);
  const auto& object = response.attestation_object;
  FUZZ_CHECK(std::search(object.begin(), object.end(), record->public_key.begin(),
                         record->public_key.end()) != object.end());
  FUZZ_CHECK(passkey::internal::ImportCoseKey(record->public_key).has_value());
  FUZZ_CHECK(record->backup_eligible.has_value());
  FUZZ_CHECK(!record->backup_state || *record->backup_eligible);
  return 0;
}
