// A structural check of MATLAB v5 (.mat) files, run before matio sees one:
// matio sizes some allocations from the file's headers before checking them
// against the file (fuzzing found a 4 GB calloc from a 3 kB file), so adma
// walks the element tree first and rejects any element, sub-element or array
// whose declared size is not backed by the bytes that are there.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace adma::data {

// Throws "<name>: ..." naming the first inconsistency. Compressed elements
// (miCOMPRESSED, zlib) are inflated, bounded by deflate's ratio, and checked too.
void check_mat5(const uint8_t* data, size_t size, const std::string& name);

}  // namespace adma::data
