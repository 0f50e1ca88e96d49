// libFuzzer target: the CIFAR-10 and CIFAR-100 record parsers on arbitrary bytes.
#include <cstddef>
#include <cstdint>

#include "core/error.h"
#include "data/cifar.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  for (auto kind : {adma::data::CifarKind::Cifar10, adma::data::CifarKind::Cifar100}) {
    try {
      adma::data::parse_cifar(data, size, kind, "fuzz");
    } catch (const adma::Error&) {
    }
  }
  return 0;
}
