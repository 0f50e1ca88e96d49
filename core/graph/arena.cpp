// Arena layout: aligned offsets, one allocation, views.
#include "core/graph/arena.h"

namespace adma {

int Arena::reserve(const Shape& shape, DType dtype) {
  ADMA_ASSERT(!storage_, "arena ", name_, ": reserve after allocate");
  const size_t offset = align(size_);
  size_t end = 0;
  ADMA_CHECK(!__builtin_add_overflow(offset, shape.bytes(dtype_size(dtype)), &end) && end <= kMaxBytes, "arena ",
             name_, ": ", shape.str(), " after ", offset, " bytes makes the plan larger than 2^62 bytes");
  slots_.push_back({offset, shape, dtype});
  size_ = end;
  return static_cast<int>(slots_.size()) - 1;
}

int Arena::reserve_bytes(size_t bytes) {
  ADMA_CHECK(bytes <= kMaxBytes, "arena ", name_, ": ", bytes, " bytes of workspace is beyond any machine");
  return reserve(Shape{static_cast<int64_t>((bytes + 3) / 4)}, DType::F32);
}

void Arena::allocate(Device device) {
  const size_t total = align(size_);
  storage_ = Storage::make(total, device);
}

Tensor Arena::slot(int i) const {
  ADMA_ASSERT(storage_, "arena ", name_, ": slot before allocate");
  const Slot& s = slots_.at(static_cast<size_t>(i));
  return Tensor::view(storage_, s.offset, s.shape, s.dtype);
}

Tensor Arena::whole(DType dtype) const {
  if (!storage_ || size_ == 0) return Tensor();
  return Tensor::view(storage_, 0, Shape{static_cast<int64_t>(storage_->bytes() / dtype_size(dtype))}, dtype);
}

}  // namespace adma
