# `ops recoverdata`'s library (ops/recover): the collect model, the offline
# report reader and the pure planner. No cluster: run them alone with
# `ctest -L recover`.
kv_add_test(recover_plan_test recover_plan_test.cc recover_report_test.cc $<TARGET_OBJECTS:kv_partition_fixtures>
            LIBS kv_recover kv_inspect kv_storage LABELS recover)
kv_add_test(recover_apply_steps_test recover_apply_steps_test.cc LIBS kv_recover_online LABELS recover)
# On real processes: the ops, nameserver and tablet binaries of this build.
kv_add_test(recover_cli_test recover_cli_test.cc recover_test_util.cc ops_run_util.cc playground_test_util.cc playground_failover_util.cc
            LIBS kv_ops kv_inspect LABELS recover playground)
add_dependencies(recover_cli_test ops nameserver tablet)
# Applying plans: a full outage with a minority restarted, resumed and stale applies.
kv_add_test(recover_apply_test recover_apply_test.cc recover_loss_test.cc recover_test_util.cc ops_run_util.cc playground_test_util.cc
            playground_failover_util.cc LIBS kv_ops kv_inspect LABELS recover playground)
add_dependencies(recover_apply_test ops nameserver tablet)
# Full outages at random moments, KV_SOAK_CYCLES of them (default 20): label soak.
# Its tablets are tablet-power-cut: the tablet program with the WALs' files
# behind the power-cut simulator, cut by SIGUSR1 (tests only).
add_executable(tablet-power-cut tablet_power_cut_main.cc $<TARGET_OBJECTS:kv_power_cut_files>)
target_link_libraries(tablet-power-cut PRIVATE kv_tablet)
kv_add_test(recover_soak_test recover_soak_test.cc recover_test_util.cc ops_run_util.cc playground_test_util.cc
            playground_failover_util.cc LIBS kv_ops kv_inspect LABELS recover playground soak)
add_dependencies(recover_soak_test ops nameserver tablet-power-cut)
# The planning bench, small, so that it keeps working (docs/benchmarks.md has the full run).
add_test(NAME recover_plan_bench_smoke COMMAND recover-plan-bench --partitions 1000)
set_tests_properties(recover_plan_bench_smoke PROPERTIES LABELS "recover;bench")
