// Strict values for the train flags that CLI11 would otherwise convert itself (it reads
// "" as 0, "-1" as 2^64 - 1 for an unsigned seed, "-1" as false for a boolean, and
// takes any size): each named flag gets a check on its text before conversion, through
// apps/cli/parse.h, so a bad value is a usage error (exit 2) naming the flag. Every
// other flag that takes a value refuses the empty string.
#pragma once
#include <CLI/CLI.hpp>

namespace adma::apps {

// Adds the checks to the train flags `cmd` declares (apps/cli/train_flags.h); flags it
// does not declare are skipped.
void check_train_flag_values(CLI::App* cmd);

}  // namespace adma::apps
