// Heap allocations of one prepared verification (issue #7 asked for at most
// 8 per VerifyAuthentication(options, PreparedCredential, response) after
// warm-up; it is 4 since, and issue #19 keeps it there), and of one
// registration (ParseRegistrationResponseJson + VerifyRegistration, reported
// and bounded so that a regression shows). The global operator new is replaced with a counting one, which
// is why this test is its own executable.
//
// What is counted: every C++ allocation (operator new in all its forms) on
// the verifying thread between the two marks. OpenSSL allocates with
// malloc through CRYPTO_malloc; those are counted separately through
// CRYPTO_set_mem_functions when OpenSSL allows it, and reported, not bounded
// (they belong to the signature verification the floor also performs).
#include <openssl/crypto.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>

#include <passkey/prepared_credential.h>
#include <passkey/registration.h>
#include <passkey/testing/software_authenticator.h>

#include "../test_util.h"

namespace {

std::atomic<long> g_new_calls{0};
std::atomic<long> g_openssl_calls{0};

void* CountedAlloc(std::size_t size) {
  g_new_calls.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}

void* CountedAlignedAlloc(std::size_t size, std::align_val_t align) {
  g_new_calls.fetch_add(1, std::memory_order_relaxed);
  const auto alignment = static_cast<std::size_t>(align);
  const std::size_t rounded = (size + alignment - 1) / alignment * alignment;
  if (void* p = std::aligned_alloc(alignment, rounded == 0 ? alignment : rounded)) return p;
  throw std::bad_alloc();
}

void* OpenSslMalloc(std::size_t size, const char*, int) {
  g_openssl_calls.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size);
}
void* OpenSslRealloc(void* p, std::size_t size, const char*, int) {
  g_openssl_calls.fetch_add(1, std::memory_order_relaxed);
  return std::realloc(p, size);
}
void OpenSslFree(void* p, const char*, int) { std::free(p); }

// Installed before main, i.e. before OpenSSL allocates anything (it refuses
// afterwards; then OpenSSL's allocations are simply not reported).
const bool g_openssl_counting =
    CRYPTO_set_mem_functions(OpenSslMalloc, OpenSslRealloc, OpenSslFree) == 1;

}  // namespace

