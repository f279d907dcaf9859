// Files compiled into the binary by http/embed/embed_files.cmake: the console's static files
// (http/console/) and the OpenAPI description (docs/openapi.yaml as JSON).
#pragma once

#include <span>
#include <string_view>

namespace ordo::http {

struct embedded_file {
  std::string_view name;  // the file name, without its folder: "console.js"
  std::string_view bytes;
};

// http/console/*: index.html, *.css, *.js.
std::span<const embedded_file> console_files();
// openapi.json, converted from docs/openapi.yaml at build time.
std::span<const embedded_file> openapi_files();

}  // namespace ordo::http
