# Compile flags of the fuzz configuration (ZHURNAL_FUZZ=ON), included by the
# top-level CMakeLists.txt before any library is defined, so that every
# library the fuzz targets link is instrumented for coverage, ASan and UBSan.
# The targets themselves add -fsanitize=fuzzer at link (fuzz/CMakeLists.txt).
#
# Compiler: Debian 12's clang-16 (package clang-16 + libclang-rt-16-dev for
# the fuzzer and sanitizer runtimes) with Debian's libstdc++ 12. clang-14
# cannot be used: libstdc++ 12 offers std::expected only when
# __cpp_concepts >= 202002L, and clang-14 lacks the conditionally trivial
# special members (P0848) that <expected> needs. clang-16 implements them but
# still reports 201907L, so the macro is raised for this configuration only.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR CMAKE_CXX_COMPILER_VERSION VERSION_LESS 16)
  message(FATAL_ERROR "ZHURNAL_FUZZ needs clang >= 16 (Debian: clang-16, libclang-rt-16-dev); "
                      "configure with -DCMAKE_CXX_COMPILER=clang++-16 -DCMAKE_C_COMPILER=clang-16 "
                      "or run scripts/fuzz.sh")
endif()
if(ZHURNAL_SANITIZE)
  message(FATAL_ERROR "ZHURNAL_FUZZ already builds with ASan + UBSan; leave ZHURNAL_SANITIZE off")
endif()
add_compile_options(
  -fsanitize=fuzzer-no-link,address,undefined
  -fno-sanitize-recover=undefined  # a UBSan report stops the run like a crash
  -fno-omit-frame-pointer
  $<$<COMPILE_LANGUAGE:CXX>:-Wno-builtin-macro-redefined>
  $<$<COMPILE_LANGUAGE:CXX>:-U__cpp_concepts>
  $<$<COMPILE_LANGUAGE:CXX>:-D__cpp_concepts=202002L>
  # Cap'n Proto 0.9 headers and clang-16's P2468: see kj_compat.hpp.
  "$<$<COMPILE_LANGUAGE:CXX>:SHELL:-include ${CMAKE_CURRENT_LIST_DIR}/kj_compat.hpp>")
add_link_options(-fsanitize=address,undefined)
