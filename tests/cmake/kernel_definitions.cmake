# cmake -DROOT=<source dir> -P kernel_definitions.cmake
# The kernel-family convention (docs/engine.md): every function a family header
# (kernels/*.h) declares in its `cpu` or `cuda` namespace is defined by a qualified
# definition at column 0 of a backend file,
#   void cpu::elu_forward(Context& ctx, const EluSetup& s, const Tensor& x, Tensor& y) { ... }
# in kernels/cpu/, and `void cuda::elu_forward(...)` in kernels/cuda/, so that
# `grep -rn "cpu::elu_forward\|cuda::elu_forward"` finds both, and the compiler
# refuses a definition that no longer matches its declaration.
cmake_minimum_required(VERSION 3.16)  # policies for if(IN_LIST) and list(FILTER) with empty lines

# The lines of a file as a CMake list. file(STRINGS) would join lines around an
# unbalanced '[' (a CMake list quirk) and lose declarations, so brackets and ';'
# are replaced first; none of them matters to the patterns below.
function(read_lines file out)
  file(READ "${file}" text)
  string(REGEX REPLACE "[][;]" "_" text "${text}")
  string(REPLACE "\n" ";" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

file(GLOB headers "${ROOT}/kernels/*.h")
set(names "")
foreach(h IN LISTS headers)
  read_lines("${h}" lines)
  set(inside OFF)
  foreach(line IN LISTS lines)
    set(text "")
    if(line MATCHES "^namespace (cpu|cuda) *\\{(.*)\\}")  # one-line block
      set(text "${CMAKE_MATCH_2}")
    elseif(line MATCHES "^namespace (cpu|cuda) *\\{")
      set(inside ON)
      continue()
    elseif(inside AND line MATCHES "^}")
      set(inside OFF)
      continue()
    elseif(inside)
      set(text "${line}")
    endif()
    string(STRIP "${text}" text)
    if(text MATCHES "^[A-Za-z_][A-Za-z0-9_:<>]*[ \t*&]+([A-Za-z_][A-Za-z0-9_]*)\\(")
      list(APPEND names "${CMAKE_MATCH_1}")
    endif()
  endforeach()
endforeach()
list(REMOVE_DUPLICATES names)
list(LENGTH names count)
if(count EQUAL 0)
  message(FATAL_ERROR "no cpu::/cuda:: kernel declarations found in ${ROOT}/kernels/*.h")
endif()

# Qualified definitions: a line at column 0 that starts with a return type and names
# cpu::NAME( or cuda::NAME( (calls are indented, so they do not count).
file(GLOB_RECURSE sources "${ROOT}/kernels/*.cpp" "${ROOT}/kernels/*.cu")
set(defined "")
foreach(f IN LISTS sources)
  read_lines("${f}" lines)
  list(FILTER lines INCLUDE REGEX "^[A-Za-z_][A-Za-z0-9_:<> \t*&]*[ \t*&](cpu|cuda)::[A-Za-z_][A-Za-z0-9_]*\\(")
  foreach(line IN LISTS lines)
    string(REGEX MATCH "(cpu|cuda)::[A-Za-z_][A-Za-z0-9_]*\\(" def "${line}")
    string(REPLACE "(" "" def "${def}")
    list(APPEND defined "${def}")
  endforeach()
endforeach()

set(missing "")
foreach(n IN LISTS names)
  foreach(backend cpu cuda)
    if(NOT "${backend}::${n}" IN_LIST defined)
      string(APPEND missing "\n  ${backend}::${n}")
    endif()
  endforeach()
endforeach()
if(missing)
  message(FATAL_ERROR "kernel functions declared in kernels/*.h without a qualified definition "
                      "(`void cpu::NAME(...) {` at column 0 of a file under kernels/):${missing}")
endif()
message(STATUS "${count} kernel functions, each with a qualified cpu:: and cuda:: definition")
