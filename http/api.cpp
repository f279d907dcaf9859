#include "http/api.hpp"

#include <httplib.h>

#include "http/framing.hpp"
#include "http/input.hpp"
#include "http/request_id.hpp"

namespace ordo::http {

namespace {

bool changes_state(std::string_view method) {
  return method == "POST" || method == "DELETE";
}

std::string join(const std::vector<std::string>& methods) {
  std::string text;
  for (const auto& m : methods) text += (text.empty() ? "" : ", ") + m;
  return text;
}

}  // namespace

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

api::api(node_services node)
    : context_{.node = node,
               .owners =
                   std::make_unique<cluster::owner_map>(cluster::make_owner_map(node.settings))},
      auth_(node.settings.auth.tokens),
      cross_site_(/*check_host=*/node.settings.auth.tokens.empty(), node.settings.http.host,
                  /*tls=*/!node.settings.http.tls.cert.empty()),
      idempotency_(node.db.kv(),
                   std::chrono::milliseconds(node.settings.http.idempotency_ttl_ms())),
      sweeper_(std::make_unique<idempotency_sweeper>(
          idempotency_, node.db.kv(),
          std::chrono::milliseconds(node.settings.http.idempotency_ttl_ms()))) {
  context_.idempotency_keys_expired = &sweeper_->keys_expired();
  add_command_routes(routes_, context_);
  add_aggregate_read_routes(routes_, context_);
  add_view_routes(routes_, context_);
  add_operation_routes(routes_, context_);
  add_inspection_routes(routes_, context_);
  add_saga_routes(routes_, context_);
  add_cluster_routes(routes_, context_);
  add_console_routes(routes_, context_);
  add_inspect_history_routes(routes_, context_);
  std::vector<std::string> templates;
  for (const auto& r : routes_.routes()) templates.push_back(r.pattern);
  metrics_ = std::make_unique<request_metrics>(std::move(templates));
  context_.metrics = metrics_.get();
}

void api::handle(const httplib::Request& raw, httplib::Response& res) {
  auto matched = routes_.find(raw.method, target_path(raw.target));
  request req{raw, matched.params, request_id_of(raw)};
  reply r;
  try {
    r = answer(matched, req);
  } catch (const std::exception& e) {
    r = problem("internal_error", std::string("the request failed unexpectedly: ") + e.what());
  }
  r.with_header("X-Request-Id", req.request_id);
  if (matched.found) {
    if (auto aggregate = aggregate_of_reply(matched.found->pattern, req, r))
      if (auto owner = owner_of_aggregate(context_, *aggregate))
        r.with_header("X-Ordo-Node", *owner);
  }
  metrics_->count_request(
      matched.found ? routes_.index_of(*matched.found) : routes_.routes().size(), r.status);
  res.status = r.status;
  for (const auto& [name, value] : r.headers) res.set_header(name.c_str(), value);
  res.set_content(std::move(r.body), r.content_type.c_str());
}

void api::count_transport_answer(const httplib::Request& req, int status) {
  auto matched = routes_.find(req.method, target_path(req.target));
  metrics_->count_request(
      matched.found ? routes_.index_of(*matched.found) : routes_.routes().size(), status);
}

reply api::answer(const router::match& matched, const request& req) {
  if (auto misdirected = cross_site_.host_problem(req)) return *misdirected;
  if (!matched.found) {
    if (matched.allowed.empty()) return problem("not_found", "no route for " + req.raw.path);
    auto r = problem("method_not_allowed", req.raw.method + " is not allowed on " + req.raw.path);
    r.with_header("Allow", join(matched.allowed));
    return r;
  }
  const auto& r = *matched.found;
  if (auto denied = auth_.check(r.needs, req.header("Authorization"))) return *denied;
  if (auto cross_site = cross_site_.origin_problem(req)) return *cross_site;
  // Also without a body: a form another site submits cannot be application/json (CSRF).
  if ((changes_state(req.raw.method) || carries_body(req.raw)) &&
      !is_json_media_type(req.header("Content-Type").value_or("")))
    return problem("unsupported_media_type",
                   changes_state(req.raw.method)
                       ? req.raw.method + " needs Content-Type: application/json, body or not"
                       : std::string("request bodies must be application/json"));
  if (changes_state(req.raw.method)) {
    if (auto key = req.header("Idempotency-Key")) {
      if (!is_valid_idempotency_key(*key))
        return invalid_field("Idempotency-Key", "must be 1..128 printable ASCII characters");
      return run_idempotent(r, req, *key);
    }
  }
  if (auto forwarded = read_at_owner(r, req)) return std::move(*forwarded);
  return r.handle(req);
}

namespace {

// The reads only an aggregate's owner can answer: its journal and its views hold the data.
bool owner_only_read(std::string_view pattern) {
  return pattern == "/v1/orders/{id}/events" || pattern == "/v1/orders/{id}/history" ||
         pattern == "/v1/views/orders/{id}";
}

// The request headers an owner-only read uses.
constexpr std::string_view forwarded_headers[] = {"X-Consistency-Token"};

}  // namespace

std::optional<reply> api::read_at_owner(const route& r, const request& req) {
  const auto* member = context_.node.cluster;
  if (!member || !owner_only_read(r.pattern)) return std::nullopt;
  auto aggregate = aggregate_of_reply(r.pattern, req, reply{});
  if (!aggregate) return std::nullopt;
  auto owner = owner_of_aggregate(context_, *aggregate);
  if (!owner || *owner == member->id()) return std::nullopt;  // an invalid id: the route says so
  cluster::owner_read read{.route = r.pattern, .request_id = req.request_id};
  for (const auto& [name, value] : req.params) read.params.push_back({name, value});
  for (const auto& [name, value] : req.raw.params) read.query.push_back({name, value});
  for (auto name : forwarded_headers)
    if (auto value = req.header(std::string(name)))
      read.headers.push_back({std::string(name), *value});
  auto answer = member->read_at(*owner, std::move(read));
  if (answer.status == 0) return problem("unavailable", answer.body);
  reply forwarded{.status = answer.status,
                  .content_type = std::move(answer.content_type),
                  .body = std::move(answer.body)};
  for (auto& h : answer.headers) forwarded.with_header(std::move(h.name), std::move(h.value));
  return forwarded;
}

cluster::owner_read_reply api::answer_owner_read(const cluster::owner_read& read) {
  const route* found = nullptr;
  for (const auto& r : routes_.routes())
    if (r.method == "GET" && r.pattern == read.route && owner_only_read(r.pattern)) found = &r;
  if (!found) return {.body = "no such read: " + read.route};
  httplib::Request raw;
  raw.method = "GET";
  for (const auto& q : read.query) raw.params.emplace(q.name, q.value);
  for (const auto& h : read.headers) raw.headers.emplace(h.name, h.value);
  std::map<std::string, std::string, std::less<>> params;
  for (const auto& p : read.params) params.emplace(p.name, p.value);
  request req{raw, params, read.request_id};
  reply answer;
  try {
    answer = found->handle(req);
  } catch (const std::exception& e) {
    answer = problem("internal_error", std::string("the read failed unexpectedly: ") + e.what());
  }
  cluster::owner_read_reply out{.status = answer.status,
                                .content_type = std::move(answer.content_type),
                                .body = std::move(answer.body)};
  for (auto& [name, value] : answer.headers) out.headers.push_back({name, value});
  return out;
}

reply api::run_idempotent(const route& r, const request& req, const std::string& key) {
  auto now = now_ms();
  auto fingerprint = request_fingerprint(req.raw.method, req.raw.path, req.body());
  auto decision = idempotency_.begin(key, fingerprint, now);
  if (!decision)
    return problem("unavailable",
                   "idempotency keys cannot be read now: " + decision.error().message);
  switch (decision->what) {
    case idempotency_store::verdict::replay:
      return decision->stored;
    case idempotency_store::verdict::reused:
      return problem("idempotency_key_reused",
                     "this Idempotency-Key was used for a different request");
    case idempotency_store::verdict::run:
      break;
  }
  auto answer = r.handle(req);
  // 429 and 5xx applied nothing for sure or may succeed on a retry: keep the key pending.
  if (answer.status != 429 && answer.status < 500)
    (void)idempotency_.finish(key, fingerprint, answer, now_ms());
  return answer;
}

}  // namespace ordo::http
