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
  Storage(size_t bytes, Device device);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() { return data_; }
  const void* data() const { return data_; }
  size_t bytes() const { return bytes_; }
  Device device() const { return device_; }

  static std::shared_ptr<Storage> make(size_t bytes, Device device) {
    return std::make_shared<Storage>(bytes, device);
  }

 private:
  void* data_ = nullptr;
  size_t bytes_ = 0;
  Device device_;
};

}  // namespace adma
