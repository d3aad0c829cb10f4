// CowVector<T>: a vector whose copies share their elements until one of them is changed
// (copy-on-write per element).
//
// The experiment catalog is replaced after every write, and most of it is unchanged: a copy of
// 3,350 experiments with their arms, results and texts, and freeing the replaced one, took
// 30-80 ms of allocator work per update on the Upworthy archive. Copying a CowVector copies one
// pointer per element; changing an element through a non-const accessor first copies that
// element alone when another vector still shares it.
//
// Reads through const accessors never copy. Thread safety as for std::vector: concurrent const
// reads are safe; a vector being changed must not be read elsewhere. Copies may be read and
// changed independently in different threads: an element is changed in place only when no other
// vector holds it (its shared_ptr's count is one), and another thread can add a holder only by
// copying a vector that already holds it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <utility>
#include <vector>

namespace expgraph::insights {

template <typename T>
class CowVector {
  using Slots = std::vector<std::shared_ptr<T>>;

 public:
  using value_type = T;
  using size_type = std::size_t;

  // Iteration over the elements as const T&: copies nothing.
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;

    const_iterator() = default;
    explicit const_iterator(typename Slots::const_iterator at) : at_(at) {}
    reference operator*() const { return **at_; }
    pointer operator->() const { return at_->get(); }
    const_iterator& operator++() {
      ++at_;
      return *this;
    }
    const_iterator operator++(int) { return const_iterator(at_++); }
    friend bool operator==(const const_iterator&, const const_iterator&) = default;

   private:
    typename Slots::const_iterator at_;
  };

  // Forward iteration that copies each element it reaches when it is shared (range-for over a
  // non-const vector: every element visited becomes its own).
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = T*;
    using reference = T&;

    iterator() = default;
    iterator(CowVector* owner, size_type index) : owner_(owner), index_(index) {}
    reference operator*() const { return (*owner_)[index_]; }
    pointer operator->() const { return &(*owner_)[index_]; }
    iterator& operator++() {
      ++index_;
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++index_;
      return old;
    }
    friend bool operator==(const iterator&, const iterator&) = default;

   private:
    CowVector* owner_ = nullptr;
    size_type index_ = 0;
  };

  CowVector() = default;
  CowVector(std::initializer_list<T> items) {
    for (const T& item : items) push_back(item);
  }

  size_type size() const { return slots_.size(); }
  bool empty() const { return slots_.empty(); }

  const T& operator[](size_type i) const { return *slots_[i]; }
  T& operator[](size_type i) { return own(i); }
  const T& front() const { return *slots_.front(); }
  T& front() { return own(0); }

  void push_back(T item) { slots_.push_back(std::make_shared<T>(std::move(item))); }
  // Replaces element i without copying the old one first.
  void replace(size_type i, T item) { slots_[i] = std::make_shared<T>(std::move(item)); }
  // Orders the elements by `less` (on const T&), moving pointers only.
  template <typename Less>
  void sort(Less less) {
    std::sort(
        slots_.begin(), slots_.end(),
        [&less](const std::shared_ptr<T>& a, const std::shared_ptr<T>& b) { return less(*a, *b); });
  }

  const_iterator begin() const { return const_iterator(slots_.cbegin()); }
  const_iterator end() const { return const_iterator(slots_.cend()); }
  iterator begin() { return iterator(this, 0); }
  iterator end() { return iterator(this, size()); }

  // Whether element i is the same object in both vectors (not a copy): for tests.
  bool shares(size_type i, const CowVector& other) const {
    return i < size() && i < other.size() && slots_[i] == other.slots_[i];
  }

 private:
  // Element i, copied first when another vector shares it.
  T& own(size_type i) {
    std::shared_ptr<T>& slot = slots_[i];
    if (slot.use_count() > 1) slot = std::make_shared<T>(*slot);
    return *slot;
  }

  Slots slots_;
};

}  // namespace expgraph::insights
