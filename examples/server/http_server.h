// HttpServer: httplib::Server with the connection handling the example needs
// and cpp-httplib 0.11 (Debian 12) does not offer through its API:
//
// * a bounded worker pool of a chosen size (--threads) whose idle keep-alive
//   connections give their worker up when a new connection waits for one, so
//   a load balancer's idle pool or slow clients cannot stall the server;
// * a listen backlog of kListenBacklog (httplib compiles in 5);
// * closing the connection after a response when a request body was refused
//   unread (413, 415, 405...), instead of parsing the rest of the body as the
//   next request.
//
// It replaces httplib's per-connection loop (the virtual
// process_and_close_socket) with its own, which calls httplib's
// process_request for each request on the connection.
#ifndef PASSKEY_EXAMPLES_SERVER_HTTP_SERVER_H_
#define PASSKEY_EXAMPLES_SERVER_HTTP_SERVER_H_

#include <atomic>
#include <httplib.h>
#include <memory>
#include <string>

namespace passkey_server {

// kListenBacklog: the accept queue (the kernel caps it at net.core.somaxconn).
inline constexpr int kListenBacklog = 1024;

// CloseConnectionAfterResponse: called by a handler (on the worker thread
// serving the request) whose request left bytes unread: the response says
// "Connection: close" and the connection is closed once it is written.
void CloseConnectionAfterResponse(const httplib::Request& req, httplib::Response& res);

class HttpServer : public httplib::Server {
 public:
  // `threads`: workers (clamped to 1..kMaxThreads, server.h); each serves
  // one connection at a time.
  explicit HttpServer(unsigned threads);

  // Bind listens on host:port (port 0 = a free port) with kListenBacklog.
  // Returns the port, or -1.
  int Bind(const std::string& host, int port);

 private:
  bool process_and_close_socket(socket_t sock) override;

  // Queue: accepted connections waiting for a worker, and idle connections
  // that gave their worker up for them and whose worker has not yet taken
  // one (so that one waiting connection frees one worker, not all).
  struct Queue {
    std::atomic<int> waiting{0};
    std::atomic<int> yielding{0};
  };
  std::shared_ptr<Queue> queue_ = std::make_shared<Queue>();
};

}  // namespace passkey_server

#endif  // PASSKEY_EXAMPLES_SERVER_HTTP_SERVER_H_
