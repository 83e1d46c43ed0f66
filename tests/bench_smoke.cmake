# Smoke tests of the wal-bench CLI: each runs a case of bench/smoke_test.sh
# (a tiny log in a temporary folder; well under a second).
foreach(case write-verify bad-flag non-empty-dir damaged)
  add_test(NAME bench_smoke_${case}
           COMMAND sh ${CMAKE_SOURCE_DIR}/bench/smoke_test.sh $<TARGET_FILE:wal-bench> ${case})
  set_tests_properties(bench_smoke_${case} PROPERTIES LABELS bench TIMEOUT 20)
endforeach()
