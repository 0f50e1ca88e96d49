// Linked instead of parallel/mpi/mpi_communicator.cpp when adma is built without MPI:
// asking for MPI says how to get it.
#include "core/error.h"
#include "parallel/mpi_communicator.h"

namespace adma::parallel {

namespace {
[[noreturn]] void absent(const char* what) {
  ADMA_THROW(what, ": adma was built without MPI (install libopenmpi-dev and openmpi-bin, then configure again; "
                   "CMake option ADMA_MPI)");
}
}  // namespace

bool mpi_built() { return false; }
std::string mpi_version() { return "not built (install libopenmpi-dev; CMake option ADMA_MPI)"; }
std::unique_ptr<Communicator> make_mpi_communicator() { absent("the MPI communicator"); }
void mpi_broadcast_bytes(void*, size_t) { absent("broadcast over MPI"); }

}  // namespace adma::parallel
