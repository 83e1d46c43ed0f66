// The one spelling of every name the store gives its states and settings:
// kv.proto's roles, acks and replica states, and the nameserver's table and
// tablet states (TableInfo.state and TabletInfo.state carry their names). The
// nameserver's metadata, each replica's settings.json and every command's
// output and flags read and write these names, so they live here once: a name
// that is persisted never drifts from the one that is parsed or shown.
//
// Parsing returns nullopt for an unknown name: the caller says what was wrong
// where (a corrupt file, a bad flag), with the status it needs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cluster/proto/kv.pb.h"

namespace kv::names {

// "leader", "follower"; "unknown" for ROLE_UNKNOWN (or a value this build does not know).
std::string RoleName(v1::Role role);
// "leader" or "follower".
std::optional<v1::Role> ParseRole(std::string_view name);

// "majority", "leader".
std::string AcksName(v1::Acks acks);
std::optional<v1::Acks> ParseAcks(std::string_view name);
// "majority or leader": what an acks flag or field may be.
std::string AcksChoices();

// OpenMLDB's table states, as tablets report their replicas: "kTableNormal",
// "kTableLoading", "kTableWriteStopped", "kTableOpenFailed"; "-" for
// REPLICA_STATE_UNSPECIFIED (a tablet older than the field).
std::string ReplicaStateName(v1::ReplicaState state);

// A table as the nameserver keeps it. Usable only in kNormal; the other states
// exist so that a table whose replicas are being created or dropped (or failed
// to be) is never a half table nobody knows about: showtable says which.
enum class TableState { kNormal, kCreating, kDropping, kCreateFailed };
// "kTableNormal", "kTableCreating", "kTableDropping", "kTableCreateFailed".
std::string TableStateName(TableState state);
std::optional<TableState> ParseTableState(std::string_view name);

// A tablet as the nameserver sees it: heartbeating, or silent past the timeout.
enum class TabletState { kHealthy, kOffline };
// "kTabletHealthy", "kTabletOffline" (OpenMLDB's names).
std::string TabletStateName(TabletState state);
std::optional<TabletState> ParseTabletState(std::string_view name);

}  // namespace kv::names
