#include "graph/property_columns.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <limits>
#include <unordered_map>

#include "graph/shared_strings.h"
#include "graph/value_codec.h"

namespace expgraph {

namespace {

constexpr size_t kAllocation = 16;  // malloc's bookkeeping per block, roughly

// Heap bytes a JSON value holds beyond its own sizeof (an estimate), so that the memory bound
// tracks what nested values really cost.
size_t json_heap_bytes(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::string:
      return sizeof(std::string) + kAllocation +
             value.get_ref<const std::string&>().capacity() + 1;
    case nlohmann::json::value_t::array:
    case nlohmann::json::value_t::object: {
      size_t bytes = 64 + kAllocation;
      for (const auto& [name, element] : value.items()) {
        bytes += sizeof(nlohmann::json) + json_heap_bytes(element) + name.size();
      }
      return bytes;
    }
    default:
      return 0;
  }
}

// A shared string's bytes: the string and its control block, in one allocation.
size_t string_bytes(const std::string& text) {
  return 48 + kAllocation + (text.capacity() > 15 ? text.capacity() + 1 + kAllocation : 0);
}

const PropertyColumns::Cell& absent_cell() {
  static const PropertyColumns::Cell absent;
  return absent;
}

}  // namespace

// One build or write's changes to a table: blocks and chunks are copied the first time a row of
// theirs changes, and written in place after that (nobody else sees them until published).
// finish() trims the copied chunks, frees the emptied ones and counts their bytes.
class PropertyColumns::TableWriter {
 public:
  explicit TableWriter(Table& table) : table_(table) {}

  // Sets node `id`'s key and properties (an object), replacing what it had.
  void set(NodeId id, const std::string& key, const nlohmann::json& properties) {
    Chunk& chunk = writable(id >> kChunkShift);
    size_t row = chunk.row(id);
    if (chunk.has(id)) {
      clear_row(chunk, row);
    } else {
      insert_row(chunk, id, row);
    }
    chunk.keys[row] = std::make_shared<const std::string>(key);
    table_.bytes_ += string_bytes(key);
    if (!properties.is_object()) return;
    for (const auto& [name, value] : properties.items()) {
      if (value.is_null()) continue;
      const size_t column = column_for(name);
      if (chunk.columns.size() <= column) {
        table_.bytes_ += (table_.names_.size() - chunk.columns.size()) * sizeof(std::vector<Cell>);
        chunk.columns.resize(table_.names_.size());
      }
      std::vector<Cell>& cells = chunk.columns[column];
      if (cells.empty()) {
        cells.resize(chunk.keys.size());
        table_.bytes_ += kAllocation + cells.size() * sizeof(Cell);
      }
      cells[row] = make_cell(value, column);
    }
  }

  void remove(NodeId id) {
    const Chunk* current = table_.chunk_of(id);
    if (current == nullptr) return;
    Chunk& chunk = writable(id >> kChunkShift);
    const size_t row = chunk.row(id);
    clear_row(chunk, row);
    table_.bytes_ -= std::min(table_.bytes_, row_bytes(chunk));
    chunk.keys.erase(chunk.keys.begin() + static_cast<std::ptrdiff_t>(row));
    for (std::vector<Cell>& cells : chunk.columns) {
      if (cells.empty()) continue;
      cells.erase(cells.begin() + static_cast<std::ptrdiff_t>(row));
      // The chunk's last row of a column: the column's array goes, and its charge with it
      // (finish() only looks at the columns that still have rows).
      if (cells.empty()) table_.bytes_ -= std::min(table_.bytes_, kAllocation);
    }
    const NodeId slot = id & (kChunkSize - 1);
    chunk.present[slot >> 6] &= ~(uint64_t{1} << (slot & 63));
    count_rows(chunk);
    --table_.node_count_;
  }

