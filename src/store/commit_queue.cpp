#include "store/commit_queue.hpp"

#include <vector>

namespace sotto::store {

CommitQueue::CommitQueue(std::unique_ptr<Store> store, std::size_t max_batch)
    : store_(std::move(store)), max_batch_(max_batch == 0 ? 1 : max_batch), worker_([this] { run(); }) {}

CommitQueue::~CommitQueue() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

void CommitQueue::submit(Write write, Done done) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(Item{std::move(write), std::move(done)});
  }
  cv_.notify_one();
}

std::uint64_t CommitQueue::commits() const {
  std::lock_guard lock(mu_);
  return commits_;
}

std::uint64_t CommitQueue::writes() const {
  std::lock_guard lock(mu_);
  return writes_;
}

void CommitQueue::run() {
  std::vector<Item> batch;
  std::vector<Write> writes;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is written
      // Everything that queued up while the previous commit was syncing.
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    writes.clear();
    for (auto& item : batch) writes.push_back(std::move(item.write));
    const std::vector<Status> results = store_->apply(writes);
    {
      std::lock_guard lock(mu_);
      ++commits_;
      writes_ += batch.size();
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].done) batch[i].done(results[i]);
    }
    batch.clear();
  }
}

}  // namespace sotto::store
