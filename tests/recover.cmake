# `ops recoverdata`'s library (ops/recover): the collect model, the offline
# report reader and the pure planner. No cluster: run them alone with
# `ctest -L recover`.
kv_add_test(recover_plan_test recover_plan_test.cc recover_report_test.cc $<TARGET_OBJECTS:kv_partition_fixtures>
            LIBS kv_recover kv_inspect kv_storage LABELS recover)
