# `inspect sst`: the library (inspect/sst_inspect.h) and the CLI over it.
kv_add_test(inspect_sst_test inspect_sst_test.cc LIBS kv_inspect)
add_dependencies(inspect_sst_test inspect)  # the CLI tests run the built binary
