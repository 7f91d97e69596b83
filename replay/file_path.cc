#include "replay/file_path.h"

namespace amber::replay {

std::string FoldPath(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::string(path);
  std::string out;
  out.reserve(path.size());
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;  // a run of slashes is one
    size_t end = path.find('/', i);
    if (end == std::string_view::npos) end = path.size();
    std::string_view component = path.substr(i, end - i);
    if (!component.empty() && component != ".") {
      out += '/';
      out += component;
    }
    i = end;
  }
  if (out.empty()) out.push_back('/');  // not `= "/"`: GCC 12 warns falsely (-Wrestrict)
  return out;
}

bool IsFolded(std::string_view path) {
  if (path.size() <= 1 || path.front() != '/') return true;
  if (path.back() == '/') return false;
  for (size_t i = path.find('/'); i != std::string_view::npos; i = path.find('/', i + 1)) {
    // After each '/': not another '/', and not a "." component.
    if (i + 1 < path.size() && path[i + 1] == '/') return false;
    if (i + 1 < path.size() && path[i + 1] == '.' &&
        (i + 2 == path.size() || path[i + 2] == '/')) {
      return false;
    }
  }
  return true;
}

}  // namespace amber::replay
