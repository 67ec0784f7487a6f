# ctest c_api_exports: libpasskey_c.so exports exactly the functions
# include/passkey/passkey_c.h declares with PASSKEY_C_EXPORT (plus the
# version node of src/passkey_c.map), each at that version, and has the
# SONAME libpasskey_c.so.<major>.
#
# cmake -DLIBRARY=… -DHEADER=… -DNM=… -DREADELF=… -DSONAME=… -P c_api_exports.cmake
foreach(var LIBRARY HEADER NM READELF SONAME)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "c_api_exports.cmake: ${var} is not set")
  endif()
endforeach()

file(READ "${HEADER}" header)
string(REGEX MATCHALL "PASSKEY_C_EXPORT [^;(]*[ *](passkey_[a-z0-9_]+)\\(" declarations "${header}")
set(declared "")
foreach(declaration IN LISTS declarations)
  string(REGEX REPLACE ".*[ *](passkey_[a-z0-9_]+)\\($" "\\1" name "${declaration}")
  list(APPEND declared "${name}@@PASSKEY_C_0")
endforeach()
list(APPEND declared "PASSKEY_C_0")
list(SORT declared)
list(LENGTH declared declared_count)
if(declared_count LESS 10)
  message(FATAL_ERROR "c_api_exports: only ${declared_count} declarations found in ${HEADER}")
endif()

execute_process(COMMAND "${NM}" -D --defined-only "${LIBRARY}"
                OUTPUT_VARIABLE nm_output RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "c_api_exports: ${NM} failed (${rc})")
endif()
string(REPLACE "\n" ";" nm_lines "${nm_output}")
set(exported "")
foreach(line IN LISTS nm_lines)
  if(line MATCHES "^[0-9a-fA-F]* *[A-Za-z] (.+)$")
    list(APPEND exported "${CMAKE_MATCH_1}")
  endif()
endforeach()
list(SORT exported)

if(NOT exported STREQUAL declared)
  message(FATAL_ERROR "c_api_exports: ${LIBRARY} exports\n  ${exported}\nbut the header declares\n  ${declared}")
endif()

execute_process(COMMAND "${READELF}" -d "${LIBRARY}" OUTPUT_VARIABLE dynamic RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT dynamic MATCHES "Library soname: \\[${SONAME}\\]")
  message(FATAL_ERROR "c_api_exports: ${LIBRARY} does not have the SONAME ${SONAME}")
endif()
message(STATUS "c_api_exports: ${declared_count} symbols, SONAME ${SONAME}")
