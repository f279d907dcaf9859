// Routes for operators and their tools: health and readiness probes, metrics.
#include "http/metrics_page.hpp"
#include "http/routes.hpp"
#include "persistence/database.hpp"

namespace ordo::http {

void add_operation_routes(router& routes, route_context& context) {
  routes.add("GET", "/healthz", access::open, [](const request&) {
    return json_reply(200, {{"status", "ok"}});
  });
  // Ready once the journal is open and recovery is done (the runtime is up) and the node serves;
  // a single node has no peers to reach. Not ready again while it shuts down, nor while the
  // journal cannot write (a full disk: the journal's writer resumes by itself).
  routes.add("GET", "/readyz", access::open, [&context](const request&) {
    if (!context.ready.load()) return problem("unavailable", "the node is starting or stopping");
    // Each peer tried once (up, down or incompatible); a peer going down later changes nothing.
    if (context.node.cluster && !context.node.cluster->first_round_done())
      return problem("unavailable", "the node is connecting to its peers");
    if (auto why = context.node.db.events().write_failure())
      return problem("storage_unavailable", "the journal cannot write: " + *why);
    return json_reply(200, {{"status", "ready"}});
  });
  routes.add("GET", "/metrics", access::any_role, [&context](const request&) {
    reply r;
    r.content_type = metrics_content_type;
    r.body = render_metrics(context);
    return r;
  });
}

}  // namespace ordo::http
