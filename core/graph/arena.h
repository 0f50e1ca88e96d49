// Arena: the memory plan's unit. Requests are laid out back to back (256-byte
// aligned, as cudaMalloc's own alignment) while the graph is built; then one
// allocation backs them all, and each request becomes a Tensor view into it.
// The graph has one arena each for parameters, their gradients, buffers,
// activations (+ per-node saved state), activation gradients, and workspace.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace adma {

class Arena {
 public:
  static constexpr size_t kAlign = 256;
  // No plan may exceed this (4 EiB): offsets and their alignment then never overflow.
  static constexpr size_t kMaxBytes = size_t(1) << 62;
  explicit Arena(std::string name) : name_(std::move(name)) {}
  // Reserves room for `shape` x `dtype`; returns a slot to resolve after allocate().
  int reserve(const Shape& shape, DType dtype);
  // Reserves raw bytes (viewed as a 1-D float tensor of that many bytes / 4, rounded up).
  int reserve_bytes(size_t bytes);
  void allocate(Device device);
  Tensor slot(int i) const;
  size_t bytes() const { return size_; }
  const std::string& name() const { return name_; }
  // The whole arena as one 1-D tensor of `dtype` (empty if nothing was reserved).
  Tensor whole(DType dtype) const;

 private:
  static size_t align(size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }
  struct Slot {
    size_t offset;
    Shape shape;
    DType dtype;
  };
  std::string name_;
  std::vector<Slot> slots_;
  size_t size_ = 0;
  std::shared_ptr<Storage> storage_;
};

}  // namespace adma
