// make_communicator: the launcher's rank and size, the requested kind, the device.
#include "parallel/make_communicator.h"

#include <cstdlib>
#include <cstring>

#include "core/error.h"
#include "parallel/id_file.h"
#include "parallel/launch.h"
#include "parallel/mpi_communicator.h"
#include "parallel/nccl_communicator.h"
#include "parallel/single_process.h"

namespace adma::parallel {

namespace {
constexpr const char* kKinds[] = {"auto", "single", "mpi", "nccl", nullptr};
constexpr double kIdFileTimeoutS = 600;  // ranks of one srun may start minutes apart on a busy cluster

std::string started_by(const Launch& l) {
  return detail::concat(l.size, " process", l.size == 1 ? "" : "es", " (rank ", l.rank, ", from ", l.launcher, ")");
}
}  // namespace

const char* const* communicator_kinds() { return kKinds; }

std::unique_ptr<Communicator> make_communicator(Device device, const std::string& requested) {
  std::string kind = requested;
  const char* from_env = std::getenv("ADMA_COMMUNICATOR");
  if (kind == "auto" && from_env && *from_env) kind = from_env;
  bool known = false;
  for (const char* const* k = kKinds; *k; ++k) known = known || kind == *k;
  ADMA_USAGE_CHECK(known, "communicator '", kind, "' is not one of auto, single, mpi, nccl",
                   kind == requested ? "" : " (from ADMA_COMMUNICATOR)");
  const Launch l = launch_from_environment();
  if (kind == "auto") kind = l.size == 1 ? "single" : device.is_cuda() ? "nccl" : "mpi";

  if (kind == "single") {
    ADMA_CHECK(l.size == 1, "the single-process communicator was asked for, but the launcher started ", started_by(l));
    return std::make_unique<SingleProcess>();
  }
  if (kind == "mpi") {
    ADMA_CHECK(device.is_cpu(), "the MPI communicator averages CPU buffers; a run on ", device.str(),
               " takes NCCL (ADMA_COMMUNICATOR=nccl or auto)");
    ADMA_CHECK(mpi_built(), "the run was started as ", started_by(l), " on the CPU, which needs MPI, but ",
               mpi_version());
    auto c = make_mpi_communicator();
    ADMA_CHECK(l.launcher == "none" || l.launcher == "ADMA_RANK" || (c->size() == l.size && c->rank() == l.rank),
               "MPI sees rank ", c->rank(), " of ", c->size(), " but the environment says ", started_by(l),
               ": is this adma linked against the MPI of the mpirun (or the srun --mpi plugin) that started it?");
    return c;
  }
  // NCCL.
  ADMA_CHECK(device.is_cuda(), "the NCCL communicator averages CUDA buffers, the run is on ", device.str(),
             " (on the CPU: ADMA_COMMUNICATOR=mpi or auto)");
  ADMA_CHECK(nccl_built(), "a run on ", device.str(), " as ", started_by(l), " needs NCCL, but it is ", nccl_version());
  IdExchange exchange;
  std::string id_file;
  if (l.size > 1) {
    if (l.by_mpi() && mpi_built()) {
      exchange = mpi_broadcast_bytes;
    } else {
      const char* path = std::getenv("ADMA_NCCL_ID_FILE");
      ADMA_CHECK(path && *path, "NCCL over ", started_by(l),
                 " needs rank 0's id on every rank: start the run with mpirun (in a build with MPI), or set "
                 "ADMA_NCCL_ID_FILE to a fresh path on a file system every node shares");
      id_file = path;
      const int rank = l.rank;
      exchange = [id_file, rank](void* bytes, size_t n) { exchange_through_file(id_file, rank, bytes, n, kIdFileTimeoutS); };
    }
  }
  auto c = make_nccl_communicator(device, l.rank, l.size, exchange);
  // ncclCommInitRank returned on rank 0 only after every rank joined, so all have read the file.
  if (!id_file.empty() && l.rank == 0) remove_id_file(id_file);
  return c;
}

std::string parallel_backends() { return "MPI: " + mpi_version() + "; NCCL: " + nccl_version(); }

}  // namespace adma::parallel
