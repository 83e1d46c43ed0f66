# Tests of the nameserver (cluster/nameserver). The service tests run the
# nameserver in process, on a free loopback port, with fake tablets
# (nameserver_fake_tablet.h). Cases tagged [zk] start a real ZooKeeper
# (tests/zk_server.h) and carry the ctest label zk.
add_library(kv_nameserver_test_util OBJECT nameserver_fake_tablet.cc nameserver_test_util.cc zk_server.cc)
target_link_libraries(kv_nameserver_test_util PUBLIC kv_nameserver Catch2::Catch2)

kv_add_test(nameserver_placement_test nameserver_placement_test.cc LIBS kv_nameserver LABELS nameserver)
kv_add_test(nameserver_balance_test nameserver_balance_test.cc LIBS kv_nameserver LABELS nameserver)
kv_add_test(nameserver_meta_test nameserver_meta_test.cc LIBS kv_nameserver LABELS nameserver)
kv_add_test(nameserver_service_test nameserver_service_test.cc $<TARGET_OBJECTS:kv_nameserver_test_util>
            LIBS kv_nameserver LABELS nameserver)
kv_add_test(nameserver_zk_test nameserver_zk_test.cc $<TARGET_OBJECTS:kv_nameserver_test_util>
            LIBS kv_nameserver LABELS nameserver zk)
kv_add_test(nameserver_daemon_test nameserver_daemon_test.cc $<TARGET_OBJECTS:kv_nameserver_test_util>
            LIBS kv_nameserver LABELS nameserver)
add_dependencies(nameserver_daemon_test nameserver)
