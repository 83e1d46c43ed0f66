#include "cluster/nameserver/json_doc.h"

namespace kv::ns {

Result<nlohmann::json> ParseDocument(std::string_view text, const std::string& key) {
  KV_ASSIGN_OR_RETURN(nlohmann::json doc, ParseJsonObject(text, key));
  KV_ASSIGN_OR_RETURN(uint64_t version, ReadUint(doc, "format_version", key));
  if (version != kMetaFormatVersion) {
    return Status::FailedPrecondition(key + ": format_version " + std::to_string(version) +
                                      " is not the supported " + std::to_string(kMetaFormatVersion) +
                                      " (written by another nameserver version?)");
  }
  return doc;
}

nlohmann::json NewDocument() { return nlohmann::json{{"format_version", kMetaFormatVersion}}; }

}  // namespace kv::ns
