# Failover, recovery and the op commands of the nameserver (issue 5):
# failover_test runs the nameserver in process with fake tablets
# (nameserver_fake_tablet.h). Label failover, and nameserver with the others.
kv_add_test(failover_test failover_test.cc $<TARGET_OBJECTS:kv_nameserver_test_util>
            LIBS kv_nameserver LABELS nameserver failover)
# Re-replication (replica_down_timeout_ms), leftovers, setreplicas and the
# balancer, in process with fake tablets.
kv_add_test(replica_ops_test replica_ops_test.cc $<TARGET_OBJECTS:kv_nameserver_test_util>
            LIBS kv_nameserver LABELS nameserver failover)
# With real processes on the playground: a leader's tablet killed under a
# write load, and one paused past failover, then resumed.
kv_add_test(playground_failover_test playground_failover_test.cc playground_test_util.cc
            LIBS kv_ops LABELS playground failover)
add_dependencies(playground_failover_test ops nameserver tablet)
