// A few bytes from rank 0 to every rank through a file on a shared file system: how
// NCCL's unique id (128 bytes) reaches the ranks when no MPI started them (srun
// without MPI; ADMA_RANK by hand). Rank 0 writes `path.tmp.<pid>` and renames it to
// `path` (atomic on POSIX file systems, so a reader sees all bytes or none); the
// others wait for `path`, polling every 50 ms, until `timeout_s` passes.
// The path must be new for each run (e.g. ids/nccl-$SLURM_JOB_ID.$SLURM_STEP_ID): a
// file left from an earlier run would hand its stale id to a rank that looks before
// rank 0 has replaced it. remove_id_file() deletes it once every rank has read it.
#pragma once
#include <cstddef>
#include <string>

namespace adma::parallel {

// Rank 0: writes bytes[0 .. n) to `path`. Other ranks: waits for `path` and reads
// exactly n bytes from it into `bytes`. Throws naming the path on a short file, a
// failed write, or a timeout.
void exchange_through_file(const std::string& path, int rank, void* bytes, size_t n, double timeout_s);
// Deletes the file (rank 0, after a barrier); no error when it is gone already.
void remove_id_file(const std::string& path);

}  // namespace adma::parallel
