# kv-bench's and rpc-floor's measuring helpers (bench/closed_loop.h,
# bench/proc_usage.h), and rpc-floor's CLI (bench/rpc_floor_smoke.sh).
kv_add_test(kv_bench_usage_test kv_bench_usage_test.cc LIBS kv_closed_loop LABELS bench)
# ycsb-ratio's embedded RocksDB under the YCSB runner (bench/embedded_store.h),
# and the program itself on a tiny run (bench/ycsb_ratio_smoke.sh).
kv_add_test(embedded_store_test embedded_store_test.cc LIBS kv_embedded_store LABELS bench)
target_compile_definitions(embedded_store_test PRIVATE KV_WORKLOADS_DIR="${PROJECT_SOURCE_DIR}/playbooks/workloads")
foreach(case run bad-flag)
  add_test(NAME rpc_floor_smoke_${case}
           COMMAND sh ${CMAKE_SOURCE_DIR}/bench/rpc_floor_smoke.sh $<TARGET_FILE:rpc-floor> ${case})
  set_tests_properties(rpc_floor_smoke_${case} PROPERTIES LABELS bench TIMEOUT 30)
endforeach()
foreach(case run bad-flag)
  add_test(NAME ycsb_ratio_smoke_${case}
           COMMAND sh ${CMAKE_SOURCE_DIR}/bench/ycsb_ratio_smoke.sh $<TARGET_FILE:ycsb-ratio>
                   ${PROJECT_SOURCE_DIR}/playbooks/workloads ${case})
  set_tests_properties(ycsb_ratio_smoke_${case} PROPERTIES LABELS bench TIMEOUT 120)
endforeach()
