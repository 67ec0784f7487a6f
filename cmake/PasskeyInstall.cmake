# Install rules: the library, its public headers (not passkey/testing), the
# CMake package (passkey::passkey via find_package(passkey CONFIG)), passkey.pc
# and the CLI. Only when PASSKEY_ENABLE_INSTALL (default: top-level builds).
if(NOT PASSKEY_ENABLE_INSTALL)
  return()
endif()

include(CMakePackageConfigHelpers)

set(PASSKEY_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/passkey"
    CACHE STRING "Where passkeyConfig.cmake is installed (relative to the prefix)")
mark_as_advanced(PASSKEY_INSTALL_CMAKEDIR)

set(_passkey_install_targets passkey)
if(TARGET passkey_shared)
  list(APPEND _passkey_install_targets passkey_shared)  # libpasskey.so (C and C++ API)
endif()
install(TARGETS ${_passkey_install_targets}
  EXPORT passkeyTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
unset(_passkey_install_targets)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/passkey
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h" PATTERN "*.schema.json"
  PATTERN "testing" EXCLUDE)

# The CLI links the (never installed) software authenticator for `passkey
# demo`, so it is installed only when that library is linked in statically.
if(TARGET passkey_cli AND TARGET passkey_testing)
  get_target_property(_passkey_testing_type passkey_testing TYPE)
  if(_passkey_testing_type STREQUAL "STATIC_LIBRARY")
    install(TARGETS passkey_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
  unset(_passkey_testing_type)
endif()

install(EXPORT passkeyTargets
  NAMESPACE passkey::
  FILE passkeyTargets.cmake
  DESTINATION ${PASSKEY_INSTALL_CMAKEDIR})

# A static libpasskey carries its private dependencies in its link interface
# ($<LINK_ONLY:...>), so the package config must recreate those targets; a
# shared one does not need them.
get_target_property(_passkey_type passkey TYPE)
if(_passkey_type STREQUAL "STATIC_LIBRARY")
  set(PASSKEY_STATIC ON)
  set(PASSKEY_PC_REQUIRES "libcrypto libcbor")
  set(PASSKEY_PC_REQUIRES_PRIVATE "")
else()
  set(PASSKEY_STATIC OFF)
  set(PASSKEY_PC_REQUIRES "")
  set(PASSKEY_PC_REQUIRES_PRIVATE "libcrypto libcbor")
endif()
unset(_passkey_type)

configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/passkeyConfig.cmake.in
  ${PROJECT_BINARY_DIR}/passkeyConfig.cmake
  INSTALL_DESTINATION ${PASSKEY_INSTALL_CMAKEDIR})
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/passkeyConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/passkeyConfig.cmake
  ${PROJECT_BINARY_DIR}/passkeyConfigVersion.cmake
  DESTINATION ${PASSKEY_INSTALL_CMAKEDIR})

# pkg-config: relocatable. ${pcfiledir} is the directory holding passkey.pc,
# so `cmake --install --prefix DIR` and DESTDIR staging both work.
# A static libpasskey lists libcrypto/libcbor in Requires (not
# Requires.private) so that a plain `pkg-config --libs passkey` links.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(PASSKEY_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(PASSKEY_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  file(RELATIVE_PATH _passkey_up "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
  string(REGEX REPLACE "/$" "" _passkey_up "${_passkey_up}")
  set(PASSKEY_PC_PREFIX "\${pcfiledir}/${_passkey_up}")
  set(PASSKEY_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
  unset(_passkey_up)
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(PASSKEY_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(PASSKEY_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
# passkey.pc for C++ (Cflags carry -std=c++20), passkey-c.pc for C programs
# using passkey/passkey_c.h (the same without it).
configure_file(${PROJECT_SOURCE_DIR}/cmake/passkey.pc.in
               ${PROJECT_BINARY_DIR}/passkey.pc @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/cmake/passkey-c.pc.in
               ${PROJECT_BINARY_DIR}/passkey-c.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/passkey.pc ${PROJECT_BINARY_DIR}/passkey-c.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# passkey::testing (the software authenticator, include/passkey/testing) is
# an optional component of its own: install component "testing", export
# passkeyTestingTargets.cmake (loaded by passkeyConfig.cmake when present,
# `find_package(passkey CONFIG COMPONENTS testing)`) and passkey-testing.pc.
# PASSKEY_INSTALL_TESTING=ON installs it with everything else; otherwise it
# is installed only on request: `cmake --install BUILD --component testing`.
option(PASSKEY_INSTALL_TESTING
       "Install passkey::testing (software authenticator for tests) with the library" OFF)
if(TARGET passkey_testing)
  get_target_property(_passkey_testing_excluded passkey_testing EXCLUDE_FROM_ALL)
endif()
if(TARGET passkey_testing AND NOT _passkey_testing_excluded)
  set(_passkey_testing_all EXCLUDE_FROM_ALL)
  if(PASSKEY_INSTALL_TESTING)
    set(_passkey_testing_all "")
  endif()
  install(TARGETS passkey_testing
    EXPORT passkeyTestingTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT testing ${_passkey_testing_all}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT testing ${_passkey_testing_all}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT testing ${_passkey_testing_all}
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/passkey/testing
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/passkey
    COMPONENT testing ${_passkey_testing_all}
    FILES_MATCHING PATTERN "*.h")
  install(EXPORT passkeyTestingTargets
    NAMESPACE passkey::
    FILE passkeyTestingTargets.cmake
    DESTINATION ${PASSKEY_INSTALL_CMAKEDIR}
    COMPONENT testing ${_passkey_testing_all})
  configure_file(${PROJECT_SOURCE_DIR}/cmake/passkey-testing.pc.in
                 ${PROJECT_BINARY_DIR}/passkey-testing.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/passkey-testing.pc
    DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
    COMPONENT testing ${_passkey_testing_all})
  unset(_passkey_testing_all)
endif()
