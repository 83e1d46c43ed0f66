# The playbook runner (ops/playbook/). playbook_report_test: the run's report,
# report.json read back and report.html opened in a real headless browser
# (/usr/bin/chromium, from scripts/install-deps.sh; the test fails without it).
kv_add_test(playbook_report_test playbook_report_test.cc LIBS kv_playbook LABELS playbook)
# playbook_test: reading playbooks, what steps check, dry runs and resumed runs, without servers.
kv_add_test(playbook_test playbook_test.cc LIBS kv_playbook LABELS playbook)
# playbook_run_test: `ops playbook run` on real servers: every playbooks/*.yaml
# in its short form (--quick), and a run interrupted by SIGINT then resumed.
kv_add_test(playbook_run_test playbook_run_test.cc playground_test_util.cc LIBS kv_playbook LABELS playbook playground)
target_compile_definitions(playbook_run_test PRIVATE KV_PLAYBOOKS_DIR="${PROJECT_SOURCE_DIR}/playbooks")
add_dependencies(playbook_run_test ops nameserver tablet inspect repair)
