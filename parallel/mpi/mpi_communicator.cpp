// The MPI communicator (parallel/mpi_communicator.h): MPI_Allreduce, MPI_Bcast and
// MPI_Barrier on a duplicate of MPI_COMM_WORLD, on host memory.
#include "parallel/mpi_communicator.h"

#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdlib>

#include "core/error.h"
#include "parallel/buffer_checks.h"

#define MPI_CHECK(call)                                                                        \
  do {                                                                                         \
    const int rc_ = (call);                                                                    \
    if (rc_ != MPI_SUCCESS) {                                                                  \
      char msg_[MPI_MAX_ERROR_STRING];                                                         \
      int len_ = 0;                                                                            \
      MPI_Error_string(rc_, msg_, &len_);                                                      \
      ADMA_THROW_INTERNAL(#call, " failed: ", std::string(msg_, static_cast<size_t>(len_)));  \
    }                                                                                          \
  } while (0)

namespace adma::parallel {

namespace {

void finalize_at_exit() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

// MPI may be initialised once per process: the first user does it and registers the
// finalisation for exit, after every communicator is gone.
void ensure_initialised() {
  int initialised = 0;
  MPI_CHECK(MPI_Initialized(&initialised));
  if (initialised) return;
  int provided = 0;
  MPI_CHECK(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided));
  // Errors come back as return codes (checked above) instead of aborting the job
  // inside MPI, so the message names the call.
  MPI_CHECK(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
  std::atexit(finalize_at_exit);
}

MPI_Op mpi_op(HostReduce op) { return op == HostReduce::Sum ? MPI_SUM : op == HostReduce::Min ? MPI_MIN : MPI_MAX; }

// MPI counts are ints: larger buffers go in chunks.
constexpr int64_t kChunk = INT_MAX;

class MpiCommunicator : public Communicator {
 public:
  MpiCommunicator() {
    ensure_initialised();
    MPI_CHECK(MPI_Comm_dup(MPI_COMM_WORLD, &comm_));
    MPI_CHECK(MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN));
    MPI_CHECK(MPI_Comm_rank(comm_, &rank_));
    MPI_CHECK(MPI_Comm_size(comm_, &size_));
  }
  ~MpiCommunicator() override {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Comm_free(&comm_);
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  const char* name() const override { return "mpi"; }
  bool serves(Device device) const override { return device.is_cpu(); }

  void all_reduce_average(Context& ctx, Tensor& buffer) override {
    check_average_operand("mpi", ctx, buffer);
    ADMA_CHECK(buffer.device().is_cpu(), "mpi: all_reduce_average takes CPU buffers (NCCL averages CUDA ones), got ",
               buffer.device().str());
    if (buffer.dtype() == DType::F32)
      average(buffer.data<float>(), buffer.numel(), MPI_FLOAT);
    else
      average(buffer.data<double>(), buffer.numel(), MPI_DOUBLE);
  }

  void broadcast(Context& ctx, Tensor& tensor, int root) override {
    check_broadcast_operand("mpi", ctx, tensor, root, size_);
    ADMA_CHECK(tensor.device().is_cpu(), "mpi: broadcast takes CPU tensors, got ", tensor.device().str());
    char* p = static_cast<char*>(tensor.raw());
    for (int64_t done = 0, n = static_cast<int64_t>(tensor.nbytes()); done < n; done += kChunk)
      MPI_CHECK(MPI_Bcast(p + done, static_cast<int>(std::min(kChunk, n - done)), MPI_BYTE, root, comm_));
  }

  void all_reduce_host(double* values, int64_t n, HostReduce op) override {
    ADMA_CHECK(n >= 0 && n <= kChunk, "mpi: all_reduce_host of ", n, " values");
    if (n) MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, values, static_cast<int>(n), MPI_DOUBLE, mpi_op(op), comm_));
  }

  void barrier() override { MPI_CHECK(MPI_Barrier(comm_)); }

 private:
  // g <- sum over ranks, then g *= 1/N in the buffer's type (exact when N is a power of 2).
  template <typename T>
  void average(T* g, int64_t n, MPI_Datatype type) {
    for (int64_t done = 0; done < n; done += kChunk)
      MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, g + done, static_cast<int>(std::min(kChunk, n - done)), type, MPI_SUM,
                              comm_));
    const T scale = static_cast<T>(1.0 / size_);
    for (int64_t i = 0; i < n; ++i) g[i] *= scale;
  }

  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = 0, size_ = 1;
};

}  // namespace

bool mpi_built() { return true; }

std::string mpi_version() {
  char text[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  if (MPI_Get_library_version(text, &len) != MPI_SUCCESS) return "unknown";
  std::string v(text, static_cast<size_t>(len));
  const size_t end = v.find_first_of(",\n");  // "Open MPI v4.1.4, package: ..." -> "Open MPI v4.1.4"
  return end == std::string::npos ? v : v.substr(0, end);
}

std::unique_ptr<Communicator> make_mpi_communicator() { return std::make_unique<MpiCommunicator>(); }

void mpi_broadcast_bytes(void* bytes, size_t n) {
  ensure_initialised();
  ADMA_CHECK(n <= static_cast<size_t>(INT_MAX), "mpi: broadcast of ", n, " bytes at once");
  MPI_CHECK(MPI_Bcast(bytes, static_cast<int>(n), MPI_BYTE, 0, MPI_COMM_WORLD));
}

}  // namespace adma::parallel
