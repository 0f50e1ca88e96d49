// Communicator: the processes of one data-parallel run and the few collective
// operations training needs from them. Each process (a "rank", 0 .. size()-1) holds a
// whole copy of the model; after backward, ONE all-reduce averages the flat gradient
// buffer (Graph::grad_buffer(), contiguous) so every rank applies the same update:
//   g  <-  (1/N) * sum_r g_r            (N = size(), g_r rank r's gradient)
// As each g_r is the mean over rank r's B/N rows (the loss node scales by 1/rows),
// the average is the mean over the global batch of B rows: the gradient one process
// would compute on all B rows, up to the order of the float additions.
//
// Implementations (parallel/make_communicator.h picks one; layers never see which):
//   SingleProcess  N = 1: every operation is a no-op (parallel/single_process.h)
//   MPI            CPU buffers: MPI_Allreduce(SUM) in place, then * 1/N (parallel/mpi_communicator.h)
//   NCCL           CUDA buffers: ncclAllReduce(ncclAvg) on the context's stream, which a
//                  CUDA graph may capture (parallel/nccl_communicator.h)
// Every operation is collective: every rank calls it, in the same order.
#pragma once
#include <cstdint>

#include "core/context.h"
#include "core/tensor.h"

namespace adma::parallel {

// Reductions of a few host values (metrics, flags) across ranks.
enum class HostReduce { Sum, Min, Max };

class Communicator {
 public:
  virtual ~Communicator() = default;  // closes the communicator (ncclCommDestroy, MPI_Finalize)
  virtual int rank() const = 0;
  virtual int size() const = 0;
  bool is_root() const { return rank() == 0; }
  // "single process", "mpi", "nccl": what `adma train` and the logs say.
  virtual const char* name() const = 0;
  // Whether all_reduce_average and broadcast take buffers on `device`
  // (MPI: the host; NCCL: its own GPU; single process: any).
  virtual bool serves(Device device) const = 0;

  // buffer <- the average of every rank's buffer, in place. float32 or float64, on
  // ctx's device; queued on ctx's stream, no host synchronisation on CUDA (capturable);
  // on the CPU it returns when the average is there.
  virtual void all_reduce_average(Context& ctx, Tensor& buffer) = 0;
  // tensor <- root's tensor, in place (any dtype). Outside a step: at the start, so
  // every rank begins from rank 0's parameters and buffers. Stream-ordered on CUDA.
  virtual void broadcast(Context& ctx, Tensor& tensor, int root) = 0;
  // values[0 .. n) <- op over every rank's values, on the host; returns when done
  // (NCCL: through the device, synchronising: never inside a step).
  virtual void all_reduce_host(double* values, int64_t n, HostReduce op) = 0;
  // Returns when every rank has reached it.
  virtual void barrier() = 0;
};

}  // namespace adma::parallel