  // Trims the chunks this writer copied (a build grows them row by row, so that their arrays
  // cost what the table's bytes say), frees the emptied ones and the columns left without a
  // value. May throw (allocations), like every other member.
  void finish() {
    for (auto& [index, chunk] : copied_) {
      if (chunk->keys.empty()) {
        // Its charge is read before the reset frees it.
        const size_t charge = kEmptyChunkBytes + chunk->columns.size() * sizeof(std::vector<Cell>);
        writable_block(index >> kBlockShift).chunks[index & (kBlockSize - 1)].reset();
        table_.bytes_ -= std::min(table_.bytes_, charge);
        continue;
      }
      chunk->keys.shrink_to_fit();
      for (std::vector<Cell>& cells : chunk->columns) {
        bool any = false;
        for (const Cell& cell : cells) any = any || cell.index() != 0;
        if (!any && !cells.empty()) {
          table_.bytes_ -= std::min(table_.bytes_, kAllocation + cells.size() * sizeof(Cell));
          cells.clear();
        }
        cells.shrink_to_fit();
      }
      // Column slots past the chunk's last column with rows (a passing node's properties)
      // go too; a reader takes a missing slot for an absent value.
      const size_t slots = chunk->columns.size();
      while (!chunk->columns.empty() && chunk->columns.back().empty()) chunk->columns.pop_back();
      if (chunk->columns.size() < slots) {
        table_.bytes_ -= std::min(table_.bytes_,
                                  (slots - chunk->columns.size()) * sizeof(std::vector<Cell>));
        chunk->columns.shrink_to_fit();
      }
    }
    copied_.clear();
  }

 private:
  // A chunk's arrays are counted as rows and columns change: its fixed part, and per row a key
  // and a cell in each column some row has (its strings and JSON values are counted per cell).
  static constexpr size_t kEmptyChunkBytes = sizeof(Chunk) + 2 * kAllocation;
  static size_t row_bytes(const Chunk& chunk) {
    size_t bytes = sizeof(std::shared_ptr<const std::string>);
    for (const std::vector<Cell>& cells : chunk.columns) {
      if (!cells.empty()) bytes += sizeof(Cell);
    }
    return bytes;
  }

  // Equal short strings of a column written by one build or write share one copy (group-like
  // columns: status, channel, segment).
  Cell make_cell(const nlohmann::json& value, size_t column) {
    switch (value.type()) {
      case nlohmann::json::value_t::boolean:
        return value.get<bool>();
      case nlohmann::json::value_t::number_integer:
        return value.get<int64_t>();
      case nlohmann::json::value_t::number_unsigned:
        if (value.get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX)) {
          return static_cast<int64_t>(value.get<uint64_t>());
        }
        break;
      case nlohmann::json::value_t::number_float:
        return value.get<double>();
      case nlohmann::json::value_t::string: {
        // Charged to every cell that holds it, shared or not, and taken off when the cell is
        // cleared: an upper bound that stays right however the table changes.
        const std::string& text = value.get_ref<const std::string&>();
        table_.bytes_ += string_bytes(text);
        if (strings_.size() <= column) strings_.resize(column + 1);
        return strings_[column].get(text);
      }
      default:
        break;
    }
    table_.bytes_ += sizeof(nlohmann::json) + kAllocation + json_heap_bytes(value);
    return std::make_shared<const nlohmann::json>(value);
  }

  Block& writable_block(size_t index) {
    auto copied = copied_blocks_.find(index);
    if (copied != copied_blocks_.end()) return *copied->second;
    if (index >= table_.blocks_.size()) table_.blocks_.resize(index + 1);
    std::shared_ptr<Block> block;
    if (table_.blocks_[index]) {
      block = std::make_shared<Block>(*table_.blocks_[index]);
    } else {
      block = std::make_shared<Block>();
      table_.bytes_ += sizeof(Block) + kAllocation;
    }
    table_.blocks_[index] = block;
    copied_blocks_.emplace(index, block.get());
    return *block;
  }

  // The chunk of index `index` (id >> kChunkShift), copied into this writer's table.
  Chunk& writable(size_t index) {
    auto copied = copied_.find(index);
    if (copied != copied_.end()) return *copied->second;
    std::shared_ptr<const Chunk>& slot =
        writable_block(index >> kBlockShift).chunks[index & (kBlockSize - 1)];
    std::shared_ptr<Chunk> chunk;
    if (slot) {
      chunk = std::make_shared<Chunk>(*slot);
    } else {
      chunk = std::make_shared<Chunk>();
      table_.bytes_ += kEmptyChunkBytes;
    }
    slot = chunk;
    copied_.emplace(index, chunk.get());
    return *chunk;
  }

  // Makes room for `id` at `row` (its rank among the chunk's ids).
  void insert_row(Chunk& chunk, NodeId id, size_t row) {
    chunk.keys.insert(chunk.keys.begin() + static_cast<std::ptrdiff_t>(row), nullptr);
    for (std::vector<Cell>& cells : chunk.columns) {
      if (!cells.empty()) cells.insert(cells.begin() + static_cast<std::ptrdiff_t>(row), Cell());
    }
    const NodeId slot = id & (kChunkSize - 1);
    chunk.present[slot >> 6] |= uint64_t{1} << (slot & 63);
    count_rows(chunk);
    table_.bytes_ += row_bytes(chunk);
    ++table_.node_count_;
  }

  static void count_rows(Chunk& chunk) {
    uint16_t rows = 0;
    for (size_t w = 0; w < Chunk::kWords; ++w) {
      chunk.rows_before[w] = rows;
      rows = static_cast<uint16_t>(rows + __builtin_popcountll(chunk.present[w]));
    }
  }

  // Empties a row's key and cells, taking their strings' and values' bytes off.
  void clear_row(Chunk& chunk, size_t row) {
    if (chunk.keys[row]) {
      table_.bytes_ -= std::min(table_.bytes_, string_bytes(*chunk.keys[row]));
      chunk.keys[row].reset();
    }
    for (std::vector<Cell>& cells : chunk.columns) {
      if (cells.empty()) continue;
      if (auto* text = std::get_if<std::shared_ptr<const std::string>>(&cells[row])) {
        table_.bytes_ -= std::min(table_.bytes_, string_bytes(**text));
      } else if (auto* json = std::get_if<std::shared_ptr<const nlohmann::json>>(&cells[row])) {
        table_.bytes_ -= std::min(
            table_.bytes_, sizeof(nlohmann::json) + kAllocation + json_heap_bytes(**json));
      }
      cells[row] = std::monostate();
    }
  }

  size_t column_for(const std::string& name) {
    auto it = table_.column_of_.find(name);
    if (it != table_.column_of_.end()) return static_cast<size_t>(it->second);
    const int column = static_cast<int>(table_.names_.size());
    table_.names_.push_back(name);
    table_.column_of_.emplace(name, column);
    return static_cast<size_t>(column);
  }

  Table& table_;
  std::unordered_map<size_t, Block*> copied_blocks_;  // by block index
  std::unordered_map<size_t, Chunk*> copied_;         // by chunk index
  std::vector<SharedStrings> strings_;                // by column
};

