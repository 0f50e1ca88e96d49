// The flags of `adma train` and `adma evaluate` (and the train flags that
// `adma experiment` and `adma sweep` pass on), turned once into the settings the
// driver takes (apps/run/train_settings.h), and back into flags (train_args()).
// Defaults are the paper's: Adam at 1e-3 (SGD at Keras' 0.01), L2 1e-4 on conv
// kernels, batch 64, and per dataset its epochs, augmentation, learning rate and
// Table 1's Adma `a` (apps/experiment/paper_tables.h). Everything that can be checked
// before training starts is checked in resolve(), so a bad flag fails before any
// work; each message names the flag and the value.
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "apps/cli/loss_flags.h"
#include "apps/cli/model_flags.h"
#include "apps/experiment/plan.h"
#include "apps/run/train_settings.h"

namespace adma::apps {

// The raw flags: a value the user did not give stays empty, so resolve() can
// fill the default that depends on other flags (epochs and a on the dataset,
// lr on the optimizer and dataset, augmentation on the dataset).
struct TrainFlags {
  std::string dataset = "fashion-mnist", data_dir, model = "convnet", optimizer = "adam";
  LossFlags loss;  // --loss and the loss table's parameter flags; --a unset: the paper's
  ModelFlags model_flags;  // the model table's option flags, --weights, --train-top, --train-only
  std::optional<double> lr, l2, rotation, shift, split;
  std::optional<bool> flip;
  std::optional<int> epochs;
  bool learn_a = false;
  double a_lr = 1e-3, a_min = 0, a_max = 1;
  double momentum = 0;
  bool nesterov = false;
  std::string schedule = "constant", lr_steps;
  double lr_factor = 0.1, lr_decay = 0, lr_min = 0;
  int lr_patience = 10;
  int batch = 64;
  int64_t train_limit = 0;
  std::string augment = "paper";
  uint64_t seed = 1;
  std::string device = "auto", precision = "fp32", out, resume;
};

// Which flags a command declares: `adma train` all of them; `adma experiment`
// and `adma sweep` leave out those they set per run.
struct TrainFlagSet {
  bool run_identity = true;  // --dataset --loss --a --optimizer --l2 --seed --out --resume --device
};
void add_train_flags(CLI::App* cmd, TrainFlags& f, TrainFlagSet which = {});
// Parses `args` (the words after `adma train`) into flags, as the program does.
TrainFlags parse_train_args(std::vector<std::string> args);

// Validates and fills every default; the optimizer and schedule become the library's
// configs here, once. Throws adma::Error naming the flag. `local`: the run will happen
// on this machine, so also make sure the device and --data-dir exist (not for runs
// printed for other machines).
TrainSettings resolve(const TrainFlags& f, bool local = true);
// A fresh run must not overwrite a finished one: refuses an --out that holds a summary.json.
void check_output_folder(const TrainSettings& s);

// The command-line arguments (after `adma train`) that reproduce `s`: the
// identity of the run and every setting that differs from its default, so
// resolve(parse(train_args(s))) == s. Checkpoints keep them (adma.train_args).
std::vector<std::string> train_args(const TrainSettings& s, bool with_device = true);
// The settings a program checkpoint was trained with: its adma.train_args, parsed and resolved.
TrainSettings checkpoint_settings(const std::string& path);

// The user's train flags as the experiment planner takes them (apps/experiment/plan.h):
// each run's choices over `base`, resolved as `adma train` would (`local` as in resolve()).
TrainRecipe train_recipe(const TrainFlags& base, bool local = true);

// --device: "auto" (the first GPU if there is one, else the CPU), "cpu",
// "cuda" (= cuda:0) or "cuda:N". Returns "cpu" or "cuda:N". With check_device,
// a CUDA device that this build or machine lacks is refused, saying why.
std::string resolve_device(const std::string& text, bool check_device = true);

// The names the flags accept (for help texts and messages).
const std::vector<std::string>& optimizer_names();
const std::vector<std::string>& schedule_names();

struct EvaluateFlags {
  std::string checkpoint, dataset, data_dir, device = "auto";  // dataset "": the checkpoint's
  double split = 0.8;
  int batch = 256;
};
void add_evaluate_flags(CLI::App* cmd, EvaluateFlags& f);
EvaluateSettings resolve(const EvaluateFlags& f);

}  // namespace adma::apps
