// SingleProcess: the communicator of a run on one process (N = 1). Averaging,
// broadcasting and reducing over one rank change nothing, so every call returns at
// once; a Trainer given it behaves exactly as one given none.
#pragma once
#include "parallel/communicator.h"

namespace adma::parallel {

class SingleProcess : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  const char* name() const override { return "single process"; }
  bool serves(Device) const override { return true; }
  void all_reduce_average(Context& ctx, Tensor& buffer) override;
  void broadcast(Context& ctx, Tensor& tensor, int root) override;
  void all_reduce_host(double*, int64_t, HostReduce) override {}
  void barrier() override {}
};

}  // namespace adma::parallel
