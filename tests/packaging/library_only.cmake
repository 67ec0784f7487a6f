# ctest packaging_library_only: configures a library-only build of passkey
# (every PASSKEY_BUILD_* OFF, BUILD_SHARED_LIBS=ON) in WORK_DIR and checks
# that its default target builds exactly libpasskey.a and libpasskey.so:
# no tests, tools, examples, benchmarks or software authenticator.
#
# cmake -DPASSKEY_SOURCE_DIR=… -DWORK_DIR=… -DGENERATOR=Ninja
#       -DCXX_COMPILER=… -DC_COMPILER=… -P library_only.cmake
foreach(var PASSKEY_SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER C_COMPILER)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "library_only.cmake: ${var} is not set")
  endif()
endforeach()
if(NOT GENERATOR STREQUAL "Ninja")
  message(STATUS "library_only: skipped, needs the Ninja generator (ninja -t query)")
  return()
endif()

file(REMOVE_RECURSE "${WORK_DIR}")
execute_process(
  COMMAND ${CMAKE_COMMAND} -S "${PASSKEY_SOURCE_DIR}" -B "${WORK_DIR}" -G Ninja
          "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}" "-DCMAKE_C_COMPILER=${C_COMPILER}"
          -DCMAKE_BUILD_TYPE=Release
          -DPASSKEY_BUILD_TESTS=OFF -DPASSKEY_BUILD_TOOLS=OFF
          -DPASSKEY_BUILD_BENCH=OFF -DPASSKEY_BUILD_EXAMPLES=OFF
          -DBUILD_SHARED_LIBS=ON
  RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "library_only: configuring a library-only build failed (${rc})")
endif()

# The files `ninja all` would make: the inputs of the `all` target,
# following the per-directory phony targets (src/all, fido/all, …).
find_program(NINJA NAMES ninja ninja-build REQUIRED)
set(outputs "")
set(pending all)
while(pending)
  list(POP_FRONT pending target)
  execute_process(COMMAND ${NINJA} -C "${WORK_DIR}" -t query "${target}"
                  OUTPUT_VARIABLE query RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "library_only: ninja -t query ${target} failed (${rc})")
  endif()
  string(REPLACE "\n" ";" lines "${query}")
  set(in_inputs OFF)
  foreach(line IN LISTS lines)
    if(line MATCHES "^  input:")
      set(in_inputs ON)
    elseif(line MATCHES "^  outputs:")
      set(in_inputs OFF)
    elseif(in_inputs AND line MATCHES "^    (\\|\\| )?(.+)$")
      set(input "${CMAKE_MATCH_2}")
      if(input MATCHES "(^|/)all$")
        list(APPEND pending "${input}")
      else()
        list(APPEND outputs "${input}")
      endif()
    endif()
  endforeach()
endwhile()
list(SORT outputs)
message(STATUS "library_only: `all` builds: ${outputs}")

set(static FALSE)
set(shared FALSE)
foreach(output IN LISTS outputs)
  if(output STREQUAL "src/libpasskey.a")
    set(static TRUE)
  elseif(output MATCHES "^src/libpasskey\\.so(\\.[0-9.]+)?$")
    set(shared TRUE)
  else()
    message(FATAL_ERROR "library_only: a library-only build also builds ${output}")
  endif()
endforeach()
if(NOT static OR NOT shared)
  message(FATAL_ERROR "library_only: expected src/libpasskey.a and src/libpasskey.so in `all`, got: ${outputs}")
endif()
message(STATUS "library_only: only libpasskey.a and libpasskey.so are built")
