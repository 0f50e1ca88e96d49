// Flags whose values go through apps/cli/parse.h (CLI11's own conversion would read
// "" as 0, accept "nan" and "inf", refuse "1e-400", and print 309-digit bounds).
// Each option shows its default in --help.
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "apps/cli/parse.h"
#include "apps/common/format.h"
#include "core/device.h"
#include "core/error.h"

namespace adma::apps {

inline CLI::Option* add_number(CLI::App* cmd, const std::string& flag, double& target, const std::string& help,
                               Sign sign = Sign::Any) {
  return cmd
      ->add_option_function<std::string>(
          flag, [&target, flag, sign](const std::string& s) { target = parse_number(s, flag, sign); }, help)
      ->type_name("NUMBER")
      ->default_str(format_number(target));
}

// A number whose default depends on other flags: unset unless given. `default_text`
// is what --help shows as its default ("" shows none).
inline CLI::Option* add_number(CLI::App* cmd, const std::string& flag, std::optional<double>& target,
                               const std::string& help, const std::string& default_text, Sign sign = Sign::Any) {
  return cmd
      ->add_option_function<std::string>(
          flag, [&target, flag, sign](const std::string& s) { target = parse_number(s, flag, sign); }, help)
      ->type_name("NUMBER")
      ->default_str(default_text);
}

template <typename Int>
CLI::Option* add_integer(CLI::App* cmd, const std::string& flag, Int& target, const std::string& help, int64_t lo,
                         int64_t hi) {
  return cmd
      ->add_option_function<std::string>(
          flag, [&target, flag, lo, hi](const std::string& s) { target = static_cast<Int>(parse_integer(s, flag, lo, hi)); },
          help + " [" + std::to_string(lo) + ", " + std::to_string(hi) + "]")
      ->type_name("INT")
      ->default_str(std::to_string(target));
}

// Runs f(), turning a library Error into a UsageError (exit 2): for checks of flag values.
template <typename F>
auto as_usage(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const UsageError&) {
    throw;
  } catch (const Error& e) {
    throw UsageError(e.what(), e.where());
  }
}

// Runs f() while the command line is parsed (a subcommand's callback), so a bad value
// fails before any work: a library Error becomes CLI11's ValidationError, which main
// reports as a usage error (exit 2) pointing at the command's --help.
template <typename F>
auto while_parsing(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error& e) {
    throw CLI::ValidationError(e.what());
  }
}

// --device cpu|cuda, resolved by device_from_flag.
inline CLI::Option* add_device(CLI::App* cmd, std::string& target) {
  return cmd->add_option("--device", target, "cpu or cuda (the first GPU)")
      ->check(CLI::IsMember({"cpu", "cuda"}))
      ->default_str(target);
}

// The device a --device value names; "cuda" without a usable GPU is one Error,
// "no CUDA device: <reason>", raised here before any work starts.
Device device_from_flag(const std::string& name);

}  // namespace adma::apps
