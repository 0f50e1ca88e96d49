# scripts/gpu-check --quick: the short check for a lent GPU machine (about 15 minutes of
# device time in all, so this must stay under 8 to leave time for a rerun). Sourced by
# scripts/gpu-check from the repository root; DRY=1 (--dry-run) prints each step and
# its time limit instead of running it, so the plan and the data checks can be tried on
# a machine without a GPU. Steps, each bounded by `timeout`:
#   configure (Ninja, sm_90) + build on every core         300 s
#   ctest -L gpu with ADMA_REQUIRE_CUDA=1 (none may skip)   200 s
#   compute-sanitizer memcheck on the new kernels' tests  2 x 90 s
#   step_bench: nodes per captured step, cuDNN vs fused     150 s
#   loss_bench                                               90 s
#   eval_bench: ResNet-34's eval step, batch norm folded or not  90 s
#   benchmarks/pytorch/step_bench.py (torch with CUDA only)  120 s
#   adma train --profile, one short epoch per ELU+BN path    2 x 60 s (Fashion-MNIST files only)
#   runs packed on the GPU: 1, 2, 4, 8 trainings at once     4 x 40 s (Fashion-MNIST files only)
# and ONE summary table last. Data: the tests write their own; the training rows need
# Fashion-MNIST's four .gz files in .gpu-data/fashion-mnist (an ignored folder the device
# tool carries when named in `carry`) or /usr/share/datasets/fashion-mnist; without them
# those rows say so and the check goes on.

quick_rows=()
quick_fail=0
quick_row() { quick_rows+=("$(printf '| %-44s | %s |' "$1" "$2")"); }

# run_step NAME SECONDS LOG CMD...: runs CMD (stdout and stderr to LOG) under a time
# limit; returns its status (124: timed out). Under DRY=1 prints what it would run.
run_step() {
  local name=$1 secs=$2 log=$3
  shift 3
  if [ "${DRY:-0}" = 1 ]; then
    printf '[dry-run] %-40s (limit %3d s) %s > %s\n' "$name" "$secs" "$*" "$log"
    return 0
  fi
  local t=$SECONDS
  timeout "$secs" "$@" >"$log" 2>&1
  local rc=$?
  echo "== $name: rc $rc in $((SECONDS - t)) s (log $log)"
  return $rc
}

# The cuda-graph row of step_bench's table for BATCH, MATH (fp32|tf32) and ELU+BN path
# (cudnn|fused): "1.234 ms, 71 kernels, 3 memsets, 0 memcpys", or "missing".
step_bench_row() {
  local log=$1 batch=$2 math=$3 path=$4
  awk -F'|' -v b="$batch" -v m="$math" -v p="$path" '
    { for (i = 1; i <= NF; ++i) gsub(/^ +| +$/, "", $i) }
    $2 == b && $3 == m && $4 == p && $5 == "cuda graph" {
      printf "%s ms, %s kernels, %s memsets, %s memcpys", $6, $8, $9, $10; found = 1; exit
    }
    END { if (!found) printf "missing" }' "$log" 2>/dev/null || printf 'missing'
}

