// `adma summary`: builds the paper's ConvNet for a given input and prints every
// node, its output shape and parameters, and the memory plan (docs/engine.md).
#include <cstdio>
#include <sstream>

#include "apps/commands.h"
#include "core/graph/graph.h"
#include "models/convnet.h"

namespace adma::apps {

void register_summary(CLI::App& app) {
  struct Opts {
    int batch = 64, channels = 1, height = 28, width = 28, classes = 10;
    std::string device = "cpu";
    bool no_batchnorm = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("summary", "Print the ConvNet's nodes, shapes, parameters and memory plan");
  cmd->add_option("--batch", o->batch, "batch size")->check(CLI::PositiveNumber);
  cmd->add_option("--channels", o->channels, "input channels")->check(CLI::PositiveNumber);
  cmd->add_option("--height", o->height, "input height")->check(CLI::PositiveNumber);
  cmd->add_option("--width", o->width, "input width")->check(CLI::PositiveNumber);
  cmd->add_option("--classes", o->classes, "number of classes")->check(CLI::PositiveNumber);
  cmd->add_option("--device", o->device, "cpu or cuda")->check(CLI::IsMember({"cpu", "cuda"}));
  cmd->add_flag("--no-batchnorm", o->no_batchnorm, "leave out the BatchNorm layers");
  cmd->callback([o] {
    selected() = [o] {
      Graph g(o->device == "cuda" ? Device::cuda(0) : Device::cpu());
      Value x = g.input("input", Shape{o->batch, o->channels, o->height, o->width});
      models::ConvNetOptions opt;
      opt.classes = o->classes;
      opt.batchnorm = !o->no_batchnorm;
      models::build_convnet(g, x, opt);
      g.build();
      std::fputs(g.summary().c_str(), stdout);
    };
  });
}

}  // namespace adma::apps
