// The HTTP API of docs/API.md over one node: every request the server admits comes to handle(),
// which checks its Host (400), routes it (404, 405), authenticates it (401, 403), checks its
// Origin (403) and media type (415), applies its Idempotency-Key, runs the route, and counts it.
// Every response carries X-Request-Id.
#pragma once

#include <expected>
#include <memory>
#include <optional>
#include <string>

#include "cluster/wire.hpp"
#include "http/auth.hpp"
#include "http/cross_site.hpp"
#include "http/idempotency.hpp"
#include "http/idempotency_sweeper.hpp"
#include "http/request_metrics.hpp"
#include "http/router.hpp"
#include "http/routes.hpp"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace ordo::http {

class api {
 public:
  explicit api(node_services node);
  ~api();
  api(const api&) = delete;
  api& operator=(const api&) = delete;

  void handle(const httplib::Request& req, httplib::Response& res);
  // Counts an answer the transport gave without the API (413, 429) under the request's route.
  void count_transport_answer(const httplib::Request& req, int status);

  // Runs a read another member forwarded to this node, the owner (cluster/wire.hpp): the route
  // itself, without the checks the receiving node made (auth, Host, Origin).
  cluster::owner_read_reply answer_owner_read(const cluster::owner_read& read);

  // /readyz answers 200 only while ready.
  void set_ready(bool ready) { context_.ready.store(ready); }

 private:
  reply answer(const router::match& matched, const request& req);
  reply run_idempotent(const route& r, const request& req, const std::string& key);
  // A reply as the idempotency store keeps it (personal fields sealed), or why it cannot be.
  std::expected<reply, std::string> sealed_for_storage(const reply& answer);
  // A stored reply as its reader gets it (personal fields opened, or "[erased]").
  reply opened_for_reader(reply stored);
  // The answer of the member that owns the aggregate of a route only its owner can answer (its
  // events, history, view row), or nullopt when this node owns it or is no cluster member.
  std::optional<reply> read_at_owner(const route& r, const request& req);
  // The answer of the member a read names (`?member=ID` on /v1/inspect/node), or nullopt when it
  // names none or this node.
  std::optional<reply> read_at_member(const route& r, const request& req);
  // The merged answer of every member to a read of the whole cluster's views (the order listing,
  // the stats), or nullopt when this node is no cluster member or the route is no such read.
  std::optional<reply> read_everywhere(const route& r, const request& req);

  route_context context_;
  router routes_;
  authenticator auth_;
  cross_site_rules cross_site_;
  idempotency_store idempotency_;
  std::unique_ptr<idempotency_sweeper> sweeper_;  // after the store it sweeps
  std::unique_ptr<class erasure_resender> resender_;
  std::unique_ptr<request_metrics> metrics_;
};

}  // namespace ordo::http
