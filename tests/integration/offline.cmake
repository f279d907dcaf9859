# The offline commands (ordo replay | verify | export | import | keys) run as real processes over a
# data directory the test builds. Included from tests/integration/CMakeLists.txt.

add_executable(ordo_offline_cli_test ${CMAKE_CURRENT_LIST_DIR}/offline_cli_test.cpp
                                     ${CMAKE_CURRENT_LIST_DIR}/offline_cli_damage_test.cpp
                                     ${CMAKE_CURRENT_LIST_DIR}/offline_keys_test.cpp)
target_link_libraries(ordo_offline_cli_test PRIVATE ordo_persistence ordo_domain ordo_warnings
                                                    RocksDB::rocksdb-shared GTest::gtest_main)
target_compile_definitions(ordo_offline_cli_test PRIVATE ORDO_BINARY_PATH="$<TARGET_FILE:ordo>")
add_dependencies(ordo_offline_cli_test ordo)
gtest_discover_tests(ordo_offline_cli_test DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 300)
