// TLS for the front (http/front.hpp): the server context from the configured PEM pair, and
// sessions over non-blocking sockets, so that a slow handshake waits in the event loop like a slow
// request head and holds no thread.
#pragma once

#include <openssl/ssl.h>

#include <expected>
#include <memory>
#include <string>

namespace ordo::http {

class tls_context {
 public:
  // The context for `cert_file` and `key_file`, or why not (one line).
  static std::expected<std::shared_ptr<tls_context>, std::string> load(const std::string& cert_file,
                                                                       const std::string& key_file);
  ~tls_context();
  tls_context(const tls_context&) = delete;
  tls_context& operator=(const tls_context&) = delete;

  // A server session on the accepted socket `fd`, its handshake not yet started.
  SSL* new_session(int fd) const;

 private:
  explicit tls_context(SSL_CTX* ctx) : ctx_(ctx) {}
  SSL_CTX* ctx_;
};

// Sends close_notify if the socket takes it at once, and frees the session.
void end_session(SSL* ssl);

}  // namespace ordo::http
