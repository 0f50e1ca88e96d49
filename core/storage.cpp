// Host allocations are 64-byte aligned (AVX-512 lines); device ones come from cudaMalloc.
#include "core/storage.h"

#include <cstdint>
#include <cstdlib>

#include "core/cuda/runtime.h"
#include "core/error.h"

namespace adma {

Storage::Storage(size_t bytes, Device device) : bytes_(bytes), device_(device) {
  if (bytes == 0) return;
  if (device.is_cpu()) {
    ADMA_CHECK(bytes <= SIZE_MAX - 63, "host allocation of ", bytes, " bytes is beyond any machine");
    size_t rounded = (bytes + 63) / 64 * 64;
    data_ = std::aligned_alloc(64, rounded);
    ADMA_CHECK(data_ != nullptr, "host allocation of ", bytes, " bytes failed");
  } else {
    data_ = cuda_rt::malloc(bytes, device.index);
  }
}

Storage::~Storage() {
  if (!data_) return;
  if (device_.is_cpu())
    std::free(data_);
  else
    cuda_rt::free(data_, device_.index);
}

}  // namespace adma
