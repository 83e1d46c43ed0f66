# The playbook runner (ops/playbook/). playbook_report_test: the run's report,
# report.json read back and report.html opened in a real headless browser
# (/usr/bin/chromium, from scripts/install-deps.sh; the test fails without it).
kv_add_test(playbook_report_test playbook_report_test.cc LIBS kv_playbook LABELS playbook)
