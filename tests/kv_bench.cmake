# kv-bench's measuring helpers (bench/proc_usage.cc, built into ops/kv-bench).
kv_add_test(kv_bench_usage_test kv_bench_usage_test.cc ../bench/proc_usage.cc LABELS bench)
