// The Client's administrative calls: all go to the active nameserver.
#include "cluster/client/kv_client.h"

namespace kv::client {
namespace {

// The nameserver's NotFound for a named table, in the client's wording.
Status NamingTheTable(const Status& s, const std::string& table) {
  return s.IsNotFound() && !table.empty() ? TableNotFound(table) : s;
}

}  // namespace

Result<v1::TableInfo> Client::FetchRoute(const std::string& table) {
  KV_ASSIGN_OR_RETURN(std::vector<v1::TableInfo> tables, ShowTable(table));
  if (tables.size() != 1 || tables.front().name() != table) return TableNotFound(table);
  return std::move(tables.front());
}

Result<v1::TableInfo> Client::CreateTable(const v1::CreateTableRequest& request) {
  RetryBudget budget(options_.retry);
  auto created = nameservers_.Call(&v1::NameServer::Stub::CreateTable, request, NsCallKind::kOnce, budget,
                                   "create table '" + request.name() + "'");
  routes_.Forget(request.name());
  if (!created.ok()) return created.status();
  return created->table();
}

Status Client::DropTable(const std::string& name) {
  RetryBudget budget(options_.retry);
  v1::DropTableRequest request;
  request.set_name(name);
  auto dropped = nameservers_.Call(&v1::NameServer::Stub::DropTable, request, NsCallKind::kOnce, budget,
                                   "drop table '" + name + "'");
  routes_.Forget(name);
  return NamingTheTable(dropped.status(), name);
}

Result<std::vector<v1::TableInfo>> Client::ShowTable(const std::string& name) {
  RetryBudget budget(options_.retry);
  v1::ShowTableRequest request;
  request.set_name(name);
  auto shown = nameservers_.Call(&v1::NameServer::Stub::ShowTable, request, NsCallKind::kRepeatable, budget,
                                 name.empty() ? "show tables" : "show table '" + name + "'");
  if (!shown.ok()) return NamingTheTable(shown.status(), name);
  return std::vector<v1::TableInfo>(shown->tables().begin(), shown->tables().end());
}

Result<std::vector<v1::TabletInfo>> Client::ShowTablet() {
  RetryBudget budget(options_.retry);
  KV_ASSIGN_OR_RETURN(v1::ShowTabletResponse shown,
                      nameservers_.Call(&v1::NameServer::Stub::ShowTablet, v1::ShowTabletRequest(),
                                        NsCallKind::kRepeatable, budget, "show tablets"));
  return std::vector<v1::TabletInfo>(shown.tablets().begin(), shown.tablets().end());
}

Result<std::map<std::string, std::string>> Client::ConfGet(const std::string& key) {
  RetryBudget budget(options_.retry);
  v1::ConfGetRequest request;
  request.set_key(key);
  KV_ASSIGN_OR_RETURN(v1::ConfGetResponse got,
                      nameservers_.Call(&v1::NameServer::Stub::ConfGet, request, NsCallKind::kRepeatable, budget,
                                        key.empty() ? "confget" : "confget " + key));
  return std::map<std::string, std::string>(got.values().begin(), got.values().end());
}

Status Client::ConfSet(const std::string& key, const std::string& value) {
  RetryBudget budget(options_.retry);
  v1::ConfSetRequest request;
  request.set_key(key);
  request.set_value(value);
  return nameservers_
      .Call(&v1::NameServer::Stub::ConfSet, request, NsCallKind::kRepeatable, budget, "confset " + key)
      .status();
}

}  // namespace kv::client
