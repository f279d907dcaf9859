// GET /console: the inspection console, one HTML page over the /v1/inspect JSON routes.
#pragma once

#include <string_view>

namespace ordo::http {

std::string_view console_page();

}  // namespace ordo::http
