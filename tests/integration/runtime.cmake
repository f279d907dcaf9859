# The actor runtime's crash test: a child runs the runtime with sync_mode::always and is killed
# with SIGKILL at random, over and over; the test checks what survived. Included from
# tests/integration/CMakeLists.txt.

add_executable(ordo_runtime_crash_child ${CMAKE_CURRENT_LIST_DIR}/runtime_crash_child.cpp)
target_link_libraries(ordo_runtime_crash_child PRIVATE ordo_actors ordo_warnings)

add_executable(ordo_runtime_crash_test ${CMAKE_CURRENT_LIST_DIR}/runtime_crash_test.cpp)
target_link_libraries(ordo_runtime_crash_test PRIVATE ordo_actors ordo_warnings GTest::gtest_main)
target_compile_definitions(
  ordo_runtime_crash_test
  PRIVATE ORDO_RUNTIME_CRASH_CHILD_PATH="$<TARGET_FILE:ordo_runtime_crash_child>")
add_dependencies(ordo_runtime_crash_test ordo_runtime_crash_child)
gtest_discover_tests(ordo_runtime_crash_test DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 600)
