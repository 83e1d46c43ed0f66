# The WAL under damage, crashes, concurrency and random mutation (owned with wal/).
kv_add_test(wal_damage_test wal_damage_test.cc LABELS wal)
kv_add_test(wal_crash_test wal_crash_test.cc LABELS wal)
kv_add_test(wal_concurrency_test wal_concurrency_test.cc LABELS wal)
# Shares its input format and checks with the libFuzzer target in fuzz/.
kv_add_test(wal_fuzz_regression_test wal_fuzz_regression_test.cc ../fuzz/wal_fuzz_input.cc
            ../fuzz/wal_read_checker.cc LABELS wal)
# The power-cut simulator (tests/power_cut_files.h): for the WAL, replica and
# tablet power-cut tests, never linked into the servers.
add_library(kv_power_cut_files OBJECT power_cut_files.cc)
target_link_libraries(kv_power_cut_files PUBLIC kv_wal)
kv_add_test(wal_power_cut_test wal_power_cut_test.cc $<TARGET_OBJECTS:kv_power_cut_files> LABELS wal)
