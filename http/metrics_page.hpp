// The text of GET /metrics (Prometheus text format 0.0.4).
#pragma once

#include <string>

#include "http/routes.hpp"

namespace ordo::http {

std::string render_metrics(route_context& context);

inline constexpr const char* metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace ordo::http
