// SVHN cropped digits (Netzer et al. 2011): train_32x32.mat and test_32x32.mat,
// MATLAB v5 files holding X (uint8, 32 x 32 x 3 x N, column-major) and y
// (N x 1, labels 1-10 where 10 is the digit 0). Read through matio when it was
// found at configure time (Debian: libmatio-dev); otherwise the reader says so.
#pragma once
#include <string>

#include "data/image_set.h"

namespace adma::data {

bool svhn_available();
// Throws naming the file for a missing file, a missing or malformed X or y,
// counts that differ, or a label outside 1..10.
ImageSet read_svhn_mat(const std::string& path);

}  // namespace adma::data
