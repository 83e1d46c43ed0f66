// A tablet as the nameserver persists it under /tablets/<endpoint> (README.md
// beside this file documents the JSON). Heartbeat times are not persisted:
// they change ten times a second and mean nothing to another process.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cluster/proto/enum_names.h"
#include "common/status.h"

namespace kv::ns {

// kHealthy, kOffline, and their names (names::TabletStateName): TabletInfo.state
// carries them to `ops showtablet`.
using TabletState = names::TabletState;

struct TabletMeta {
  std::string endpoint;
  std::string tablet_id;  // from the tablet's tablet.json: tells a new data dir at an old endpoint
  std::string data_dir;
  // The tablet process's incarnation at its last RegisterTablet (0: none
  // known): a registration with another one is a restarted process.
  uint64_t incarnation = 0;
  TabletState state = TabletState::kHealthy;
  uint64_t registered_at_ms = 0;     // wall clock of the last RegisterTablet
  uint64_t state_changed_at_ms = 0;  // wall clock of the last change of state
  // Set by offlineendpoint, cleared by recoverendpoint: an operator took the
  // tablet out, so neither auto_failover nor placement nor the balancer uses
  // it, even while it heartbeats and across nameserver restarts.
  bool taken_offline = false;

  // Heartbeating and not taken out: may lead, be placed on, be recovered onto.
  bool Usable() const { return state == TabletState::kHealthy && !taken_offline; }
};

// "/tablets/<endpoint>".
std::string TabletKey(std::string_view endpoint);
inline constexpr std::string_view kTabletsFolder = "/tablets";

std::string EncodeTablet(const TabletMeta& tablet);
Result<TabletMeta> DecodeTablet(std::string_view json, const std::string& key);

}  // namespace kv::ns
