// Tensor views and the explicit copies between host and device.
#include "core/tensor.h"

#include <cstring>

#include "core/context.h"
#include "core/cuda/runtime.h"

namespace adma {

Tensor Tensor::empty(const Shape& shape, DType dtype, Device device) {
  auto st = Storage::make(shape.bytes(dtype_size(dtype)), device);
  return view(st, 0, shape, dtype);
}

Tensor Tensor::empty_pinned(const Shape& shape, DType dtype) {
  auto st = Storage::make_pinned(static_cast<size_t>(shape.numel()) * dtype_size(dtype));
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
  } else if (dtype == DType::BF16) {  // through float, as a kernel that writes bf16 from float
    BFloat16* p = host.data<BFloat16>();
    for (size_t i = 0; i < values.size(); ++i) p[i] = float_to_bf16(static_cast<float>(values[i]));
  } else {
    std::memcpy(host.data<double>(), values.data(), values.size() * sizeof(double));
  }
  return device.is_cpu() ? host : host.to(device);
}

Tensor Tensor::reshape(const Shape& shape) const {
  ADMA_CHECK(shape.numel() == numel(), "reshape ", shape_.str(), " to ", shape.str(), ": element counts differ");
  return view(storage_, offset_, shape, dtype_);
}

namespace {
void check_copy(const Tensor& dst, const Tensor& src, const char* what) {
  ADMA_CHECK(src.shape() == dst.shape() && src.dtype() == dst.dtype(), what, ": ", src.shape().str(), " ",
             dtype_name(src.dtype()), " into ", dst.shape().str(), " ", dtype_name(dst.dtype()));
}
cuda_rt::CopyKind kind_of(const Tensor& dst, const Tensor& src) {
  if (dst.device().is_cuda() && src.device().is_cpu()) return cuda_rt::CopyKind::HostToDevice;
  if (dst.device().is_cpu() && src.device().is_cuda()) return cuda_rt::CopyKind::DeviceToHost;
  return cuda_rt::CopyKind::DeviceToDevice;
}
}  // namespace

void Tensor::copy_from(const Tensor& src) {
  check_copy(*this, src, "copy_from");
  size_t n = nbytes();
  if (n == 0) return;
  if (device_.is_cpu() && src.device().is_cpu()) {
    std::memmove(raw(), src.raw(), n);
    return;
  }
  // Between two devices the source's pending work must land first.
  if (device_.is_cuda() && src.device().is_cuda() && src.device() != device_) Context::get(src.device()).synchronize();
  const Device on = device_.is_cuda() ? device_ : src.device();
  cuda_rt::memcpy_sync(raw(), src.raw(), n, kind_of(*this, src), on.index, Context::get(on).stream);
}

void Tensor::copy_from_async(const Tensor& src, Context& ctx) {
  check_copy(*this, src, "copy_from_async");
  size_t n = nbytes();
  if (n == 0) return;
  if (device_.is_cpu() && src.device().is_cpu()) {
    std::memmove(raw(), src.raw(), n);  // the CPU "stream" is the calling thread
    return;
  }
  const Device on = device_.is_cuda() ? device_ : src.device();
  ADMA_CHECK(ctx.device == on, "copy_from_async: the copy involves ", on.str(), " but the context is ",
             ctx.device.str());
  ADMA_CHECK(device_.is_cuda() || is_pinned(), "copy_from_async: the host destination ", shape_.str(),
             " is pageable memory; allocate it with Tensor::empty_pinned");
  ADMA_CHECK(src.device().is_cuda() || src.is_pinned(), "copy_from_async: the host source ", src.shape().str(),
             " is pageable memory; stage it in a Tensor::empty_pinned buffer");
  ADMA_CHECK(!(device_.is_cuda() && src.device().is_cuda()) || device_ == src.device(),
             "copy_from_async: ", src.device().str(), " to ", device_.str(), " crosses devices; use copy_from");
  cuda_rt::memcpy_async(raw(), src.raw(), n, kind_of(*this, src), on.index, ctx.stream);
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
  } else if (dtype_ == DType::BF16) {
    const BFloat16* p = h.data<BFloat16>();
    for (size_t i = 0; i < out.size(); ++i) out[i] = bf16_to_float(p[i]);
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
