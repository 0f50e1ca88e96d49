// libFuzzer target: arbitrary text as the value of a number, integer, matrix or
// range flag (apps/cli/parse.h). Each parser must return a finite value within bounds or
// throw adma::UsageError; never crash or hit undefined behaviour.
#include <cmath>
#include <cstdint>
#include <string>

#include "apps/cli/parse.h"
#include "core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const double v = adma::apps::parse_number(text, "--x", adma::apps::Sign::Positive);
    if (!std::isfinite(v) || !(v > 0)) __builtin_trap();
  } catch (const adma::UsageError&) {
  }
  try {
    const int64_t v = adma::apps::parse_integer(text, "--n", -5, 100000);
    if (v < -5 || v > 100000) __builtin_trap();
  } catch (const adma::UsageError&) {
  }
  try {
    const auto rows = adma::apps::parse_matrix(text, "--logits");
    for (const auto& r : rows) {
      if (r.size() != rows[0].size()) __builtin_trap();
      for (double v : r)
        if (!std::isfinite(v)) __builtin_trap();
    }
  } catch (const adma::UsageError&) {
  }
  try {
    (void)adma::apps::parse_ints(text, "--labels");
  } catch (const adma::UsageError&) {
  }
  try {
    const auto values = adma::apps::parse_range(text, "--a");
    if (text.find(':') != std::string::npos && values.size() > 10000) __builtin_trap();
    for (double v : values)
      if (!std::isfinite(v)) __builtin_trap();
  } catch (const adma::UsageError&) {
  }
  return 0;
}
