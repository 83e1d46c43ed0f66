# The names of the store's enums and states (cluster/proto/enum_names.h).
kv_add_test(enum_names_test enum_names_test.cc LIBS kv_proto_names LABELS proto)
