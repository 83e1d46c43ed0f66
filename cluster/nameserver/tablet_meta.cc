#include "cluster/nameserver/tablet_meta.h"

#include "cluster/nameserver/json_doc.h"

namespace kv::ns {

std::string TabletKey(std::string_view endpoint) {
  return std::string(kTabletsFolder) + "/" + std::string(endpoint);
}

std::string EncodeTablet(const TabletMeta& tablet) {
  nlohmann::json doc = NewDocument();
  doc["endpoint"] = tablet.endpoint;
  doc["tablet_id"] = tablet.tablet_id;
  doc["data_dir"] = tablet.data_dir;
  doc["incarnation"] = tablet.incarnation;
  doc["state"] = names::TabletStateName(tablet.state);
  doc["registered_at_ms"] = tablet.registered_at_ms;
  doc["state_changed_at_ms"] = tablet.state_changed_at_ms;
  doc["taken_offline"] = tablet.taken_offline;
  return doc.dump();
}

Result<TabletMeta> DecodeTablet(std::string_view text, const std::string& key) {
  KV_ASSIGN_OR_RETURN(nlohmann::json doc, ParseDocument(text, key));
  TabletMeta tablet;
  KV_ASSIGN_OR_RETURN(tablet.endpoint, ReadString(doc, "endpoint", key));
  KV_ASSIGN_OR_RETURN(tablet.tablet_id, ReadString(doc, "tablet_id", key));
  KV_ASSIGN_OR_RETURN(tablet.data_dir, ReadString(doc, "data_dir", key));
  KV_ASSIGN_OR_RETURN(tablet.state, ReadName(doc, "state", "tablet state", key, names::ParseTabletState));
  KV_ASSIGN_OR_RETURN(tablet.registered_at_ms, ReadUint(doc, "registered_at_ms", key));
  KV_ASSIGN_OR_RETURN(tablet.state_changed_at_ms, ReadUint(doc, "state_changed_at_ms", key));
  // Absent in documents written before it existed: not taken offline.
  if (doc.contains("taken_offline")) {
    KV_ASSIGN_OR_RETURN(tablet.taken_offline, ReadBool(doc, "taken_offline", key));
  }
  // Absent in documents written before it existed: none known.
  if (doc.contains("incarnation")) {
    KV_ASSIGN_OR_RETURN(tablet.incarnation, ReadUint(doc, "incarnation", key));
  }
  if (key != TabletKey(tablet.endpoint)) {
    return Status::Corruption(key + ": holds the tablet at '" + tablet.endpoint + "'");
  }
  return tablet;
}

}  // namespace kv::ns
