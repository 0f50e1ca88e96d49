// Per-device contexts, created lazily, one per device for the whole process.
#include "core/context.h"

#include <map>
#include <memory>
#include <mutex>

#include "core/backend_options.h"
#include "core/cuda/runtime.h"
#include "core/error.h"

namespace adma {

Context& Context::get(Device device) {
  static std::mutex mu;
  static std::map<std::pair<int, int>, std::unique_ptr<Context>> contexts;
  std::lock_guard<std::mutex> lock(mu);
  auto key = std::make_pair(static_cast<int>(device.kind), device.index);
  auto it = contexts.find(key);
  if (it != contexts.end()) return *it->second;
  auto ctx = std::make_unique<Context>();
  ctx->device = device;
  ctx->backend = device.is_cuda()                      ? Backend::Cuda
                 : backend_options().cpu_reference ? Backend::CpuReference
                                                   : Backend::CpuFast;
  if (device.is_cuda()) {
    int n = cuda_rt::device_count();
    ADMA_CHECK(n > 0, "no CUDA device: ", cuda_rt::no_device_reason());
    ADMA_CHECK(device.index < n, "asked for ", device.str(), " but only ", n, " CUDA device(s) exist");
    auto h = cuda_rt::create_handles(device.index);
    ctx->stream = h.stream;
    ctx->cudnn = h.cudnn;
    ctx->cublas = h.cublas;
  }
  return *contexts.emplace(key, std::move(ctx)).first->second;
}

const char* backend_name(Backend b) {
  switch (b) {
    case Backend::CpuReference:
      return "cpu reference";
    case Backend::CpuFast:
      return "cpu fast";
    case Backend::Cuda:
      return "cuda";
  }
  return "?";
}

void Context::synchronize() {
  if (device.is_cuda()) cuda_rt::stream_synchronize(stream);
}

}  // namespace adma
