// libFuzzer target: arbitrary bytes as a safetensors checkpoint. The reader must
// either accept them or throw adma::Error; never crash, leak, read out of bounds
// or hit undefined behaviour (ASan + UBSan watch). Accepted files are then matched
// against a small model, as load_checkpoint does.
#include <cstdint>
#include <cstring>

#include "core/graph/safetensors.h"

namespace {
const std::vector<adma::NamedTensor>& model() {
  static const std::vector<adma::NamedTensor> m = {
      {"w", adma::Tensor::empty(adma::Shape{2, 3}, adma::DType::F32, adma::Device::cpu()), adma::Tensor()},
      {"b", adma::Tensor::empty(adma::Shape{3}, adma::DType::F32, adma::Device::cpu()), adma::Tensor()},
      {"n", adma::Tensor::empty(adma::Shape{1}, adma::DType::I32, adma::Device::cpu()), adma::Tensor()}};
  return m;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    uint64_t data_offset = 0;
    const auto header = adma::safetensors::parse_image(data, size, "fuzz input", &data_offset);
    if (data_offset > size) __builtin_trap();  // the parser promised the data section exists
    for (const auto& e : header.entries)
      if (e.end > size - data_offset || e.begin > e.end) __builtin_trap();  // tiling was checked
    const auto problems = adma::safetensors::mismatches(header, model());
    if (problems.empty()) {  // what load_checkpoint copies: every range inside the input
      for (const auto& t : model()) {
        const auto* e = header.find(t.name);
        if (e == nullptr || e->end - e->begin != t.value.nbytes()) __builtin_trap();
        std::memcpy(t.value.raw(), data + data_offset + e->begin, t.value.nbytes());
      }
    }
  } catch (const adma::Error&) {
    // Refused with a message: the expected outcome for almost every input.
  }
  return 0;
}
