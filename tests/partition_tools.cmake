# `inspect partition|tablet` and `repair partition ...` (offline tools over
# partition replicas): library tests, and CLI tests that run the built
# binaries. Run them alone with `ctest -L partition_tools`.
add_library(kv_partition_fixtures OBJECT partition_tools_fixtures.cc storage_test_util.cc)
target_link_libraries(kv_partition_fixtures PUBLIC kv_storage kv_inspect Catch2::Catch2)

kv_add_test(inspect_partition_test inspect_partition_test.cc $<TARGET_OBJECTS:kv_partition_fixtures>
            LIBS kv_inspect kv_storage LABELS partition_tools)
add_dependencies(inspect_partition_test inspect)
kv_add_test(repair_partition_test repair_partition_test.cc $<TARGET_OBJECTS:kv_partition_fixtures>
            LIBS kv_repair kv_storage LABELS partition_tools)
add_dependencies(repair_partition_test repair)