const PropertyColumns::Cell& PropertyColumns::Table::value(const Chunk& chunk, NodeId id,
                                                           int column) {
  if (column < 0 || static_cast<size_t>(column) >= chunk.columns.size()) return absent_cell();
  const std::vector<Cell>& cells = chunk.columns[column];
  return cells.empty() ? absent_cell() : cells[chunk.row(id)];
}

nlohmann::json PropertyColumns::cell_json(const Cell& cell) {
  switch (cell.index()) {
    case 1: return std::get<bool>(cell);
    case 2: return std::get<int64_t>(cell);
    case 3: return std::get<double>(cell);
    case 4: return *std::get<std::shared_ptr<const std::string>>(cell);
    case 5: return *std::get<std::shared_ptr<const nlohmann::json>>(cell);
    default: return nullptr;
  }
}

PropertyColumns::PropertyColumns(const KvStore& store, const TopologyMirror& mirror,
                                 const SymbolTable& symbols, size_t max_bytes)
    : store_(store), mirror_(mirror), symbols_(symbols), max_bytes_(max_bytes) {}

std::shared_ptr<const PropertyColumns::Table> PropertyColumns::table(SymbolId type) const {
  std::lock_guard lock(tables_mutex_);
  auto it = tables_.find(type);
  return it == tables_.end() ? nullptr : it->second;
}

