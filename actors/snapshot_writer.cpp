#include "actors/snapshot_writer.hpp"

#include <cstdio>

#include "actors/messages.hpp"

namespace ordo::actors {
namespace {

snapshot_writer_actor::behavior_type snapshot_writer(snapshot_writer_actor::pointer self,
                                                     runtime_context* context) {
  return {
      [context](snapshot_job& job) {
        auto& store = context->db->snapshots();
        // A failed snapshot costs only recovery time: the events are all in the journal.
        if (auto saved = store.save(job.snapshot); !saved) {
          std::fprintf(stderr, "ordo: snapshot of %s at version %llu failed: %s\n",
                       job.snapshot.stream.c_str(),
                       static_cast<unsigned long long>(job.snapshot.version),
                       saved.error().message.c_str());
          return;
        }
        context->stats.snapshots_written.fetch_add(1, std::memory_order_relaxed);
        (void)store.keep_latest(job.snapshot.stream, job.keep);
      },
      [self](stop_atom) { self->quit(); },
  };
}

}  // namespace

snapshot_writer_actor spawn_snapshot_writer(caf::actor_system& system, runtime_context* context) {
  return system.spawn<caf::detached>(snapshot_writer, context);
}

}  // namespace ordo::actors
