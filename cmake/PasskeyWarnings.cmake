# Warning set shared by every passkey target (adapted from libfido2's list).
function(passkey_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wcast-qual
    -Wold-style-cast -Wimplicit-fallthrough -Wnon-virtual-dtor)
  if(PASSKEY_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
