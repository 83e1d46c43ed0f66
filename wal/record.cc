#include "wal/record.h"

#include <cstring>

namespace kv::wal {

const char* RecordTypeName(RecordType t) {
  switch (t) {
    case RecordType::kNoop: return "noop";
    case RecordType::kPut: return "put";
    case RecordType::kDelete: return "delete";
    case RecordType::kBatch: return "batch";
  }
  return "unknown";
}

bool ParseRecordType(std::string_view name, RecordType* out) {
  for (uint8_t t = 0; t <= kMaxRecordType; ++t) {
    if (name == RecordTypeName(static_cast<RecordType>(t))) {
      *out = static_cast<RecordType>(t);
      return true;
    }
  }
  return false;
}

void PutFixed32(std::string* dst, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  dst->append(b, 4);
}

void PutFixed64(std::string* dst, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  dst->append(b, 8);
}

void PutVarint32(std::string* dst, uint32_t v) {
  while (v >= 0x80) {
    dst->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  dst->push_back(static_cast<char>(v));
}

bool GetVarint32(std::string_view* in, uint32_t* v) {
  uint32_t result = 0;
  for (int shift = 0; shift <= 28 && !in->empty(); shift += 7) {
    auto byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    if (shift == 28 && byte > 0x0f) return false;
    result |= static_cast<uint32_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

Record Record::Put(uint64_t term, std::string_view key, std::string_view value) {
  Record r{0, term, RecordType::kPut, {}};
  PutVarint32(&r.payload, static_cast<uint32_t>(key.size()));
  r.payload.append(key);
  r.payload.append(value);
  return r;
}

Record Record::Delete(uint64_t term, std::string_view key) {
  Record r{0, term, RecordType::kDelete, {}};
  PutVarint32(&r.payload, static_cast<uint32_t>(key.size()));
  r.payload.append(key);
  return r;
}

Record Record::Noop(uint64_t term, std::string_view note) {
  return Record{0, term, RecordType::kNoop, std::string(note)};
}

void BatchBuilder::Put(std::string_view key, std::string_view value) {
  ops_.push_back(static_cast<char>(RecordType::kPut));
  PutVarint32(&ops_, static_cast<uint32_t>(key.size()));
  ops_.append(key);
  PutVarint32(&ops_, static_cast<uint32_t>(value.size()));
  ops_.append(value);
  ++count_;
}

void BatchBuilder::Delete(std::string_view key) {
  ops_.push_back(static_cast<char>(RecordType::kDelete));
  PutVarint32(&ops_, static_cast<uint32_t>(key.size()));
  ops_.append(key);
  PutVarint32(&ops_, 0);
  ++count_;
}

Record BatchBuilder::Finish(uint64_t term) const {
  Record r{0, term, RecordType::kBatch, {}};
  PutVarint32(&r.payload, count_);
  r.payload.append(ops_);
  return r;
}

static bool TakeBytes(std::string_view* in, uint32_t n, std::string_view* out) {
  if (in->size() < n) return false;
  *out = in->substr(0, n);
  in->remove_prefix(n);
  return true;
}

Status ForEachOp(const RecordView& r, const std::function<void(const Op&)>& fn) {
  std::string_view in = r.payload;
  auto bad = [&](const char* what) {
    return Status::Corruption("offset " + std::to_string(r.offset) + ": " + what);
  };
  uint32_t n = 0;
  switch (r.type) {
    case RecordType::kNoop:
      return Status::OK();
    case RecordType::kPut: {
      Op op{RecordType::kPut, {}, {}};
      if (!GetVarint32(&in, &n) || !TakeBytes(&in, n, &op.key)) return bad("put key overruns payload");
      op.value = in;
      fn(op);
      return Status::OK();
    }
    case RecordType::kDelete: {
      Op op{RecordType::kDelete, {}, {}};
      if (!GetVarint32(&in, &n) || !TakeBytes(&in, n, &op.key)) return bad("delete key overruns payload");
      if (!in.empty()) return bad("delete payload has trailing bytes");
      fn(op);
      return Status::OK();
    }
    case RecordType::kBatch: {
      uint32_t count = 0;
      if (!GetVarint32(&in, &count)) return bad("batch count unreadable");
      for (uint32_t i = 0; i < count; ++i) {
        if (in.empty()) return bad("batch shorter than its count");
        auto type = static_cast<RecordType>(in.front());
        in.remove_prefix(1);
        if (type != RecordType::kPut && type != RecordType::kDelete) return bad("batch op of unknown type");
        Op op{type, {}, {}};
        uint32_t vlen = 0;
        if (!GetVarint32(&in, &n) || !TakeBytes(&in, n, &op.key) || !GetVarint32(&in, &vlen) ||
            !TakeBytes(&in, vlen, &op.value)) {
          return bad("batch op overruns payload");
        }
        fn(op);
      }
      if (!in.empty()) return bad("batch payload has trailing bytes");
      return Status::OK();
    }
  }
  return bad("unknown record type");
}

}  // namespace kv::wal
