# The tablet server (cluster/tablet): in-process tablets on loopback ports with
# leases granted by the test on a fake clock, and the real binary for its flags,
# lock and signals.
kv_add_test(tablet_test
  tablet_test_util.cc storage_test_util.cc
  tablet_replication_test.cc tablet_fencing_test.cc tablet_control_test.cc tablet_nameserver_link_test.cc
  tablet_binary_test.cc tablet_multi_test.cc tablet_load_test.cc tablet_snapshot_test.cc
  tablet_power_cut_test.cc $<TARGET_OBJECTS:kv_power_cut_files>
  LIBS kv_tablet kv_storage LABELS tablet)
