# Failover, recovery and the op commands of the nameserver (issue 5):
# failover_test runs the nameserver in process with fake tablets
# (nameserver_fake_tablet.h). Label failover, and nameserver with the others.
kv_add_test(failover_test failover_test.cc $<TARGET_OBJECTS:kv_nameserver_test_util>
            LIBS kv_nameserver LABELS nameserver failover)
# kRecoverDataOP and the recovery record (`ops recoverdata apply`), in process with fake tablets.
kv_add_test(recover_data_op_test recover_data_op_test.cc $<TARGET_OBJECTS:kv_nameserver_test_util>
            LIBS kv_nameserver LABELS nameserver failover recover)
# Re-replication (replica_down_timeout_ms), leftovers, setreplicas and the
# balancer, in process with fake tablets.
kv_add_test(replica_ops_test replica_ops_test.cc $<TARGET_OBJECTS:kv_nameserver_test_util>
            LIBS kv_nameserver LABELS nameserver failover)
# With real processes on the playground: a leader's tablet killed under a
# write load, and one paused past failover, then resumed; in the same binary
# (one link), the nameserver's ops and marks (playground_ops_test.cc): an op
# resumed after the nameserver is killed in its middle, offlineendpoint
# across restarts, auto_balance.
add_library(kv_playground_failover_util OBJECT playground_failover_util.cc playground_test_util.cc)
target_link_libraries(kv_playground_failover_util PUBLIC kv_ops Catch2::Catch2)
target_compile_definitions(kv_playground_failover_util PRIVATE KV_BINARY_DIR="${CMAKE_BINARY_DIR}")
kv_add_test(playground_failover_test playground_failover_test.cc playground_ops_test.cc
            $<TARGET_OBJECTS:kv_playground_failover_util> LIBS kv_ops LABELS playground failover)
add_dependencies(playground_failover_test ops nameserver tablet)
# Many kill -9 / SIGSTOP cycles under load (KV_SOAK_CYCLES): label soak, outside
# the default run (SOAK=1 scripts/test.sh).
kv_add_test(playground_soak_test playground_soak_test.cc $<TARGET_OBJECTS:kv_playground_failover_util>
            LIBS kv_ops LABELS playground failover soak)
add_dependencies(playground_soak_test ops nameserver tablet)

# The manual restore of a partition (docs/ops.md), with the `ops` binary.
kv_add_test(playground_restore_test playground_restore_test.cc ops_run_util.cc
            $<TARGET_OBJECTS:kv_playground_failover_util> LIBS kv_ops LABELS playground restore)
add_dependencies(playground_restore_test ops nameserver tablet)

# A leader whose WAL writes fail (its tablet's RLIMIT_FSIZE lowered from the
# test): the leadership moves, and the replica reopens and catches up; a
# folder that fails to open fails `ops playground restart` (issue 18).
kv_add_test(playground_write_stopped_test playground_write_stopped_test.cc ops_run_util.cc
            $<TARGET_OBJECTS:kv_playground_failover_util> LIBS kv_ops LABELS playground failover)
add_dependencies(playground_write_stopped_test ops nameserver tablet)
