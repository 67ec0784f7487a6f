#include "http_server.h"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

#include "server.h"

namespace passkey_server {
namespace {

// A connection that has been idle this long gives its worker up as soon as
// another connection waits for one.
constexpr int kIdleYieldMs = 100;
// How often an idle connection looks at the queue and at shutdown.
constexpr int kIdlePollMs = 20;
// After a refused body: how long the unread rest is read and dropped before
// the socket closes, so the client can read the response before a reset.
constexpr int kLingerMs = 1000;

// Set by CloseConnectionAfterResponse for the request this thread serves.
thread_local bool g_close_after_response = false;

int Milliseconds(time_t sec, time_t usec) { return static_cast<int>(sec * 1000 + usec / 1000); }

// PollFor: poll one socket for `events` up to `timeout_ms`, retrying EINTR.
bool PollFor(int fd, short events, int timeout_ms) {
  pollfd entry{fd, events, 0};
  for (;;) {
    const int ready = poll(&entry, 1, timeout_ms);
    if (ready >= 0)
      return ready > 0;
    if (errno != EINTR)
      return false;
  }
}

void Address(const sockaddr_storage& address, std::string& ip, int& port) {
  std::array<char, INET6_ADDRSTRLEN> text{};
  if (address.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(address);
    if (inet_ntop(AF_INET, &in.sin_addr, text.data(), text.size()) != nullptr) {
      ip = text.data();
      port = ntohs(in.sin_port);
    }
  } else if (address.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(address);
    if (inet_ntop(AF_INET6, &in6.sin6_addr, text.data(), text.size()) != nullptr) {
      ip = text.data();
      port = ntohs(in6.sin6_port);
    }
  }
}

// ConnectionStream: the httplib::Stream of one connection, kept for all its
// requests (bytes a client sent ahead, e.g. a pipelined request, stay in the
// buffer for the next one).
class ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(int fd, int read_timeout_ms, int write_timeout_ms)
      : fd_(fd), read_timeout_ms_(read_timeout_ms), write_timeout_ms_(write_timeout_ms) {}

  bool HasBuffered() const { return begin_ < end_; }

  bool is_readable() const override {
    return HasBuffered() || PollFor(fd_, POLLIN, read_timeout_ms_);
  }
  bool is_writable() const override { return PollFor(fd_, POLLOUT, write_timeout_ms_); }

