# Tests of the op engine (cluster/op). The case that needs ZooKeeper carries the
# Catch tag [zk] and a name starting "zookeeper" (`ctest -E zookeeper` leaves it out).
kv_add_test(op_test op_test.cc op_test_util.cc zk_server.cc LIBS kv_op LABELS op)
