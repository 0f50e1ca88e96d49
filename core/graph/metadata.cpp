// Strict metadata values: whole-string parses, finite, in range, errors that say where.
#include "core/graph/metadata.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "core/error.h"

namespace adma {

namespace {
[[noreturn]] void refuse(const std::string& path, const std::string& key, const std::string& value,
                         const std::string& want) {
  ADMA_THROW("checkpoint ", path, ": metadata '", key, "' is \"", value, "\", expected ", want,
             " (the file was edited or damaged; it is left unused)");
}
}  // namespace

const std::string& metadata_text(const Metadata& m, const std::string& key, const std::string& path) {
  const auto it = m.find(key);
  ADMA_CHECK(it != m.end(), "checkpoint ", path, " has no metadata '", key,
             "' (it holds weights only, or was written by another version)");
  return it->second;
}

int64_t metadata_integer(const Metadata& m, const std::string& key, int64_t lo, int64_t hi, const std::string& path) {
  const std::string& s = metadata_text(m, key, path);
  const std::string want = detail::concat("a whole number in [", lo, ", ", hi, "]");
  const bool digits = !s.empty() && s.find_first_not_of("0123456789", s[0] == '-' ? 1 : 0) == std::string::npos &&
                      s != "-";
  if (!digits) refuse(path, key, s, want);
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno == ERANGE || *end != '\0' || v < lo || v > hi) refuse(path, key, s, want);
  return static_cast<int64_t>(v);
}

double metadata_number(const Metadata& m, const std::string& key, double lo, double hi, const std::string& path,
                       bool allow_infinite) {
  const std::string& s = metadata_text(m, key, path);
  const std::string want = detail::concat("a number in [", lo, ", ", hi, "]", allow_infinite ? " or +-inf" : "");
  if (allow_infinite && (s == "inf" || s == "-inf")) return s == "inf" ? HUGE_VAL : -HUGE_VAL;
  // strtod alone would take "nan", "inf", "0x1p3" and leading blanks: only plain decimal forms pass.
  if (s.empty() || s.find_first_not_of("0123456789+-.eE") != std::string::npos) refuse(path, key, s, want);
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (*end != '\0' || !std::isfinite(v) || v < lo || v > hi) refuse(path, key, s, want);
  return v;
}

}  // namespace adma
