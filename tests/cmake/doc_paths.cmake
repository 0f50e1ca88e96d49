# cmake -DROOT=<source dir> -P doc_paths.cmake
# Every path of this repository that the README or a page of docs/ names exists: a
# file, a folder, or a pattern ("kernels/*/softmax_loss.*", "layers/relu.{h,cpp}",
# "tests/fuzz/fuzz_<name>.cpp") that
# matches at least one. A path is any word that starts with a top-level folder of the
# tree and a slash; build outputs (build/...) and run folders (runs/...) are not in the tree
# and are not checked.
cmake_minimum_required(VERSION 3.16)

set(TOP core kernels layers losses optim data models parallel apps tests benchmarks docs scripts cmake)
list(JOIN TOP "|" top)
file(GLOB pages "${ROOT}/docs/*.md")
list(APPEND pages "${ROOT}/README.md")
set(bad "")
set(checked 0)
foreach(page IN LISTS pages)
  file(READ "${page}" text)
  # '[', ']' and ';' would confuse CMake's lists (a markdown link is "[a](b)"); none is part of a path.
  string(REGEX REPLACE "[][;]" " " text "${text}")
  # A path never follows a letter, digit, '_', '.', '/', '-' or ':' (so URLs and
  # namespaces such as github.com/x/core/... or adma::optim/ are left alone).
  string(REGEX MATCHALL "(^|[^A-Za-z0-9_./:-])(${top})/[A-Za-z0-9_./*{},<>-]*" found "${text}")
  file(RELATIVE_PATH rel_page "${ROOT}" "${page}")
  foreach(m IN LISTS found)
    string(REGEX REPLACE "^[^A-Za-z]" "" path "${m}")
    string(REGEX REPLACE "[.,]+$" "" path "${path}")  # sentence punctuation
    string(REGEX REPLACE "\\{[^}]*\\}" "*" pattern "${path}")   # X.{h,cpp}
    string(REGEX REPLACE "<[^>]*>" "*" pattern "${pattern}")       # fuzz_<name>.cpp
    math(EXPR checked "${checked} + 1")
    if(pattern MATCHES "\\*")
      file(GLOB hits "${ROOT}/${pattern}")
      if(NOT hits)
        string(APPEND bad "\n  ${rel_page}: ${path} (no file matches)")
      endif()
    elseif(NOT EXISTS "${ROOT}/${pattern}")
      string(APPEND bad "\n  ${rel_page}: ${path}")
    endif()
  endforeach()
endforeach()
if(bad)
  message(FATAL_ERROR "the docs name paths that do not exist:${bad}")
endif()
message(STATUS "${checked} repository paths named in README.md and docs/*.md all exist")
