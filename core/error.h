// Errors: every failure in adma is an adma::Error carrying a readable message,
// and ADMA_CHECK turns a broken precondition into one that names file and line.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace adma {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

namespace detail {
// Streams every argument into one string: ADMA_CHECK(ok, "got ", n, " want ", m).
template <typename... Args>
std::string concat(const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}
[[noreturn]] void throw_error(const char* file, int line, const std::string& msg);
}  // namespace detail

}  // namespace adma

#define ADMA_THROW(...) ::adma::detail::throw_error(__FILE__, __LINE__, ::adma::detail::concat(__VA_ARGS__))
// ADMA_CHECK(cond, message parts...): the message is required, so every
// failure says what was expected.
#define ADMA_CHECK(cond, ...)             \
  do {                                    \
    if (!(cond)) ADMA_THROW(__VA_ARGS__); \
  } while (0)
