// Names and checks of kernels/augment_batch.h that both backends share.
#include "kernels/augment_batch.h"

#include <cmath>

namespace adma::kernels {

const char* fill_mode_name(FillMode m) {
  switch (m) {
    case FillMode::Nearest: return "nearest";
    case FillMode::Constant: return "constant";
    case FillMode::Reflect: return "reflect";
    case FillMode::Wrap: return "wrap";
  }
  return "?";
}

void check_augment_spec(const AugmentSpec& s) {
  ADMA_CHECK(std::isfinite(s.rotation) && s.rotation >= 0.0f && s.rotation <= 360.0f,
             "augmentation rotation must be in [0, 360] degrees, got ", s.rotation);
  ADMA_CHECK(s.width_shift >= 0.0f && s.width_shift < 1.0f, "augmentation width shift must be a fraction in [0, 1), got ",
             s.width_shift);
  ADMA_CHECK(s.height_shift >= 0.0f && s.height_shift < 1.0f,
             "augmentation height shift must be a fraction in [0, 1), got ", s.height_shift);
  ADMA_CHECK(std::isfinite(s.cval), "augmentation cval must be finite, got ", s.cval);
}

}  // namespace adma::kernels
