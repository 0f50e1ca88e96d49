// The processes of one `adma train` run: `mpirun -np N adma train ...` or
// `srun -n N adma train ...` start N copies of the program, and each learns here
// which it is (parallel/launch.h: MPI's or Slurm's environment), takes its device
// (on GPUs cuda:local_rank, so the N ranks of a node use N GPUs) and joins the
// communicator that averages the gradient (parallel/make_communicator.h: MPI on the
// CPU, NCCL on GPUs). One process (no launcher, or N = 1) joins nothing and trains as
// before, unless ADMA_COMMUNICATOR=mpi|nccl asks for that path with one rank. Rank 0
// is the writer: only it writes the run folder, checkpoints and
// progress; the others train silently (docs/cluster.md).
#pragma once
#include <memory>
#include <string>

#include "parallel/communicator.h"
#include "parallel/launch.h"

namespace adma::apps {

class ProcessGroup {
 public:
  // `device` is the resolved --device ("cpu" or "cuda:K"). With N > 1 processes on
  // CUDA, rank r of a node takes cuda:((K + local_rank) % visible GPUs): with one
  // GPU per task (srun --gpus-per-task=1) that is each task's own. Every rank waits
  // here for the others (a barrier), so none writes before all have read the flags.
  explicit ProcessGroup(const std::string& device);
  ~ProcessGroup();

  int rank() const { return launch_.rank; }
  int size() const { return launch_.size; }
  bool writer() const { return launch_.rank == 0; }
  const std::string& device() const { return device_; }
  // Null for one process (the Trainer then needs none), unless ADMA_COMMUNICATOR asked.
  parallel::Communicator* communicator() const { return comm_.get(); }
  // "" for one process, else ", data parallel over 2 processes (mpi, from mpirun), 32 of each batch's 64 rows each".
  std::string describe(int global_batch) const;

 private:
  parallel::Launch launch_;
  std::string device_;
  std::unique_ptr<parallel::Communicator> comm_;
};

}  // namespace adma::apps
