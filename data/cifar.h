// CIFAR-10 / CIFAR-100 binary version (Krizhevsky 2009). Each record is the
// label byte(s) then 3072 pixel bytes: the red 32x32 plane, green, blue, each
// row-major -- already CHW. CIFAR-10 has one label byte (class 0-9) in
// data_batch_1..5.bin and test_batch.bin; CIFAR-100 has two (coarse 0-19, fine
// 0-99) in train.bin and test.bin, and adma uses the fine label.
#pragma once
#include <string>
#include <vector>

#include "data/image_set.h"

namespace adma::data {

enum class CifarKind { Cifar10, Cifar100 };

// Parses records in memory; `name` names the file in errors (a size that is not
// a whole number of records, an empty file, a label outside the class range).
ImageSet parse_cifar(const uint8_t* data, size_t size, CifarKind kind, const std::string& name);
// Reads and concatenates `files` (paths), in order.
ImageSet read_cifar(const std::vector<std::string>& files, CifarKind kind);

}  // namespace adma::data