void* operator new(std::size_t size) { return CountedAlloc(size); }
void* operator new[](std::size_t size) { return CountedAlloc(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  g_new_calls.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  g_new_calls.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new(std::size_t size, std::align_val_t align) {
  return CountedAlignedAlloc(size, align);
}
void* operator new[](std::size_t size, std::align_val_t align) {
  return CountedAlignedAlloc(size, align);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace passkey {
namespace {

constexpr long kMaxAllocationsPerPreparedVerify = 4;
// The registration bound: the counts measured when it was set (issue #19,
// printed by RegistrationAllocTest below: 16 for none, 20 for packed) plus
// a little room.
constexpr long kMaxAllocationsPerRegistration = 24;

struct Counts {
  long cxx = 0;
  long openssl = 0;
};

template <typename F>
Counts Count(F&& f) {
  const long cxx_before = g_new_calls.load();
  const long openssl_before = g_openssl_calls.load();
  f();
  return Counts{g_new_calls.load() - cxx_before, g_openssl_calls.load() - openssl_before};
}

TEST(AllocationCounterTest, CountsOperatorNew) {
  // The hook itself works: otherwise the bound below could not fail.
  const Counts counts = Count([] {
    auto* value = new int(7);
    auto* array = new int[3];
    delete[] array;
    delete value;
  });
  EXPECT_EQ(counts.cxx, 2);
}

void ExpectPreparedVerifyWithinBound(CoseAlgorithm alg) {
  auto authenticator = testing::SoftwareAuthenticator::Create(alg, "alloc-test");
  ASSERT_THAT(authenticator, IsOk());
  CredentialRecord record;
  record.id = authenticator->credential_id();
  record.public_key = authenticator->CosePublicKey();
  record.backup_eligible = false;
  AuthenticationOptions options;
  options.rp.ids = {"example.com"};
  options.rp.origins = {"https://example.com"};
  options.challenge = Bytes(32, 0x5a);
  options.now = 1767225600;
  testing::AssertionParams params;
  params.rp_id = "example.com";
  params.origin = "https://example.com";
  params.challenge = options.challenge;
  params.sign_count = 9;
  auto json = authenticator->GetAssertionJson(params);
  ASSERT_THAT(json, IsOk());
  auto response = ParseAuthenticationResponseJson(*json);
  ASSERT_THAT(response, IsOk());
  auto prepared = PreparedCredential::Create(record);
  ASSERT_THAT(prepared, IsOk());

  // Warm-up: per-process and per-thread OpenSSL state (fetched digests,
  // this thread's verification contexts) is set up once.
  for (int i = 0; i < 3; ++i) {
    ASSERT_THAT(VerifyAuthentication(options, *prepared, *response), IsOk());
  }
  bool verified = false;
  const Counts counts = Count([&] {
    auto result = VerifyAuthentication(options, *prepared, *response);
    verified = result.has_value() && result->sign_count == 9;
  });
  EXPECT_TRUE(verified);
  std::printf("[ alloc    ] %s prepared verify: %ld operator new, %s OpenSSL allocations\n",
              std::string(CoseAlgorithmName(alg)).c_str(), counts.cxx,
              g_openssl_counting ? std::to_string(counts.openssl).c_str() : "(not counted)");
  EXPECT_LE(counts.cxx, kMaxAllocationsPerPreparedVerify)
      << "one prepared " << CoseAlgorithmName(alg) << " verification allocated " << counts.cxx
      << " times";
  // The counter sees this path at all (clientDataJSON's strings, the
  // expected challenge): a count of zero would mean the hook is not in use.
  EXPECT_GT(counts.cxx, 0);
}

TEST(PreparedVerifyAllocTest, Es256AtMostFourAllocations) {
  ExpectPreparedVerifyWithinBound(CoseAlgorithm::kEs256);
}

TEST(PreparedVerifyAllocTest, EdDsaAtMostFourAllocations) {
  ExpectPreparedVerifyWithinBound(CoseAlgorithm::kEdDsa);
}

TEST(PreparedVerifyAllocTest, Rs256AtMostFourAllocations) {
  ExpectPreparedVerifyWithinBound(CoseAlgorithm::kRs256);
}

// One registration, JSON text to CredentialRecord, after warm-up: every C++
// allocation counted (the record's own vectors and strings included).
void ExpectRegistrationWithinBound(CoseAlgorithm alg, const char* format) {
  auto authenticator = testing::SoftwareAuthenticator::Create(alg, "alloc-test");
  ASSERT_THAT(authenticator, IsOk());
  RegistrationOptions options;
  options.rp.ids = {"example.com"};
  options.rp.origins = {"https://example.com"};
  options.challenge = Bytes(32, 0x5a);
  options.now = 1767225600;
  testing::RegistrationParams params;
  params.rp_id = "example.com";
  params.origin = "https://example.com";
  params.challenge = options.challenge;
  params.format = format;
  auto json = authenticator->MakeCredentialJson(params);
  ASSERT_THAT(json, IsOk());
  const auto register_once = [&] {
    auto response = ParseRegistrationResponseJson(*json);
    if (!response.has_value()) return false;
    return VerifyRegistration(options, *response).has_value();
  };
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(register_once());
  bool registered = false;
  const Counts counts = Count([&] { registered = register_once(); });
  EXPECT_TRUE(registered);
  std::printf("[ alloc    ] %s %s registration: %ld operator new, %s OpenSSL allocations\n",
              std::string(CoseAlgorithmName(alg)).c_str(), format, counts.cxx,
              g_openssl_counting ? std::to_string(counts.openssl).c_str() : "(not counted)");
  EXPECT_LE(counts.cxx, kMaxAllocationsPerRegistration)
      << "one " << format << " " << CoseAlgorithmName(alg) << " registration allocated "
      << counts.cxx << " times";
  EXPECT_GT(counts.cxx, 0);
}

TEST(RegistrationAllocTest, NoneFormatEveryAlgorithm) {
  for (CoseAlgorithm alg : {CoseAlgorithm::kEs256, CoseAlgorithm::kEdDsa, CoseAlgorithm::kRs256,
                            CoseAlgorithm::kPs256}) {
    ExpectRegistrationWithinBound(alg, "none");
  }
}

TEST(RegistrationAllocTest, PackedFormatEveryAlgorithm) {
  for (CoseAlgorithm alg : {CoseAlgorithm::kEs256, CoseAlgorithm::kEdDsa, CoseAlgorithm::kRs256,
                            CoseAlgorithm::kPs256}) {
    ExpectRegistrationWithinBound(alg, "packed");
  }
}

}  // namespace
}  // namespace passkey
