#include "rate_limiter.h"

#include <algorithm>

namespace passkey_server {

RateLimiter::RateLimiter(unsigned per_minute, std::size_t max_clients)
    : capacity_(static_cast<double>(per_minute)),
      per_second_(static_cast<double>(per_minute) / 60.0),
      max_clients_(std::max<std::size_t>(max_clients, 1)) {}

double RateLimiter::Refilled(const Bucket& bucket, Clock::time_point now) const {
  const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
  return std::min(capacity_, bucket.tokens + std::max(elapsed, 0.0) * per_second_);
}

void RateLimiter::EvictLocked(Clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    if (Refilled(it->second, now) >= capacity_) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
  while (buckets_.size() >= max_clients_) {
    auto oldest = std::min_element(
        buckets_.begin(), buckets_.end(),
        [](const auto& a, const auto& b) { return a.second.updated < b.second.updated; });
    buckets_.erase(oldest);
  }
}

bool RateLimiter::Allow(const std::string& key, Clock::time_point now) {
  if (capacity_ <= 0)
    return true;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_clients_)
      EvictLocked(now);
    buckets_.emplace(key, Bucket{capacity_ - 1.0, now});
    return true;
  }
  Bucket& bucket = it->second;
  bucket.tokens = Refilled(bucket, now);
  bucket.updated = now;
  if (bucket.tokens < 1.0)
    return false;
  bucket.tokens -= 1.0;
  return true;
}

std::size_t RateLimiter::clients() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return buckets_.size();
}

}  // namespace passkey_server
