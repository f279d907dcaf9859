#include "http/tls.hpp"

#include <openssl/err.h>

namespace ordo::http {

std::expected<std::shared_ptr<tls_context>, std::string> tls_context::load(
    const std::string& cert_file, const std::string& key_file) {
  auto refused = [&] {
    ERR_clear_error();
    return std::unexpected("cannot serve HTTPS with http.tls.cert " + cert_file +
                           " and http.tls.key " + key_file +
                           ": unreadable or not a matching PEM pair");
  };
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return refused();
  std::shared_ptr<tls_context> context(new tls_context(ctx));
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  // A write may send part of its bytes, and be retried from another buffer address: the worker's
  // stream writes like it does on a plain socket.
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1)
    return refused();
  return context;
}

tls_context::~tls_context() {
  SSL_CTX_free(ctx_);
}

SSL* tls_context::new_session(int fd) const {
  SSL* ssl = SSL_new(ctx_);
  if (ssl == nullptr) return nullptr;
  SSL_set_fd(ssl, fd);
  SSL_set_accept_state(ssl);
  return ssl;
}

void end_session(SSL* ssl) {
  if (ssl == nullptr) return;
  ERR_clear_error();
  if (SSL_is_init_finished(ssl)) SSL_shutdown(ssl);
  ERR_clear_error();
  SSL_free(ssl);
}

}  // namespace ordo::http
