# passkey_sanitizer_preload(OUT REASON): the shared sanitizer runtimes of
# PASSKEY_SANITIZE as one LD_PRELOAD value ("a.so:b.so") in OUT, for an
# uninstrumented program (python3, a Go test binary) that loads the
# sanitized libpasskey.so: the runtimes must be loaded before anything else.
# OUT is empty without PASSKEY_SANITIZE. When a runtime cannot be found (an
# unknown sanitizer, or a compiler without it), REASON says why and OUT is
# empty; the caller skips its tests with that reason.
function(passkey_sanitizer_preload out reason)
  set(runtimes "")
  set(why "")
  string(REPLACE "," ";" sanitizers "${PASSKEY_SANITIZE}")
  foreach(sanitizer IN LISTS sanitizers)
    if(sanitizer STREQUAL "address")
      set(runtime libasan.so)
    elseif(sanitizer STREQUAL "undefined")
      set(runtime libubsan.so)
    elseif(sanitizer STREQUAL "thread")
      set(runtime libtsan.so)
    elseif(sanitizer STREQUAL "leak")
      set(runtime liblsan.so)
    else()
      set(why "no runtime known to preload for -fsanitize=${sanitizer}")
      break()
    endif()
    execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=${runtime}
                    OUTPUT_VARIABLE path OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT IS_ABSOLUTE "${path}" OR NOT EXISTS "${path}")
      set(why "${CMAKE_C_COMPILER} has no ${runtime} to preload for -fsanitize=${sanitizer}")
      break()
    endif()
    list(APPEND runtimes "${path}")
  endforeach()
  if(why)
    set(runtimes "")
  endif()
  list(JOIN runtimes ":" preload)
  set(${out} "${preload}" PARENT_SCOPE)
  set(${reason} "${why}" PARENT_SCOPE)
endfunction()
