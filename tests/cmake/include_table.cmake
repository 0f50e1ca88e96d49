# cmake -DROOT=<source dir> -P include_table.cmake
# The layers of adma and which may include which: the rooms are folders (the longest
# matching prefix wins, so kernels/cpu/ is a room of its own inside kernels/), and each
# room lists the rooms it may include besides itself. Arrows point down only:
#   core  <-  losses  <-  kernels  <-  layers  <-  models
#                           ^   ^-- data <- optim <- apps (the program) ; benchmarks
# apps/ has rooms of its own (apps/README.md): common <- run <- experiment <- cli.
# Only the command front, apps/cli/, uses CLI11 (a system header, checked apart),
# and not in cli/parse.* (the CLI-free adma_cli library the fuzz targets link).
# The backend folders (kernels/cpu, kernels/cpu_fast, kernels/cuda) are private to
# kernels/: only they, the benchmarks and the tests include their headers.
# Tests are not checked (they reach into anything they test). The folder graph as it
# stands (include counts) is printed: ctest -V -R structure.includes_follow_the_layer_table
cmake_minimum_required(VERSION 3.16)

set(ROOMS core losses kernels kernels/cpu kernels/cpu_fast kernels/cuda layers data models optim parallel
          apps apps/common apps/run apps/experiment apps/cli apps/examples benchmarks)
set(LIBRARY core losses kernels layers data models optim parallel)
set(ALLOW_core "")
set(ALLOW_losses core)
set(ALLOW_kernels core losses)
set(ALLOW_kernels/cpu core losses kernels)
set(ALLOW_kernels/cpu_fast core losses kernels kernels/cpu)
set(ALLOW_kernels/cuda core losses kernels)
set(ALLOW_layers core losses kernels)
set(ALLOW_data core kernels)
set(ALLOW_models core losses kernels layers)
set(ALLOW_optim core kernels data parallel)
set(ALLOW_parallel core kernels)
# The program: the library's public headers, never a backend's.
set(ALLOW_apps ${LIBRARY})  # apps/ itself keeps no code: it is in the rooms below
set(ALLOW_apps/common ${LIBRARY})  # files, child processes, figures, text: what every room uses
set(ALLOW_apps/run ${LIBRARY} apps/common)  # the single-run driver knows no flags
set(ALLOW_apps/experiment ${LIBRARY} apps/common apps/run)  # many runs read run folders
set(ALLOW_apps/cli ${LIBRARY} apps/common apps/run apps/experiment)
set(ALLOW_apps/examples ${LIBRARY})  # written against the library alone
set(ALLOW_benchmarks ${LIBRARY} kernels/cpu kernels/cpu_fast kernels/cuda apps/common apps/run)

# The room of a repository path: the longest room that prefixes it ("" if none).
function(room_of path out)
  set(best "")
  foreach(r IN LISTS ROOMS)
    string(LENGTH "${r}" n)
    string(LENGTH "${best}" nb)
    string(FIND "${path}" "${r}/" at)
    if(at EQUAL 0 AND n GREATER nb)
      set(best "${r}")
    endif()
  endforeach()
  set(${out} "${best}" PARENT_SCOPE)
endfunction()

set(files "")
foreach(r IN LISTS ROOMS)
  file(GLOB found RELATIVE "${ROOT}" "${ROOT}/${r}/*.h" "${ROOT}/${r}/*.cpp" "${ROOT}/${r}/*.cu" "${ROOT}/${r}/*.cuh")
  list(APPEND files ${found})
endforeach()
list(REMOVE_DUPLICATES files)
list(LENGTH files count)
if(count LESS 50)
  message(FATAL_ERROR "only ${count} source files found under ${ROOT}: wrong ROOT?")
endif()

set(bad "")
set(arrows "")
foreach(f IN LISTS files)
  room_of("${f}" from)
  if(f MATCHES "^apps/" AND (NOT from STREQUAL "apps/cli" OR f MATCHES "/parse\\."))
    file(STRINGS "${ROOT}/${f}" cli11 REGEX "^[ \t]*#[ \t]*include[ \t]*<CLI/")
    if(cli11)
      string(APPEND bad "\n  ${f} (${from}/) includes CLI11: only the command front, apps/cli/, knows flags")
    endif()
  endif()
  file(STRINGS "${ROOT}/${f}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]*)\".*" "\\1" inc "${line}")
    if(NOT inc MATCHES "/")
      continue()  # a file beside it, or a generated one (adma_version.h)
    endif()
    room_of("${inc}" to)
    if(to STREQUAL "")
      string(APPEND bad "\n  ${f}: includes \"${inc}\", which is in no room of the table")
      continue()
    endif()
    if(to STREQUAL from)
      continue()
    endif()
    list(APPEND arrows "${from} -> ${to}")
    if(NOT to IN_LIST ALLOW_${from})
      string(APPEND bad "\n  ${f} (${from}/) includes \"${inc}\" (${to}/): ${from}/ may include only: ${ALLOW_${from}}")
    endif()
  endforeach()
endforeach()

# The folder graph: each arrow with how many includes make it.
list(SORT arrows)
set(graph "")
set(last "")
set(n 0)
foreach(a IN LISTS arrows ITEMS "")
  if(NOT a STREQUAL last AND NOT last STREQUAL "")
    string(APPEND graph "\n  ${last}  (${n})")
    set(n 0)
  endif()
  set(last "${a}")
  math(EXPR n "${n} + 1")
endforeach()
message(STATUS "folder-to-folder includes of ${count} files:${graph}")
if(bad)
  message(FATAL_ERROR "includes against the layer table (tests/cmake/include_table.cmake):${bad}")
endif()
