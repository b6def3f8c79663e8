#pragma once
// WriteGate: output held back until the writes submitted before it are durable. The server hands each
// call record to the group commit (store::CommitQueue) instead of writing it on the io thread, and must
// still not send the final response or the 200 to a BYE before that record is on disk (docs/SERVER.md
// "Database"). So every transmit taken from the B2BUA waits here, in order, until the records
// submitted before it (and all earlier ones) completed; with no record outstanding it passes at once.
// Completions may arrive in any order. Sans-IO, single-threaded (the io thread).
//
//   const std::uint64_t id = gate.submitted();        // a record goes to the commit queue
//   gate.push(transmit);                              // everything from the B2BUA, in order
//   gate.completed(id);                               // its commit returned (posted back to the io thread)
//   while (auto t = gate.pop()) send(*t);

#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <utility>

namespace sotto::server {

template <class T>
class WriteGate {
 public:
  // A write was submitted; items pushed from now on wait for it. Returns its id for completed().
  std::uint64_t submitted() { return ++submitted_; }
  // Write `id` is durable (or failed and was reported): items waiting only for it and earlier ones pass.
  void completed(std::uint64_t id) {
    if (id <= durable_ || id > submitted_) return;
    done_.insert(id);
    while (!done_.empty() && *done_.begin() == durable_ + 1) {
      done_.erase(done_.begin());
      ++durable_;
    }
  }
  void push(T item) { held_.emplace_back(submitted_, std::move(item)); }
  // The next item in push order whose writes are all durable.
  std::optional<T> pop() {
    if (held_.empty() || held_.front().first > durable_) return std::nullopt;
    T item = std::move(held_.front().second);
    held_.pop_front();
    return item;
  }
  std::size_t held() const noexcept { return held_.size(); }
  std::uint64_t outstanding() const noexcept { return submitted_ - durable_; }

 private:
  std::uint64_t submitted_ = 0;
  std::uint64_t durable_ = 0;        // every write up to this id completed
  std::set<std::uint64_t> done_;     // completed beyond durable_
  std::deque<std::pair<std::uint64_t, T>> held_;  // (writes it waits for, item)
};

}  // namespace sotto::server
