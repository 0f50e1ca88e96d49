// Host allocations are 64-byte aligned (AVX-512 lines); device ones come from cudaMalloc.
#include "core/storage.h"

#include <cstdlib>

#include "core/cuda/runtime.h"
#include "core/error.h"

namespace adma {

Storage::Storage(size_t bytes, Device device, bool pinned) : bytes_(bytes), device_(device), pinned_(pinned) {
  ADMA_CHECK(!pinned || device.is_cpu(), "pinned memory is host memory, not ", device.str());
  // Without a device there is nothing to pin for: ordinary host memory serves.
  if (pinned_ && cuda_rt::device_count() == 0) pinned_ = false;
  if (bytes == 0) return;
  if (pinned_) {
    data_ = cuda_rt::host_alloc_pinned(bytes);
  } else if (device.is_cpu()) {
    size_t rounded = (bytes + 63) / 64 * 64;
    data_ = std::aligned_alloc(64, rounded);
    ADMA_CHECK(data_ != nullptr, "host allocation of ", bytes, " bytes failed");
  } else {
    data_ = cuda_rt::malloc(bytes, device.index);
  }
}

Storage::~Storage() {
  if (!data_) return;
  if (pinned_)
    cuda_rt::host_free_pinned(data_);
  else if (device_.is_cpu())
    std::free(data_);
  else
    cuda_rt::free(data_, device_.index);
}

}  // namespace adma
