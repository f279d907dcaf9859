// X-Request-Id: every response carries one, echoed from the request when it is usable as a
// correlation id (1..128 printable ASCII characters), else a new one.
#pragma once

#include <string>

namespace httplib {
struct Request;
}

namespace ordo::http {

std::string request_id_of(const httplib::Request& req);

}  // namespace ordo::http
