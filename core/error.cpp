// Where every adma::Error is raised, so the file:line has one format, and how a
// program turns any exception into its one line of output.
#include "core/error.h"

#include <cstdlib>
#include <cstring>

namespace adma {

namespace detail {
// Keep "folder/file.cpp" so a reader finds the source at once.
std::string location(const char* file, int line) {
  std::string f(file);
  auto slash = f.find_last_of('/');
  if (slash != std::string::npos && slash > 0) {
    auto prev = f.find_last_of('/', slash - 1);
    if (prev != std::string::npos) f = f.substr(prev + 1);
  }
  return f + ":" + std::to_string(line);
}
}  // namespace detail

bool debug_enabled() {
  const char* v = std::getenv("ADMA_DEBUG");
  return v != nullptr && *v != '\0' && std::strcmp(v, "0") != 0;
}

std::string describe(const std::exception& e) {
  const auto* err = dynamic_cast<const Error*>(&e);
  if (err == nullptr) return std::string("internal error: ") + e.what();
  const bool internal = dynamic_cast<const InternalError*>(&e) != nullptr;
  std::string s = internal ? std::string("internal error: ") + e.what() : std::string(e.what());
  if ((internal || debug_enabled()) && !err->where().empty()) s += " [" + err->where() + "]";
  return s;
}

namespace detail {

void throw_error(const char* file, int line, const std::string& msg) { throw Error(msg, location(file, line)); }
void throw_usage_error(const char* file, int line, const std::string& msg) {
  throw UsageError(msg, location(file, line));
}
void throw_internal_error(const char* file, int line, const std::string& msg) {
  throw InternalError(msg, location(file, line));
}

}  // namespace detail
}  // namespace adma
