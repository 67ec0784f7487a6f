// The StateStore contract (stores.h) as value-parameterized tests: the cases
// live in state_store_contract.cc, and each implementation's test file
// instantiates them with a StateStoreBackend that makes its stores
// (stores_test.cc: MemoryStateStore; redis_state_store_test.cc:
// RedisStateStore on a throwaway redis-server).
#ifndef PASSKEY_EXAMPLES_SERVER_TESTS_STATE_STORE_CONTRACT_H_
#define PASSKEY_EXAMPLES_SERVER_TESTS_STATE_STORE_CONTRACT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include <gtest/gtest.h>

#include <passkey/ceremony_options.h>

#include "sessions.h"
#include "stores.h"

namespace passkey_server::test_util {

// StateStoreLimits: the options every StateStore implementation has.
struct StateStoreLimits {
  unsigned rate_limit_per_minute = 60;
  std::int64_t session_idle_ttl_seconds = SessionStore::kDefaultIdleTtlSeconds;
  passkey::UnixSeconds challenge_ttl_seconds = passkey::InMemoryChallengeStore::kDefaultTtlSeconds;
};

// StateStoreBackend: one implementation under test.
struct StateStoreBackend {
  std::string name;  // the test-name suffix
  // ready: whether stores can be made; false with the skip reason (a
  // missing package) or the failure (a server that did not start).
  std::function<bool(std::string* why, bool* skip)> ready;
  // make: a new store with `limits`, empty as far as the test can see,
  // whose rate-limit clock reads *unix_seconds.
  std::function<std::unique_ptr<StateStore>(const StateStoreLimits& limits,
                                            const std::int64_t* unix_seconds)>
      make;
};

// PrintTo: gtest names the parameter by its backend in failure messages.
inline void PrintTo(const StateStoreBackend& backend, std::ostream* out) {
  *out << backend.name;
}

// StateStoreContractTest: the fixture of the contract cases.
class StateStoreContractTest : public ::testing::TestWithParam<StateStoreBackend> {
 protected:
  void SetUp() override;
  // Make: a new store of the backend under test.
  std::unique_ptr<StateStore> Make(const StateStoreLimits& limits = {}) {
    return GetParam().make(limits, &clock_);
  }
  // clock_: the rate limiter's unix time, at the start of a minute.
  std::int64_t clock_ = 1700000040;
};

// BackendName: the instantiation's name generator.
inline std::string BackendName(const ::testing::TestParamInfo<StateStoreBackend>& info) {
  return info.param.name;
}

}  // namespace passkey_server::test_util

#endif  // PASSKEY_EXAMPLES_SERVER_TESTS_STATE_STORE_CONTRACT_H_
