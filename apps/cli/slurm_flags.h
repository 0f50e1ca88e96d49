// The --slurm flags of `adma experiment` and `adma sweep` (apps/experiment/slurm.h).
#pragma once
#include <CLI/CLI.hpp>

#include "apps/experiment/slurm.h"

namespace adma::apps {

void add_slurm_flags(CLI::App* cmd, SlurmOptions& o);

}  // namespace adma::apps
