# kv-bench's and rpc-floor's measuring helpers (bench/closed_loop.h,
# bench/proc_usage.h), and rpc-floor's CLI (bench/rpc_floor_smoke.sh).
kv_add_test(kv_bench_usage_test kv_bench_usage_test.cc LIBS kv_closed_loop LABELS bench)
foreach(case run bad-flag)
  add_test(NAME rpc_floor_smoke_${case}
           COMMAND sh ${CMAKE_SOURCE_DIR}/bench/rpc_floor_smoke.sh $<TARGET_FILE:rpc-floor> ${case})
  set_tests_properties(rpc_floor_smoke_${case} PROPERTIES LABELS bench TIMEOUT 30)
endforeach()
