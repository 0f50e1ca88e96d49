// Tensor views and the explicit copies between host and device.
#include "core/tensor.h"

#include <cstring>

#include "core/cuda/runtime.h"

namespace adma {

Tensor Tensor::empty(const Shape& shape, DType dtype, Device device) {
  auto st = Storage::make(shape.bytes(dtype_size(dtype)), device);
  return view(st, 0, shape, dtype);
}

Tensor Tensor::view(std::shared_ptr<Storage> storage, size_t byte_offset, const Shape& shape, DType dtype) {
  ADMA_CHECK(storage != nullptr, "view of null storage");
  size_t need = 0;
  ADMA_CHECK(!__builtin_add_overflow(byte_offset, shape.bytes(dtype_size(dtype)), &need) && need <= storage->bytes(), "view ", shape.str(), " at byte ", byte_offset, " overruns storage of ",
             storage->bytes(), " bytes");
  Tensor t;
  t.device_ = storage->device();
  t.storage_ = std::move(storage);
  t.offset_ = byte_offset;
  t.shape_ = shape;
  t.dtype_ = dtype;
  return t;
}

Tensor Tensor::from_host(const std::vector<double>& values, const Shape& shape, DType dtype, Device device) {
  ADMA_CHECK(static_cast<int64_t>(values.size()) == shape.numel(), "from_host: ", values.size(),
             " values for shape ", shape.str());
  Tensor host = empty(shape, dtype, Device::cpu());
  if (dtype == DType::F32) {
    float* p = host.data<float>();
    for (size_t i = 0; i < values.size(); ++i) p[i] = static_cast<float>(values[i]);
  } else if (dtype == DType::I32) {
    int32_t* p = host.data<int32_t>();
    for (size_t i = 0; i < values.size(); ++i) p[i] = static_cast<int32_t>(values[i]);
  } else {
    std::memcpy(host.data<double>(), values.data(), values.size() * sizeof(double));
  }
  return device.is_cpu() ? host : host.to(device);
}

Tensor Tensor::reshape(const Shape& shape) const {
  ADMA_CHECK(shape.numel() == numel(), "reshape ", shape_.str(), " to ", shape.str(), ": element counts differ");
  return view(storage_, offset_, shape, dtype_);
}

void Tensor::copy_from(const Tensor& src) {
  ADMA_CHECK(src.shape() == shape_ && src.dtype() == dtype_, "copy_from: ", src.shape().str(), " ",
             dtype_name(src.dtype()), " into ", shape_.str(), " ", dtype_name(dtype_));
  size_t n = nbytes();
  if (n == 0) return;
  if (device_.is_cpu() && src.device().is_cpu()) {
    std::memmove(raw(), src.raw(), n);
  } else if (device_.is_cuda() && src.device().is_cpu()) {
    cuda_rt::memcpy_sync(raw(), src.raw(), n, cuda_rt::CopyKind::HostToDevice, device_.index);
  } else if (device_.is_cpu() && src.device().is_cuda()) {
    cuda_rt::memcpy_sync(raw(), src.raw(), n, cuda_rt::CopyKind::DeviceToHost, src.device().index);
  } else {
    cuda_rt::memcpy_sync(raw(), src.raw(), n, cuda_rt::CopyKind::DeviceToDevice, device_.index);
  }
}

Tensor Tensor::to(Device device) const {
  Tensor out = empty(shape_, dtype_, device);
  out.copy_from(*this);
  return out;
}

std::vector<double> Tensor::to_host() const {
  Tensor h = device_.is_cpu() ? *this : to(Device::cpu());
  std::vector<double> out(static_cast<size_t>(numel()));
  if (dtype_ == DType::F32) {
    const float* p = h.data<float>();
    for (size_t i = 0; i < out.size(); ++i) out[i] = p[i];
  } else if (dtype_ == DType::I32) {
    const int32_t* p = h.data<int32_t>();
    for (size_t i = 0; i < out.size(); ++i) out[i] = p[i];
  } else {
    std::memcpy(out.data(), h.data<double>(), out.size() * sizeof(double));
  }
  return out;
}

void Tensor::fill(double value) {
  std::vector<double> v(static_cast<size_t>(numel()), value);
  copy_from(from_host(v, shape_, dtype_, Device::cpu()));
}

}  // namespace adma
