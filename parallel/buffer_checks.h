// The operand checks every communicator makes before it touches a buffer, so a
// wrong call fails the same way on one rank as on many.
#pragma once
#include "core/context.h"
#include "core/error.h"
#include "core/tensor.h"

namespace adma::parallel {

inline void check_average_operand(const char* who, const Context& ctx, const Tensor& buffer) {
  ADMA_CHECK(buffer.defined(), who, ": all_reduce_average of an undefined tensor");
  ADMA_CHECK(buffer.dtype() == DType::F32 || buffer.dtype() == DType::F64, who,
             ": all_reduce_average takes float32 or float64, got ", dtype_name(buffer.dtype()));
  ADMA_CHECK(buffer.device() == ctx.device, who, ": the buffer is on ", buffer.device().str(), ", the context on ",
             ctx.device.str());
}

inline void check_broadcast_operand(const char* who, const Context& ctx, const Tensor& tensor, int root, int size) {
  ADMA_CHECK(tensor.defined(), who, ": broadcast of an undefined tensor");
  ADMA_CHECK(root >= 0 && root < size, who, ": broadcast from rank ", root, " of ", size);
  ADMA_CHECK(tensor.device() == ctx.device, who, ": the tensor is on ", tensor.device().str(), ", the context on ",
             ctx.device.str());
}

}  // namespace adma::parallel
