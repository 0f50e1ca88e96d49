// The `adma` command-line program. Each subcommand lives in its own file
// (apps/cmd_*.cpp) and registers itself here.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "apps/commands.h"
#include "core/error.h"

namespace adma::apps {
std::function<void()>& selected() {
  static std::function<void()> fn;
  return fn;
}
}  // namespace adma::apps

int main(int argc, char** argv) {
  CLI::App app{"adma: train and study the Adma flexible loss (C++17/CUDA)"};
  app.require_subcommand(1);
  adma::apps::register_summary(app);
  adma::apps::register_devices(app);
  adma::apps::register_loss(app);
  adma::apps::register_loss_curves(app);
  adma::apps::register_train(app);
  adma::apps::register_evaluate(app);
  adma::apps::register_experiment(app);
  adma::apps::register_sweep(app);
  adma::apps::register_datasets(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // --help is 0; every usage error is 2
  }
  try {
    adma::apps::run_selected(app);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "adma: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
