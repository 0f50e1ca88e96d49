// Which vector unit the fast CPU backend's own elementwise kernels use (the ELU's
// expm1, kernels/cpu_fast/elu.cpp): the widest this CPU has, AVX-512 (AVX-512F), AVX2
// (AVX2 + FMA) or scalar loops, detected once and capped by ADMA_CPU_ISA
// (BackendOptions::isa_cap), so a machine with AVX-512 can measure what a machine
// without it would do (with ONEDNN_MAX_CPU_ISA=AVX2 for oneDNN's convolutions:
// benchmarks/cpu_side_by_side.py --isa avx2).
#pragma once
#include "core/backend_options.h"

namespace adma::kernels::cpu_fast {

// What this CPU has, capped by backend_options().isa_cap (read at each call).
VectorIsa vector_isa();

}  // namespace adma::kernels::cpu_fast
