// --device resolution shared by every subcommand.
#include "apps/cli/flags.h"

#include "core/cuda/runtime.h"
#include "core/error.h"

namespace adma::apps {

Device device_from_flag(const std::string& name) {
  if (name != "cuda") return Device::cpu();
  ADMA_CHECK(cuda_rt::device_count() > 0, "no CUDA device: ", cuda_rt::no_device_reason());
  return Device::cuda(0);
}

}  // namespace adma::apps
