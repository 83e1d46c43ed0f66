# The client library (cluster/client), the `ops` CLI (ops/) and the playground (ops/playground/).
# client_test, ops_test and playground_process_test use fakes (in-process gRPC
# servers, sleep and sh standing in for servers). ops_cli_test and the
# playground_* tests start real nameserver and tablet processes, so they depend
# on those binaries; the ZooKeeper case is named "zookeeper..." and tagged [zk]
# (leave it out with `ctest -E zookeeper`).
kv_add_test(client_test client_routing_test.cc client_scan_test.cc client_retry_test.cc client_coalesce_test.cc
            LIBS kv_client LABELS client)
kv_add_test(ops_test ops_args_test.cc ops_bench_test.cc LIBS kv_ops kv_ops_bench LABELS ops)
kv_add_test(playground_process_test playground_process_test.cc LIBS kv_ops LABELS playground)
kv_add_test(ops_cli_test ops_cli_test.cc ops_run_util.cc playground_test_util.cc LIBS kv_ops LABELS ops playground)
# The shipped YCSB workloads, read by ops_bench_test and ops_cli_test.
foreach(t ops_test ops_cli_test)
  target_compile_definitions(${t} PRIVATE KV_WORKLOADS_DIR="${PROJECT_SOURCE_DIR}/playbooks/workloads")
endforeach()
kv_add_test(playground_cluster_test playground_cluster_test.cc playground_test_util.cc
            LIBS kv_ops LABELS playground)
kv_add_test(playground_failure_test playground_failure_test.cc playground_test_util.cc
            LIBS kv_ops LABELS playground)
kv_add_test(playground_zk_test playground_zk_test.cc playground_test_util.cc zk_server.cc
            LIBS kv_ops kv_meta LABELS playground zk)
foreach(t ops_cli_test playground_cluster_test playground_failure_test playground_zk_test)
  add_dependencies(${t} ops nameserver tablet)
endforeach()
