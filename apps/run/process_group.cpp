// ProcessGroup: rank, device and communicator of one data-parallel run (see process_group.h).
#include "apps/run/process_group.h"

#include <cstdlib>

#include "apps/run/training_session.h"
#include "core/cuda/runtime.h"
#include "core/error.h"
#include "parallel/make_communicator.h"

namespace adma::apps {

ProcessGroup::ProcessGroup(const std::string& device) : launch_(parallel::launch_from_environment()), device_(device) {
  // One process joins nothing, unless ADMA_COMMUNICATOR names one (a check of the MPI
  // or NCCL path with N = 1: its average is the gradient itself).
  const char* asked = std::getenv("ADMA_COMMUNICATOR");
  if (launch_.size == 1 && !(asked && *asked && std::string(asked) != "auto")) return;
  if (device_ != "cpu") {
    const int visible = cuda_rt::device_count();
    ADMA_CHECK(visible > 0, "rank ", launch_.rank, " of ", launch_.size, " on ", device_,
               ": no CUDA device is visible to this process (", cuda_rt::no_device_reason(), ")");
    const int k = device_of(device_).index;
    device_ = "cuda:" + std::to_string((k + launch_.local_rank) % visible);
  }
  comm_ = parallel::make_communicator(device_of(device_));
  comm_->barrier();
}

ProcessGroup::~ProcessGroup() = default;

std::string ProcessGroup::describe(int global_batch) const {
  if (!comm_) return "";
  const char* processes = launch_.size == 1 ? " process (" : " processes (";
  return detail::concat(", data parallel over ", launch_.size, processes, comm_->name(), ", from ",
                        launch_.launcher, "), ", global_batch / launch_.size, " of each batch's ", global_batch,
                        " rows each");
}

}  // namespace adma::apps
