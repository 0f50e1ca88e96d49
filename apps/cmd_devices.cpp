// `adma devices`: which backends this build has and which GPUs it can see.
#include <cstdio>

#include "apps/commands.h"
#include "core/cuda/runtime.h"

namespace adma::apps {

void register_devices(CLI::App& app) {
  auto* cmd = app.add_subcommand("devices", "List the backends and CUDA devices");
  cmd->footer("Prints one line per backend and per visible GPU to standard output. Writes no files.");
  cmd->callback([] {
    selected() = [] {
      std::printf("cpu: reference backend (OpenBLAS)\n");
      if (!cuda_rt::built_with_cuda()) {
        std::printf("cuda: not built (configure with -DADMA_CUDA=ON)\n");
        return;
      }
      const int n = cuda_rt::device_count();
      if (n == 0) std::printf("cuda: built, no CUDA device: %s\n", cuda_rt::no_device_reason().c_str());
      for (int i = 0; i < n; ++i) std::printf("cuda:%d: %s\n", i, cuda_rt::device_name(i).c_str());
    };
  });
}

}  // namespace adma::apps
