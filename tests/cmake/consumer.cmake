# cmake -DADMA_SOURCE=<adma source> -DADMA_BUILD=<adma build dir> -DWORK=<scratch dir>
#       [-DLAUNCHER=ccache] -P consumer.cmake
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

# 1. find_package
run(${CMAKE_COMMAND} --install "${ADMA_BUILD}" --prefix "${WORK}/prefix")
run(${CMAKE_COMMAND} -S "${ADMA_SOURCE}/tests/consumer" -B "${WORK}/by-package" -DCMAKE_BUILD_TYPE=Release
    "-DCMAKE_PREFIX_PATH=${WORK}/prefix" ${launch})
run(${CMAKE_COMMAND} --build "${WORK}/by-package" -j 2)
expect_loss("${WORK}/by-package/consumer")
message(STATUS "find_package(adma): built and ran")

# 2. add_subdirectory
run(${CMAKE_COMMAND} -S "${ADMA_SOURCE}/tests/consumer" -B "${WORK}/by-subdirectory" -DCMAKE_BUILD_TYPE=Release
    "-DADMA_SOURCE_DIR=${ADMA_SOURCE}" -DADMA_CUDA=OFF ${launch})
run(${CMAKE_COMMAND} --build "${WORK}/by-subdirectory" -j 2)
expect_loss("${WORK}/by-subdirectory/consumer")
message(STATUS "add_subdirectory(adma): built and ran")
