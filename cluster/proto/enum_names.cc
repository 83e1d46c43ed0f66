#include "cluster/proto/enum_names.h"

#include <array>
#include <utility>

namespace kv::names {
namespace {

template <typename Enum, size_t N>
using NameTable = std::array<std::pair<Enum, std::string_view>, N>;

constexpr NameTable<v1::Role, 2> kRoles{{{v1::LEADER, "leader"}, {v1::FOLLOWER, "follower"}}};
constexpr NameTable<v1::Acks, 2> kAcks{{{v1::ACKS_MAJORITY, "majority"}, {v1::ACKS_LEADER, "leader"}}};
constexpr NameTable<v1::ReplicaState, 4> kReplicaStates{{
    {v1::TABLE_NORMAL, "kTableNormal"},
    {v1::TABLE_LOADING, "kTableLoading"},
    {v1::TABLE_WRITE_STOPPED, "kTableWriteStopped"},
    {v1::TABLE_OPEN_FAILED, "kTableOpenFailed"},
}};
constexpr NameTable<TableState, 4> kTableStates{{
    {TableState::kNormal, "kTableNormal"},
    {TableState::kCreating, "kTableCreating"},
    {TableState::kDropping, "kTableDropping"},
    {TableState::kCreateFailed, "kTableCreateFailed"},
}};
constexpr NameTable<TabletState, 2> kTabletStates{{
    {TabletState::kHealthy, "kTabletHealthy"},
    {TabletState::kOffline, "kTabletOffline"},
}};

template <typename Enum, size_t N>
std::string NameIn(const NameTable<Enum, N>& table, Enum value, std::string_view otherwise) {
  for (const auto& [v, name] : table) {
    if (v == value) return std::string(name);
  }
  return std::string(otherwise);
}

template <typename Enum, size_t N>
std::optional<Enum> ParseIn(const NameTable<Enum, N>& table, std::string_view name) {
  for (const auto& [value, n] : table) {
    if (n == name) return value;
  }
  return std::nullopt;
}

}  // namespace

std::string RoleName(v1::Role role) { return NameIn(kRoles, role, "unknown"); }
std::optional<v1::Role> ParseRole(std::string_view name) { return ParseIn(kRoles, name); }

std::string AcksName(v1::Acks acks) { return NameIn(kAcks, acks, "unknown"); }
std::optional<v1::Acks> ParseAcks(std::string_view name) { return ParseIn(kAcks, name); }
std::string AcksChoices() { return std::string(kAcks[0].second) + " or " + std::string(kAcks[1].second); }

std::string ReplicaStateName(v1::ReplicaState state) { return NameIn(kReplicaStates, state, "-"); }

std::string TableStateName(TableState state) { return NameIn(kTableStates, state, "kTableUnknown"); }
std::optional<TableState> ParseTableState(std::string_view name) { return ParseIn(kTableStates, name); }

std::string TabletStateName(TabletState state) { return NameIn(kTabletStates, state, "kTabletUnknown"); }
std::optional<TabletState> ParseTabletState(std::string_view name) { return ParseIn(kTabletStates, name); }

}  // namespace kv::names
