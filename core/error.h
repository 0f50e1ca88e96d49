// Errors: every failure in adma is an adma::Error carrying a readable message.
//   Error          bad input or environment (a corrupt file, an impossible shape, no GPU):
//                  the message alone tells the user what to fix.
//   UsageError     a bad command line or parameter value (programs exit 2 on it, as Unix tools do).
//   InternalError  a broken invariant inside adma: a bug, reported with its source location.
// Every error records where it was raised (where(): "core/shape.cpp:17"); what() is the
// message alone, and describe() adds the location for internal errors or when the
// environment sets ADMA_DEBUG=1.
#pragma once
#include <exception>
#include <sstream>
#include <stdexcept>
#include <string>

namespace adma {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what, std::string where = "")
      : std::runtime_error(what), where_(std::move(where)) {}
  // "folder/file.cpp:line" of the check that failed; empty when unknown.
  const std::string& where() const { return where_; }

 private:
  std::string where_;
};

class UsageError : public Error {
 public:
  using Error::Error;
};

class InternalError : public Error {
 public:
  using Error::Error;
};

// The one line a program prints for `e`: the message, plus " [file:line]" for an
// InternalError, for anything that is not an adma::Error, or under ADMA_DEBUG=1.
std::string describe(const std::exception& e);
// True when the environment sets ADMA_DEBUG to something other than "" or "0".
bool debug_enabled();

namespace detail {
// Streams every argument into one string: ADMA_CHECK(ok, "got ", n, " want ", m).
template <typename... Args>
std::string concat(const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}
// "folder/file.cpp:line", the form where() takes (for an error class of its own).
std::string location(const char* file, int line);
[[noreturn]] void throw_error(const char* file, int line, const std::string& msg);
[[noreturn]] void throw_usage_error(const char* file, int line, const std::string& msg);
[[noreturn]] void throw_internal_error(const char* file, int line, const std::string& msg);
}  // namespace detail

}  // namespace adma

#define ADMA_THROW(...) ::adma::detail::throw_error(__FILE__, __LINE__, ::adma::detail::concat(__VA_ARGS__))
// ADMA_CHECK(cond, message parts...): the message is required, so every
// failure says what was expected.
#define ADMA_CHECK(cond, ...)             \
  do {                                    \
    if (!(cond)) ADMA_THROW(__VA_ARGS__); \
  } while (0)
// A bad command-line value: throws UsageError.
#define ADMA_USAGE_CHECK(cond, ...)                                                                \
  do {                                                                                             \
    if (!(cond)) ::adma::detail::throw_usage_error(__FILE__, __LINE__, ::adma::detail::concat(__VA_ARGS__)); \
  } while (0)
// A failure that is adma's or the platform's, never the user's input (a CUDA call
// failing, a broken invariant): InternalError, printed with its file:line.
#define ADMA_THROW_INTERNAL(...) \
  ::adma::detail::throw_internal_error(__FILE__, __LINE__, ::adma::detail::concat(__VA_ARGS__))
// An invariant of adma itself (never the user's input): throws InternalError.
#define ADMA_ASSERT(cond, ...)                                                                        \
  do {                                                                                                \
    if (!(cond)) ::adma::detail::throw_internal_error(__FILE__, __LINE__, ::adma::detail::concat(__VA_ARGS__)); \
  } while (0)
