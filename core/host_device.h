// ADMA_HD marks a function that runs on the host and, compiled by nvcc, on the device
// too: the per-sample loss math (losses/), Philox (core/rng.h) and the augmentation
// maps are written once and shared verbatim by the CPU reference and the CUDA kernels.
#pragma once

#if defined(__CUDACC__)
#define ADMA_HD __host__ __device__
#else
#define ADMA_HD
#endif
