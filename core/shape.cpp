// Shape bookkeeping; every out-of-range access is an Error, not UB.
#include "core/shape.h"

#include "core/error.h"

namespace adma {

Shape::Shape(std::initializer_list<int64_t> dims) {
  for (int64_t d : dims) push_back(d);
}

void Shape::push_back(int64_t d) {
  ADMA_CHECK(rank_ < kMaxDims, "a shape has at most ", kMaxDims, " dimensions");
  ADMA_CHECK(d >= 0, "negative dimension ", d);
  dims_[rank_++] = d;
}

int64_t Shape::operator[](int i) const {
  ADMA_CHECK(i >= 0 && i < rank_, "dimension ", i, " out of range for ", str());
  return dims_[i];
}

int64_t& Shape::operator[](int i) {
  ADMA_CHECK(i >= 0 && i < rank_, "dimension ", i, " out of range for ", str());
  return dims_[i];
}

int64_t Shape::numel() const { return numel_from(0); }

int64_t Shape::numel_from(int from) const {
  int64_t n = 1;
  for (int i = from; i < rank_; ++i)
    ADMA_CHECK(!__builtin_mul_overflow(n, dims_[i], &n), "shape ", str(), " has more elements than fit in 64 bits");
  return n;
}

size_t Shape::bytes(size_t element_bytes) const {
  size_t b = 0;
  ADMA_CHECK(!__builtin_mul_overflow(static_cast<size_t>(numel()), element_bytes, &b), "shape ", str(), " of ",
             element_bytes, "-byte elements needs more bytes than fit in 64 bits");
  return b;
}

bool Shape::operator==(const Shape& o) const {
  if (rank_ != o.rank_) return false;
  for (int i = 0; i < rank_; ++i)
    if (dims_[i] != o.dims_[i]) return false;
  return true;
}

std::string Shape::str() const {
  std::string s = "[";
  for (int i = 0; i < rank_; ++i) s += (i ? ", " : "") + std::to_string(dims_[i]);
  return s + "]";
}

}  // namespace adma
