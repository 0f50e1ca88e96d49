# fashion_subset SRC DST TRAIN TEST: the first TRAIN training and TEST test images of
# Fashion-MNIST (IDX files in SRC, .gz or plain; Debian's dataset-fashion-mnist) as a
# smaller IDX dataset in DST, for checks that train several runs in seconds
# (`adma train --dataset fashion-mnist --data-dir DST`). Sourced, not run.

# _idx_subset SRC_FILE DST_FILE N: the IDX file with its first N items (the count in
# its header rewritten, the item size read from the header's dimensions).
_idx_subset() {
  local src=$1 dst=$2 n=$3 cat=cat
  case "$src" in *.gz) cat="gzip -dc" ;; esac
  local header dims item=1 d hdr
  header=$($cat "$src" | head -c 4 | od -An -tu1 | tr -s ' ')
  dims=$(echo "$header" | awk '{print $4}')
  hdr=$((4 + 4 * dims))
  local words
  words=$($cat "$src" | head -c "$hdr" | od -An -tu1 -v | tr -s ' \n' ' ')
  # item size: the product of the dimensions after the count
  for ((d = 2; d <= dims; d++)); do
    set -- $words
    shift $((4 + 4 * (d - 1)))
    item=$((item * ($1 * 16777216 + $2 * 65536 + $3 * 256 + $4)))
  done
  {
    $cat "$src" | head -c 4
    printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((n >> 24 & 255)) $((n >> 16 & 255)) $((n >> 8 & 255)) $((n & 255)))"
    $cat "$src" | head -c "$hdr" | tail -c +9
    { $cat "$src" || true; } | tail -c +$((hdr + 1)) | head -c $((n * item))
  } > "$dst"
  [ "$(stat -c %s "$dst")" -eq $((hdr + n * item)) ] ||
    { echo "fashion_subset: $src holds fewer than $n items" >&2; return 1; }
}

fashion_subset() {
  local src=$1 dst=$2 train=$3 test=$4 f
  mkdir -p "$dst"
  for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    local n=$train in="$src/$f.gz"
    [[ $f == t10k* ]] && n=$test
    [ -f "$in" ] || in="$src/$f"
    [ -f "$in" ] || { echo "fashion_subset: no $src/$f(.gz) (apt-get install dataset-fashion-mnist)" >&2; return 1; }
    _idx_subset "$in" "$dst/$f" "$n" || return 1
  done
}
