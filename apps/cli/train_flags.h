// The flags of `adma train` and `adma evaluate` (and the train flags that
// `adma experiment` and `adma sweep` pass on), turned into plain settings
// structs. Defaults are the paper's: Adam at 1e-3 (SGD at Keras' 0.01), L2 1e-4
// on conv kernels, batch 64, and per dataset its epochs, augmentation, learning
// rate and Table 1's Adma `a` (apps/experiment/paper_tables.h). Everything that can be
// checked before training starts is checked in resolve(), so a bad flag fails
// before any work; each message names the flag and the value.
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/device.h"
#include "losses/loss_kind.h"

namespace adma::apps {

// Everything a training run needs, with every default resolved.
struct TrainSettings {
  // data
  std::string dataset = "fashion-mnist";
  std::string data_dir;        // "" = the dataset's default location
  double split = 0.8;          // training fraction of image-folder datasets
  int64_t train_limit = 0;     // use only the first N training images (0 = all)
  std::string augment = "paper";  // "paper" or "none": where rotation/shift/flip started from
  double rotation = 0;         // degrees, U(-r, r)
  double shift = 0;            // fraction of width/height, U(-s, s)
  bool flip = false;           // horizontal flip with p = 0.5
  // model and loss
  std::string model = "convnet";
  std::string loss = "adma";
  losses::LossParams loss_params;  // kind resolved from `loss`; a, base, q, epsilon, gamma
  bool learn_a = false;        // Adma: train `a` as a parameter
  double a_lr = 1e-3;          //   its learning rate
  double a_min = 0, a_max = 1; //   and the range it is clamped to
  // optimizer
  std::string optimizer = "adam";
  double lr = 1e-3;
  double momentum = 0;         // SGD
  bool nesterov = false;       // SGD
  double l2 = 1e-4;            // Keras l2(lambda) on every conv kernel; 0 = none
  std::string schedule = "constant";  // constant, step, time, cosine, plateau (optim/kinds.cpp)
  std::vector<int> lr_steps;   // step: epochs after which lr *= lr_factor
  double lr_factor = 0.1;      // step and plateau
  double lr_decay = 0;         // time: lr / (1 + decay * iterations)
  int lr_patience = 10;        // plateau: epochs without improvement (Keras' default)
  double lr_min = 0;           // plateau and cosine floor
  // run
  int epochs = 75;
  int batch = 64;
  uint64_t seed = 1;
  std::string device = "cpu";  // resolved: "cpu" or "cuda:N"
  std::string precision = "fp32";  // fp32 or tf32 (CUDA convolutions and GEMMs)
  std::string out;             // output folder
  std::string resume;          // folder to continue from ("" = a fresh run)
};

struct EvaluateSettings {
  std::string checkpoint;
  std::string dataset = "fashion-mnist";
  std::string data_dir;
  double split = 0.8;
  int batch = 256;
  std::string device = "cpu";
};

// The raw flags: a value the user did not give stays empty, so resolve() can
// fill the default that depends on other flags (epochs and a on the dataset,
// lr on the optimizer and dataset, augmentation on the dataset).
struct TrainFlags {
  std::string dataset = "fashion-mnist", data_dir, model = "convnet", loss = "adma", optimizer = "adam";
  std::optional<double> a, lr, l2, rotation, shift, split;
  std::optional<bool> flip;
  std::optional<int> epochs;
  double base = M_E, q = 0.7, epsilon = 1.0, gamma = 2.0;
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

// Validates and fills every default. Throws adma::Error naming the flag.
// `local`: the run will happen on this machine, so also make sure the device
// and --data-dir exist (not for runs printed for other machines).
TrainSettings resolve(const TrainFlags& f, bool local = true);
// A fresh run must not overwrite a finished one: refuses an --out that holds a summary.json.
void check_output_folder(const TrainSettings& s);

// The command-line arguments (after `adma train`) that reproduce `s`: the
// identity of the run and every setting that differs from its default, so
// resolve(parse(train_args(s))) == s.
std::vector<std::string> train_args(const TrainSettings& s, bool with_device = true);

// The optimizer and schedule as the library's spec strings (optim/kinds.h):
// "adam:lr=0.001", "sgd:lr=0.01,momentum=0.9,nesterov=true",
// "step:epochs=30/60,factor=0.1", "plateau:factor=0.1,patience=10,min_lr=0", ...
std::string optimizer_spec(const TrainSettings& s);
std::string schedule_spec(const TrainSettings& s);

nlohmann::json to_json(const TrainSettings& s);
nlohmann::json to_json(const EvaluateSettings& s);

// --device: "auto" (the first GPU if there is one, else the CPU), "cpu",
// "cuda" (= cuda:0) or "cuda:N". Returns "cpu" or "cuda:N". With check_device,
// a CUDA device that this build or machine lacks is refused, saying why.
std::string resolve_device(const std::string& text, bool check_device = true);

// The names the flags accept (for help texts and messages).
const std::vector<std::string>& optimizer_names();
const std::vector<std::string>& schedule_names();

struct EvaluateFlags {
  std::string checkpoint, dataset = "fashion-mnist", data_dir, device = "auto";
  double split = 0.8;
  int batch = 256;
};
void add_evaluate_flags(CLI::App* cmd, EvaluateFlags& f);
EvaluateSettings resolve(const EvaluateFlags& f);

}  // namespace adma::apps
