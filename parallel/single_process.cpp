// SingleProcess: nothing to exchange; the operand checks still run, so a program
// that is wrong on N ranks is already wrong on one.
#include "parallel/single_process.h"

#include "parallel/buffer_checks.h"

namespace adma::parallel {

void SingleProcess::all_reduce_average(Context& ctx, Tensor& buffer) { check_average_operand("single process", ctx, buffer); }

void SingleProcess::broadcast(Context& ctx, Tensor& tensor, int root) {
  check_broadcast_operand("single process", ctx, tensor, root, 1);
}

}  // namespace adma::parallel
