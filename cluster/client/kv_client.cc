#include "cluster/client/kv_client.h"

#include <type_traits>

#include "cluster/client/client_impl.h"

namespace kv::client {

Status TableNotFound(const std::string& table) { return Status::NotFound("table '" + table + "' does not exist"); }

Result<std::unique_ptr<Client>> Client::Connect(ClientOptions options) {
  if (options.nameservers.empty()) return Status::InvalidArgument("no nameserver endpoint given");
  for (const std::string& ns : options.nameservers) {
    if (ns.empty()) return Status::InvalidArgument("an empty nameserver endpoint");
  }
  return std::unique_ptr<Client>(new Client(std::move(options)));
}

Client::Client(ClientOptions options)
    : options_(std::move(options)),
      impl_(std::make_unique<Impl>(options_, [this](const std::string& table) { return FetchRoute(table); })) {}

Client::~Client() = default;

template <typename T, typename Attempt>
Result<T> Client::Impl::OnRoute(const std::string& table, const std::string& what, RetryBudget& budget,
                                Attempt attempt) {
  KV_ASSIGN_OR_RETURN(RoutePtr route, routes.Get(table));
  while (true) {
    Outcome<T> outcome = attempt(*route);
    if (outcome.done()) {
      Result<T>& result = outcome.result();
      if (!result.ok()) return result.status().WithContext(what);
      return std::move(result);
    }
    if (!budget.WaitBeforeRetry()) return GaveUp(what, budget.attempts(), budget.elapsed(), outcome.why());
    auto fresh = routes.Refresh(table, route);
    if (!fresh.ok()) {
      if (fresh.status().IsNotFound()) return fresh.status();  // dropped meanwhile
      // The nameserver did not answer in time: keep the old route and try again.
      continue;
    }
    route = *fresh;
  }
}

template <typename T, typename Request, typename Response, typename Convert>
Outcome<T> Client::Impl::CallLeader(const TableRoute& route, uint32_t pid, TabletMethod<Request, Response> method,
                                    Request request, RetryBudget& budget, Convert convert) {
  if (pid >= route.partitions.size()) {
    return Outcome<T>::Done(
        Status::FailedPrecondition("table '" + route.name + "' changed its partition count during the call"));
  }
  const std::string& leader = route.partitions[pid].leader;
  const std::string where = "partition " + std::to_string(pid);
  if (leader.empty()) return Outcome<T>::Retry(Status::IOError(where + " has no leader"));
  request.mutable_partition()->set_tid(route.tid);
  request.mutable_partition()->set_pid(pid);
  Response response;
  grpc::Status sent;
  if constexpr (std::is_same_v<Request, v1::WriteRequest>) {
    // Concurrent writes to one leader share an RPC (WriteMulti); this one's answer is its own.
    sent = writes.To(leader).Call(std::move(request), budget.RpcDeadline(), &response);
  } else {
    constexpr bool reads_data = std::is_same_v<Request, v1::ScanRequest> || std::is_same_v<Request, v1::CountRequest>;
    grpc::ClientContext context;
    context.set_deadline(budget.RpcDeadline(reads_data ? RpcWork::kScan : RpcWork::kPoint));
    sent = (channels.Tablet(leader).*method)(&context, request, &response);
  }
  const std::string at = where + " at " + leader;
  if (!sent.ok()) {
    Status failed = FromGrpc(sent, at);
    return IsTransient(sent.error_code()) ? Outcome<T>::Retry(failed) : Outcome<T>::Done(failed);
  }
  const v1::Error& error = response.error();
  if (error.code() == v1::OK) return Outcome<T>::Done(convert(response));
  Status failed = FromError(error, at);
  return IsRetryableTabletError(error.code()) ? Outcome<T>::Retry(failed) : Outcome<T>::Done(failed);
}

Result<WriteAck> Client::Write(const std::string& table, const std::vector<WriteOp>& ops, const std::string& what) {
  if (ops.empty()) return Status::InvalidArgument(what + ": no ops");
  RetryBudget budget(options_.retry);
  return impl_->OnRoute<WriteAck>(table, what, budget, [&](const TableRoute& route) {
    const uint32_t pid = route.PartitionOf(ops.front().key);
    v1::WriteRequest request;
    request.set_term(route.partitions[pid].term);
    for (const WriteOp& op : ops) {
      if (route.PartitionOf(op.key) != pid) {
        return Outcome<WriteAck>::Done(Status::InvalidArgument(
            "the keys fall in partitions " + std::to_string(pid) + " and " +
            std::to_string(route.PartitionOf(op.key)) + "; a batch is atomic within one partition only"));
      }
      v1::WriteOp* w = request.add_ops();
      w->set_type(op.type == WriteOp::Type::kPut ? v1::PUT : v1::DELETE);
      w->set_key(op.key);
      if (op.type == WriteOp::Type::kPut) w->set_value(op.value);
    }
    return impl_->CallLeader<WriteAck>(route, pid, &v1::Tablet::Stub::Write, std::move(request), budget,
                                       [pid](const v1::WriteResponse& r) -> Result<WriteAck> {
                                         return WriteAck{pid, r.offset(), r.term()};
                                       });
  });
}

Result<WriteAck> Client::Put(const std::string& table, const std::string& key, const std::string& value) {
  return Write(table, {WriteOp::Put(key, value)}, "put into table '" + table + "'");
}

Result<WriteAck> Client::Delete(const std::string& table, const std::string& key) {
  return Write(table, {WriteOp::Delete(key)}, "delete from table '" + table + "'");
}

Result<WriteAck> Client::Batch(const std::string& table, const std::vector<WriteOp>& ops) {
  return Write(table, ops, "batch into table '" + table + "'");
}

Result<std::optional<std::string>> Client::Get(const std::string& table, const std::string& key) {
  const std::string what = "get from table '" + table + "'";
  RetryBudget budget(options_.retry);
  using Value = std::optional<std::string>;
  return impl_->OnRoute<Value>(table, what, budget, [&](const TableRoute& route) {
    v1::GetRequest request;
    request.set_key(key);
    return impl_->CallLeader<Value>(
        route, route.PartitionOf(key), &v1::Tablet::Stub::Get, std::move(request), budget,
        [](const v1::GetResponse& r) -> Result<Value> { return r.found() ? Value(r.value()) : Value(); });
  });
}

Result<ScanPage> Client::ScanPartition(const std::string& table, uint32_t pid, const std::string& from,
                                       const std::string& to, uint32_t limit) {
  const std::string what = "scan table '" + table + "'";
  RetryBudget budget(options_.retry);
  return impl_->OnRoute<ScanPage>(table, what, budget, [&](const TableRoute& route) {
    v1::ScanRequest request;
    request.set_from_key(from);
    request.set_to_key(to);
    request.set_limit(limit);
    return impl_->CallLeader<ScanPage>(route, pid, &v1::Tablet::Stub::Scan, std::move(request), budget,
                                       [](const v1::ScanResponse& r) -> Result<ScanPage> {
                                         ScanPage page;
                                         page.more = r.more();
                                         page.entries.reserve(r.entries_size());
                                         for (const v1::KeyValue& kv : r.entries()) {
                                           page.entries.push_back({kv.key(), kv.value()});
                                         }
                                         return page;
                                       });
  });
}

Status Client::ScanEach(const std::string& table, const std::string& from, const std::string& to, uint64_t limit,
                        const std::function<void(const KeyValue&)>& visit) {
  if (!to.empty() && to <= from) return Status::OK();  // an empty range
  KV_ASSIGN_OR_RETURN(RoutePtr route, impl_->routes.Get(table));
  MergedScan scan(static_cast<uint32_t>(route->partitions.size()), from, limit,
                  [&](uint32_t pid, const std::string& page_from, uint32_t page_limit) {
                    return ScanPartition(table, pid, page_from, to, page_limit);
                  });
  while (true) {
    KV_ASSIGN_OR_RETURN(std::optional<KeyValue> next, scan.Next());
    if (!next) return Status::OK();
    visit(*next);
  }
}

Result<std::vector<KeyValue>> Client::Scan(const std::string& table, const std::string& from,
                                           const std::string& to, uint64_t limit) {
  std::vector<KeyValue> out;
  KV_RETURN_IF_ERROR(ScanEach(table, from, to, limit, [&](const KeyValue& kv) { out.push_back(kv); }));
  return out;
}

Result<uint64_t> Client::Count(const std::string& table) {
  const std::string what = "count table '" + table + "'";
  KV_ASSIGN_OR_RETURN(RoutePtr route, impl_->routes.Get(table));
  uint64_t total = 0;
  for (uint32_t pid = 0; pid < route->partitions.size(); ++pid) {
    RetryBudget budget(options_.retry);
    KV_ASSIGN_OR_RETURN(uint64_t count, impl_->OnRoute<uint64_t>(table, what, budget, [&](const TableRoute& r) {
      return impl_->CallLeader<uint64_t>(r, pid, &v1::Tablet::Stub::Count, v1::CountRequest(), budget,
                                         [](const v1::CountResponse& c) -> Result<uint64_t> { return c.count(); });
    }));
    total += count;
  }
  return total;
}

Result<std::vector<v1::ReplicaStatus>> Client::TabletStatus(const std::string& endpoint, bool with_checksum) {
  v1::GetStatusRequest request;
  request.set_with_checksum(with_checksum);
  grpc::ClientContext context;
  RetryBudget budget(options_.retry);
  context.set_deadline(budget.overall_deadline());  // a checksum scans every replica's data
  v1::GetStatusResponse response;
  const std::string what = "status of tablet " + endpoint;
  KV_RETURN_IF_ERROR(FromGrpc(impl_->channels.Tablet(endpoint).GetStatus(&context, request, &response), what));
  KV_RETURN_IF_ERROR(FromError(response.error(), what));
  return std::vector<v1::ReplicaStatus>(response.replicas().begin(), response.replicas().end());
}

}  // namespace kv::client
