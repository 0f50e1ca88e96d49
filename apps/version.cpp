// ADMA_CODE_VERSION comes from CMake (set on this file only, so a new commit
// recompiles one file after reconfiguring).
#include "apps/version.h"

#ifndef ADMA_CODE_VERSION
#define ADMA_CODE_VERSION "unknown"
#endif

namespace adma::apps {
std::string code_version() { return ADMA_CODE_VERSION; }
}  // namespace adma::apps
