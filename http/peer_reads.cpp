// Reads that cross between the members of a cluster: a read only an aggregate's owner can answer
// (its events, its history, its view row) is run by the owner; a read of the whole cluster's views
// (the order listing, the stats) is run by every member on its own views and merged here.
#include <httplib.h>

#include <algorithm>
#include <expected>
#include <future>

#include "http/api.hpp"
#include "http/input.hpp"
#include "readmodel/view_merge.hpp"
#include "readmodel/view_queries.hpp"

namespace ordo::http {

namespace {

// The reads only an aggregate's owner can answer: its journal and its views hold the data.
bool owner_only_read(std::string_view pattern) {
  return pattern == "/v1/orders/{id}/events" || pattern == "/v1/orders/{id}/history" ||
         pattern == "/v1/views/orders/{id}" ||
         pattern == "/v1/inspect/aggregates/{type}/{id}/events" ||
         pattern == "/v1/inspect/aggregates/{type}/{id}/snapshots";
}

// The reads every member answers for what it owns, merged by the member that took the request.
bool read_of_every_member(std::string_view pattern) {
  return pattern == "/v1/views/orders" || pattern == "/v1/views/stats";
}

// The request as a read another member can run: its route, parameters and the headers reads use.
cluster::owner_read read_for_peers(const route& r, const request& req) {
  cluster::owner_read read{.route = r.pattern, .request_id = req.request_id};
  for (const auto& [name, value] : req.params) read.params.push_back({name, value});
  for (const auto& [name, value] : req.raw.params) read.query.push_back({name, value});
  if (auto token = req.header("X-Consistency-Token"))
    read.headers.push_back({"X-Consistency-Token", *token});
  return read;
}

reply reply_of_peer(cluster::owner_read_reply answer) {
  reply r{.status = answer.status,
          .content_type = std::move(answer.content_type),
          .body = std::move(answer.body)};
  for (auto& h : answer.headers) r.with_header(std::move(h.name), std::move(h.value));
  return r;
}

// Whether `?partial=true` asks for the members that answered when some cannot.
std::expected<bool, reply> partial_wanted(const request& req) {
  auto text = req.query("partial");
  if (!text || *text == "false") return false;
  if (*text == "true") return true;
  return std::unexpected(invalid_field("partial", "must be true or false"));
}

// A read that names the member to run it (`?member=ID`): a node's own figures.
bool read_of_named_member(std::string_view pattern) {
  return pattern == "/v1/inspect/node";
}

}  // namespace

std::optional<reply> api::read_at_member(const route& r, const request& req) {
  if (!read_of_named_member(r.pattern)) return std::nullopt;
  auto target = req.query("member");
  const auto& own = context_.node.settings.node.id;
  if (!target || *target == own) return std::nullopt;
  const auto& members = context_.node.settings.cluster.nodes;
  const auto* member = context_.node.cluster;
  if (!member ||
      std::none_of(members.begin(), members.end(), [&](const auto& m) { return m.id == *target; }))
    return invalid_field("member", "names no member of this cluster");
  auto answer = member->read_at(*target, read_for_peers(r, req));
  if (answer.status == 0) return problem("unavailable", answer.body);
  return reply_of_peer(std::move(answer));
}

std::optional<reply> api::read_at_owner(const route& r, const request& req) {
  if (auto named = read_at_member(r, req)) return named;
  const auto* member = context_.node.cluster;
  if (!member || !owner_only_read(r.pattern)) return std::nullopt;
  auto aggregate = aggregate_of_reply(r.pattern, req, reply{});
  if (!aggregate) return std::nullopt;
  auto owner = owner_of_aggregate(context_, *aggregate);
  if (!owner || *owner == member->id()) return std::nullopt;  // an invalid id: the route says so
  auto answer = member->read_at(*owner, read_for_peers(r, req));
  if (answer.status == 0) return problem("unavailable", answer.body);
  return reply_of_peer(std::move(answer));
}

cluster::owner_read_reply api::answer_owner_read(const cluster::owner_read& read) {
  const handler* found = nullptr;
  for (const auto& r : routes_.routes())
    if (r.method == "GET" && r.pattern == read.route &&
        (owner_only_read(r.pattern) || read_of_every_member(r.pattern) ||
         read_of_named_member(r.pattern)))
      found = &r.handle;
  if (auto part = context_.member_parts.find(read.route); part != context_.member_parts.end())
    found = &part->second;
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
    answer = (*found)(req);
  } catch (const std::exception& e) {
    answer = problem("internal_error", std::string("the read failed unexpectedly: ") + e.what());
  }
  cluster::owner_read_reply out{.status = answer.status,
                                .content_type = std::move(answer.content_type),
                                .body = std::move(answer.body)};
  for (auto& [name, value] : answer.headers) out.headers.push_back({name, value});
  return out;
}

std::optional<reply> api::read_everywhere(const route& r, const request& req) {
  const auto* member = context_.node.cluster;
  if (!member || !read_of_every_member(r.pattern)) return std::nullopt;
  auto partial = partial_wanted(req);
  if (!partial) return partial.error();
  std::vector<std::string> peers;
  for (const auto& m : context_.node.settings.cluster.nodes)
    if (m.id != member->id()) peers.push_back(m.id);
  // The peers run it while this node does.
  auto from_peers = std::async(std::launch::async,
                               [&] { return member->read_at_each(peers, read_for_peers(r, req)); });
  auto own = r.handle(req);
  auto answers = from_peers.get();
  if (own.status != 200) return own;  // the input is wrong, or this node's views cannot answer

  std::vector<readmodel::node_view> views;
  views.push_back({member->id(), nlohmann::json::parse(own.body, nullptr, false)});
  std::vector<std::string> missing;
  std::string why;
  for (std::size_t i = 0; i < peers.size(); ++i) {
    auto& answer = answers[i];
    if (answer.status == 0) {
      missing.push_back(peers[i]);
      why += (why.empty() ? "" : "; ") + answer.body;
      continue;
    }
    if (answer.status != 200) return reply_of_peer(std::move(answer));
    auto body = nlohmann::json::parse(answer.body, nullptr, false);
    if (!body.is_object())
      return problem("internal_error",
                     peers[i] + " answered " + r.pattern + " with no JSON object");
    views.push_back({peers[i], std::move(body)});
  }
  if (!missing.empty() && !*partial)
    return problem("unavailable", "not every node can answer (" + why +
                                      "); ask again, or with ?partial=true for the others");
  auto merged = r.pattern == "/v1/views/stats"
                    ? readmodel::merge_stats(views)
                    : readmodel::merge_order_pages(
                          views, query_number(req, "limit", readmodel::default_list_limit, 1,
                                              readmodel::max_list_limit)
                                     .value_or(readmodel::default_list_limit));
  if (*partial) merged["missing_nodes"] = missing;
  return json_reply(200, merged);
}

}  // namespace ordo::http