Result<std::shared_ptr<const PropertyColumns::Table>> PropertyColumns::table_or_build(
    SymbolId type, const BuildCheck& check) const {
  if (auto current = table(type)) return current;
  if (max_bytes_ == 0 || refused(type)) return std::shared_ptr<const Table>();
  std::lock_guard one_build(build_mutex_);
  if (auto current = table(type)) return current;  // built by another query meanwhile
  if (refused(type)) return std::shared_ptr<const Table>();
  {
    std::lock_guard update(update_mutex_);
    building_ = type;
    changed_while_building_.clear();
    building_lost_ = false;
  }
  auto built = build(type, check);  // writes go on meanwhile, recording what they change
  std::lock_guard update(update_mutex_);
  building_.reset();
  std::vector<NodeId> changed = std::move(changed_while_building_);
  changed_while_building_.clear();
  if (!built.ok()) return built.status();
  if (building_lost_) return std::shared_ptr<const Table>();  // read from storage this time
  if (*built != nullptr) EXPGRAPH_RETURN_IF_ERROR(replay(type, **built, std::move(changed)));
  size_t others = 0;
  {
    std::lock_guard lock(tables_mutex_);
    others = total_bytes_;
  }
  if (*built == nullptr || others + (*built)->bytes_ > max_bytes_) {
    std::lock_guard lock(tables_mutex_);
    refused_.insert(type);
    return std::shared_ptr<const Table>();
  }
  std::shared_ptr<const Table> table = std::move(built).value();
  publish(type, table);
  return table;
}

Status PropertyColumns::replay(SymbolId type, Table& table, std::vector<NodeId> changed) const {
  const std::string& type_name = symbols_.name(SymbolKind::kNodeType, type);
  std::sort(changed.begin(), changed.end());
  changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
  TableWriter writer(table);
  for (NodeId id : changed) {
    auto stored = store_.get(Column::kNodes, keys::node_key(id));
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) {
      writer.remove(id);
      continue;
    }
    auto record = decode_node_record(id, **stored);
    if (!record.ok()) return record.status();
    if (record->type == type_name) {
      writer.set(id, record->key, record->properties);
    } else {
      writer.remove(id);  // moved to another type
    }
  }
  writer.finish();
  return Status();
}

// Reads every node of the type in id order with one iterator (the mirror gives the ids, in
// id order, which is the `nodes` key order), so that a type whose nodes are dense in the id
// range costs a sequential read rather than a point read per node.
Result<std::shared_ptr<PropertyColumns::Table>> PropertyColumns::build(
    SymbolId type, const BuildCheck& check) const {
  auto table = std::make_shared<Table>();
  TableWriter writer(*table);
  size_t budget = max_bytes_;
  {
    std::lock_guard lock(tables_mutex_);
    budget = total_bytes_ >= max_bytes_ ? 0 : max_bytes_ - total_bytes_;
  }
  KvIterator it = store_.scan(Column::kNodes, "");
  std::vector<NodeId> ids;
  NodeId from = 0;
  for (;;) {
    ids.clear();
    from = mirror_.nodes_of_type(type, from, 4096, ids);
    if (ids.empty()) break;
    for (NodeId id : ids) {
      if (check) EXPGRAPH_RETURN_IF_ERROR(check());
      const std::string key = keys::node_key(id);
      // A few steps forward are cheaper than a seek when the type's ids are close together.
      for (int step = 0; step < 4 && it.valid() && it.key() < key; ++step) it.next();
      if (it.valid() && it.key() < key) it.seek(key);
      if (!it.valid() || it.key() != key) continue;  // deleted since the mirror listed it
      auto record = decode_node_record(id, it.value());
      if (!record.ok()) return record.status();
      writer.set(id, record->key, record->properties);
      if (table->bytes_ > budget) return std::shared_ptr<Table>();
    }
  }
  EXPGRAPH_RETURN_IF_ERROR(it.status());
  writer.finish();
  return table;
}

void PropertyColumns::publish(SymbolId type, std::shared_ptr<const Table> table) const {
  std::lock_guard lock(tables_mutex_);
  auto it = tables_.find(type);
  if (it != tables_.end()) {
    total_bytes_ -= it->second->bytes_;
    tables_.erase(it);
  }
  if (table) {
    total_bytes_ += table->bytes_;
    tables_.emplace(type, std::move(table));
  }
}

size_t PropertyColumns::memory_bytes() const {
  std::lock_guard lock(tables_mutex_);
  return total_bytes_;
}

size_t PropertyColumns::refused_types() const {
  std::lock_guard lock(tables_mutex_);
  return refused_.size();
}

bool PropertyColumns::refused(SymbolId type) const {
  std::lock_guard lock(tables_mutex_);
  return refused_.count(type) != 0;
}

Status PropertyColumns::prepare(const std::vector<NodeChange>&, KvWriteBatch&) {
  return Status();  // nothing stored: the tables are rebuilt from the nodes after a restart
}