# The folder holding Fashion-MNIST's four .gz files, or nothing. ADMA_FASHION_MNIST_DIRS
# (space-separated) replaces the places looked in (a test of the missing-data path).
fashion_mnist_dir() {
  local d
  for d in ${ADMA_FASHION_MNIST_DIRS:-.gpu-data/fashion-mnist /usr/share/datasets/fashion-mnist}; do
    if [ -f "$d/train-images-idx3-ubyte.gz" ] && [ -f "$d/train-labels-idx1-ubyte.gz" ] &&
       [ -f "$d/t10k-images-idx3-ubyte.gz" ] && [ -f "$d/t10k-labels-idx1-ubyte.gz" ]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

# pack_rate BIN DEVICE DATA N LOG: N `adma train` runs at once on DEVICE (two epochs of
# 12800 images each, the paper recipe otherwise); prints "aggregate epoch-2 images/s, the
# slowest run's" (epoch 2: the start-up, cuDNN's algorithm search and the graph capture
# are in epoch 1), or returns non-zero. The logs stay in LOG/pack-N/. Each run has its own
# time limit (PACK_LIMIT, 40 s), so none outlives the step on the GPU.
pack_rate() {
  local bin=$1 device=$2 data=$3 n=$4 dir=$5/pack-$4 k pids=() rc=0
  rm -rf "$dir" && mkdir -p "$dir"
  for k in $(seq 1 "$n"); do
    timeout "${PACK_LIMIT:-40}" "$bin/adma" train --dataset fashion-mnist --data-dir "$data" --device "$device" --epochs 2 \
      --train-limit 12800 --seed "$k" --out "$dir/run$k" >"$dir/run$k.log" 2>&1 &
    pids+=($!)
  done
  for k in "${pids[@]}"; do wait "$k" || rc=1; done
  [ "$rc" = 0 ] || return 1
  cat "$dir"/run*.log | awk '/^epoch 2\/2:/ { r = $(NF - 1) + 0; sum += r; if (min == "" || r < min) min = r; n++ }
    END { if (n == 0) exit 1; printf "%.0f img/s in all, slowest run %.0f\n", sum, min }' "n=$n"
}

gpu_check_quick() {
  local LOG=$1 NINJA=$2 PY=$3 t0=$SECONDS BUILD=build
  # A build/ made with another generator cannot be reconfigured with Ninja: use its own folder.
  if [ -f build/CMakeCache.txt ] && ! grep -q "CMAKE_GENERATOR:INTERNAL=Ninja" build/CMakeCache.txt; then
    BUILD=build-gpu-quick
  fi
  echo "== gpu-check --quick on $(hostname) at $(date -u +%FT%TZ), logs in $LOG, build in $BUILD"
  if [ "${DRY:-0}" != 1 ]; then
    if command -v nvidia-smi >/dev/null 2>&1; then
      nvidia-smi --query-gpu=index,name,driver_version,memory.total,compute_cap --format=csv 2>&1 | tee "$LOG/nvidia-smi.log"
    else
      echo "nvidia-smi: not found"
    fi
  fi

  local tb=$SECONDS
  if run_step "configure (Ninja, sm_90)" 120 "$LOG/configure.log" \
       cmake -S . -B "$BUILD" -G Ninja -DCMAKE_MAKE_PROGRAM="$NINJA" -DCMAKE_BUILD_TYPE=Release -DADMA_CUDA=ON \
       -DCMAKE_CUDA_ARCHITECTURES=90 &&
     run_step "build (all cores)" 300 "$LOG/build.log" cmake --build "$BUILD" -j "$(nproc)"; then
    quick_row "build (sm_90, Ninja, $(nproc) cores)" "$([ "${DRY:-0}" = 1 ] && echo "dry run" || echo "ok in $((SECONDS - tb)) s")"
  else
    quick_row "build (sm_90, Ninja, $(nproc) cores)" "FAILED (see build.log)"
    tail -40 "$LOG/build.log"
    printf '\n== gpu-check --quick summary ==\n| step | result |\n|---|---|\n'
    printf '%s\n' "${quick_rows[@]}"
    return 1
  fi
  local bin=$BUILD/bin

  if run_step "adma devices" 30 "$LOG/devices.log" "$bin/adma" devices; then
    local dev
    dev=$(grep -m1 -E '^cuda:0:' "$LOG/devices.log" 2>/dev/null | cut -c8- | cut -d, -f1-2)
    quick_row "device" "$([ "${DRY:-0}" = 1 ] && echo "dry run" || echo "${dev:-NO cuda:0 (see devices.log)}")"
    [ "${DRY:-0}" = 1 ] || [ -n "$dev" ] || quick_fail=1
  else
    quick_row "device" "adma devices FAILED"; quick_fail=1
  fi

  # Every gpu-labelled test, none allowed to skip (ADMA_REQUIRE_CUDA=1 fails a skip).
  ADMA_REQUIRE_CUDA=1 run_step "ctest -L gpu" 200 "$LOG/ctest-gpu.log" \
    ctest --test-dir "$BUILD" -L gpu -j 4 --timeout 120 --output-on-failure
  local rc=$?
  if [ "${DRY:-0}" = 1 ]; then
    quick_row "ctest -L gpu (ADMA_REQUIRE_CUDA=1)" "dry run"
  else
    local passed skipped
    passed=$(grep -oE '[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$LOG/ctest-gpu.log" | tail -1)
    skipped=$(grep -cE '\*\*\*Skipped|Not Run' "$LOG/ctest-gpu.log")
    quick_row "ctest -L gpu (ADMA_REQUIRE_CUDA=1)" "${passed:-no summary} (rc $rc, ${skipped} skipped)"
    [ "$rc" -ne 0 ] || [ "$skipped" -ne 0 ] && { quick_fail=1; grep -E "Failed|\*\*\*" "$LOG/ctest-gpu.log" | head -20; }
  fi

  # memcheck on the tests of the kernels this change added (the fused ELU + batch norm,
  # the graph-node count); the whole-network tests stay out (cuDNN's searches are slow under it).
  local SAN filter='*LayerGPU.CudaMatchesCpu/EluBatchNorm2d*:EluBatchNormFusionGPU.*:CapturedStepGPU.CountsTheKernelsOfTheCapturedStep:BatchNormFoldGPU.*'
  SAN=$(command -v compute-sanitizer || true)
  local c
  for c in /usr/local/cuda/bin/compute-sanitizer /usr/local/cuda/compute-sanitizer/compute-sanitizer; do
    [ -z "$SAN" ] && [ -x "$c" ] && SAN=$c
  done
  if [ -n "$SAN" ] || [ "${DRY:-0}" = 1 ]; then
    ADMA_REQUIRE_CUDA=1 run_step "memcheck (new kernels)" 90 "$LOG/memcheck-new-kernels.log" \
      "${SAN:-compute-sanitizer}" --tool memcheck --error-exitcode 99 "$bin/test_layers" --gtest_filter="$filter"
    rc=$?
    # The registers loss kernels too (every instance once, unaligned rows, bf16), into the
    # same log's second half; the full sweeps of every loss stay out (about 800 calls).
    ADMA_REQUIRE_CUDA=1 run_step "memcheck (registers loss)" 90 "$LOG/memcheck-loss-registers.log" \
      "${SAN:-compute-sanitizer}" --tool memcheck --error-exitcode 99 "$bin/test_losses" --gtest_filter='LossRegistersGPU.ManyBlocks*:LossRegistersGPU.Unaligned*:LossRegistersGPU.Bf16Repeated*'
    local rc2=$?
    [ "$rc2" -ne 0 ] && rc=$rc2
    [ "${DRY:-0}" = 1 ] || cat "$LOG/memcheck-loss-registers.log" >>"$LOG/memcheck-new-kernels.log"
    if [ "${DRY:-0}" = 1 ]; then
      quick_row "memcheck (new kernels)" "dry run"
    else
      local errs ran
      errs=$(grep -oE 'ERROR SUMMARY: [0-9]+' "$LOG/memcheck-new-kernels.log" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
      ran=$(grep -oE '^\[==========\] [0-9]+ tests' "$LOG/memcheck-new-kernels.log" | head -1 | grep -oE '[0-9]+')
      if [ "${ran:-0}" -eq 0 ]; then
        quick_row "memcheck (new kernels)" "NO TEST matched (rc $rc)"; quick_fail=1
      elif [ "$rc" -ne 0 ] || [ "$errs" -ne 0 ]; then
        quick_row "memcheck (new kernels)" "$errs errors in $ran tests (rc $rc)"; quick_fail=1
      else
        quick_row "memcheck (new kernels)" "0 errors in $ran tests"
      fi
    fi
  else
    quick_row "memcheck (new kernels)" "compute-sanitizer NOT FOUND"; quick_fail=1
  fi

  # The step: nodes per captured step and time, with cuDNN's ELU and batch norm and fused.
  if run_step "step_bench" 150 "$LOG/step_bench.log" "$bin/step_bench" --reps 50 --json "$LOG/step_bench.json"; then
    local b m p
    for b in 64 512; do
      for m in fp32 tf32; do
        [ "$b" = 64 ] && [ "$m" = tf32 ] && continue
        for p in cudnn fused; do
          if [ "${DRY:-0}" = 1 ]; then
            quick_row "step_bench b$b $m $p (graph)" "dry run"
          else
            quick_row "step_bench b$b $m $p (graph)" "$(step_bench_row "$LOG/step_bench.log" "$b" "$m" "$p")"
          fi
        done
      done
    done
  else
    quick_row "step_bench" "FAILED (see step_bench.log)"; quick_fail=1
  fi

  if run_step "loss_bench" 90 "$LOG/loss_bench.log" "$bin/loss_bench" --json "$LOG/loss_bench.json"; then
    quick_row "loss_bench" "$([ "${DRY:-0}" = 1 ] && echo "dry run" || echo "ok (table above)")"
    # Its last line: % of copy bandwidth at [4096 x 32000] and us at [64 x 10], per version.
    [ "${DRY:-0}" = 1 ] || quick_row "loss_bench summary" \
      "$(sed -n 's/^summary: //p' "$LOG/loss_bench.log" | head -1 | grep . || echo "missing")"
  else
    quick_row "loss_bench" "FAILED (see loss_bench.log)"; quick_fail=1
  fi

  # Batch norm folded at evaluation: ResNet-34's captured eval step folded and not.
  if run_step "eval_bench (ResNet-34, folded or not)" 90 "$LOG/eval_bench.log" "$bin/eval_bench" --device cuda:0 \
       --batch 64 --reps 20; then
    [ "${DRY:-0}" = 1 ] && quick_row "eval_bench resnet34 b64" "dry run" ||
    quick_row "eval_bench resnet34 b64" "$(awk -F'|' '/^\| (own pass|folded) /{for (i = 2; i <= 5; ++i) gsub(/^ +| +$/, "", $i); printf "%s %s ms (%s); ", $2, $3, $5}' \
      "$LOG/eval_bench.log" 2>/dev/null)"
  else
    quick_row "eval_bench" "FAILED (see eval_bench.log)"; quick_fail=1
  fi

  if [ "${DRY:-0}" = 1 ] || { [ -n "$PY" ] && "$PY" -c "import torch; assert torch.cuda.is_available()" 2>/dev/null; }; then
    if PYTHONUNBUFFERED=1 run_step "pytorch step_bench" 120 "$LOG/torch_step.log" "${PY:-python3}" \
         benchmarks/pytorch/step_bench.py --reps 50; then
      [ "${DRY:-0}" = 1 ] && quick_row "pytorch step_bench b64 fp32 (graph)" "dry run" ||
      quick_row "pytorch step_bench b64 fp32 (graph)" \
        "$(awk -F'|' '$2+0 == 64 && $3 ~ /fp32/ && $4 ~ /graph/ {gsub(/ /, "", $5); print $5 " ms"; exit}' \
           "$LOG/torch_step.log" 2>/dev/null)"
    else
      quick_row "pytorch step_bench" "FAILED or timed out (see torch_step.log)"
    fi
  else
    quick_row "pytorch step_bench" "skipped: no python with CUDA torch"
  fi

  # adma train --profile: the nodes of the real training step (optimizer and metrics
  # included), once per ELU + batch norm path, on 6400 images for one epoch.
  local data
  if data=$(fashion_mnist_dir); then
    local fused
    for fused in 0 1; do
      ADMA_FUSED_ELU_BN=$fused run_step "adma train --profile (fused $fused)" 60 "$LOG/train-profile-$fused.log" \
        "$bin/adma" train --dataset fashion-mnist --data-dir "$data" --device cuda:0 --epochs 1 --train-limit 6400 \
        --profile --out "$LOG/train-profile-$fused"
      rc=$?
      if [ "${DRY:-0}" = 1 ]; then
        quick_row "train --profile, ADMA_FUSED_ELU_BN=$fused" "dry run (data: $data)"
      elif [ "$rc" -eq 0 ]; then
        quick_row "train --profile, ADMA_FUSED_ELU_BN=$fused" \
          "$(grep -m1 'profile: training step' "$LOG/train-profile-$fused.log" | sed 's/^profile: training step (CUDA graph): //')"
      else
        quick_row "train --profile, ADMA_FUSED_ELU_BN=$fused" "FAILED (rc $rc)"; quick_fail=1
      fi
    done
  else
    quick_row "train --profile" "skipped: no Fashion-MNIST .gz files (copy them into .gpu-data/fashion-mnist, carry it)"
  fi

  # Runs packed on one GPU (issue 18, item 4): N trainings of this small model at once;
  # the best aggregate N is what `adma experiment --jobs N --devices cuda:0` should use.
  if data=$(fashion_mnist_dir); then
    local n rate
    for n in 1 2 4 8; do
      if [ "${DRY:-0}" = 1 ]; then
        printf '[dry-run] %-40s (limit %3d s) pack_rate %s cuda:0 %s %s %s\n' "packed runs N=$n" 40 "$bin" "$data" "$n" "$LOG"
        quick_row "packed runs on cuda:0, N=$n" "dry run"
      elif rate=$(pack_rate "$bin" cuda:0 "$data" "$n" "$LOG"); then
        quick_row "packed runs on cuda:0, N=$n" "$rate"
      else
        quick_row "packed runs on cuda:0, N=$n" "FAILED or timed out (see $LOG/pack-$n/)"; quick_fail=1
        break
      fi
    done
  else
    quick_row "packed runs" "skipped: no Fashion-MNIST .gz files (copy them into .gpu-data/fashion-mnist, carry it)"
  fi

  if [ "${DRY:-0}" != 1 ]; then
    printf '\n-- step_bench (adma) --\n'; grep -E '^\|' "$LOG/step_bench.log" || tail -20 "$LOG/step_bench.log"
    printf '\n-- step_bench (pytorch) --\n'; grep -E '^\|' "$LOG/torch_step.log" 2>/dev/null || echo "(none)"
    printf '\n-- loss_bench --\n'; grep -E '^(\||device|summary)' "$LOG/loss_bench.log" || tail -20 "$LOG/loss_bench.log"
  fi
  quick_row "total time" "$((SECONDS - t0)) s"
  printf '\n== gpu-check --quick summary ==\n| step | result |\n|---|---|\n'
  printf '%s\n' "${quick_rows[@]}"
  return $quick_fail
}
