// SVHN through matio: X's dimensions and class are checked before matio reads
// its data, so a malformed header cannot make it allocate a huge buffer.
#include "data/svhn.h"

#include "core/error.h"
#include "data/file_bytes.h"
#include "data/mat5_check.h"

#if defined(ADMA_WITH_MATIO)
#include <matio.h>

#include <memory>
#endif

namespace adma::data {

#if defined(ADMA_WITH_MATIO)

bool svhn_available() { return true; }

namespace {
struct MatCloser {
  void operator()(mat_t* m) const { Mat_Close(m); }
};
struct VarFree {
  void operator()(matvar_t* v) const { Mat_VarFree(v); }
};
using MatFile = std::unique_ptr<mat_t, MatCloser>;
using MatVar = std::unique_ptr<matvar_t, VarFree>;

size_t numel(const matvar_t* v) {
  size_t n = 1;
  for (int d = 0; d < v->rank; ++d) {
    if (v->dims[d] != 0 && n > kMaxFileBytes / v->dims[d]) return kMaxFileBytes + 1;
    n *= v->dims[d];
  }
  return n;
}
}  // namespace

ImageSet read_svhn_mat(const std::string& path) {
  ADMA_CHECK(file_exists(path), path, ": no such file (SVHN's train_32x32.mat / test_32x32.mat)");
  {
    const std::vector<uint8_t> bytes = read_file(path);
    check_mat5(bytes.data(), bytes.size(), path);
  }
  MatFile mat(Mat_Open(path.c_str(), MAT_ACC_RDONLY));
  ADMA_CHECK(mat != nullptr, path, ": not a MATLAB .mat file matio can open");
  MatVar x(Mat_VarReadInfo(mat.get(), "X"));
  ADMA_CHECK(x != nullptr, path, ": no variable X (the images)");
  ADMA_CHECK(x->rank == 4 && x->dims[0] == 32 && x->dims[1] == 32 && x->dims[2] == 3, path,
             ": X should be 32 x 32 x 3 x N, got rank ", x->rank);
  ADMA_CHECK(x->class_type == MAT_C_UINT8 && !x->isComplex, path, ": X should hold uint8 pixels");
  const size_t n = x->dims[3];
  ADMA_CHECK(n > 0, path, ": X holds no images");
  ADMA_CHECK(numel(x.get()) <= kMaxFileBytes, path, ": X claims ", n, " images, more than adma reads");
  MatVar y(Mat_VarReadInfo(mat.get(), "y"));
  ADMA_CHECK(y != nullptr, path, ": no variable y (the labels)");
  ADMA_CHECK(!y->isComplex && y->class_type != MAT_C_CELL && y->class_type != MAT_C_STRUCT &&
                 y->class_type != MAT_C_CHAR && y->class_type != MAT_C_SPARSE,
             path, ": y should be a numeric N x 1 array");
  ADMA_CHECK(numel(y.get()) == n, path, ": ", n, " images in X but ", numel(y.get()), " labels in y");
  // Read the data now that the sizes are known to be sane.
  x.reset(Mat_VarRead(mat.get(), "X"));
  y.reset(Mat_VarRead(mat.get(), "y"));
  ADMA_CHECK(x && x->data && x->class_type == MAT_C_UINT8 && numel(x.get()) == n * 3072, path,
             ": X could not be read (truncated or corrupt file?)");
  ADMA_CHECK(y && y->data && numel(y.get()) == n &&
                 (y->class_type == MAT_C_DOUBLE || y->class_type == MAT_C_UINT8),
             path, ": y could not be read as double or uint8 labels (truncated or corrupt file?)");
  ImageSet s;
  s.channels = 3;
  s.height = 32;
  s.width = 32;
  s.classes = 10;
  s.source = path;
  s.pixels.resize(n * 3072);
  s.labels.resize(n);
  const uint8_t* px = static_cast<const uint8_t*>(x->data);
  // MATLAB is column-major: X(r, c, ch, i) sits at r + 32 c + 1024 ch + 3072 i.
  for (size_t i = 0; i < n; ++i)
    for (size_t ch = 0; ch < 3; ++ch)
      for (size_t r = 0; r < 32; ++r)
        for (size_t c = 0; c < 32; ++c)
          s.pixels[i * 3072 + ch * 1024 + r * 32 + c] = px[r + 32 * c + 1024 * ch + 3072 * i];
  for (size_t i = 0; i < n; ++i) {
    const double v = y->class_type == MAT_C_DOUBLE ? static_cast<const double*>(y->data)[i]
                                                   : static_cast<const uint8_t*>(y->data)[i];
    ADMA_CHECK(v >= 1.0 && v <= 10.0 && v == static_cast<double>(static_cast<int>(v)), path, ": label ", v,
               " of example ", i, " is outside 1..10");
    s.labels[i] = static_cast<int32_t>(v) % 10;  // 10 is the digit 0
  }
  s.check();
  return s;
}

#else

bool svhn_available() { return false; }

ImageSet read_svhn_mat(const std::string& path) {
  ADMA_THROW(path, ": reading SVHN .mat files needs matio, which was not found when adma was configured "
                   "(install libmatio-dev and re-run cmake)");
}

#endif

}  // namespace adma::data
