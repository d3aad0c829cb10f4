#include "graph/node_key_index.h"

#include <functional>
#include <mutex>

namespace expgraph {

namespace {

constexpr size_t kInitialSlots = 1024;

// Linear probing needs well-spread low bits: the string hash is mixed with the type and then
// through a 64-bit finaliser (the one of SplitMix64).
uint64_t mix(uint64_t value) {
  value ^= value >> 30;
  value *= 0xbf58476d1ce4e5b9ULL;
  value ^= value >> 27;
  value *= 0x94d049bb133111ebULL;
  value ^= value >> 31;
  return value;
}

}  // namespace

NodeKeyIndex::NodeKeyIndex(HashFunction hash) : hash_(hash), slots_(kInitialSlots) {}

uint64_t NodeKeyIndex::default_hash(SymbolId type, std::string_view key) {
  return mix(std::hash<std::string_view>{}(key) ^ (uint64_t{type} << 32 | type));
}

uint64_t NodeKeyIndex::hash_of(SymbolId type, std::string_view key) const {
  uint64_t hash = hash_(type, key);
  return hash == 0 ? 1 : hash;  // 0 marks an empty slot
}

void NodeKeyIndex::insert(SymbolId type, std::string_view key, NodeId id) {
  uint64_t hash = hash_of(type, key);
  std::unique_lock lock(mutex_);
  if ((size_ + 1) * 10 > slots_.size() * 7) grow();
  for (size_t index = home(hash);; index = (index + 1) & (slots_.size() - 1)) {
    Slot& slot = slots_[index];
    if (slot.hash == 0) {
      slot = Slot{hash, id};
      ++size_;
      return;
    }
    if (slot.hash == hash) {
      // The same key again keeps its id; another key with this hash makes the slot unsure.
      if (slot.id != id) slot.id = kAmbiguous;
      return;
    }
  }
}

void NodeKeyIndex::erase(SymbolId type, std::string_view key, NodeId id) {
  uint64_t hash = hash_of(type, key);
  std::unique_lock lock(mutex_);
  for (size_t index = home(hash);; index = (index + 1) & (slots_.size() - 1)) {
    const Slot& slot = slots_[index];
    if (slot.hash == 0) return;
    if (slot.hash == hash) {
      // An ambiguous slot may still stand for another live key, so it stays.
      if (slot.id == id) remove_at(index);
      return;
    }
  }
}

NodeKeyIndex::Lookup NodeKeyIndex::find(SymbolId type, std::string_view key) const {
  uint64_t hash = hash_of(type, key);
  std::shared_lock lock(mutex_);
  for (size_t index = home(hash);; index = (index + 1) & (slots_.size() - 1)) {
    const Slot& slot = slots_[index];
    if (slot.hash == 0) return Lookup{Answer::kAbsent, 0};
    if (slot.hash == hash) {
      if (slot.id == kAmbiguous) return Lookup{Answer::kAsk, 0};
      return Lookup{Answer::kFound, slot.id};
    }
  }
}

size_t NodeKeyIndex::size() const {
  std::shared_lock lock(mutex_);
  return size_;
}

size_t NodeKeyIndex::memory_bytes() const {
  std::shared_lock lock(mutex_);
  return slots_.capacity() * sizeof(Slot);
}

void NodeKeyIndex::grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  for (const Slot& slot : old) {
    if (slot.hash == 0) continue;
    size_t index = home(slot.hash);
    while (slots_[index].hash != 0) index = (index + 1) & (slots_.size() - 1);
    slots_[index] = slot;
  }
}

void NodeKeyIndex::remove_at(size_t index) {
  const size_t mask = slots_.size() - 1;
  size_t hole = index;
  for (size_t next = (hole + 1) & mask; slots_[next].hash != 0; next = (next + 1) & mask) {
    // An entry may move into the hole only if the hole lies on its probe path, i.e. between its
    // home slot and where it sits now (cyclically).
    size_t wanted = home(slots_[next].hash);
    bool hole_on_path = ((next - wanted) & mask) >= ((next - hole) & mask);
    if (hole_on_path) {
      slots_[hole] = slots_[next];
      hole = next;
    }
  }
  slots_[hole] = Slot{};
  --size_;
}

}  // namespace expgraph
