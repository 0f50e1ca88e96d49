# Shared by scripts/test, scripts/demo and scripts/gpu-check: install missing
# Debian packages (as root), put nvcc on PATH, configure and build into build/.
# Sourced, not run.

ADMA_PACKAGES=(build-essential cmake ninja-build pkg-config libgtest-dev libopenblas-dev
               zlib1g-dev nlohmann-json3-dev libcli11-dev libjpeg-dev libpng-dev libsleef-dev
               libdnnl-dev dataset-fashion-mnist gnuplot-nox
               libopenmpi-dev openmpi-bin)  # MPI: data-parallel training on CPUs and its two-process test
# Used when present, never required: matio reads SVHN's .mat files (without it
# the build works and the SVHN reader says what to install).
ADMA_OPTIONAL_PACKAGES=(libmatio-dev)
# What the tests labelled `torch` compare with (tests/torch/compare_models.py, PyTorch 1.13
# CPU in Debian's /usr/bin/python3): installed by scripts/test only, best effort; without
# them those tests skip, saying so, unless ADMA_REQUIRE_TORCH=1 makes that a failure.
# slurm-wlm and munge: the one-node cluster of scripts/slurm-check (ctest label `slurm`,
# which skips without them unless ADMA_REQUIRE_SLURM=1, as .ci/run sets it).
ADMA_TEST_PACKAGES=(python3-torch python3-torchvision slurm-wlm munge)

adma_install_packages() {
  local want=("${ADMA_PACKAGES[@]}" "$@") missing=()
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "adma: missing packages ${missing[*]} and no apt-get to install them" >&2
    return 1
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "adma: run as root to install: ${missing[*]}" >&2; return 1; }
    sudo="sudo"
  fi
  echo "adma: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Best effort: installs what it can of ADMA_OPTIONAL_PACKAGES, never fails.
adma_install_optional_packages() {
  local p saved=("${ADMA_PACKAGES[@]}")
  ADMA_PACKAGES=()
  for p in "${ADMA_OPTIONAL_PACKAGES[@]}"; do
    adma_install_packages "$p" 2>/dev/null || echo "adma: optional package $p not installed (its features stay off)"
  done
  ADMA_PACKAGES=("${saved[@]}")
  return 0
}

# Best effort: the packages the `torch` tests need; never fails.
adma_install_test_packages() {
  local p saved=("${ADMA_PACKAGES[@]}")
  ADMA_PACKAGES=()
  for p in "${ADMA_TEST_PACKAGES[@]}"; do
    adma_install_packages "$p" 2>/dev/null || echo "adma: test package $p not installed (the tests that need it will skip)"
  done
  ADMA_PACKAGES=("${saved[@]}")
  return 0
}

adma_cuda_path() {
  if ! command -v nvcc >/dev/null 2>&1 && [ -x /usr/local/cuda/bin/nvcc ]; then
    export PATH=/usr/local/cuda/bin:$PATH
  fi
}

# adma_build [extra cmake args...]: configure (Ninja when present) and build everything into build/.
adma_build() {
  local gen=()
  command -v ninja >/dev/null 2>&1 && gen=(-G Ninja)
  if [ -f build/CMakeCache.txt ] && [ ${#gen[@]} -gt 0 ] && ! grep -q "CMAKE_GENERATOR:INTERNAL=Ninja" build/CMakeCache.txt; then
    gen=()  # keep the generator an existing build/ was made with
  fi
  cmake -S . -B build "${gen[@]}" -DCMAKE_BUILD_TYPE=Release "$@"
  cmake --build build -j "$(nproc)"
}
