// models::load_weights: a file with the model's names fills it exactly (F32 into F64 too);
// a classifier for another class count is replaced and said so; every other difference
// is refused naming the first tensor that differs, and leaves the model unchanged.
#include <gtest/gtest.h>

#include "core/graph/checkpoint.h"
#include "core/graph/graph.h"
#include "models/registry.h"
#include "models/weights.h"
#include "test_util.h"

namespace adma::test {
namespace {

struct Net {
  Graph g;
  Net(const std::string& spec, int64_t classes, uint64_t seed, DType dtype = DType::F32) : g(Device::cpu(), dtype, seed) {
    models::build(g, g.input("x", Shape{2, 1, 28, 28}), spec, classes);
    g.build();
    Rng rng(seed + 100);  // running statistics that are not 0 and 1, so buffers are checked too
    for (const auto& b : g.buffers()) {
      Tensor t = b.value;
      fill_random(t, rng, 0.5, 1.5);
    }
  }
  std::map<std::string, Values> values() const {
    std::map<std::string, Values> m;
    for (const auto& t : g.state_dict()) m[t.name] = t.value.to_host();
    return m;
  }
};

std::string file(const char* name) { return ::testing::TempDir() + name; }

models::WeightsOptions dense() {
  models::WeightsOptions o;
  o.classifier = "dense";
  return o;
}

std::string refusal(Graph& g, const std::string& path, const models::WeightsOptions& o) {
  try {
    models::load_weights(g, path, o);
  } catch (const Error& e) {
    return e.what();
  }
  return "loaded";
}

TEST(LoadWeights, SameNamesFillEveryParameterAndBuffer) {
  Net src("convnet", 10, 1), dst("convnet", 10, 2);
  const std::string path = file("adma_weights_same.safetensors");
  save_checkpoint(path, src.g.state_dict());
  ASSERT_NE(src.values(), dst.values());
  const auto rep = models::load_weights(dst.g, path, dense());
  EXPECT_EQ(dst.values(), src.values());
  EXPECT_EQ(rep.tensors, static_cast<int64_t>(src.g.state_dict().size()));
  EXPECT_TRUE(rep.replaced.empty());
  EXPECT_EQ(rep.message.find("fresh"), std::string::npos);
}

TEST(LoadWeights, Float32FileIntoFloat64ModelIsExact) {
  Net src("convnet", 10, 1), dst("convnet", 10, 2, DType::F64);
  const std::string path = file("adma_weights_f64.safetensors");
  save_checkpoint(path, src.g.state_dict());
  models::load_weights(dst.g, path, dense());
  EXPECT_EQ(dst.values(), src.values());
  EXPECT_EQ(dst.g.parameters()[0].value.dtype(), DType::F64);
}

TEST(LoadWeights, AnotherClassCountReplacesTheClassifier) {
  Net src("convnet", 10, 1), dst("convnet", 5, 2);
  const std::string path = file("adma_weights_classes.safetensors");
  save_checkpoint(path, src.g.state_dict());
  const auto fresh = dst.values();
  const auto rep = models::load_weights(dst.g, path, dense());
  EXPECT_EQ(rep.replaced, (std::vector<std::string>{"dense.weight", "dense.bias"}));
  EXPECT_NE(rep.message.find("the file's classifier has 10 classes, the model 5: dense.weight, dense.bias keep their "
                             "fresh initialisation"),
            std::string::npos)
      << rep.message;
  const auto got = dst.values(), want = src.values();
  for (const auto& [name, v] : got)
    EXPECT_EQ(v, name.rfind("dense.", 0) == 0 ? fresh.at(name) : want.at(name)) << name;
  // Not wanted: the same file is then a mismatch naming the classifier.
  Net strict("convnet", 5, 3);
  models::WeightsOptions o = dense();
  o.replace_classifier = false;
  EXPECT_NE(refusal(strict.g, path, o).find("'dense.weight' is [5, 1152] in the model but [10, 1152] in the file"),
            std::string::npos);
}

TEST(LoadWeights, MismatchesAreNamedAndChangeNothing) {
  Net src("convnet", 10, 1);
  const std::string path = file("adma_weights_mismatch.safetensors");
  save_checkpoint(path, src.g.state_dict());
  {  // a shape
    Net dst("convnet:filters=16/64/128", 10, 2);
    const auto before = dst.values();
    EXPECT_NE(refusal(dst.g, path, dense()).find("do not fit the model: 'block1.conv1.weight' is [16, 1, 3, 3] in the "
                                                 "model but [32, 1, 3, 3] in the file"),
              std::string::npos);
    EXPECT_EQ(dst.values(), before);
  }
  {  // the classifier's input features are not a class count
    Net dst("convnet:pool=3,filters=32/64/128", 10, 2);
    EXPECT_NE(refusal(dst.g, path, dense()).find("'dense.weight' is [10, 128] in the model but [10, 1152]"),
              std::string::npos);
  }
  {  // a tensor the file lacks
    Net dst("convnet", 10, 2);
    Net nobn("convnet:batchnorm=false", 10, 1);
    const std::string p2 = file("adma_weights_nobn.safetensors");
    save_checkpoint(p2, nobn.g.state_dict());
    EXPECT_NE(refusal(dst.g, p2, dense()).find("'block1.bn1.gamma' [32] is not in the file"), std::string::npos);
    // ... and one the model lacks
    const std::string why = refusal(nobn.g, path, dense());
    EXPECT_NE(why.find("the file has 'block1.bn1.gamma' [32], which the model does not"), std::string::npos) << why;
  }
}

TEST(LoadWeights, NumBatchesTrackedIsIgnoredOnlyBesideABatchNorm) {
  Net src("convnet", 10, 1), dst("convnet", 10, 2);
  std::vector<NamedTensor> with = src.g.state_dict();
  with.push_back({"block1.bn1.num_batches_tracked", Tensor::from_host({7}, Shape{1}, DType::I32, Device::cpu()), {}});
  const std::string path = file("adma_weights_nbt.safetensors");
  save_checkpoint(path, with);
  const auto rep = models::load_weights(dst.g, path, dense());
  EXPECT_EQ(rep.ignored, (std::vector<std::string>{"block1.bn1.num_batches_tracked"}));
  EXPECT_NE(rep.message.find("ignored 1 BatchNorm num_batches_tracked counters"), std::string::npos);
  EXPECT_EQ(dst.values(), src.values());
  with.back().name = "dense.num_batches_tracked";  // no BatchNorm there: an unknown tensor
  save_checkpoint(path, with);
  EXPECT_NE(refusal(dst.g, path, dense()).find("the file has 'dense.num_batches_tracked'"), std::string::npos);
}

}  // namespace
}  // namespace adma::test
