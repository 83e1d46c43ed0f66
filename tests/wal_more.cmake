# The WAL under damage, crashes, concurrency and random mutation (owned with wal/).
kv_add_test(wal_damage_test wal_damage_test.cc LABELS wal)
kv_add_test(wal_crash_test wal_crash_test.cc LABELS wal)
kv_add_test(wal_concurrency_test wal_concurrency_test.cc LABELS wal)
# Shares its input format and checks with the libFuzzer target in fuzz/.
kv_add_test(wal_fuzz_regression_test wal_fuzz_regression_test.cc ../fuzz/wal_fuzz_input.cc
            ../fuzz/wal_read_checker.cc LABELS wal)
