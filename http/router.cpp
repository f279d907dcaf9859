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

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Fills `params` and returns true if the decoded segments `have` fit the template `want`.
bool fits(const std::vector<std::string>& want, const std::vector<std::string>& have,
          std::map<std::string, std::string, std::less<>>& params) {
  if (want.size() != have.size()) return false;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (is_parameter(want[i]) ? have[i].empty() : want[i] != have[i]) return false;
  }
  params.clear();
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (is_parameter(want[i]))
      params.emplace(std::string(want[i].substr(1, want[i].size() - 2)), have[i]);
  }
  return true;
}

}  // namespace

std::string_view target_path(std::string_view target) {
  return target.substr(0, target.find('?'));
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    int high = -1;
    int low = -1;
    if (text[i] == '%' && i + 2 < text.size()) {
      high = hex_value(text[i + 1]);
      low = hex_value(text[i + 2]);
    }
    if (high < 0 || low < 0) {
      out += text[i];
      continue;
    }
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

void router::add(std::string method, std::string pattern, access needs, handler handle) {
  auto& split = templates_.emplace_back();
  for (auto segment : segments(pattern)) split.emplace_back(segment);
  routes_.push_back({std::move(method), std::move(pattern), needs, std::move(handle)});
}

router::match router::find(std::string_view method, std::string_view path) const {
  if (method == "HEAD") method = "GET";
  std::vector<std::string> have;
  for (auto segment : segments(path)) have.push_back(percent_decode(segment));
  match result;
  std::map<std::string, std::string, std::less<>> params;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& r = routes_[i];
    if (!fits(templates_[i], have, params)) continue;
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
