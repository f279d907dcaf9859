// GET /v1/inspect/sagas: where the fulfillment sagas stand, from the sagas view (eventually
// consistent, like every view).
#include "domain/time_format.hpp"
#include "http/input.hpp"
#include "http/routes.hpp"
#include "readmodel/projections/saga_view.hpp"

namespace ordo::http {

namespace {

constexpr std::uint64_t default_saga_limit = 100;
constexpr std::uint64_t max_saga_limit = 1000;

nlohmann::json saga_json(const readmodel::projections::saga_info& s) {
  auto time_or_null = [](std::int64_t ms) -> nlohmann::json {
    if (ms == 0) return nullptr;
    return domain::format_rfc3339(ms);
  };
  return {{"saga_id", s.saga_id},
          {"order_id", s.order_id},
          {"status", s.status},
          {"step", s.step},
          {"outcome", s.outcome.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.outcome)},
          {"deadline", time_or_null(s.deadline_ms)},
          {"started_at", time_or_null(s.started_at_ms)}};
}

reply sagas(route_context& context, const request& req) {
  auto status = req.query("status");
  if (status && *status != "active" && *status != "finished")
    return invalid_field("status", "must be active or finished");
  auto limit = query_number(req, "limit", default_saga_limit, 1, max_saga_limit);
  if (!limit) return limit.error();
  auto page =
      readmodel::projections::list_sagas(context.node.db.kv(), status, *limit, req.query("after"));
  if (!page)
    return problem("unavailable", "the sagas view cannot answer now: " + page.error().message);
  auto list = nlohmann::json::array();
  for (const auto& s : page->sagas) list.push_back(saga_json(s));
  return json_reply(200, {{"sagas", std::move(list)},
                          {"next", page->next ? nlohmann::json(*page->next) : nullptr}});
}

}  // namespace

void add_saga_routes(router& routes, route_context& context) {
  routes.add("GET", "/v1/inspect/sagas", access::viewer,
             [&context](const request& req) { return sagas(context, req); });
}

}  // namespace ordo::http
