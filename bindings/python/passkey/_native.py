"""ctypes layer over the passkey C ABI (include/passkey/passkey_c.h).

Everything here is private to the package: it finds and loads the shared
library once, declares the prototypes, and turns one C call into either the
output string or a VerificationError. Every string the library allocates is
freed with passkey_string_free and every passkey_error is cleared with
passkey_error_clear before the call returns, on success and failure alike.

ctypes releases the GIL around each foreign call, and every call uses its own
passkey_error and output pointer, so concurrent calls from Python threads run
in parallel inside the (thread-safe) library.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
from typing import Callable, List, Optional

#: The C ABI major version this binding was written for
#: (PASSKEY_VERSION_MAJOR in passkey_c.h).
ABI_MAJOR = 0

#: Environment variable naming the shared library to load (a path).
LIBRARY_ENV = "PASSKEY_LIBRARY"

# Tried in order when PASSKEY_LIBRARY is not set: the library's SONAME as
# the dynamic loader finds them (LD_LIBRARY_PATH, ld.so.cache), then what
# ctypes.util.find_library reports for the same names.
_SONAMES = ("libpasskey.so.0",)
_LINK_NAMES = ("passkey",)


class VerificationError(Exception):
    """A call into the passkey library failed.

    Attributes:
        code: the stable error code name ("challenge_mismatch",
            "signature_invalid", "invalid_argument", ...; see the Error codes
            table of the passkey README). Branch on this.
        message: human-readable detail for logs. Never branch on it.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message


class _PasskeyError(ctypes.Structure):
    # passkey_error: char code[64]; char* message. `message` is declared as a
    # void pointer so ctypes does not copy it into a Python str and lose the
    # pointer passkey_error_clear must free.
    _fields_ = [("code", ctypes.c_char * 64), ("message", ctypes.c_void_p)]


_OUT = ctypes.POINTER(ctypes.c_void_p)
_ERR = ctypes.POINTER(_PasskeyError)

# name: (argument types) of the int-returning entry points.
_PROTOTYPES = {
    "passkey_verify_registration": (ctypes.c_char_p, ctypes.c_char_p, _OUT, _ERR),
    "passkey_verify_authentication": (ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, _OUT, _ERR),
    "passkey_credential_prepare": (ctypes.c_char_p, _OUT, _ERR),
    "passkey_verify_authentication_prepared": (ctypes.c_char_p, ctypes.c_void_p, ctypes.c_char_p, _OUT, _ERR),
    "passkey_make_registration_options": (ctypes.c_char_p, _OUT, _ERR),
    "passkey_make_authentication_options": (ctypes.c_char_p, _OUT, _ERR),
    "passkey_aaguid_lookup": (ctypes.c_char_p, _OUT, _ERR),
    "passkey_mds_verify": (ctypes.c_char_p, ctypes.c_char_p, _OUT, _ERR),
}


def _declare(lib: ctypes.CDLL) -> None:
    for name, argtypes in _PROTOTYPES.items():
        function = getattr(lib, name)
        function.argtypes = argtypes
        function.restype = ctypes.c_int
    lib.passkey_error_clear.argtypes = (_ERR,)
    lib.passkey_error_clear.restype = None
    lib.passkey_string_free.argtypes = (ctypes.c_void_p,)
    lib.passkey_string_free.restype = None
    lib.passkey_credential_free.argtypes = (ctypes.c_void_p,)
    lib.passkey_credential_free.restype = None
    lib.passkey_version.argtypes = ()
    lib.passkey_version.restype = ctypes.c_char_p


def _candidates() -> List[str]:
    explicit = os.environ.get(LIBRARY_ENV)
    if explicit:
        # An explicit choice is never silently replaced by another library.
        return [explicit]
    names = list(_SONAMES)
    for link_name in _LINK_NAMES:
        found = ctypes.util.find_library(link_name)
        if found and found not in names:
            names.append(found)
    return names


def _open() -> ctypes.CDLL:
    failures = []
    for name in _candidates():
        try:
            lib = ctypes.CDLL(name)
        except OSError as error:
            failures.append(f"{name}: {error}")
            continue
        # A libpasskey.so without the C ABI (an older C++-only build) is not
        # ours to use; try the next name.
        if not hasattr(lib, "passkey_verify_registration"):
            failures.append(f"{name}: does not export the passkey C ABI")
            continue
        _declare(lib)
        version = lib.passkey_version().decode("ascii")
        major = int(version.split(".")[0])
        if major != ABI_MAJOR:
            failures.append(f"{name}: C ABI version {version}, this binding needs {ABI_MAJOR}.x")
            continue
        return lib
    raise OSError(
        "cannot load the passkey shared library (set PASSKEY_LIBRARY to its path); tried: "
        + "; ".join(failures)
    )


_lock = threading.Lock()
_lib: Optional[ctypes.CDLL] = None


def library() -> ctypes.CDLL:
    """Returns the loaded library, loading it on first use (OSError if it cannot)."""
    global _lib
    if _lib is None:
        with _lock:
            if _lib is None:
                _lib = _open()
    return _lib


def _encode(text: str) -> bytes:
    if "\0" in text:
        # The C ABI takes NUL-terminated strings: an embedded NUL would cut
        # the input short instead of being rejected.
        raise ValueError("text passed to the passkey library contains a NUL character")
    return text.encode("utf-8")


def _invoke(lib: ctypes.CDLL, name: str, args: tuple, out: ctypes.c_void_p) -> None:
    """Calls `name`(*args, &out, &err); raises VerificationError on failure.

    str arguments become NUL-terminated UTF-8; the passkey_error is cleared
    (its message freed) before returning, whatever happens.
    """
    function: Callable[..., int] = getattr(lib, name)
    converted = [_encode(arg) if isinstance(arg, str) else arg for arg in args]
    error = _PasskeyError()
    try:
        if function(*converted, ctypes.byref(out), ctypes.byref(error)) != 0:
            code = error.code.decode("utf-8", "replace") or "internal_error"
            message = ctypes.string_at(error.message).decode("utf-8", "replace") if error.message else ""
            raise VerificationError(code, message)
    finally:
        lib.passkey_error_clear(ctypes.byref(error))
    if not out.value:
        raise VerificationError("internal_error", f"{name} succeeded without output")


def call(name: str, *args: object) -> str:
    """Calls the entry point `name` with `args` (str for const char*, other
    values as they are) followed by the output pointer and a passkey_error.

    Returns the output string (freed in the library). Raises
    VerificationError with the library's code when the call fails.
    """
    lib = library()
    out = ctypes.c_void_p()
    try:
        _invoke(lib, name, args, out)
        return ctypes.string_at(out.value).decode("utf-8")
    finally:
        # NULL after a failure; passkey_string_free accepts it.
        lib.passkey_string_free(out)


def prepare(record_json: str) -> int:
    """passkey_credential_prepare: returns the new handle (an address) to
    pass to the prepared entry point and, once, to free_credential."""
    handle = ctypes.c_void_p()
    _invoke(library(), "passkey_credential_prepare", (record_json,), handle)
    return handle.value


def free_credential(handle: int) -> None:
    """passkey_credential_free."""
    library().passkey_credential_free(handle)


def version() -> str:
    """passkey_version() of the loaded library."""
    return library().passkey_version().decode("ascii")
