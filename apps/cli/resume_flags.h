// `adma train --resume DIR`: the run continues with its own settings, read from the
// run (the arguments DIR/last.safetensors keeps, or before the first epoch ended the
// ones DIR/config.json keeps). A flag given beside --resume must agree with them: one
// whose value would change the run is refused (a usage error naming the flag). Only
// --epochs may grow, and --device and --data-dir (where the run computes, where its
// dataset's files lie) may change.
#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "apps/cli/train_flags.h"

namespace adma::apps {

// The settings of the run in given.resume, with the given --epochs / --device /
// --data-dir applied; `cmd` tells which flags were given. Throws Error (exit 1) when
// the folder holds no run, UsageError (exit 2) for a flag that differs.
TrainSettings resume_settings(const CLI::App& cmd, const TrainFlags& given);

// The `adma train` arguments a run folder was started with (last.safetensors, else
// config.json's train_args).
std::vector<std::string> run_train_args(const std::string& dir);

}  // namespace adma::apps
