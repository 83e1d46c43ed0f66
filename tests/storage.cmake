# The partition replica storage library (storage).
kv_add_test(storage_test
  storage_test_util.cc storage_replica_test.cc storage_follower_test.cc storage_snapshot_test.cc
  storage_truncate_test.cc storage_info_test.cc storage_crash_test.cc
  LIBS kv_storage LABELS storage)
