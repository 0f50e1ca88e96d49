// The code version: the release and `git describe` of the source tree when CMake
// configured it (adma_version.h is generated from apps/common/version.h.in).
#include "apps/common/version.h"

#include "adma_version.h"

namespace adma::apps {
std::string code_version() { return std::string(ADMA_VERSION) + " (git " + ADMA_GIT_COMMIT + ")"; }
}  // namespace adma::apps
