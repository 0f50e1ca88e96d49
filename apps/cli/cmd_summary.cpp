// `adma summary`: builds the paper's ConvNet for a given input and prints every
// node, its output shape and parameters, and the memory plan (docs/engine.md).
// The plan is computed, not allocated: a batch too large for this machine still prints.
#include <cstdio>
#include <sstream>

#include "apps/cli/commands.h"
#include "apps/cli/flags.h"
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
  cmd->footer(
      "Prints to standard output a table of nodes (name, kind, output shape, parameters) and the\n"
      "memory plan in MiB, computed without allocating it. Writes no files.");
  add_integer(cmd, "--batch", o->batch, "batch size", 1, 1 << 24);
  add_integer(cmd, "--channels", o->channels, "input channels", 1, 1 << 16);
  add_integer(cmd, "--height", o->height, "input height", 1, 1 << 16);
  add_integer(cmd, "--width", o->width, "input width", 1, 1 << 16);
  add_integer(cmd, "--classes", o->classes, "number of classes", 1, 1 << 24);
  add_device(cmd, o->device);
  cmd->add_flag("--no-batchnorm", o->no_batchnorm, "leave out the BatchNorm layers");
  cmd->callback([o] {
    selected() = [o] {
      Graph g(device_from_flag(o->device));
      Value x = g.input("input", Shape{o->batch, o->channels, o->height, o->width});
      models::ConvNetOptions opt;
      opt.classes = o->classes;
      opt.batchnorm = !o->no_batchnorm;
      as_usage([&] { models::build_convnet(g, x, opt); });  // e.g. an input too small for three poolings
      g.plan();
      std::fputs(g.summary().c_str(), stdout);
    };
  });
}

}  // namespace adma::apps
