// Writes the Prometheus text exposition format 0.0.4: a HELP and TYPE line per family, then its
// samples; histograms as cumulative _bucket{le=...} series plus _sum and _count.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "persistence/journal.hpp"

namespace ordo::http {

using metric_labels = std::vector<std::pair<std::string_view, std::string>>;

class prometheus_text {
 public:
  // `type`: "counter", "gauge", "histogram" or "summary".
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, const metric_labels& labels, double value);
  // `h.counts` are per bucket (not cumulative), the last one being +Inf.
  void histogram(std::string_view name, const metric_labels& labels,
                 const persistence::histogram& h);

  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

}  // namespace ordo::http
