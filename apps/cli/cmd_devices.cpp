// `adma devices`: which backends this build has, the CUDA driver, runtime, cuDNN
// and cuBLAS versions, each GPU it can see (name, compute capability, memory), and
// the backend options read from the environment (core/backend_options.h).
#include <cstdio>

#include "apps/cli/commands.h"
#include "core/backend_options.h"
#include "core/cuda/runtime.h"
#include "kernels/cpu_backend.h"

namespace adma::apps {

void register_devices(CLI::App& app) {
  auto* cmd = app.add_subcommand("devices", "List the backends and CUDA devices");
  cmd->footer(
      "Prints one line per backend and per visible GPU, then the backend options (ADMA_CPU_*, "
      "ADMA_CUDNN_DETERMINISTIC: set them in the environment), to standard output. Writes no files.");
  cmd->callback([] {
    selected() = [] {
      std::printf("cpu: %s\n", kernels::cpu_backends_description(Context::cpu().backend).c_str());
      auto print_options = [] {
        std::printf("options (from the environment, read once):\n");
        for (const auto& line : backend_options().describe()) std::printf("  %s\n", line.c_str());
      };
      if (!cuda_rt::built_with_cuda()) {
        std::printf("cuda: not built (configure with -DADMA_CUDA=ON)\n");
        return print_options();
      }
      std::printf("cuda: %s\n", cuda_rt::versions().c_str());
      const int n = cuda_rt::device_count();
      if (n == 0) std::printf("cuda: built, no CUDA device: %s\n", cuda_rt::no_device_reason().c_str());
      for (int i = 0; i < n; ++i) {
        const auto d = cuda_rt::device_info(i);
        const double gib = 1024.0 * 1024.0 * 1024.0;
        std::printf("cuda:%d: %s, compute capability %d.%d, %d SMs, %.1f GiB (%.1f GiB free), %zu KB shared "
                    "memory per block (opt-in)\n",
                    i, d.name.c_str(), d.cc_major, d.cc_minor, d.sms, d.total_bytes / gib, d.free_bytes / gib,
                    d.shared_per_block_optin / 1024);
      }
      print_options();
    };
  });
}

}  // namespace adma::apps
