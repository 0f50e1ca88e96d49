#!/usr/bin/env bash
# busy_machine_bench.sh LABEL ADMA DATA_DIR: wall seconds of a small `adma train` alone,
# two at once, beside `yes > /dev/null`, and `adma experiment --jobs 1` / `--jobs 2`
# (docs/performance.md, "A shared machine"). DATA_DIR: a Fashion-MNIST-shaped folder.
set -u
label=$1 A=$2 D=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
run() { "$A" train --dataset fashion-mnist --data-dir "$D" --device cpu --epochs 1 --batch 32 --augment none --seed 3 --out "$1" >/dev/null 2>&1; }
ex() { "$A" experiment --table 1 --losses adma,cce --iterations 1 --epochs 1 --data-dir "$D" --augment none --batch 32 --devices cpu --jobs "$1" --out "$2" >/dev/null 2>&1; }
t() { local s; s=$(date +%s.%N); "$@"; echo "$(date +%s.%N) - $s" | bc; }
alone=$(t run o1)
(t run o2 >t2a) & (t run o3 >t2b) & wait
yes >/dev/null & Y=$!
beside=$(t run o4)
kill $Y
j1=$(t ex 1 e1)
j2=$(t ex 2 e2)
echo "$label alone=$alone two_at_once=$(cat t2a),$(cat t2b) beside_yes=$beside exp_jobs1=$j1 exp_jobs2=$j2 load=$(cut -d' ' -f1 /proc/loadavg)"
