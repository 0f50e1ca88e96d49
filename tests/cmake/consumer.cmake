# cmake -DADMA_SOURCE=<adma source> -DADMA_BUILD=<adma build dir> -DWORK=<scratch dir>
#       [-DLAUNCHER=ccache] [-DCXX_FLAGS=...] [-DLINKER_FLAGS=...] -P consumer.cmake
# CXX_FLAGS/LINKER_FLAGS are the adma build's own (the asan preset's sanitizers: an
# instrumented libadma.a links only into an instrumented program).
# Builds tests/consumer/ against adma both ways a CMake project can take it:
#   1. find_package(adma) from a prefix that `cmake --install` filled from the
#      already-built ADMA_BUILD (no rebuild of the library);
#   2. add_subdirectory(adma), CPU-only (the library compiles again, through ccache
#      when there is one).
# Each consumer binary must print the worked example's loss and the dataset registry's size.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "failed (${rc}): ${cmd}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()
function(expect_loss exe)
  run(${exe})
  if(NOT last_output MATCHES "adma loss 0\\.7404499736" OR NOT last_output MATCHES "10 datasets, first mnist")
    message(FATAL_ERROR "${exe} printed: ${last_output}")
  endif()
endfunction()

file(REMOVE_RECURSE "${WORK}")
set(gen "")
if(CMAKE_GENERATOR)
  set(gen -G "${CMAKE_GENERATOR}")
endif()
set(launch "")
if(LAUNCHER)
  set(launch -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER})
endif()

set(flags "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}")

# 1. find_package
run(${CMAKE_COMMAND} --install "${ADMA_BUILD}" --prefix "${WORK}/prefix")
# Only public headers are installed, and each includes only installed ones: no backend's
# own header (kernels/cpu/, kernels/cpu_fast/, kernels/cuda/) and no CUDA-side one.
set(inc "${WORK}/prefix/include/adma")
file(GLOB_RECURSE installed RELATIVE "${inc}" "${inc}/*")
set(bad "")
foreach(h IN LISTS installed)
  if(h MATCHES "^kernels/(cpu|cpu_fast|cuda)/|^core/cuda/check\\.h$")
    string(APPEND bad "\n  ${h} is installed (a backend's own header)")
  endif()
  file(STRINGS "${inc}/${h}" includes REGEX "^#include \"")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^#include \"([^\"]+)\".*" "\\1" target "${line}")
    if(NOT EXISTS "${inc}/${target}")
      string(APPEND bad "\n  ${h} includes ${target}, which is not installed")
    endif()
  endforeach()
endforeach()
list(LENGTH installed n)
if(n EQUAL 0 OR bad)
  message(FATAL_ERROR "the installed headers (${n} under ${inc}):${bad}")
endif()
# The export names targets, not paths of this machine (a relocatable package).
file(GLOB exports "${WORK}/prefix/lib*/cmake/adma/adma-targets*.cmake")
foreach(f IN LISTS exports)
  file(STRINGS "${f}" links REGEX "INTERFACE_LINK_LIBRARIES")
  if(links MATCHES "(^|[;\"<>])/[^;\"]*\\.(so|a)")
    message(FATAL_ERROR "${f} links a library by path: ${links}")
  endif()
endforeach()
message(STATUS "${n} public headers installed, each including only installed ones; the export links targets")
run(${CMAKE_COMMAND} -S "${ADMA_SOURCE}/tests/consumer" -B "${WORK}/by-package" -DCMAKE_BUILD_TYPE=Release
    "-DCMAKE_PREFIX_PATH=${WORK}/prefix" ${launch} ${flags})
run(${CMAKE_COMMAND} --build "${WORK}/by-package" -j 2)
expect_loss("${WORK}/by-package/consumer")
message(STATUS "find_package(adma): built and ran")

# 2. add_subdirectory
run(${CMAKE_COMMAND} -S "${ADMA_SOURCE}/tests/consumer" -B "${WORK}/by-subdirectory" -DCMAKE_BUILD_TYPE=Release
    "-DADMA_SOURCE_DIR=${ADMA_SOURCE}" -DADMA_CUDA=OFF ${launch} ${flags})
run(${CMAKE_COMMAND} --build "${WORK}/by-subdirectory" -j 2)
expect_loss("${WORK}/by-subdirectory/consumer")
message(STATUS "add_subdirectory(adma): built and ran")
