// sagas: where every fulfillment saga stands (GET /v1/inspect/sagas) and how many are active or
// finished by outcome (the ordo_sagas_* metrics).
//
// Rows:
//   view/sagas/saga/<order id>   {"saga_id", "order_id", "status", "step", "outcome",
//                                 "deadline_ms", "started_at_ms", "version"}
//   view/sagas/totals            {"active": n, "finished": {"<outcome>": n, ...}}
// A saga is counted in "finished" each time it finishes: once with "confirmed", and again with
// "shipped" or "cancelled" when the order moves on after confirmation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "readmodel/projection.hpp"

namespace ordo::readmodel::projections {

class saga_view final : public projection {
 public:
  static constexpr std::string_view projection_name = "sagas";
  static constexpr std::string_view prefix = "view/sagas/";
  static constexpr std::string_view totals_key = "view/sagas/totals";
  static constexpr std::string_view saga_prefix = "view/sagas/saga/";

  std::string_view name() const override { return projection_name; }
  std::string_view row_prefix() const override { return prefix; }
  // Events of streams other than "saga-<id>" are ignored.
  persistence::result<void> apply(std::span<const decoded_event> events, row_batch& rows) override;
};

// One saga as GET /v1/inspect/sagas lists it (from the sagas view).
struct saga_info {
  std::string saga_id;
  std::string order_id;
  std::string status;  // "active" | "finished"
  std::string step;
  std::string outcome;
  std::int64_t deadline_ms = 0;  // 0: none
  std::int64_t started_at_ms = 0;
  bool operator==(const saga_info&) const = default;
};

struct saga_totals {
  std::int64_t active = 0;
  std::map<std::string, std::int64_t> finished;  // outcome -> times
};

persistence::result<saga_totals> load_saga_totals(const persistence::kv_store& kv);

struct saga_page {
  std::vector<saga_info> sagas;
  std::optional<std::string> next;  // the last saga id of this page when there may be more
};

// Sagas in id order after `after`, with `status` ("active" | "finished") when given. Reads at most
// `max_rows_scanned` rows per call, so a rare status may give a short page with a cursor.
persistence::result<saga_page> list_sagas(const persistence::kv_store& kv,
                                          const std::optional<std::string>& status,
                                          std::size_t limit,
                                          const std::optional<std::string>& after);

}  // namespace ordo::readmodel::projections
