// The table of train flags and the form their values must have.
#include "apps/cli/strict_flags.h"

#include <cstdint>
#include <limits>
#include <string>

#include "apps/cli/parse.h"
#include "core/error.h"

namespace adma::apps {

namespace {

enum class Form { Number, Integer, Boolean };

struct FlagForm {
  const char* flag;
  Form form;
  int64_t lo = 0, hi = 0;  // integers: the accepted range
};

constexpr int64_t kMaxInt = std::numeric_limits<int32_t>::max();
constexpr int64_t kMaxSeed = std::numeric_limits<int64_t>::max();

// Ranges that depend on other flags (lr-min below lr, --l2 with lr) are resolve()'s.
const FlagForm kForms[] = {
    {"--seed", Form::Integer, 0, kMaxSeed},
    {"--batch", Form::Integer, 1, 16777216},  // as `adma summary --batch`
    {"--epochs", Form::Integer, 1, 1000000},
    {"--train-limit", Form::Integer, 0, kMaxInt},
    {"--lr-patience", Form::Integer, 1, 1000000},
    {"--lr", Form::Number},
    {"--l2", Form::Number},
    {"--a-lr", Form::Number},
    {"--a-min", Form::Number},
    {"--a-max", Form::Number},
    {"--momentum", Form::Number},
    {"--lr-factor", Form::Number},
    {"--lr-decay", Form::Number},
    {"--lr-min", Form::Number},
    {"--rotation", Form::Number},
    {"--shift", Form::Number},
    {"--split", Form::Number},
    {"--flip", Form::Boolean},
};

// parse.h's message without its "--flag: " (CLI11 puts the flag in front).
std::string without_flag(const std::string& message, const std::string& flag) {
  const std::string prefix = flag + ": ";
  return message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message;
}

std::string problem(const FlagForm& f, const std::string& text) {
  try {
    switch (f.form) {
      case Form::Number:
        parse_number(text, f.flag);
        break;
      case Form::Integer:
        parse_integer(text, f.flag, f.lo, f.hi);
        break;
      case Form::Boolean:
        if (text != "true" && text != "false" && text != "1" && text != "0")
          return "'" + text + "' is not true or false";
        break;
    }
  } catch (const Error& e) {
    return without_flag(e.what(), f.flag);
  }
  return "";
}

}  // namespace

void check_train_flag_values(CLI::App* cmd) {
  for (CLI::Option* opt : cmd->get_options()) {
    if (opt->get_type_size() == 0) continue;  // a flag without a value (--learn-a)
    const std::string name = opt->get_name();
    const FlagForm* form = nullptr;
    for (const FlagForm& f : kForms)
      if (name == f.flag) form = &f;
    if (form) {
      const FlagForm f = *form;
      opt->check([f](const std::string& text) { return problem(f, text); });
    } else {
      opt->check([](const std::string& text) { return text.empty() ? std::string("empty value") : std::string(); });
    }
  }
}

}  // namespace adma::apps
