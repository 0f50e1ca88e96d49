// Storage: one owned allocation on one device. Tensors are views into it, so a
// whole model's parameters can share a single Storage (one buffer, one
// optimizer kernel, one all-reduce).
#pragma once
#include <cstddef>
#include <memory>

#include "core/device.h"

namespace adma {

class Storage {
 public:
  // `pinned` (host only): page-locked memory, which stream-ordered copies to and
  // from a device need (Tensor::empty_pinned; a batch's staging buffer).
  Storage(size_t bytes, Device device, bool pinned = false);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() { return data_; }
  const void* data() const { return data_; }
  size_t bytes() const { return bytes_; }
  Device device() const { return device_; }
  bool pinned() const { return pinned_; }

  static std::shared_ptr<Storage> make(size_t bytes, Device device) {
    return std::make_shared<Storage>(bytes, device);
  }
  static std::shared_ptr<Storage> make_pinned(size_t bytes) {
    return std::make_shared<Storage>(bytes, Device::cpu(), true);
  }

 private:
  void* data_ = nullptr;
  size_t bytes_ = 0;
  Device device_;
  bool pinned_ = false;
};

}  // namespace adma
