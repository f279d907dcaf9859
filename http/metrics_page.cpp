// GET /metrics: the node's figures in Prometheus text format 0.0.4, named as in
// ARCHITECTURE.md's Observability section.
#include "http/metrics_page.hpp"

#include <algorithm>

#include "http/prometheus_text.hpp"
#include "readmodel/projections/saga_view.hpp"

namespace ordo::http {

namespace {

double as_number(std::uint64_t n) {
  return static_cast<double>(n);
}

void write_journal(prometheus_text& out, const persistence::journal_stats& journal) {
  out.family("ordo_journal_batch_events", "histogram",
             "Events per committed journal batch (group commit).");
  out.histogram("ordo_journal_batch_events", {}, journal.batch_events);
  out.family("ordo_journal_sync_duration_seconds", "histogram",
             "Time of each journal batch write, including its WAL sync.");
  out.histogram("ordo_journal_sync_duration_seconds", {}, journal.write_seconds);
  out.family("ordo_events_appended_total", "counter", "Events appended to the journal.");
  out.sample("ordo_events_appended_total", {}, as_number(journal.events_appended));
  out.family("ordo_journal_batches_total", "counter", "Journal batches committed.");
  out.sample("ordo_journal_batches_total", {}, as_number(journal.batches));
  out.family("ordo_journal_failed_batches_total", "counter", "Journal batches that failed.");
  out.sample("ordo_journal_failed_batches_total", {}, as_number(journal.failed_batches));
  out.family("ordo_journal_position", "gauge", "The journal's highest committed position.");
  out.sample("ordo_journal_position", {}, as_number(journal.last_position));
}

void write_aggregates(prometheus_text& out, const actors::runtime_stats& stats) {
  auto load = [](const std::atomic<std::uint64_t>& n) {
    return as_number(n.load(std::memory_order_relaxed));
  };
  out.family("ordo_aggregates_live", "gauge", "Aggregate actors alive on this node.");
  out.sample("ordo_aggregates_live", {}, load(stats.aggregates_live));
  out.family("ordo_aggregates_passivated_total", "counter", "Aggregate actors passivated.");
  out.sample("ordo_aggregates_passivated_total", {}, load(stats.passivated));
  out.family("ordo_recovery_duration_seconds", "summary",
             "Time aggregate actors spent recovering (snapshot plus events).");
  out.sample("ordo_recovery_duration_seconds_sum", {}, load(stats.recovery_micros) / 1e6);
  out.sample("ordo_recovery_duration_seconds_count", {}, load(stats.recoveries));
  out.family("ordo_recovery_failures_total", "counter", "Aggregate recoveries that failed.");
  out.sample("ordo_recovery_failures_total", {}, load(stats.recovery_failures));
  out.family("ordo_aggregate_crashes_total", "counter",
             "Aggregate actors that stopped on an exception.");
  out.sample("ordo_aggregate_crashes_total", {}, load(stats.aggregate_crashes));
  out.family("ordo_snapshots_written_total", "counter", "Aggregate snapshots written.");
  out.sample("ordo_snapshots_written_total", {}, load(stats.snapshots_written));
}

void write_projections(prometheus_text& out, const std::vector<actors::projection_status>& all) {
  out.family("ordo_projection_position", "gauge",
             "The last journal position a projection applied.");
  for (const auto& p : all)
    out.sample("ordo_projection_position", {{"projection", p.name}}, as_number(p.position));
  out.family("ordo_projection_lag_events", "gauge", "Events a projection has yet to apply.");
  for (const auto& p : all)
    out.sample("ordo_projection_lag_events", {{"projection", p.name}}, as_number(p.lag_events));
}

// Saga figures come from the sagas view (as of its last applied batch).
void write_sagas(prometheus_text& out, const persistence::kv_store& kv) {
  auto totals = readmodel::projections::load_saga_totals(kv);
  out.family("ordo_sagas_active", "gauge", "Fulfillment sagas in progress.");
  if (totals) out.sample("ordo_sagas_active", {}, static_cast<double>(totals->active));
  out.family("ordo_sagas_finished_total", "counter", "Fulfillment sagas finished, by outcome.");
  if (totals) {
    for (const auto& [outcome, n] : totals->finished)
      out.sample("ordo_sagas_finished_total", {{"outcome", outcome}}, static_cast<double>(n));
  }
}

// A single node is a cluster of one, up, with no peers.
void write_cluster(prometheus_text& out, const cluster::node* member) {
  std::vector<cluster::peer_status> peers;
  if (member) peers = member->peers();
  auto up = std::count_if(peers.begin(), peers.end(),
                          [](const auto& p) { return p.state == cluster::peer_state::up; });
  out.family("ordo_cluster_nodes_up", "gauge", "Cluster nodes this node sees up, itself included.");
  out.sample("ordo_cluster_nodes_up", {}, static_cast<double>(1 + up));
  out.family("ordo_cluster_forwarded_total", "counter",
             "Requests for another member's shards, by peer and the outcome answered (refusals "
             "while it is down or its window is full included).");
  for (const auto& p : peers)
    for (std::size_t code = 0; code < p.forwarded.size(); ++code)
      if (p.forwarded[code] > 0)
        out.sample(
            "ordo_cluster_forwarded_total",
            {{"peer", p.id},
             {"outcome", std::string(actors::to_string(static_cast<actors::outcome>(code)))}},
            as_number(p.forwarded[code]));
  out.family("ordo_cluster_peer_in_flight", "gauge",
             "Requests forwarded to a peer, not answered yet.");
  for (const auto& p : peers)
    out.sample("ordo_cluster_peer_in_flight", {{"peer", p.id}}, as_number(p.in_flight));
  out.family("ordo_cluster_connect_failures_total", "counter",
             "Attempts to connect to a peer that failed.");
  for (const auto& p : peers)
    out.sample("ordo_cluster_connect_failures_total", {{"peer", p.id}},
               as_number(p.connect_failures));
}

}  // namespace

std::string render_metrics(route_context& context) {
  prometheus_text out;
  context.metrics->write(out);
  write_journal(out, context.node.db.events().stats());
  write_aggregates(out, context.node.stats);
  write_projections(out, context.node.gateway.projections());
  write_sagas(out, context.node.db.kv());
  write_cluster(out, context.node.cluster);
  if (context.idempotency_keys_expired) {
    out.family("ordo_idempotency_keys_expired_total", "counter",
               "Idempotency-Key records deleted by the background sweep once past their TTL.");
    out.sample("ordo_idempotency_keys_expired_total", {},
               as_number(context.idempotency_keys_expired->load(std::memory_order_relaxed)));
  }
  return out.text();
}

}  // namespace ordo::http
