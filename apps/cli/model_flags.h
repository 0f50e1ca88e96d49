// The model flags of `adma train` (and of the runs of experiment and sweep), made from the
// one model table (models/registry.h, what `adma models` prints): --model NAME, one flag
// per option of the table's kinds (--activation, --dropout, --kernel, --stride,
// --pool-stride, --batchnorm, --input-size, ...; "pool_stride" becomes --pool-stride),
// --weights FILE, --train-top N and --train-only PATTERNS. A new option in the table is a
// new flag; no second list of names exists. The table's `l2` is left to --l2 (the
// program's L2 on conv kernels, which sets it for every model).
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "apps/run/train_settings.h"

namespace adma::apps {

struct ModelFlags {
  std::map<std::string, std::string> options;  // table parameter ("pool_stride") -> value as given
  std::string weights, train_only;
  std::optional<int64_t> train_top;
};

// --model (into `model`) and the flags above.
void add_model_flags(CLI::App* cmd, std::string& model, ModelFlags& f);

// Checks the model flags and fills s.model (the spec with the options given, e.g.
// "convnet:activation=relu"), s.weights, s.train_top and s.train_only. Builds the model
// on the dataset's shape (when the registry knows it) without allocating, so options that
// do not fit the images, a --train-top above the model's layer count and a --train-only
// pattern that matches nothing fail here, naming the flag. `local`: --weights must exist
// here (not for runs printed for other machines, nor for a resumed run).
void resolve_model(const std::string& model, const ModelFlags& f, bool local, TrainSettings& s);

// The flags that rebuild s's model settings: --model KIND, one flag per option given,
// --weights, --train-top / --train-only (nothing for the default model).
std::vector<std::string> model_args(const TrainSettings& s);

// "pool_stride" -> "--pool-stride".
std::string option_flag(const std::string& param);

}  // namespace adma::apps
