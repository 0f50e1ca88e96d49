// A fault hook for the crash-safety tests: the run folder's write sequence names each
// point where a kill would leave a different state on disk, and a test makes the
// process die there as `kill -9` would (tests/test_crash_safe.cpp).
//   ADMA_FAULT_AT=NAME     _exit(137) the first time point NAME is reached
//   ADMA_FAULT_AT=NAME#K   ... the K-th time (K >= 1)
//   ADMA_FAULT_LOG=FILE    append each point's name, one a line, as it is reached
// Without these variables a point costs one getenv per call.
#pragma once
#include <string>

namespace adma::apps {

void fault_point(const std::string& name);

}  // namespace adma::apps
