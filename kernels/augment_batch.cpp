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

void check_batch_output(const BatchGather& g) {
  ADMA_CHECK(g.out_channels >= 0 && g.out_height >= 0 && g.out_width >= 0,
             "augment_batch: output size must be >= 0 (0: the image's), got ", g.out_channels, "x", g.out_height, "x",
             g.out_width);
  const int32_t c = out_channels(g);
  ADMA_CHECK(c == g.channels || g.channels == 1, "augment_batch: ", g.channels, "-channel images cannot become ", c,
             " channels (only grey images are repeated)");
  ADMA_CHECK(g.norm_channels == 0 || g.norm_channels == c, "augment_batch: ", g.norm_channels,
             " per-channel normalisations for ", c, " output channels");
  ADMA_CHECK(g.norm_channels <= BatchGather::kMaxNormChannels, "augment_batch: per-channel normalisation covers at most ",
             BatchGather::kMaxNormChannels, " channels, got ", g.norm_channels);
  for (int32_t i = 0; i < g.norm_channels; ++i)
    ADMA_CHECK(std::isfinite(g.channel_mean[i]) && std::isfinite(g.channel_inv_std[i]) && g.channel_inv_std[i] > 0,
               "augment_batch: channel ", i, " normalisation must be finite with a positive 1/std, got mean ",
               g.channel_mean[i], ", 1/std ", g.channel_inv_std[i]);
}

}  // namespace adma::kernels
