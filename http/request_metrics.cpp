#include "http/request_metrics.hpp"

#include <algorithm>
#include <array>

namespace ordo::http {

namespace {

// The commands the HTTP API sends; their outcomes are counted by value (actors::outcome).
constexpr std::array<std::string_view, 7> command_types{
    "order.create", "order.add_item", "order.remove_item", "order.place",
    "order.cancel", "order.ship",     "stock.restock"};
constexpr std::array<double, 14> duration_bounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                 0.1,    0.25,  0.5,    1,     2.5,  5,     10};

template <std::size_t N>
std::size_t index_in(const std::array<std::string_view, N>& names, std::string_view name) {
  return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

}  // namespace

request_metrics::request_metrics(std::vector<std::string> routes)
    : routes_(std::move(routes)),
      requests_(std::make_unique<std::atomic<std::uint64_t>[]>((routes_.size() + 1) * status_span)),
      commands_(
          std::make_unique<std::atomic<std::uint64_t>[]>(command_types.size() * actors::outcome_count)),
      duration_buckets_(
          std::make_unique<std::atomic<std::uint64_t>[]>(duration_bounds.size() + 1)) {}

void request_metrics::count_request(std::size_t route, int status) {
  route = std::min(route, routes_.size());
  status = std::clamp(status, lowest_status, lowest_status + status_span - 1);
  requests_[route * status_span + static_cast<std::size_t>(status - lowest_status)].fetch_add(
      1, std::memory_order_relaxed);
}

void request_metrics::count_command(std::string_view type, actors::outcome outcome,
                                    std::chrono::steady_clock::duration took) {
  auto t = index_in(command_types, type);
  auto o = static_cast<std::size_t>(outcome);
  // Not a command of the HTTP API, or not an outcome this version knows.
  if (t == command_types.size() || o >= actors::outcome_count) return;
  commands_[t * actors::outcome_count + o].fetch_add(1, std::memory_order_relaxed);
  auto seconds = std::chrono::duration<double>(took).count();
  auto bucket = static_cast<std::size_t>(
      std::lower_bound(duration_bounds.begin(), duration_bounds.end(), seconds) -
      duration_bounds.begin());
  duration_buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  duration_sum_ns_.fetch_add(
      static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(took).count()),
      std::memory_order_relaxed);
}

void request_metrics::write(prometheus_text& out) const {
  out.family("ordo_http_requests_total", "counter",
             "HTTP requests answered, by route template and status code.");
  for (std::size_t r = 0; r <= routes_.size(); ++r) {
    for (int s = 0; s < status_span; ++s) {
      auto n =
          requests_[r * status_span + static_cast<std::size_t>(s)].load(std::memory_order_relaxed);
      if (n == 0) continue;
      out.sample("ordo_http_requests_total",
                 {{"route", r < routes_.size() ? routes_[r] : "unmatched"},
                  {"code", std::to_string(lowest_status + s)}},
                 static_cast<double>(n));
    }
  }

  out.family("ordo_commands_total", "counter",
             "Commands this node's HTTP API sent to aggregates, by type and outcome.");
  for (std::size_t t = 0; t < command_types.size(); ++t) {
    for (std::size_t o = 0; o < actors::outcome_count; ++o) {
      auto n = commands_[t * actors::outcome_count + o].load(std::memory_order_relaxed);
      if (n == 0) continue;
      auto name = actors::to_string(static_cast<actors::outcome>(o));
      out.sample("ordo_commands_total",
                 {{"type", std::string(command_types[t])}, {"outcome", std::string(name)}},
                 static_cast<double>(n));
    }
  }

  persistence::histogram durations;
  durations.upper_bounds.assign(duration_bounds.begin(), duration_bounds.end());
  for (std::size_t i = 0; i <= duration_bounds.size(); ++i) {
    durations.counts.push_back(duration_buckets_[i].load(std::memory_order_relaxed));
    durations.count += durations.counts.back();
  }
  durations.sum = static_cast<double>(duration_sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  out.family("ordo_command_duration_seconds", "histogram",
             "Time from sending a command to its aggregate until its reply, at the HTTP API.");
  out.histogram("ordo_command_duration_seconds", {}, durations);
}

}  // namespace ordo::http
