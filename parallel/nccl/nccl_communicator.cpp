// The NCCL communicator (parallel/nccl_communicator.h): ncclAllReduce(ncclAvg) and
// ncclBroadcast on the context's stream; host reductions staged through a small
// device buffer.
#include "parallel/nccl_communicator.h"

#include <nccl.h>

#include <algorithm>

#include "core/cuda/check.h"
#include "core/cuda/runtime.h"
#include "parallel/buffer_checks.h"

#define NCCL_CHECK(comm, call)                                                                       \
  do {                                                                                               \
    const ncclResult_t r_ = (call);                                                                  \
    if (r_ != ncclSuccess)                                                                           \
      ADMA_THROW_INTERNAL(#call, " failed: ", ncclGetErrorString(r_),                                \
                          (comm) ? std::string(" (") + ncclGetLastError(comm) + ")" : std::string()); \
  } while (0)

namespace adma::parallel {

namespace {

ncclRedOp_t nccl_op(HostReduce op) { return op == HostReduce::Sum ? ncclSum : op == HostReduce::Min ? ncclMin : ncclMax; }

class NcclCommunicator : public Communicator {
 public:
  NcclCommunicator(Device device, int rank, int size, const IdExchange& exchange)
      : device_(device), rank_(rank), size_(size) {
    ADMA_CHECK(device.is_cuda(), "nccl: the communicator works on a CUDA device, got ", device.str());
    ADMA_CHECK(size >= 1 && rank >= 0 && rank < size, "nccl: rank ", rank, " of ", size);
    const int devices = cuda_rt::device_count();
    ADMA_CHECK(device.index < devices, "nccl: rank ", rank, " asks for ", device.str(), " but this node has ", devices,
               " GPU(s)", devices ? "" : (": " + cuda_rt::no_device_reason()));
    CUDA_CHECK(cudaSetDevice(device.index));
    ncclUniqueId id{};
    if (rank == 0) NCCL_CHECK(nullptr, ncclGetUniqueId(&id));
    if (size > 1) {
      ADMA_CHECK(exchange != nullptr, "nccl: ", size, " ranks but no way to hand rank 0's id to the others");
      exchange(&id, sizeof id);
    }
    NCCL_CHECK(nullptr, ncclCommInitRank(&comm_, size, id, rank));
    staging_ = static_cast<double*>(cuda_rt::malloc(kStaging * sizeof(double), device.index));
  }
  ~NcclCommunicator() override {
    cuda_rt::free(staging_, device_.index);
    if (comm_) ncclCommDestroy(comm_);
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  const char* name() const override { return "nccl"; }
  bool serves(Device device) const override { return device == device_; }

  void all_reduce_average(Context& ctx, Tensor& buffer) override {
    check_average_operand("nccl", ctx, buffer);
    ADMA_CHECK(buffer.device() == device_, "nccl: the communicator is on ", device_.str(), ", the buffer on ",
               buffer.device().str());
    const ncclDataType_t type = buffer.dtype() == DType::F32 ? ncclFloat32 : ncclFloat64;
    NCCL_CHECK(comm_, ncclAllReduce(buffer.raw(), buffer.raw(), static_cast<size_t>(buffer.numel()), type, ncclAvg,
                                    comm_, static_cast<cudaStream_t>(ctx.stream)));
  }

  void broadcast(Context& ctx, Tensor& tensor, int root) override {
    check_broadcast_operand("nccl", ctx, tensor, root, size_);
    ADMA_CHECK(tensor.device() == device_, "nccl: the communicator is on ", device_.str(), ", the tensor on ",
               tensor.device().str());
    NCCL_CHECK(comm_, ncclBroadcast(tensor.raw(), tensor.raw(), tensor.nbytes(), ncclUint8, root, comm_,
                                    static_cast<cudaStream_t>(ctx.stream)));
  }

  // Through the device: up to kStaging values at a time, copied in, reduced, copied
  // back, each copy waiting for the stream (host memory may be pageable).
  void all_reduce_host(double* values, int64_t n, HostReduce op) override {
    ADMA_CHECK(n >= 0, "nccl: all_reduce_host of ", n, " values");
    void* stream = Context::get(device_).stream;
    for (int64_t done = 0; done < n; done += kStaging) {
      const size_t m = static_cast<size_t>(std::min<int64_t>(kStaging, n - done));
      cuda_rt::memcpy_sync(staging_, values + done, m * sizeof(double), cuda_rt::CopyKind::HostToDevice, device_.index,
                           stream);
      NCCL_CHECK(comm_, ncclAllReduce(staging_, staging_, m, ncclFloat64, nccl_op(op), comm_,
                                      static_cast<cudaStream_t>(stream)));
      cuda_rt::memcpy_sync(values + done, staging_, m * sizeof(double), cuda_rt::CopyKind::DeviceToHost, device_.index,
                           stream);
    }
  }

  void barrier() override {
    double token = 0;
    all_reduce_host(&token, 1, HostReduce::Sum);
  }

 private:
  static constexpr int64_t kStaging = 64;
  Device device_;
  int rank_, size_;
  ncclComm_t comm_ = nullptr;
  double* staging_ = nullptr;
};

}  // namespace

bool nccl_built() { return true; }

std::string nccl_version() {
  int v = 0;
  if (ncclGetVersion(&v) != ncclSuccess) return "unknown";
  // NCCL >= 2.9 encodes major * 10000 + minor * 100 + patch.
  return std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." + std::to_string(v % 100);
}

std::unique_ptr<Communicator> make_nccl_communicator(Device device, int rank, int size, const IdExchange& exchange) {
  return std::make_unique<NcclCommunicator>(device, rank, size, exchange);
}

}  // namespace adma::parallel
