// A tensor with its name (and, for a parameter, its gradient): the unit of checkpoints
// (core/graph/checkpoint.h), of a graph's parameters and buffers (core/graph/graph.h),
// and of anything else saved beside a model (the data normalisation, data/normalization.h).
#pragma once
#include <string>

#include "core/tensor.h"

namespace adma {

struct NamedTensor {
  std::string name;
  Tensor value;
  Tensor grad;  // parameters only; undefined for a frozen one
};

}  // namespace adma
