// How the CUDA loss kernels (kernels/cuda/softmax_loss*.cu) split a batch into
// blocks, defined once: the launches read these, and so does the host code that
// sizes their scratch (softmax_loss_setup), so the two cannot disagree.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace adma::kernels::loss_layout {

// Tuned kernel, C <= kSmallC: one warp per row, kWarpRowsPerBlock rows per block.
constexpr int kWarpRowsPerBlock = 8;
constexpr int kSmallC = 1024;
// Tuned kernel, C > kSmallC: one block of kRowThreads threads per row, the row kept
// in shared memory up to kMaxCachedC floats (192 KB: within the H100/H200's 227 KB).
constexpr int kRowThreads = 1024;
constexpr int kMaxCachedC = 48 * 1024;
// The naive versions: threads per block.
constexpr int kNaiveThreads = 256;
// Registers version: a group of G threads (a power of two, 8 to 1024) owns a row and
// holds it in registers, at most kRegFloatsPerThread values per thread; groups smaller
// than kRegBlockThreads share a block (kRegBlockThreads / G rows), larger ones are the
// block. Rows up to kRegMaxC classes fit (1024 x 32); longer ones, and rows that cannot
// move as 16-byte vectors beyond kSmallC, take its looped fallback (kRegLoopThreads per row).
// Every launch has at most one block per row, so scratch_bytes' n slots cover it.
constexpr int kRegBlockThreads = 256;
constexpr int kRegFloatsPerThread = 32;
constexpr int kRegMaxC = 1024 * kRegFloatsPerThread;
constexpr int kRegLoopThreads = 512;

// Per block (or per row in the naive versions) the kernels leave 4 partial sums:
// loss, correct, dL/da, rows counted (labels other than -1).
constexpr int kPartials = 4;
// Scratch = a ticket counter (its own 64-byte line) + the partials + kRowStats floats
// per row that the two-pass version hands from its first pass to its second
// (lse, and dL/dlp or sum_k g_k p_k).
constexpr int kRowStats = 2;
constexpr size_t kTicketBytes = 64;

inline int64_t tuned_blocks(int64_t n, int64_t c) {
  return c <= kSmallC ? (n + kWarpRowsPerBlock - 1) / kWarpRowsPerBlock : n;
}
inline size_t scratch_bytes(int64_t n, int64_t c) {
  const int64_t partial_slots = std::max(tuned_blocks(n, c), n);  // naive versions: one slot per row
  return kTicketBytes + sizeof(float) * static_cast<size_t>(kPartials * partial_slots + kRowStats * n);
}

}  // namespace adma::kernels::loss_layout
