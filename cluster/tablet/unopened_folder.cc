#include "cluster/tablet/unopened_folder.h"

#include "cluster/tablet/tablet.h"
#include "inspect/partition_inspect.h"
#include "storage/layout.h"

namespace kv::tablet {

UnopenedFolder LookAtUnopened(const std::string& replica_dir, const std::string& why) {
  UnopenedFolder folder{.table = TableOfFolder(replica_dir), .why = why};
  auto report = inspect::InspectPartition(storage::ReplicaPaths(replica_dir), {.verify_wal = true});
  if (!report.ok()) return folder;
  for (const inspect::Finding& f : report->findings) folder.findings.push_back(inspect::FindingKindName(f.kind));
  folder.last_term = report->info.last.term;
  folder.last_offset = report->info.last.offset;
  if (report->info.applied) folder.applied_offset = report->info.applied->offset;
  return folder;
}

v1::ReplicaStatus UnopenedStatus(PartitionKey key, const UnopenedFolder& folder) {
  v1::ReplicaStatus status;
  SetPartitionId(key, status.mutable_partition());
  status.set_table_name(folder.table);
  status.set_state(v1::TABLE_OPEN_FAILED);
  status.set_state_reason(folder.why);
  status.set_last_term(folder.last_term);
  status.set_last_offset(folder.last_offset);
  status.set_applied_offset(folder.applied_offset);
  for (const std::string& f : folder.findings) status.add_findings(f);
  return status;
}

}  // namespace kv::tablet
