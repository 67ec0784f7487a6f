// libpasskey.so (src/CMakeLists.txt, target passkey_shared) is libpasskey.a
// linked whole, with src/passkey.map choosing what it exports. CMake wants at
// least one source file per library target; this is it, and it defines
// nothing.
