# Tests that the layering of src/ holds (see cmake/SottoModule.cmake and scripts/check_layering.py).
#  - layering_deps_graph: every DEPS arrow is allowed (core never -> io, no feature -> feature, ...) and
#    every #include of src/ is reachable through DEPS.
#  - layering_*_cannot_include_*: a forbidden include fails to compile with the missing-header error;
#    the control probe (a target including its own header) compiles.
find_package(Python3 COMPONENTS Interpreter REQUIRED)
add_test(NAME layering_deps_graph
         COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/check_layering.py ${PROJECT_SOURCE_DIR})
set_tests_properties(layering_deps_graph PROPERTIES LABELS "unit;layering")

function(sotto_layering_probe test_name target source expect)
  set(probe layering_probe_${test_name})
  add_library(${probe} OBJECT EXCLUDE_FROM_ALL ${PROJECT_SOURCE_DIR}/cmake/layering/${source})
  target_link_libraries(${probe} PRIVATE ${target})
  add_test(NAME ${test_name}
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target ${probe})
  # One ninja at a time in the build directory.
  set_tests_properties(${test_name} PROPERTIES LABELS "unit;layering" RESOURCE_LOCK build_dir)
  if(expect STREQUAL "compiles")
    set_tests_properties(${test_name} PROPERTIES FAIL_REGULAR_EXPRESSION "error")
  else()
    # GCC: "fatal error: io/endpoint.hpp: No such file or directory"; clang: "'io/endpoint.hpp' file not found".
    string(REPLACE "." "\\." header_re "${expect}")
    set_tests_properties(${test_name} PROPERTIES
                         PASS_REGULAR_EXPRESSION "${header_re}('|:) (No such file or directory|file not found)")
  endif()
endfunction()

sotto_layering_probe(layering_core_can_include_itself sotto_core_sip core_includes_own.cpp compiles)
sotto_layering_probe(layering_core_cannot_include_io sotto_core_sip core_includes_io.cpp io/endpoint.hpp)
if(TARGET sotto_runtime)
  sotto_layering_probe(layering_runtime_cannot_include_phone sotto_runtime feature_includes_feature.cpp
                       phone/phone.hpp)
endif()
