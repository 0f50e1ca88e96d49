// The code version recorded in every run's config.json: `git describe --always
// --dirty --tags` of the source tree when it was configured ("unknown" outside git).
#pragma once
#include <string>

namespace adma::apps {
std::string code_version();
}  // namespace adma::apps
