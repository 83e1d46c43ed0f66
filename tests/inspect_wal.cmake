# `inspect wal`: library tests and CLI tests (which run the built inspect binary).
# Run them alone with `ctest -L inspect_wal`.
kv_add_test(inspect_wal_test inspect_wal_test.cc LIBS kv_inspect LABELS inspect_wal)
