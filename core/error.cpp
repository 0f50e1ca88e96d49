// Where every adma::Error is raised, so the file:line suffix has one format.
#include "core/error.h"

namespace adma::detail {

void throw_error(const char* file, int line, const std::string& msg) {
  std::string f(file);
  auto slash = f.find_last_of('/');
  // Keep "folder/file.cpp" so a reader finds the source at once.
  if (slash != std::string::npos) {
    auto prev = f.find_last_of('/', slash - 1);
    if (prev != std::string::npos) f = f.substr(prev + 1);
  }
  throw Error(msg + " [" + f + ":" + std::to_string(line) + "]");
}

}  // namespace adma::detail
