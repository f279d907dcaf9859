// GET /console and /console/{file}: the inspection console's static files (http/console/),
// compiled into the binary; and GET /openapi.json, the API's description (docs/openapi.yaml).
// Neither holds data, so both are open: a browser cannot send a bearer token when it opens a
// page. The console's script sends the token typed into it to the inspect routes.
#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "http/auth.hpp"
#include "http/embedded_files.hpp"
#include "http/routes.hpp"

namespace ordo::http {

namespace {

// The page loads its own script, styles and data only: no inline script or style (the files are
// real files), no other origin, no framing by another site.
constexpr std::string_view console_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

std::string_view content_type_of(std::string_view name) {
  auto ends_with = [&name](std::string_view tail) { return name.ends_with(tail); };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".js")) return "text/javascript; charset=utf-8";
  if (ends_with(".json")) return "application/json";
  return "application/octet-stream";
}

// A strong validator of the bytes (FNV-1a, 64 bits): a new build with changed files gets a new
// ETag, so `no-cache` revalidation never keeps an old script beside a new page.
std::string etag_of(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ull;
  char text[19];
  std::snprintf(text, sizeof text, "\"%016llx\"", static_cast<unsigned long long>(hash));
  return text;
}

reply serve(const embedded_file& file, const request& req) {
  reply r;
  auto tag = etag_of(file.bytes);
  r.with_header("ETag", tag);
  // Revalidated on every load (a 304 costs no body): the files change with the binary.
  r.with_header("Cache-Control", "no-cache");
  r.with_header("X-Content-Type-Options", "nosniff");
  if (req.header("If-None-Match") == tag) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  r.content_type = std::string(content_type_of(file.name));
  r.body = std::string(file.bytes);
  return r;
}

reply console_file(std::string_view name, const request& req) {
  auto files = console_files();
  auto found = std::ranges::find(files, name, &embedded_file::name);
  if (found == files.end())
    return problem("not_found", "the console has no file " + std::string(name));
  auto r = serve(*found, req);
  r.with_header("Content-Security-Policy", std::string(console_policy));
  r.with_header("Referrer-Policy", "no-referrer");
  return r;
}

// Which role the caller's token has, so the console shows admin actions only to an admin. With
// auth off everyone may call every route: the caller is an admin.
reply session(const route_context& context, const request& req) {
  const auto& tokens = context.node.settings.auth.tokens;
  if (tokens.empty()) return json_reply(200, {{"auth", false}, {"role", "admin"}});
  // The route needs a valid token, so the router has checked there is one.
  auto authorization = req.header("Authorization");  // bearer_token's view points into it
  auto token = bearer_token(authorization);
  auto role = token ? role_of_token(tokens, *token) : std::nullopt;
  if (!role) return problem("unauthorized", "the bearer token is not known");
  return json_reply(200, {{"auth", true}, {"role", std::string(config::to_string(*role))}});
}

}  // namespace

void add_console_routes(router& routes, route_context& context) {
  routes.add("GET", "/v1/inspect/session", access::any_role,
             [&context](const request& req) { return session(context, req); });
  routes.add("GET", "/console", access::open,
             [](const request& req) { return console_file("index.html", req); });
  routes.add("GET", "/console/{file}", access::open,
             [](const request& req) { return console_file(req.param("file"), req); });
  routes.add("GET", "/openapi.json", access::open,
             [](const request& req) { return serve(openapi_files().front(), req); });
}

}  // namespace ordo::http
