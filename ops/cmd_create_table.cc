// `ops create table NAME [--partitions P] [--replicas R] [--acks leader|majority]
// [--wal-level 1|2] [--wal-fsync-period-ms MS]`: the nameserver places the
// partitions; prints where each replica went.
#include "cli/table.h"
#include "cluster/proto/enum_names.h"
#include "ops/cluster_command.h"
#include "ops/display.h"
#include "wal/durability.h"

namespace kv::ops {
namespace {

class CreateTableCommand : public ClusterCommand {
 public:
  std::vector<std::string> Path() const override { return {"create", "table"}; }
  std::string Help() const override {
    return "Create a table; the nameserver spreads its partitions' replicas and leaders over the tablets";
  }

 protected:
  void AddCommandFlags(CLI::App* app) override {
    app->add_option("name", name_, "table name")->required();
    partitions_flag_ = app->add_option("--partitions", partitions_, "partition count (default 8)")->type_name("P");
    replicas_flag_ =
        app->add_option("--replicas", replicas_, "replicas per partition (default 3, or fewer when fewer tablets)")
            ->type_name("R");
    app->add_option("--acks", acks_, "acknowledge after the leader's WAL, or a majority's")
        ->type_name("leader|majority")
        ->capture_default_str();
    wal_level_flag_ =
        app->add_option("--wal-level", wal_level_, "1: written to the OS, 2: fsynced (default 1)")->type_name("1|2");
    app->add_option("--wal-fsync-period-ms", fsync_period_ms_, "wal level 2: group fsyncs this often")
        ->type_name("MS");
  }

  int RunWith(client::Client& client, const cli::CommonFlags& common) override {
    auto request = Request();
    if (!request.ok()) return Fail(request.status());
    auto created = client.CreateTable(*request);
    if (!created.ok()) return Fail(created.status());
    const v1::TableInfo& t = *created;
    if (!common.json) {
      std::printf("created table '%s' (tid %u): %u partitions x %u replicas, acks %s, wal_level %u\n",
                  t.name().c_str(), t.tid(), t.partition_count(), t.replica_count(), names::AcksName(t.acks()).c_str(),
                  t.wal_level());
    }
    PrintReplicaRows(ReplicaRows({t}), common.json);
    return cli::kExitOk;
  }

 private:
  // Flags checked here so a bad one gets its name in the error (exit 2).
  Result<v1::CreateTableRequest> Request() const {
    v1::CreateTableRequest request;
    request.set_name(name_);
    // 0 on the wire means "the nameserver's default": only an absent flag may send it.
    if (partitions_flag_->count() > 0 && partitions_ < 1) {
      return Status::InvalidArgument("--partitions must be at least 1");
    }
    request.set_partitions(static_cast<uint32_t>(partitions_));
    if (replicas_flag_->count() > 0 && replicas_ < 1) return Status::InvalidArgument("--replicas must be at least 1");
    request.set_replicas(static_cast<uint32_t>(replicas_));
    const std::optional<v1::Acks> acks = names::ParseAcks(acks_);
    if (!acks) return Status::InvalidArgument("--acks must be " + names::AcksChoices() + ", not '" + acks_ + "'");
    request.set_acks(*acks);
    if (wal_level_flag_->count() > 0) {
      KV_RETURN_IF_ERROR(wal::CheckWalLevel(wal_level_).WithContext("--wal-level"));
    }
    request.set_wal_level(static_cast<uint32_t>(wal_level_));
    if (fsync_period_ms_ < 0) return Status::InvalidArgument("--wal-fsync-period-ms must not be negative");
    request.set_wal_fsync_period_ms(static_cast<uint32_t>(fsync_period_ms_));
    return request;
  }

  std::string name_;
  int partitions_ = 0, replicas_ = 0, wal_level_ = 0, fsync_period_ms_ = 0;
  std::string acks_ = names::AcksName(v1::ACKS_MAJORITY);
  CLI::Option* partitions_flag_ = nullptr;
  CLI::Option* replicas_flag_ = nullptr;
  CLI::Option* wal_level_flag_ = nullptr;
};

}  // namespace
}  // namespace kv::ops

using kv::ops::CreateTableCommand;
KV_REGISTER_COMMAND(CreateTableCommand);
