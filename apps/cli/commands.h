// Subcommand registration: each register_* adds one subcommand with its flags
// and a callback; run_selected() runs the parsed one (errors propagate to main).
#pragma once
#include <CLI/CLI.hpp>
#include <functional>

namespace adma::apps {

void register_summary(CLI::App& app);
void register_devices(CLI::App& app);
void register_loss(CLI::App& app);
void register_loss_curves(CLI::App& app);
void register_train(CLI::App& app);
void register_evaluate(CLI::App& app);
void register_experiment(CLI::App& app);
void register_sweep(CLI::App& app);
void register_datasets(CLI::App& app);
void register_models(CLI::App& app);

// The callback of the chosen subcommand, set during registration.
inline std::function<void()>& selected() {
  static std::function<void()> fn;
  return fn;
}
inline void run_selected(CLI::App&) {
  if (selected()) selected()();
}

}  // namespace adma::apps
