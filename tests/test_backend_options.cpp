// The backend options (core/backend_options.h): every ADMA_CPU_* / ADMA_CUDNN_* / ADMA_FUSED_* / ADMA_FOLD_* variable
// read into its field, the defaults when unset or empty, and a bad value refused with
// the variable's name and what it accepts. Each case sets the environment, reads it
// with BackendOptions::from_environment(), and puts the environment back.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include "core/backend_options.h"
#include "core/context.h"
#include "core/error.h"

namespace adma::test {
namespace {

const char* const kNames[] = {"ADMA_CPU_REFERENCE", "ADMA_CPU_ISA", "ADMA_CPU_CONV", "ADMA_CPU_WINOGRAD",
                              "ADMA_CPU_CONV_CHUNK", "ADMA_CUDNN_DETERMINISTIC", "ADMA_FUSED_ELU_BN",
                              "ADMA_FOLD_BN"};

// Sets the given variables (and unsets the others) for the scope, then restores them all.
class Environment {
 public:
  explicit Environment(const std::map<std::string, std::string>& set) {
    for (const char* n : kNames) {
      const char* v = std::getenv(n);
      saved_[n] = v ? std::optional<std::string>(v) : std::nullopt;
      ::unsetenv(n);
    }
    for (const auto& [n, v] : set) ::setenv(n.c_str(), v.c_str(), 1);
  }
  ~Environment() {
    for (const auto& [n, v] : saved_) v ? (void)::setenv(n.c_str(), v->c_str(), 1) : (void)::unsetenv(n.c_str());
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

std::string error_of(const std::map<std::string, std::string>& set) {
  Environment env(set);
  try {
    BackendOptions::from_environment();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(BackendOptions, DefaultsWhenUnsetOrEmpty) {
  for (const bool empty : {false, true}) {
    std::map<std::string, std::string> set;
    if (empty)
      for (const char* n : kNames) set[n] = "";
    Environment env(set);
    const BackendOptions o = BackendOptions::from_environment();
    EXPECT_FALSE(o.cpu_reference);
    EXPECT_EQ(o.isa_cap, VectorIsa::Avx512);
    EXPECT_EQ(o.conv, CpuConvEngine::OneDnn);
    EXPECT_TRUE(o.winograd);
    EXPECT_EQ(o.conv_chunk, 32);
    EXPECT_FALSE(o.fused_elu_bn);  // the unfused layers stay the default
    EXPECT_TRUE(o.fold_bn);        // folding at evaluation is exact (tests/test_batchnorm_fold.cpp)
  }
}

TEST(BackendOptions, ReadsEveryVariable) {
  Environment env({{"ADMA_CPU_REFERENCE", "1"},
                   {"ADMA_CPU_ISA", "avx2"},
                   {"ADMA_CPU_CONV", "own"},
                   {"ADMA_CPU_WINOGRAD", "0"},
                   {"ADMA_CPU_CONV_CHUNK", "1000"},
                   {"ADMA_CUDNN_DETERMINISTIC", "0"},
                   {"ADMA_FUSED_ELU_BN", "1"},
                   {"ADMA_FOLD_BN", "0"}});
  const BackendOptions o = BackendOptions::from_environment();
  EXPECT_TRUE(o.cpu_reference);
  EXPECT_EQ(o.isa_cap, VectorIsa::Avx2);
  EXPECT_EQ(o.conv, CpuConvEngine::Own);
  EXPECT_FALSE(o.winograd);
  EXPECT_EQ(o.conv_chunk, 1000);
  EXPECT_FALSE(o.cudnn_deterministic);
  EXPECT_TRUE(o.fused_elu_bn);
  EXPECT_FALSE(o.fold_bn);
  const auto lines = o.describe();
  ASSERT_EQ(lines.size(), 8u);
  EXPECT_EQ(lines[0].rfind("ADMA_CPU_REFERENCE=1 ", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind("ADMA_CPU_ISA=avx2 ", 0), 0u) << lines[1];
  EXPECT_EQ(lines[2].rfind("ADMA_CPU_CONV=own ", 0), 0u) << lines[2];
  EXPECT_EQ(lines[3].rfind("ADMA_CPU_WINOGRAD=0 ", 0), 0u) << lines[3];
  EXPECT_EQ(lines[4].rfind("ADMA_CPU_CONV_CHUNK=1000 ", 0), 0u) << lines[4];
  EXPECT_EQ(lines[5].rfind("ADMA_CUDNN_DETERMINISTIC=0 ", 0), 0u) << lines[5];
  EXPECT_EQ(lines[6].rfind("ADMA_FUSED_ELU_BN=1 ", 0), 0u) << lines[6];
  EXPECT_EQ(lines[7].rfind("ADMA_FOLD_BN=0 ", 0), 0u) << lines[7];
}

TEST(BackendOptions, RefusesBadValuesByName) {
  EXPECT_NE(error_of({{"ADMA_CPU_ISA", "avx9"}}).find("ADMA_CPU_ISA=avx9: expected avx512, avx2 or scalar"),
            std::string::npos);
  EXPECT_NE(error_of({{"ADMA_CPU_CONV", "mkl"}}).find("ADMA_CPU_CONV=mkl: expected onednn"), std::string::npos);
  EXPECT_NE(error_of({{"ADMA_CPU_CONV_CHUNK", "0"}}).find("ADMA_CPU_CONV_CHUNK=0: expected a whole number"),
            std::string::npos);
  EXPECT_NE(error_of({{"ADMA_CPU_CONV_CHUNK", "8x"}}).find("ADMA_CPU_CONV_CHUNK=8x"), std::string::npos);
  for (const char* n : {"ADMA_CPU_REFERENCE", "ADMA_CPU_WINOGRAD", "ADMA_CUDNN_DETERMINISTIC", "ADMA_FUSED_ELU_BN",
                        "ADMA_FOLD_BN"})
    EXPECT_NE(error_of({{n, "yes"}}).find(std::string(n) + "=yes: expected 0 or 1"), std::string::npos) << n;
}

// The CPU context's backend is the one field the dispatch reads; a CUDA context's is Cuda.
TEST(BackendOptions, CpuContextStartsOnTheOptionsBackend) {
  const Backend want = backend_options().cpu_reference ? Backend::CpuReference : Backend::CpuFast;
  EXPECT_EQ(Context::cpu().backend, want) << backend_name(Context::cpu().backend);
}

}  // namespace
}  // namespace adma::test
