// The names `ordo verify` prints for the kinds of problem it finds (verify.hpp).
#include "persistence/verify.hpp"

namespace ordo::persistence {

std::string_view to_string(problem_kind kind) {
  switch (kind) {
    case problem_kind::crc_mismatch:
      return "crc_mismatch";
    case problem_kind::undecodable_record:
      return "undecodable_record";
    case problem_kind::malformed_key:
      return "malformed_key";
    case problem_kind::corrupt_index_entry:
      return "corrupt_index_entry";
    case problem_kind::missing_record:
      return "missing_record";
    case problem_kind::index_mismatch:
      return "index_mismatch";
    case problem_kind::orphan_position:
      return "orphan_position";
    case problem_kind::version_gap:
      return "version_gap";
    case problem_kind::corrupt_marker:
      return "corrupt_marker";
    case problem_kind::position_watermark_behind:
      return "position_watermark_behind";
    case problem_kind::undecodable_snapshot:
      return "undecodable_snapshot";
    case problem_kind::snapshot_beyond_stream:
      return "snapshot_beyond_stream";
    case problem_kind::undecodable_event:
      return "undecodable_event";
    case problem_kind::unreadable_checkpoint:
      return "unreadable_checkpoint";
    case problem_kind::checkpoint_beyond_journal:
      return "checkpoint_beyond_journal";
    case problem_kind::corrupt_kv_record:
      return "corrupt_kv_record";
    case problem_kind::unreadable_kv_record:
      return "unreadable_kv_record";
    case problem_kind::kv_record_without_stream:
      return "kv_record_without_stream";
  }
  return "unknown";
}

}  // namespace ordo::persistence
