# cmake -DROOT=<source dir> -P kernel_definitions.cmake
# The kernel-family convention (docs/engine.md): a family header (kernels/*.h) declares
# each kernel in three namespaces, `cpu` (the reference), `cpu_fast` (the fast CPU
# backend) and `cuda`, and each declaration has a qualified definition at column 0 of
# a file in that backend's folder:
#   void cpu::elu_forward(...) { ... }        in kernels/cpu/
#   void cpu_fast::elu_forward(...) { ... }   in kernels/cpu_fast/
#   void cuda::elu_forward(...) { ... }       in kernels/cuda/
# so that grep finds every side and the compiler refuses a definition that no longer
# matches its declaration. A function the fast backend does not speed up is
# `using cpu::NAME;` inside `namespace cpu_fast { }` (the reference serves): that
# counts as its cpu_fast side, and needs no cpu_fast:: definition. Every kernel of a
# family has a cpu_fast side of one kind or the other, since ADMA_DISPATCH calls it.
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

set(backends cpu cpu_fast cuda)
foreach(b IN LISTS backends)
  set(declared_${b} "")
endforeach()
set(served_by_reference "")  # names with `using cpu::NAME;` in a cpu_fast block
set(bad_using "")
file(GLOB headers "${ROOT}/kernels/*.h")
foreach(h IN LISTS headers)
  read_lines("${h}" lines)
  set(inside "")
  foreach(line IN LISTS lines)
    set(text "")
    if(line MATCHES "^namespace (cpu|cpu_fast|cuda) *\\{(.*)\\}")  # one-line block
      set(block "${CMAKE_MATCH_1}")
      set(text "${CMAKE_MATCH_2}")
    elseif(line MATCHES "^namespace (cpu|cpu_fast|cuda) *\\{")
      set(inside "${CMAKE_MATCH_1}")
      continue()
    elseif(inside AND line MATCHES "^}")
      set(inside "")
      continue()
    elseif(inside)
      set(block "${inside}")
      set(text "${line}")
    endif()
    string(STRIP "${text}" text)
    if(text MATCHES "^[A-Za-z_][A-Za-z0-9_:<>]*[ \t*&]+([A-Za-z_][A-Za-z0-9_]*)\\(")
      list(APPEND declared_${block} "${CMAKE_MATCH_1}")
    elseif(text MATCHES "^using +([A-Za-z_:]*)::([A-Za-z_][A-Za-z0-9_]*) *_")  # ';' reads as '_'
      if(block STREQUAL "cpu_fast" AND CMAKE_MATCH_1 STREQUAL "cpu")
        list(APPEND served_by_reference "${CMAKE_MATCH_2}")
      else()
        string(APPEND bad_using "\n  ${text} (in namespace ${block} of ${h})")
      endif()
    endif()
  endforeach()
endforeach()
if(bad_using)
  message(FATAL_ERROR "a using-declaration in a family header's backend namespace may only say that the "
                      "reference serves the fast CPU backend (`using cpu::NAME;` in `namespace cpu_fast`):${bad_using}")
endif()
set(names ${declared_cpu} ${declared_cuda})
list(REMOVE_DUPLICATES names)
list(LENGTH names count)
if(count EQUAL 0)
  message(FATAL_ERROR "no cpu::/cuda:: kernel declarations found in ${ROOT}/kernels/*.h")
endif()

# Qualified definitions: a line at column 0 that starts with a return type and names
# BACKEND::NAME( (calls are indented, so they do not count), in the backend's folder.
foreach(b IN LISTS backends)
  set(defined_${b} "")
  file(GLOB_RECURSE sources "${ROOT}/kernels/${b}/*.cpp" "${ROOT}/kernels/${b}/*.cu")
  foreach(f IN LISTS sources)
    read_lines("${f}" lines)
    list(FILTER lines INCLUDE REGEX "^[A-Za-z_][A-Za-z0-9_:<> \t*&]*[ \t*&]${b}::[A-Za-z_][A-Za-z0-9_]*\\(")
    foreach(line IN LISTS lines)
      string(REGEX MATCH "[ \t*&]${b}::[A-Za-z_][A-Za-z0-9_]*\\(" def "${line}")
      string(REGEX REPLACE "^[ \t*&]${b}::|\\($" "" def "${def}")
      list(APPEND defined_${b} "${def}")
    endforeach()
  endforeach()
endforeach()

set(missing "")
foreach(n IN LISTS names)
  foreach(b cpu cuda)
    if(NOT n IN_LIST declared_${b})
      string(APPEND missing "\n  ${b}::${n} (not declared in its family header)")
    elseif(NOT n IN_LIST defined_${b})
      string(APPEND missing "\n  ${b}::${n} (no `... ${b}::${n}(` at column 0 under kernels/${b}/)")
    endif()
  endforeach()
  if(n IN_LIST declared_cpu_fast AND n IN_LIST served_by_reference)
    string(APPEND missing "\n  cpu_fast::${n} (both declared and `using cpu::${n};`: say one)")
  elseif(n IN_LIST declared_cpu_fast)
    if(NOT n IN_LIST defined_cpu_fast)
      string(APPEND missing "\n  cpu_fast::${n} (no `... cpu_fast::${n}(` at column 0 under kernels/cpu_fast/)")
    endif()
  elseif(NOT n IN_LIST served_by_reference)
    string(APPEND missing "\n  cpu_fast::${n} (neither declared nor `using cpu::${n};` in namespace cpu_fast)")
  endif()
endforeach()
if(missing)
  message(FATAL_ERROR "kernel functions of kernels/*.h without their declaration or qualified definition:${missing}")
endif()
list(LENGTH served_by_reference reused)
message(STATUS "${count} kernel functions, each with a qualified cpu:: and cuda:: definition; on the fast CPU "
               "backend ${reused} are served by the reference, the others have a qualified cpu_fast:: definition")
