#include "http/api.hpp"

#include <httplib.h>

#include "http/framing.hpp"
#include "http/input.hpp"
#include "http/privacy_routes.hpp"
#include "http/request_id.hpp"
#include "readmodel/personal_data_json.hpp"

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
  add_privacy_routes(routes_, context_);
  resender_ = std::make_unique<erasure_resender>(context_, std::chrono::seconds(1));
  std::vector<std::string> templates;
  for (const auto& r : routes_.routes()) templates.push_back(r.pattern);
  metrics_ = std::make_unique<request_metrics>(std::move(templates));
  context_.metrics = metrics_.get();
}

api::~api() = default;

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
  // 204 and 304 carry no body, hence no Content-Type (RFC 9110).
  if (r.status != 204 && r.status != 304)
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
  if (auto merged = read_everywhere(r, req)) return std::move(*merged);
  return r.handle(req);
}

std::expected<reply, std::string> api::sealed_for_storage(const reply& answer) {
  auto* keys = context_.node.personal_data;
  if (!keys) return answer;
  auto sealed = readmodel::seal_personal_text(answer.body, *keys);
  if (!sealed)
    return std::unexpected("personal data cannot be sealed now: " + sealed.error().message);
  reply stored = answer;
  stored.body = std::move(*sealed);
  return stored;
}

reply api::opened_for_reader(reply stored) {
  auto* keys = context_.node.personal_data;
  if (!keys) return stored;
  auto opened = readmodel::open_personal_text(std::move(stored.body), *keys);
  if (!opened) return problem("internal_error", opened.error().message);
  stored.body = std::move(*opened);
  return stored;
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
      return opened_for_reader(decision->stored);
    case idempotency_store::verdict::reused:
      return problem("idempotency_key_reused",
                     "this Idempotency-Key was used for a different request");
    case idempotency_store::verdict::run:
      break;
  }
  auto answer = r.handle(req);
  // 429 and 5xx applied nothing for sure or may succeed on a retry: keep the key pending.
  if (answer.status != 429 && answer.status < 500) {
    // The stored copy holds personal data sealed with this node's key of the customer, so that
    // an erasure reaches it too.
    auto stored = sealed_for_storage(answer);
    if (!stored) return problem("unavailable", stored.error());
    (void)idempotency_.finish(key, fingerprint, *stored, now_ms());
  }
  return answer;
}

}  // namespace ordo::http
