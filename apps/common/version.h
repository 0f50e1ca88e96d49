// The code version printed by `adma --version` and recorded in every run's config.json:
// the release and `git describe --always --dirty --tags` as of configure time.
#pragma once
#include <string>

namespace adma::apps {
std::string code_version();
}  // namespace adma::apps
