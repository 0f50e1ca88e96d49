// Launch: which process of how many this one is, read from the environment the
// launcher set, before any communicator exists (so a program can pick its GPU and
// its data shard first). The first rule that matches wins:
//   1. ADMA_RANK, ADMA_WORLD_SIZE [, ADMA_LOCAL_RANK]         set by hand (or a script)
//   2. OMPI_COMM_WORLD_RANK, _SIZE, _LOCAL_RANK                OpenMPI's mpirun / mpiexec
//   3. PMI_RANK, PMI_SIZE [, MPI_LOCALRANKID]                  MPICH / Intel MPI (Hydra)
//   4. SLURM_PROCID, SLURM_STEP_NUM_TASKS, SLURM_LOCALID       srun (one process per task)
//   5. none of these: one process, rank 0.
// Slurm: only srun sets SLURM_STEP_NUM_TASKS. The batch script itself also sees
// SLURM_PROCID=0 and SLURM_NTASKS (the tasks of the whole allocation), but it is ONE
// process; counting SLURM_NTASKS there would wait forever for ranks that never start.
// So a program run straight from an sbatch script is one process; `srun adma ...` is N.
#pragma once
#include <string>

namespace adma::parallel {

struct Launch {
  int rank = 0, size = 1;
  int local_rank = 0;     // rank among the processes on this node: the GPU to take (cuda:local_rank)
  std::string launcher;   // "ADMA_RANK", "mpirun", "pmi", "srun" or "none": which rule matched
  bool by_mpi() const { return launcher == "mpirun" || launcher == "pmi"; }
};

// Reads the rules above; throws naming the variable when one is set but not a
// valid number, or when rank is outside [0, size).
Launch launch_from_environment();

}  // namespace adma::parallel
