#include "http/router.hpp"

#include <algorithm>

namespace ordo::http {

namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = path.starts_with('/') ? 1 : 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Fills `params` and returns true if `path` fits `pattern`.
bool fits(std::string_view pattern, std::string_view path,
          std::map<std::string, std::string, std::less<>>& params) {
  auto want = segments(pattern);
  auto have = segments(path);
  if (want.size() != have.size()) return false;
  std::map<std::string, std::string, std::less<>> found;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (is_parameter(want[i])) {
      if (have[i].empty()) return false;
      found.emplace(std::string(want[i].substr(1, want[i].size() - 2)), std::string(have[i]));
    } else if (want[i] != have[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

}  // namespace

void router::add(std::string method, std::string pattern, access needs, handler handle) {
  routes_.push_back({std::move(method), std::move(pattern), needs, std::move(handle)});
}

router::match router::find(std::string_view method, std::string_view path) const {
  if (method == "HEAD") method = "GET";
  match result;
  for (const auto& r : routes_) {
    std::map<std::string, std::string, std::less<>> params;
    if (!fits(r.pattern, path, params)) continue;
    if (r.method == method) {
      result.found = &r;
      result.params = std::move(params);
      return result;
    }
    if (std::find(result.allowed.begin(), result.allowed.end(), r.method) == result.allowed.end())
      result.allowed.push_back(r.method);
  }
  return result;
}

}  // namespace ordo::http
