# Tests of the nameserver's metadata store (cluster/meta). The cases that need
# ZooKeeper carry the Catch tag [zk] and names starting "zookeeper"; they start
# a real server (tests/zk_server.h). Leave them out with `ctest -E zookeeper`.
kv_add_test(meta_store_test meta_store_test.cc zk_server.cc LIBS kv_meta LABELS meta)
kv_add_test(meta_embedded_test meta_embedded_test.cc LIBS kv_meta LABELS meta)
kv_add_test(meta_zk_test meta_zk_test.cc zk_server.cc LIBS kv_meta LABELS meta)
kv_add_test(meta_election_test meta_election_test.cc zk_server.cc LIBS kv_meta LABELS meta)
