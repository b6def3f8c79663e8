#pragma once
// CommitQueue: group commit for the server's durable writes. Writes submitted while the previous commit is
// syncing go out together in the next one (Store::apply: one transaction, one fsync), so a reconnect storm
// costs a few syncs instead of one per REGISTER, and no write waits for a timer. Each write's `done` runs
// on the queue's thread once the write is durable (or failed): post it to your own executor from there.
//
//   store::CommitQueue q(std::move(*store::open_data_dir(dir, {})));   // its own connection
//   q.submit(store::PutBinding{rec}, [&](const Status& st) { asio::post(io, [=] { send_200_or_500(st); }); });
//   // ~CommitQueue writes what is still queued, then stops.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "store/store.hpp"

namespace sotto::store {

class CommitQueue {
 public:
  using Done = std::function<void(const Status&)>;

  // max_batch bounds one transaction (and so the latency of the first write in it).
  explicit CommitQueue(std::unique_ptr<Store> store, std::size_t max_batch = 512);
  ~CommitQueue();
  CommitQueue(const CommitQueue&) = delete;
  CommitQueue& operator=(const CommitQueue&) = delete;

  void submit(Write write, Done done);

  // Transactions committed so far (each covers one or more writes).
  std::uint64_t commits() const;
  std::uint64_t writes() const;

 private:
  struct Item {
    Write write;
    Done done;
  };
  void run();

  std::unique_ptr<Store> store_;
  const std::size_t max_batch_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::uint64_t commits_ = 0;
  std::uint64_t writes_ = 0;
  std::thread worker_;  // last: started after everything above exists
};

}  // namespace sotto::store
