# `repair wal truncate-tail` and `repair wal salvage`: the library and the CLI.
kv_add_test(repair_wal_test repair_wal_test.cc LIBS kv_repair)
add_dependencies(repair_wal_test repair)  # the CLI tests run the binary
