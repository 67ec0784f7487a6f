# ctest deprecated_allow_sha1_attestation: compiling SOURCE (syntax only)
# warns that AuthenticationOptions::allow_sha1_attestation is deprecated,
# naming allow_rs1_credentials, where SOURCE uses it, and warns about nothing
# else (in particular not about the struct's implicit constructors, which
# GCC 12 would report in options.h without its pragmas).
#
# cmake -DCXX=… -DINCLUDE_DIR=… -DSOURCE=… -P expect_deprecated.cmake
foreach(var CXX INCLUDE_DIR SOURCE)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "expect_deprecated.cmake: ${var} is not set")
  endif()
endforeach()
execute_process(
  COMMAND "${CXX}" -std=c++20 -fsyntax-only -Wall -Wdeprecated-declarations
          "-I${INCLUDE_DIR}" "${SOURCE}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "expect_deprecated: ${SOURCE} does not compile:\n${err}")
endif()
if(NOT err MATCHES "allow_sha1_attestation" OR NOT err MATCHES "use allow_rs1_credentials")
  message(FATAL_ERROR "expect_deprecated: no deprecation warning for allow_sha1_attestation:\n${err}")
endif()
string(REPLACE "\n" ";" lines "${err}")
get_filename_component(source_name "${SOURCE}" NAME)
set(count 0)
foreach(line IN LISTS lines)
  if(line MATCHES "warning:")
    if(NOT line MATCHES "${source_name}:9:.*allow_sha1_attestation.* is deprecated: use allow_rs1_credentials")
      message(FATAL_ERROR "expect_deprecated: unexpected warning: ${line}\n${err}")
    endif()
    math(EXPR count "${count} + 1")
  endif()
endforeach()
if(count EQUAL 0)
  message(FATAL_ERROR "expect_deprecated: no warning line:\n${err}")
endif()
