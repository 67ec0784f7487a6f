# ctest shared_exports: what libpasskey.so exports (issue #17).
#  * SONAME libpasskey.so.<major>;
#  * the C API: exactly the functions include/passkey/passkey_c.h declares
#    with PASSKEY_C_EXPORT, each at version PASSKEY_0 (src/passkey.map);
#  * the C++ API: every other exported symbol belongs to namespace passkey
#    (function, member, typeinfo, vtable), none to passkey::internal or an
#    anonymous namespace, none is a nlohmann or std:: instantiation, and the
#    name it is declared under (passkey::<Name>…) is declared in a public
#    header of include/passkey (so a helper with external linkage in a .cc
#    file cannot leak);
#  * at least one C++ symbol of each public entry point checked below.
#
# cmake -DLIBRARY=… -DINCLUDE_DIR=… -DNM=… -DREADELF=… -DSONAME=… -P shared_exports.cmake
foreach(var LIBRARY INCLUDE_DIR NM READELF SONAME)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "shared_exports.cmake: ${var} is not set")
  endif()
endforeach()

# The C declarations.
file(READ "${INCLUDE_DIR}/passkey/passkey_c.h" c_header)
string(REGEX MATCHALL "PASSKEY_C_EXPORT [^;(]*[ *](passkey_[a-z0-9_]+)\\(" declarations "${c_header}")
set(declared "")
foreach(declaration IN LISTS declarations)
  string(REGEX REPLACE ".*[ *](passkey_[a-z0-9_]+)\\($" "\\1" name "${declaration}")
  list(APPEND declared "${name}@@PASSKEY_0")
endforeach()
list(SORT declared)
list(LENGTH declared declared_count)
if(declared_count LESS 10)
  message(FATAL_ERROR "shared_exports: only ${declared_count} declarations found in passkey_c.h")
endif()

# Every identifier the public C++ headers mention (not passkey/testing).
file(GLOB public_headers "${INCLUDE_DIR}/passkey/*.h")
set(public_text "")
foreach(header IN LISTS public_headers)
  file(READ "${header}" text)
  string(APPEND public_text "${text}\n")
endforeach()

function(exported_symbols out demangle)
  set(args -D --defined-only)
  if(demangle)
    list(APPEND args -C)
  endif()
  execute_process(COMMAND "${NM}" ${args} "${LIBRARY}"
                  OUTPUT_VARIABLE nm_output RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "shared_exports: ${NM} failed (${rc})")
  endif()
  # nm prints "<address> <type> <name>"; names may hold ';' (rare) and spaces.
  string(REPLACE ";" "<semicolon>" nm_output "${nm_output}")
  string(REPLACE "\n" ";" lines "${nm_output}")
  set(names "")
  foreach(line IN LISTS lines)
    if(line MATCHES "^[0-9a-fA-F]* *[A-Za-z] (.+)$")
      list(APPEND names "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  set(${out} "${names}" PARENT_SCOPE)
endfunction()

exported_symbols(mangled OFF)
exported_symbols(demangled ON)
list(LENGTH mangled total)
list(LENGTH demangled total_demangled)
if(NOT total EQUAL total_demangled)
  message(FATAL_ERROR "shared_exports: nm listed ${total} names, ${total_demangled} demangled")
endif()

set(c_exported "")
set(cxx_count 0)
set(problems "")
math(EXPR last "${total} - 1")
foreach(i RANGE ${last})
  list(GET mangled ${i} name)
  list(GET demangled ${i} pretty)
  if(name STREQUAL "PASSKEY_0")
    continue()  # the version node itself
  endif()
  if(name MATCHES "^passkey_")
    list(APPEND c_exported "${name}")
    continue()
  endif()
  if(NOT name MATCHES "^_Z(N|NK|TIN|TSN|TVN)7passkey[0-9]")
    list(APPEND problems "not in namespace passkey: ${pretty}")
    continue()
  endif()
  if(pretty MATCHES "passkey::internal::" OR pretty MATCHES "anonymous namespace"
     OR pretty MATCHES "nlohmann")
    list(APPEND problems "private: ${pretty}")
    continue()
  endif()
  # passkey::<Name>: Name must be declared in a public header.
  string(REGEX REPLACE "^(typeinfo name for |typeinfo for |vtable for )" "" scoped "${pretty}")
  if(NOT scoped MATCHES "^passkey::([A-Za-z_][A-Za-z0-9_]*)")
    list(APPEND problems "unexpected form: ${pretty}")
    continue()
  endif()
  set(top "${CMAKE_MATCH_1}")
  string(REGEX MATCH "[^A-Za-z0-9_]${top}[^A-Za-z0-9_]" found "${public_text}")
  if(found STREQUAL "")
    list(APPEND problems "not declared in include/passkey: ${pretty}")
    continue()
  endif()
  math(EXPR cxx_count "${cxx_count} + 1")
endforeach()

list(SORT c_exported)
if(NOT c_exported STREQUAL declared)
  message(FATAL_ERROR "shared_exports: ${LIBRARY} exports the C functions\n  ${c_exported}\n"
                      "but passkey_c.h declares\n  ${declared}")
endif()
if(problems)
  string(REPLACE ";" "\n  " problems "${problems}")
  message(FATAL_ERROR "shared_exports: ${LIBRARY} exports what it must not:\n  ${problems}")
endif()

# The C++ API is really there (a C++ program can link the .so alone).
string(REPLACE ";" "\n" demangled_text "${demangled}")
foreach(entry "passkey::VerifyRegistration(" "passkey::VerifyAuthentication("
              "passkey::PreparedCredential::" "passkey::CredentialRecordToJson["
              "passkey::AaguidCatalog::Embedded(" "passkey::ErrorCodeName(")
  string(FIND "${demangled_text}" "${entry}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "shared_exports: ${LIBRARY} does not export ${entry}…")
  endif()
endforeach()

execute_process(COMMAND "${READELF}" -d "${LIBRARY}" OUTPUT_VARIABLE dynamic RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT dynamic MATCHES "Library soname: \\[${SONAME}\\]")
  message(FATAL_ERROR "shared_exports: ${LIBRARY} does not have the SONAME ${SONAME}")
endif()
message(STATUS "shared_exports: ${declared_count} C functions and ${cxx_count} C++ symbols, SONAME ${SONAME}")
