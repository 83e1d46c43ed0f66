# The partition replica storage library (storage).
kv_add_test(storage_test
  storage_test_util.cc storage_replica_test.cc storage_follower_test.cc storage_snapshot_test.cc
  storage_truncate_test.cc storage_info_test.cc storage_crash_test.cc
  storage_power_cut_test.cc $<TARGET_OBJECTS:kv_power_cut_files>
  LIBS kv_storage LABELS storage)
