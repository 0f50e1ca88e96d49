# adma_import_library(<target> <VAR> <library name> [HEADER <file>] [PATH_SUFFIXES <dir>...]
#                     [HINTS <dir>...] [GLOBAL])
# A library that ships no CMake package (SLEEF, cuDNN; oneDNN's own package drags in
# OpenCL, matio without pkg-config) as an imported target, found by name. The build
# links these targets, the export names them (never an absolute path), and the
# installed package config (adma-config.cmake) calls this again to find them on the
# consumer's machine. The cache variables <VAR>_LIBRARY and <VAR>_INCLUDE_DIR hold what
# was found (set them to point elsewhere); <VAR>_FOUND is set in the caller's scope.
function(adma_import_library target var name)
  cmake_parse_arguments(A "GLOBAL" "HEADER" "PATH_SUFFIXES;HINTS" ${ARGN})
  find_library(${var}_LIBRARY ${name} HINTS ${A_HINTS})
  set(found FALSE)
  if(${var}_LIBRARY)
    set(found TRUE)
  endif()
  if(A_HEADER)
    find_path(${var}_INCLUDE_DIR ${A_HEADER} HINTS ${A_HINTS} PATH_SUFFIXES ${A_PATH_SUFFIXES})
    if(NOT ${var}_INCLUDE_DIR)
      set(found FALSE)
    endif()
  endif()
  if(found AND NOT TARGET ${target})
    if(A_GLOBAL)
      add_library(${target} UNKNOWN IMPORTED GLOBAL)
    else()
      add_library(${target} UNKNOWN IMPORTED)
    endif()
    set_target_properties(${target} PROPERTIES IMPORTED_LOCATION "${${var}_LIBRARY}")
    if(A_HEADER)
      set_target_properties(${target} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${${var}_INCLUDE_DIR}")
    endif()
  endif()
  set(${var}_FOUND ${found} PARENT_SCOPE)
endfunction()
