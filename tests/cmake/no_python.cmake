# Stands in for a test that needs PyTorch where no python3 was found at configure time:
# a skip that says so, or a failure under ADMA_REQUIRE_TORCH=1.
if("$ENV{ADMA_REQUIRE_TORCH}" STREQUAL "1")
  message(FATAL_ERROR "FAIL: no python3 with PyTorch (ADMA_REQUIRE_TORCH=1); install python3-torch python3-torchvision "
                      "and reconfigure, or set ADMA_TORCH_PYTHON")
endif()
message("SKIP: no python3 found at configure time (set ADMA_TORCH_PYTHON); PyTorch comparison not run")
