// Shape: up to four dimensions, NCHW by convention; a 2-D [N, C] is a matrix.
#pragma once
#include <array>
#include <cstdint>
#include <initializer_list>
#include <cstddef>
#include <string>

namespace adma {

class Shape {
 public:
  static constexpr int kMaxDims = 4;
  Shape() = default;
  Shape(std::initializer_list<int64_t> dims);
  template <typename It>
  static Shape from(It first, It last) {
    Shape s;
    for (; first != last; ++first) s.push_back(*first);
    return s;
  }

  int rank() const { return rank_; }
  int64_t operator[](int i) const;
  int64_t& operator[](int i);
  int64_t numel() const;
  void push_back(int64_t d);
  const int64_t* begin() const { return dims_.data(); }
  const int64_t* end() const { return dims_.data() + rank_; }
  // Product of dims [from, rank): the size of one sample when from = 1.
  // Every product is checked: a shape whose count overflows 64 bits is an Error.
  int64_t numel_from(int from) const;
  // numel() x element_bytes, checked for overflow (the bytes a tensor of this shape needs).
  size_t bytes(size_t element_bytes) const;

  bool operator==(const Shape& o) const;
  bool operator!=(const Shape& o) const { return !(*this == o); }
  std::string str() const;  // "[64, 1, 28, 28]"

 private:
  std::array<int64_t, kMaxDims> dims_{};
  int rank_ = 0;
};

}  // namespace adma
