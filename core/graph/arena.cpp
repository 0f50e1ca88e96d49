// Arena layout: aligned offsets, one allocation, views.
#include "core/graph/arena.h"

namespace adma {

int Arena::reserve(const Shape& shape, DType dtype) {
  ADMA_CHECK(!storage_, "arena ", name_, ": reserve after allocate");
  size_t offset = (size_ + kAlign - 1) / kAlign * kAlign;
  slots_.push_back({offset, shape, dtype});
  size_ = offset + static_cast<size_t>(shape.numel()) * dtype_size(dtype);
  return static_cast<int>(slots_.size()) - 1;
}

int Arena::reserve_bytes(size_t bytes) {
  return reserve(Shape{static_cast<int64_t>((bytes + 3) / 4)}, DType::F32);
}

void Arena::allocate(Device device) {
  size_t total = (size_ + kAlign - 1) / kAlign * kAlign;
  storage_ = Storage::make(total, device);
}

Tensor Arena::slot(int i) const {
  ADMA_CHECK(storage_, "arena ", name_, ": slot before allocate");
  const Slot& s = slots_.at(static_cast<size_t>(i));
  return Tensor::view(storage_, s.offset, s.shape, s.dtype);
}

Tensor Arena::whole(DType dtype) const {
  if (!storage_ || size_ == 0) return Tensor();
  return Tensor::view(storage_, 0, Shape{static_cast<int64_t>(storage_->bytes() / dtype_size(dtype))}, dtype);
}

}  // namespace adma