void PropertyColumns::set_update_fault_for_testing(std::function<void()> fault) const {
  std::lock_guard update(update_mutex_);
  update_fault_ = std::move(fault);
}

// Runs after the write is durable: an exception from here would fail a write that happened and
// skip the observers after this one (the similarity index), so none leaves.
void PropertyColumns::committed(const std::vector<NodeChange>& changes) {
  std::lock_guard update(update_mutex_);
  try {
    if (building_) record_changes_of_building(changes);
    apply(changes);
  } catch (const std::exception& error) {
    drop_tables_of(changes, error.what());
  } catch (...) {
    drop_tables_of(changes, "unknown exception");
  }
}

void PropertyColumns::record_changes_of_building(const std::vector<NodeChange>& changes) {
  for (const NodeChange& change : changes) {
    for (const NodeRecord* record : {change.before, change.after}) {
      if (record == nullptr) continue;
      if (symbols_.find(SymbolKind::kNodeType, record->type) == building_) {
        changed_while_building_.push_back(change.id);
        break;
      }
    }
  }
}

void PropertyColumns::drop_tables_of(const std::vector<NodeChange>& changes,
                                     const char* why) noexcept {
  // Erasing from the maps frees and never allocates; the symbol lookups hash a view.
  auto drop = [&](const NodeRecord* record) {
    if (record == nullptr) return;
    auto type = symbols_.find(SymbolKind::kNodeType, record->type);
    if (!type) return;
    std::lock_guard lock(tables_mutex_);
    auto it = tables_.find(*type);
    if (it == tables_.end()) return;
    total_bytes_ -= std::min(total_bytes_, it->second->bytes_);
    tables_.erase(it);
  };
  for (const NodeChange& change : changes) {
    drop(change.before);
    drop(change.after);
  }
  if (building_) building_lost_ = true;  // the changes may not all be recorded
  if (!update_failure_logged_.exchange(true)) {
    std::fprintf(stderr,
                 "expgraphd: property columns: %s while following a write; the tables of its "
                 "node types are dropped and read from storage until a scan builds them again "
                 "(logged once)\n",
                 why);
  }
}

void PropertyColumns::apply(const std::vector<NodeChange>& changes) {
  // Copies of the current tables of the types this request touches, written in place and
  // published at the end, one type after the other.
  std::unordered_map<SymbolId, std::shared_ptr<Table>> next;
  std::unordered_map<SymbolId, std::unique_ptr<TableWriter>> writers;
  auto writer_for = [&](const std::string& type_name) -> TableWriter* {
    auto type = symbols_.find(SymbolKind::kNodeType, type_name);
    if (!type) return nullptr;
    auto found = writers.find(*type);
    if (found != writers.end()) return found->second.get();
    auto current = table(*type);
    if (!current) return nullptr;  // not built: nothing to keep in step
    auto copy = std::make_shared<Table>(*current);
    Table& t = *copy;
    next.emplace(*type, std::move(copy));
    return writers
        .emplace(*type, std::make_unique<TableWriter>(t))
        .first->second.get();
  };
  for (const NodeChange& change : changes) {
    // A node keeps its type for life; a change of type is still applied as a move.
    if (change.before != nullptr &&
        (change.after == nullptr || change.after->type != change.before->type)) {
      if (TableWriter* writer = writer_for(change.before->type)) writer->remove(change.id);
    }
    if (change.after != nullptr) {
      if (TableWriter* writer = writer_for(change.after->type)) {
        writer->set(change.id, change.after->key, change.after->properties);
      }
    }
  }
  for (auto& [type, writer] : writers) writer->finish();
  writers.clear();
  for (auto& [type, table] : next) {
    if (update_fault_) update_fault_();
    size_t others = 0;
    {
      std::lock_guard lock(tables_mutex_);
      auto current = tables_.find(type);
      others = total_bytes_ - (current == tables_.end() ? 0 : current->second->bytes_);
    }
    if (others + table->bytes_ > max_bytes_) {
      // Grown past the bound: the type goes back to storage reads, for good (until restart).
      publish(type, nullptr);
      std::lock_guard lock(tables_mutex_);
      refused_.insert(type);
    } else {
      publish(type, std::move(table));
    }
  }
}

}  // namespace expgraph
