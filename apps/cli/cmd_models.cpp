// `adma models`: the model table (models/registry.h) that --model and the model option
// flags of `adma train` are made from (apps/cli/model_flags.h): each model with its
// parameter count, its description, and every option with its flag and default.
#include <cstdio>

#include "apps/cli/commands.h"
#include "apps/cli/model_flags.h"
#include "apps/common/format.h"
#include "core/graph/graph.h"
#include "models/freeze.h"
#include "models/registry.h"

namespace adma::apps {

namespace {

// What `adma models` counts on: 10 classes, on Fashion-MNIST's 1x28x28 images (the ConvNet
// takes them as they are; a ResNet gets them as 3 x input_size^2).
constexpr int64_t kClasses = 10, kChannels = 1, kSide = 28;

struct Counted {
  int64_t parameters = 0, layers = 0;
  std::vector<int64_t> input;
};

// 21289802 -> "21,289,802".
std::string thousands(int64_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

// The model with its defaults, planned without allocating.
Counted count(const KindInfo& k) {
  const Spec spec = models::parse_model(k.name);
  Graph g(Device::cpu());
  Counted c;
  c.input = models::input_chw(spec, kChannels, kSide, kSide);
  Value x = g.input("x", Shape{1, c.input[0], c.input[1], c.input[2]});
  models::build(g, x, spec, kClasses);
  g.plan();
  c.parameters = g.num_params();
  c.layers = static_cast<int64_t>(models::parameterised_layers(g).size());
  return c;
}

}  // namespace

void register_models(CLI::App& app) {
  auto* cmd = app.add_subcommand("models", "List the model table: what --model and its option flags accept");
  cmd->footer(
      "Prints to standard output each model of models/registry.h with its parameter count (10 classes, on\n"
      "1x28x28 images: the ConvNet as they are, a ResNet at 3 x input_size^2), its parameterised layers\n"
      "(what --train-top counts) and every option with its `adma train` flag and default. Writes no files.");
  cmd->callback([] {
    selected() = [] {
      std::printf("%-10s %12s %7s  %s\n", "model", "parameters", "layers", "description");
      for (const KindInfo& k : models::model_kinds()) {
        const Counted c = count(k);
        std::printf("%-10s %12s %7lld  %s\n", k.name.c_str(), thousands(c.parameters).c_str(),
                    static_cast<long long>(c.layers), k.help.c_str());
      }
      std::printf("\noptions (flag = default: what it does); `adma train --model NAME --FLAG VALUE`, or inline "
                  "--model NAME:option=value,...\n");
      for (const KindInfo& k : models::model_kinds()) {
        std::printf("\n%s:\n", k.name.c_str());
        for (const ParamInfo& p : k.params) {
          // The table's l2 is set by the program's --l2 (default 1e-4, the paper's), for every model.
          const std::string flag = p.name == "l2" ? "--l2 = 1e-4" : option_flag(p.name) + " = " + p.default_value;
          std::printf("  %-14s %-28s %s\n", p.name.c_str(), flag.c_str(), p.help.c_str());
        }
      }
    };
  });
}

}  // namespace adma::apps
