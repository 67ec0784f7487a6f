// HttpServer: httplib::Server with the connection handling the example needs
// and cpp-httplib 0.11 (Debian 12) does not offer through its API: closing
// the connection after a response when a request body was refused unread
// (413, 415, 405...), instead of parsing the rest of the body as the next
// request.
//
// It replaces httplib's per-connection loop (the virtual
// process_and_close_socket) with its own, which calls httplib's
// process_request for each request on the connection.
#ifndef PASSKEY_EXAMPLES_SERVER_HTTP_SERVER_H_
#define PASSKEY_EXAMPLES_SERVER_HTTP_SERVER_H_

#include <httplib.h>

namespace passkey_server {

// CloseConnectionAfterResponse: called by a handler (on the worker thread
// serving the request) whose request left bytes unread: the response says
// "Connection: close" and the connection is closed once it is written.
void CloseConnectionAfterResponse(const httplib::Request& req, httplib::Response& res);

class HttpServer : public httplib::Server {
 public:
  HttpServer();

 private:
  bool process_and_close_socket(socket_t sock) override;
};

}  // namespace passkey_server

#endif  // PASSKEY_EXAMPLES_SERVER_HTTP_SERVER_H_
