// The NCCL communicator: data parallelism between GPUs, one process per GPU.
// Averaging is one call on the context's stream,
//   ncclAllReduce(g, g, n, ncclFloat/ncclDouble, ncclAvg, comm, stream)
// (ring or tree over NVLink / PCIe / InfiniBand, NCCL's choice), stream-ordered like a
// kernel: no host synchronisation, so it sits inside the training step's CUDA graph
// (NCCL >= 2.9 may be captured). With one rank it is a device-side copy, which is how
// the captured NCCL path is checked on a machine with one GPU.
// The ranks meet through NCCL's unique id, which rank 0 makes and hands to the others
// (`exchange`: over MPI under mpirun, through a shared file otherwise; not needed for
// one rank). Built when CMake finds nccl.h and libnccl with CUDA (option ADMA_NCCL);
// otherwise parallel/no_nccl/nccl_absent.cpp says so.
#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "parallel/communicator.h"

namespace adma::parallel {

bool nccl_built();
// "2.28.9" (the library's own version), or why there is none.
std::string nccl_version();
// Called on every rank with a buffer of n bytes that rank 0 has filled; on return every
// rank's buffer must hold rank 0's bytes.
using IdExchange = std::function<void(void* bytes, size_t n)>;
// A communicator of `size` ranks, this one `rank`, on `device` (cuda:i): sets the
// device, makes or receives the id, ncclCommInitRank (which waits for every rank).
std::unique_ptr<Communicator> make_nccl_communicator(Device device, int rank, int size, const IdExchange& exchange);

}  // namespace adma::parallel
