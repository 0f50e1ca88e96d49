// The MPI communicator: data parallelism between processes started by mpirun (or by
// srun with an MPI built for Slurm), on CPU buffers. Averaging is
//   MPI_Allreduce(MPI_IN_PLACE, g, n, MPI_FLOAT/MPI_DOUBLE, MPI_SUM, comm);  g *= 1/N
// (in chunks of at most 2^31 - 1 elements, MPI's count being an int). Every rank
// receives the same sum (the MPI standard's advice to implementations, which OpenMPI
// follows), so the ranks' weights stay bit for bit equal.
// Built when CMake finds MPI (option ADMA_MPI); otherwise these functions exist and
// say that the build has no MPI (parallel/no_mpi/mpi_absent.cpp), so no caller needs
// a #ifdef.
#pragma once
#include <cstddef>
#include <memory>
#include <string>

#include "parallel/communicator.h"

namespace adma::parallel {

// Whether this build has MPI.
bool mpi_built();
// The MPI library's own words ("Open MPI v4.1.4, ..."), or why there is none.
std::string mpi_version();
// Initialises MPI for this process the first time (MPI_Init_thread, FUNNELED: only the
// thread that made the communicator calls MPI; MPI_Finalize runs at exit) and returns
// a communicator over a duplicate of MPI_COMM_WORLD.
std::unique_ptr<Communicator> make_mpi_communicator();
// Copies `n` host bytes from rank 0 of MPI_COMM_WORLD to every rank (MPI_Bcast),
// initialising MPI if needed: how NCCL's unique id reaches the ranks under mpirun.
void mpi_broadcast_bytes(void* bytes, size_t n);

}  // namespace adma::parallel
