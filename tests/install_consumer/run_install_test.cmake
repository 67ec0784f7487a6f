# ctest install_consumer: installs the passkey build tree into a fresh prefix,
# then configures, builds and runs tests/install_consumer against it.
#
# cmake -DPASSKEY_BUILD_DIR=… -DCONSUMER_SOURCE_DIR=… -DWORK_DIR=… -DLIBDIR=…
#       -DINCLUDEDIR=… -DCXX_COMPILER=… -DC_COMPILER=… -DGENERATOR=… [-DSANITIZE=…]
#       [-DSHARED=ON: libpasskey.so was built]
#       [-DQUICKSTART_SOURCE_DIR=…: default examples/quickstart of this
#        checkout; configured, built and run when TESTING]
#       [-DTESTING=ON: passkey_testing was built; its component is installed
#        too and consumed] [-DINSTALL_TESTING=ON: PASSKEY_INSTALL_TESTING,
#        so the default install must already hold it]
#       -P run_install_test.cmake
foreach(var PASSKEY_BUILD_DIR CONSUMER_SOURCE_DIR WORK_DIR LIBDIR INCLUDEDIR
            CXX_COMPILER C_COMPILER GENERATOR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_install_test.cmake: ${var} is not set")
  endif()
endforeach()

function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGV}")
    message(FATAL_ERROR "install_consumer: command failed (${rc}): ${cmd}")
  endif()
endfunction()

set(prefix "${WORK_DIR}/prefix")
set(build "${WORK_DIR}/build")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

message(STATUS "install_consumer: installing ${PASSKEY_BUILD_DIR} into ${prefix}")
run(${CMAKE_COMMAND} --install "${PASSKEY_BUILD_DIR}" --prefix "${prefix}")

# What must (and must not) be in the installed tree.
foreach(f "${INCLUDEDIR}/passkey/passkey.h"
          "${INCLUDEDIR}/passkey/result.h"
          "${INCLUDEDIR}/passkey/passkey_c.h"
          "${INCLUDEDIR}/passkey/passkey_c_options.schema.json"
          "${LIBDIR}/cmake/passkey/passkeyConfig.cmake"
          "${LIBDIR}/cmake/passkey/passkeyConfigVersion.cmake"
          "${LIBDIR}/cmake/passkey/passkeyTargets.cmake"
          "${LIBDIR}/pkgconfig/passkey.pc"
          "${LIBDIR}/pkgconfig/passkey-c.pc")
  if(NOT EXISTS "${prefix}/${f}")
    message(FATAL_ERROR "install_consumer: ${f} was not installed")
  endif()
endforeach()
if(SHARED AND NOT EXISTS "${prefix}/${LIBDIR}/libpasskey.so")
  message(FATAL_ERROR "install_consumer: ${LIBDIR}/libpasskey.so was not installed")
endif()
# passkey::testing: in the default install only with PASSKEY_INSTALL_TESTING;
# otherwise installed here on request, as its component.
set(testing_files "${INCLUDEDIR}/passkey/testing/software_authenticator.h"
                  "${INCLUDEDIR}/passkey/testing/standard_attestation.h"
                  "${LIBDIR}/cmake/passkey/passkeyTestingTargets.cmake"
                  "${LIBDIR}/pkgconfig/passkey-testing.pc")
if(INSTALL_TESTING)
  set(missing_or_present "was not installed (PASSKEY_INSTALL_TESTING=ON)")
else()
  set(missing_or_present "must not be installed without PASSKEY_INSTALL_TESTING")
endif()
foreach(f IN LISTS testing_files)
  if(INSTALL_TESTING AND NOT EXISTS "${prefix}/${f}" OR
     NOT INSTALL_TESTING AND EXISTS "${prefix}/${f}")
    message(FATAL_ERROR "install_consumer: ${f} ${missing_or_present}")
  endif()
endforeach()
if(TESTING AND NOT INSTALL_TESTING)
  run(${CMAKE_COMMAND} --install "${PASSKEY_BUILD_DIR}" --prefix "${prefix}" --component testing)
  foreach(f IN LISTS testing_files)
    if(NOT EXISTS "${prefix}/${f}")
      message(FATAL_ERROR "install_consumer: ${f} was not installed by --component testing")
    endif()
  endforeach()
endif()

# The consumer is built with the same compiler and sanitizers as passkey
# (an ASan/UBSan libpasskey needs the sanitizer runtimes at link time).
set(flags "")
if(NOT "${SANITIZE}" STREQUAL "")
  set(flags "-fsanitize=${SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all")
endif()

set(env ${CMAKE_COMMAND} -E env
    "PKG_CONFIG_PATH=${prefix}/${LIBDIR}/pkgconfig"
    "LD_LIBRARY_PATH=${prefix}/${LIBDIR}")
# CMAKE_DISABLE_FIND_PACKAGE_nlohmann_json: a consumer of the static
# library must not need nlohmann/json (header-only, private to passkey).
set(consumer_args
    -G "${GENERATOR}"
    "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
    "-DCMAKE_C_COMPILER=${C_COMPILER}"
    "-DCMAKE_PREFIX_PATH=${prefix}"
    -DCMAKE_BUILD_TYPE=Debug
    "-DCMAKE_CXX_FLAGS=${flags}"
    "-DCMAKE_C_FLAGS=${flags}"
    "-DCMAKE_EXE_LINKER_FLAGS=${flags}"
    -DCMAKE_DISABLE_FIND_PACKAGE_nlohmann_json=ON)
run(${env} ${CMAKE_COMMAND} -S "${CONSUMER_SOURCE_DIR}" -B "${build}" ${consumer_args}
    "-DCONSUMER_TESTING=${TESTING}")
run(${env} ${CMAKE_COMMAND} --build "${build}")
run(${env} "${build}/consumer_cmake")
run(${env} "${build}/consumer_pkgconfig")
run(${env} "${build}/consumer_c")
run(${env} "${build}/consumer_c_pkgconfig")
if(SHARED)
  run(${env} "${build}/consumer_c_shared")
  run(${env} "${build}/consumer_cxx_shared")
endif()
if(TESTING)
  run(${env} "${build}/consumer_testing_cmake")
  run(${env} "${build}/consumer_testing_pkgconfig")
endif()
# examples/quickstart: the README's C++ code as a project of its own
# (-Wall -Wextra -Werror), run: a full sign-up and sign-in round trip with
# the software authenticator, which needs the testing component.
if(TESTING)
  if(NOT DEFINED QUICKSTART_SOURCE_DIR)
    get_filename_component(QUICKSTART_SOURCE_DIR
                           "${CMAKE_CURRENT_LIST_DIR}/../../examples/quickstart" ABSOLUTE)
  endif()
  run(${env} ${CMAKE_COMMAND} -S "${QUICKSTART_SOURCE_DIR}" -B "${WORK_DIR}/quickstart"
      ${consumer_args})
  run(${env} ${CMAKE_COMMAND} --build "${WORK_DIR}/quickstart")
  run(${env} "${WORK_DIR}/quickstart/quickstart")
endif()
message(STATUS "install_consumer: find_package(passkey) and pkg-config passkey both work, from C++ and C")