  ssize_t read(char* out, size_t size) override {
    if (!HasBuffered()) {
      if (!PollFor(fd_, POLLIN, read_timeout_ms_))
        return -1;
      ssize_t received;
      do {
        received = recv(fd_, buffer_.data(), buffer_.size(), 0);
      } while (received < 0 && errno == EINTR);
      if (received <= 0)
        return received;
      begin_ = 0;
      end_ = static_cast<std::size_t>(received);
    }
    const std::size_t n = std::min(size, end_ - begin_);
    std::memcpy(out, buffer_.data() + begin_, n);
    begin_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* data, size_t size) override {
    if (!is_writable())
      return -1;
    ssize_t sent;
    do {
      sent = send(fd_, data, size, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    return sent;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    if (getpeername(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0)
      Address(address, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    if (getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0)
      Address(address, ip, port);
  }
  socket_t socket() const override { return fd_; }

 private:
  int fd_;
  int read_timeout_ms_;
  int write_timeout_ms_;
  std::array<char, 4096> buffer_{};
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

// CountingPool: httplib's ThreadPool, counting the connections that wait for
// a worker (Queue::waiting); a worker that takes one settles one yield.
template <typename Queue>
class CountingPool final : public httplib::TaskQueue {
 public:
  CountingPool(std::size_t threads, std::shared_ptr<Queue> queue)
      : pool_(threads), queue_(std::move(queue)) {}

  void enqueue(std::function<void()> task) override {
    queue_->waiting.fetch_add(1);
    pool_.enqueue([queue = queue_, task = std::move(task)] {
      queue->waiting.fetch_sub(1);
      int yielding = queue->yielding.load();
      while (yielding > 0 && !queue->yielding.compare_exchange_weak(yielding, yielding - 1)) {
      }
      task();
    });
  }
  void shutdown() override { pool_.shutdown(); }

 private:
  httplib::ThreadPool pool_;
  std::shared_ptr<Queue> queue_;
};

// Linger: after the response to a refused body, stop sending, then read and
// drop what the client still sends for up to kLingerMs (or until it closes),
// so closing does not reset the connection before the client has read the
// response. Nothing read here is kept.
void Linger(int fd) {
  shutdown(fd, SHUT_WR);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kLingerMs);
  std::array<char, 4096> sink;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0 || !PollFor(fd, POLLIN, static_cast<int>(left)))
      return;
    if (recv(fd, sink.data(), sink.size(), 0) <= 0)
      return;
  }
}

}  // namespace

void CloseConnectionAfterResponse(const httplib::Request& req, httplib::Response& res) {
  g_close_after_response = true;
  // httplib adds the header itself when the client asked for close.
  if (req.get_header_value("Connection") != "close" && !res.has_header("Connection"))
    res.set_header("Connection", "close");
}

HttpServer::HttpServer(unsigned threads) {
  const std::size_t workers = std::clamp(threads, 1u, kMaxThreads);
  new_task_queue = [workers, queue = queue_] { return new CountingPool<Queue>(workers, queue); };
  // httplib writes a response's headers and its body with separate send()
  // calls; with Nagle's algorithm the body then waits for the client's
  // delayed ACK of the headers (about 40 ms on Linux), on every keep-alive
  // response after the first (bench/server_load measured p50 96 ms per
  // sign-in at 2 users before, see bench/README.md).
  set_tcp_nodelay(true);
  // httplib announces keep-alive on every response it does not close itself;
  // not on one whose handler asked for the connection to close.
  set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.get_header_value("Connection") == "close")
      res.headers.erase("Keep-Alive");
  });
}

int HttpServer::Bind(const std::string& host, int port) {
  if (port == 0) {
    port = bind_to_any_port(host);
  } else if (!bind_to_port(host, port)) {
    port = -1;
  }
  if (port <= 0)
    return -1;
  // httplib has already called listen() with its compiled-in backlog of 5;
  // on Linux a second listen() on the listening socket sets the new one.
  if (::listen(svr_sock_, kListenBacklog) != 0)
    return -1;
  return port;
}

bool HttpServer::process_and_close_socket(socket_t sock) {
  ConnectionStream stream(sock, Milliseconds(read_timeout_sec_, read_timeout_usec_),
                          Milliseconds(write_timeout_sec_, write_timeout_usec_));
  // Waits for the first or the next request: false when the connection
  // stays idle for the keep-alive timeout, closes, the server stops, or has
  // been idle for kIdleYieldMs while another connection waits for a worker
  // that no other idle connection has yet given up.
  auto give_up_for_waiting = [&] {
    int yielding = queue_->yielding.load();
    while (yielding < queue_->waiting.load()) {
      if (queue_->yielding.compare_exchange_weak(yielding, yielding + 1))
        return true;
    }
    return false;
  };
  auto wait_for_request = [&] {
    if (stream.HasBuffered())
      return true;
    const int timeout_ms = static_cast<int>(keep_alive_timeout_sec_ * 1000);
    for (int idle_ms = 0; idle_ms < timeout_ms; idle_ms += kIdlePollMs) {
      if (svr_sock_ == INVALID_SOCKET)
        return false;
      if (idle_ms >= kIdleYieldMs && give_up_for_waiting())
        return false;
      if (PollFor(sock, POLLIN, kIdlePollMs))
        return true;
    }
    return false;
  };

  bool ok = false;
  bool linger = false;
  for (std::size_t left = keep_alive_max_count_; left > 0 && wait_for_request(); --left) {
    g_close_after_response = false;
    bool connection_closed = false;
    ok = process_request(stream, left == 1, connection_closed, nullptr);
    linger = g_close_after_response;
    if (!ok || connection_closed || linger)
      break;
  }
  if (linger)
    Linger(sock);
  shutdown(sock, SHUT_RDWR);
  close(sock);
  return ok;
}

}  // namespace passkey_server
