// Verifications share immutable state across threads: one stored record and
// options, one imported key, the process-wide digest table. Run under
// ThreadSanitizer by tools/check.sh (label `tsan`) and normally otherwise.
#include <passkey/testing/software_authenticator.h>

#include <atomic>
#include <thread>
#include <vector>

#include "crypto/crypto.h"
#include "test_util.h"
#include "webauthn/cose_key.h"

namespace passkey {
namespace {

constexpr int kThreads = 4;
constexpr int kRounds = 25;

TEST(ConcurrencyTest, ParallelAuthenticationsAgainstOneRecord) {
  auto authenticator = testing::SoftwareAuthenticator::Create(CoseAlgorithm::kEs256, "threads");
  ASSERT_THAT(authenticator, IsOk());
  CredentialRecord record;
  record.id = authenticator->credential_id();
  record.public_key = authenticator->CosePublicKey();
  AuthenticationOptions options;
  options.rp.ids = {"example.org"};
  options.rp.origins = {"https://example.org"};
  options.challenge = Bytes(32, 7);
  // Counters stay zero (allowed) so every assertion verifies independently.
  std::vector<AuthenticationResponse> responses;
  for (int i = 0; i < kThreads; ++i) {
    testing::AssertionParams params;
    params.rp_id = "example.org";
    params.origin = "https://example.org";
    params.challenge = options.challenge;
    auto json = authenticator->GetAssertionJson(params);
    ASSERT_THAT(json, IsOk());
    auto response = ParseAuthenticationResponseJson(*json);
    ASSERT_THAT(response, IsOk());
    responses.push_back(*response);
  }
  std::atomic<int> verified{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        if (VerifyAuthentication(options, record, responses[static_cast<std::size_t>(t)])
                .has_value()) {
          verified.fetch_add(1);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(verified.load(), kThreads * kRounds);
}

TEST(ConcurrencyTest, OneImportedKeyVerifiesFromManyThreads) {
  auto authenticator = testing::SoftwareAuthenticator::Create(CoseAlgorithm::kEdDsa, "shared-key");
  ASSERT_THAT(authenticator, IsOk());
  auto key = internal::ImportCoseKey(authenticator->CosePublicKey());
  ASSERT_THAT(key, IsOk());
  const Bytes message = {1, 2, 3, 4, 5};
  auto signature = authenticator->Sign(message);
  ASSERT_THAT(signature, IsOk());
  Bytes wrong = *signature;
  wrong[0] ^= 1;
  std::atomic<int> good{0};
  std::atomic<int> rejected{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < kRounds; ++round) {
        if (key->Verify(message, *signature).has_value()) good.fetch_add(1);
        if (!key->Verify(message, wrong).has_value()) rejected.fetch_add(1);
        (void)internal::Sha256(message);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(good.load(), kThreads * kRounds);
  EXPECT_EQ(rejected.load(), kThreads * kRounds);
}

}  // namespace
}  // namespace passkey
