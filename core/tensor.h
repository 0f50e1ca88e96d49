// Tensor: a typed, shaped view into a Storage on one device. Copying a Tensor
// copies the view (shared storage); copying data between devices is always an
// explicit call (copy_from, to, to_host).
#pragma once
#include <memory>
#include <vector>

#include "core/device.h"
#include "core/dtype.h"
#include "core/error.h"
#include "core/shape.h"
#include "core/storage.h"

namespace adma {

struct Context;

class Tensor {
 public:
  Tensor() = default;
  // A fresh allocation (contents undefined).
  static Tensor empty(const Shape& shape, DType dtype, Device device);
  // A host tensor in page-locked memory: what a batch is staged in before a
  // stream-ordered copy to the device (copy_from_async). Plain host memory when no
  // CUDA device exists, so a data pipeline needs no branch.
  static Tensor empty_pinned(const Shape& shape, DType dtype);
  // A view of `bytes_offset` into existing storage.
  static Tensor view(std::shared_ptr<Storage> storage, size_t byte_offset, const Shape& shape, DType dtype);
  // Host values (any dtype) placed on `device`, converted to `dtype`.
  static Tensor from_host(const std::vector<double>& values, const Shape& shape, DType dtype, Device device);

  bool defined() const { return storage_ != nullptr; }
  const Shape& shape() const { return shape_; }
  int64_t dim(int i) const { return shape_[i]; }
  DType dtype() const { return dtype_; }
  Device device() const { return device_; }
  int64_t numel() const { return shape_.numel(); }
  size_t nbytes() const { return static_cast<size_t>(numel()) * dtype_size(dtype_); }
  const std::shared_ptr<Storage>& storage() const { return storage_; }
  size_t byte_offset() const { return offset_; }
  bool is_pinned() const { return storage_ && storage_->pinned(); }

  void* raw() const { return static_cast<char*>(storage_->data()) + offset_; }
  template <typename T>
  T* data() const {
    ADMA_CHECK(dtype_of<T>::value == dtype_, "tensor holds ", dtype_name(dtype_), ", asked for ",
               dtype_name(dtype_of<T>::value));
    return static_cast<T*>(raw());
  }

  // Same data, another shape of the same element count.
  Tensor reshape(const Shape& shape) const;
  // Copy of `src` (same shape and dtype, any device) into this tensor, synchronous
  // for the host: queued on the CUDA side's context stream (so after every kernel
  // already queued there), then that stream is waited for. Not for a training step.
  void copy_from(const Tensor& src);
  // Stream-ordered copy on `ctx`'s stream; returns at once. Where a device is
  // involved the host side must be pinned (empty_pinned) and must stay untouched
  // until the stream has passed the copy; a CUDA graph may capture this call.
  // ctx must be the context of the CUDA side (either side's device for CPU-CPU).
  void copy_from_async(const Tensor& src, Context& ctx);
  // A copy on another device.
  Tensor to(Device device) const;
  // All elements as doubles on the host (synchronous): for tests and printing.
  std::vector<double> to_host() const;
  // Set every element to a value: a host fill and a synchronous copy (tests and init
  // only; inside a step use core/zero.h, which is stream-ordered).
  void fill(double value);

 private:
  std::shared_ptr<Storage> storage_;
  size_t offset_ = 0;
  Shape shape_;
  DType dtype_ = DType::F32;
  Device device_;
};

}  // namespace adma
