// Linked instead of parallel/nccl/nccl_communicator.cpp when adma is built without
// NCCL (no CUDA, or no nccl.h / libnccl found): asking for NCCL says how to get it.
#include "core/error.h"
#include "parallel/nccl_communicator.h"

namespace adma::parallel {

bool nccl_built() { return false; }
std::string nccl_version() { return "not built (needs CUDA and NCCL: nccl.h and libnccl; CMake option ADMA_NCCL)"; }
std::unique_ptr<Communicator> make_nccl_communicator(Device, int, int, const IdExchange&) {
  ADMA_THROW("the NCCL communicator: adma was built without NCCL (it needs -DADMA_CUDA=ON and NCCL's nccl.h and "
             "libnccl, which come with the CUDA toolkit or the libnccl-dev package; CMake option ADMA_NCCL)");
}

}  // namespace adma::parallel
