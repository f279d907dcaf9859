#include "http/prometheus_text.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace ordo::http {

namespace {

std::string number(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  // The shortest of 15 or 17 significant digits that reads back as the same double.
  char text[32];
  std::snprintf(text, sizeof text, "%.15g", value);
  if (std::strtod(text, nullptr) != value) std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

void append_escaped(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void append_labels(std::string& out, const metric_labels& labels) {
  if (labels.empty()) return;
  out += '{';
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ',';
    out.append(labels[i].first).append("=\"");
    append_escaped(out, labels[i].second);
    out += '"';
  }
  out += '}';
}

}  // namespace

void prometheus_text::family(std::string_view name, std::string_view type, std::string_view help) {
  text_.append("# HELP ").append(name).append(" ").append(help).append("\n");
  text_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void prometheus_text::sample(std::string_view name, const metric_labels& labels, double value) {
  text_.append(name);
  append_labels(text_, labels);
  text_.append(" ").append(number(value)).append("\n");
}

void prometheus_text::histogram(std::string_view name, const metric_labels& labels,
                                const persistence::histogram& h) {
  std::string bucket = std::string(name) + "_bucket";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= h.upper_bounds.size(); ++i) {
    cumulative += i < h.counts.size() ? h.counts[i] : 0;
    auto with_le = labels;
    with_le.emplace_back("le", i < h.upper_bounds.size() ? number(h.upper_bounds[i]) : "+Inf");
    sample(bucket, with_le, static_cast<double>(cumulative));
  }
  sample(std::string(name) + "_sum", labels, h.sum);
  // The +Inf bucket's count, not h.count: the two may differ by a racing observation.
  sample(std::string(name) + "_count", labels, static_cast<double>(cumulative));
}

}  // namespace ordo::http
