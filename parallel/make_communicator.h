// make_communicator: the one place that picks how the ranks of a run talk. Rank and
// world size come from the launcher (parallel/launch.h); `kind` (or, for "auto", the
// environment variable ADMA_COMMUNICATOR) chooses:
//   auto    one process: SingleProcess; N processes: NCCL on a CUDA device, MPI on the CPU
//   single  SingleProcess (refused when the launcher started more than one process)
//   mpi     MPI over CPU buffers (any N, 1 included)
//   nccl    NCCL on `device` (any N, 1 included). NCCL's id goes from rank 0 to the
//           others over MPI when an MPI launcher started the run and the build has MPI,
//           else through the shared file named by ADMA_NCCL_ID_FILE (parallel/id_file.h;
//           one fresh path per run, e.g. ids/nccl-$SLURM_JOB_ID.$SLURM_STEP_ID), which
//           rank 0 deletes once every rank has joined. One rank needs neither.
// The program picks the device before calling: cuda:local_rank on a node with one GPU
// per process (Launch::local_rank).
#pragma once
#include <memory>
#include <string>

#include "core/device.h"
#include "parallel/communicator.h"

namespace adma::parallel {

// "auto", "single", "mpi", "nccl".
const char* const* communicator_kinds();
std::unique_ptr<Communicator> make_communicator(Device device, const std::string& kind = "auto");
// One line for logs and `adma devices`: "MPI: Open MPI v4.1.4; NCCL: 2.28.9" (or "not built ...").
std::string parallel_backends();

}  // namespace adma::parallel
