// Per-client token buckets for the verify endpoints.
#ifndef PASSKEY_EXAMPLES_SERVER_RATE_LIMITER_H_
#define PASSKEY_EXAMPLES_SERVER_RATE_LIMITER_H_

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace passkey_server {

// RateLimiter: each client key (the peer IP address) has a bucket of
// `per_minute` tokens refilled continuously at per_minute/60 tokens a second;
// a request takes one token or is refused. So a client may burst up to
// per_minute requests, then keeps to per_minute a minute on average.
// per_minute == 0 disables the limit. At most max_clients buckets are kept:
// full buckets (idle clients) are forgotten first.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kDefaultMaxClients = 100000;

  explicit RateLimiter(unsigned per_minute, std::size_t max_clients = kDefaultMaxClients);

  // Allow takes a token from `key`'s bucket; false when it is empty.
  bool Allow(const std::string& key, Clock::time_point now);
  std::size_t clients() const;

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  double Refilled(const Bucket& bucket, Clock::time_point now) const;
  void EvictLocked(Clock::time_point now);

  const double capacity_;
  const double per_second_;
  const std::size_t max_clients_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace passkey_server

#endif  // PASSKEY_EXAMPLES_SERVER_RATE_LIMITER_H_
