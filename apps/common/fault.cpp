// fault_point(): counts the points reached and dies at the one ADMA_FAULT_AT names.
#include "apps/common/fault.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>

namespace adma::apps {

void fault_point(const std::string& name) {
  const char* at = std::getenv("ADMA_FAULT_AT");
  const char* log = std::getenv("ADMA_FAULT_LOG");
  if ((!at || !*at) && (!log || !*log)) return;
  static std::mutex mutex;
  static std::map<std::string, long> reached;
  std::lock_guard<std::mutex> lock(mutex);
  const long count = ++reached[name];
  if (log && *log) {
    if (std::FILE* f = std::fopen(log, "a")) {
      std::fprintf(f, "%s\n", name.c_str());
      std::fclose(f);
    }
  }
  if (!at || !*at) return;
  const std::string target(at);
  const size_t hash = target.rfind('#');
  const std::string target_name = hash == std::string::npos ? target : target.substr(0, hash);
  const long target_count = hash == std::string::npos ? 1 : std::strtol(target.c_str() + hash + 1, nullptr, 10);
  if (target_name == name && target_count == count) {
    std::fflush(nullptr);
    ::_exit(137);  // as a SIGKILL leaves the folder: no destructor, no cleanup
  }
}

}  // namespace adma::apps
