// Group commit: Store::apply (one transaction, per-write results) and CommitQueue on top of it.
#include "store/commit_queue.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <set>

#include "store/data_dir.hpp"
#include "store/verdict.hpp"

namespace sotto::store {
namespace {

namespace fs = std::filesystem;

struct Dir {
  Dir() {
    std::string tmpl = (fs::temp_directory_path() / "sotto-commit-queue-test-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
    auto st = open_data_dir(path, {.realm = std::nullopt, .create = true});
    EXPECT_TRUE(st);
    EXPECT_TRUE((*st)->add_user(make_user("alice", "sotto", "pw", {}, 1)));
  }
  ~Dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::unique_ptr<Store> open() const {
    auto st = open_data_dir(path, {.realm = std::nullopt, .create = false});
    EXPECT_TRUE(st);
    return std::move(*st);
  }
  fs::path path;
};

BindingRecord binding(const std::string& user, int port) {
  BindingRecord b;
  b.user = user;
  b.contact = "sips:" + user + "@127.0.0.1:" + std::to_string(port);
  b.expires_unix = 10'000;
  return b;
}

CallRecord a_call(const std::string& id) {
  CallRecord c;
  c.call_id = id;
  c.started_unix_ms = 5;
  c.ended_unix_ms = 6;
  c.legs.push_back(LegRecord{});
  apply_judgement(c);
  return c;
}

TEST(StoreApply, OneTransactionWithAResultPerWrite) {
  Dir d;
  auto st = d.open();
  ASSERT_TRUE(st->put_binding(binding("alice", 1)));
  const std::vector<Write> writes = {PutBinding{binding("alice", 2)}, PutBinding{binding("nobody", 3)},
                                     AddCall{a_call("c1")}, RemoveBinding{binding("alice", 1)},
                                     AddCall{CallRecord{}}, PutBinding{binding("alice", 4)}};
  const auto results = st->apply(writes);
  ASSERT_EQ(results.size(), writes.size());
  EXPECT_TRUE(results[0]);
  ASSERT_FALSE(results[1]);
  EXPECT_EQ(results[1].error().code, Errc::invalid_state);
  EXPECT_TRUE(results[2]);
  EXPECT_TRUE(results[3]);
  ASSERT_FALSE(results[4]);
  EXPECT_EQ(results[4].error().code, Errc::invalid_argument);
  EXPECT_TRUE(results[5]);
  // What succeeded is on disk, seen from another connection; what failed left nothing behind.
  auto other = d.open();
  auto bindings = other->list_bindings(0);
  ASSERT_EQ(bindings->size(), 2u);
  EXPECT_EQ((*bindings)[0].contact, "sips:alice@127.0.0.1:2");
  EXPECT_EQ((*bindings)[1].contact, "sips:alice@127.0.0.1:4");
  auto calls = other->list_calls(0);
  ASSERT_EQ(calls->size(), 1u);
  EXPECT_EQ((*calls)[0], a_call("c1"));
  EXPECT_TRUE(st->apply({}).empty());
}

TEST(CommitQueue, WritesQueuedDuringACommitShareTheNextOne) {
  Dir d;
  std::promise<void> all_submitted;
  std::shared_future<void> submitted = all_submitted.get_future().share();
  constexpr int kWrites = 200;
  std::atomic<int> ok{0}, failed{0};
  std::promise<void> all_done;
  auto done = [&](const Status& s) {
    (s ? ok : failed)++;
    if (ok + failed == kWrites) all_done.set_value();
  };
  {
    CommitQueue q(d.open());
    // The first write's callback holds the queue's thread until every other write is queued, so they all
    // go into at most one more transaction.
    q.submit(PutBinding{binding("alice", 0)}, [&](const Status& s) {
      submitted.wait();
      done(s);
    });
    for (int i = 1; i < kWrites; ++i) q.submit(PutBinding{binding(i == 7 ? "nobody" : "alice", i)}, done);
    all_submitted.set_value();
    all_done.get_future().wait();
    EXPECT_EQ(q.writes(), static_cast<std::uint64_t>(kWrites));
    EXPECT_LE(q.commits(), 2u);
    EXPECT_GE(q.commits(), 1u);
  }
  EXPECT_EQ(ok, kWrites - 1);
  EXPECT_EQ(failed, 1);
  EXPECT_EQ(d.open()->list_bindings(0)->size(), static_cast<std::size_t>(kWrites - 1));
}

TEST(CommitQueue, DestructionWritesWhatIsStillQueued) {
  Dir d;
  std::atomic<int> done{0};
  {
    CommitQueue q(d.open(), /*max_batch=*/3);
    for (int i = 0; i < 20; ++i) {
      q.submit(AddCall{a_call("call-" + std::to_string(i))}, [&](const Status& s) {
        EXPECT_TRUE(s) << s.error().message();
        ++done;
      });
    }
  }
  EXPECT_EQ(done, 20);
  auto calls = d.open()->list_calls(0);
  ASSERT_EQ(calls->size(), 20u);
  EXPECT_EQ((*calls)[19].call_id, "call-19");  // in submission order
}

TEST(CommitQueue, EveryAcknowledgedWriteSurvivesKill9) {
  // A child process writes through a CommitQueue and reports each write on a pipe once `done` says it is
  // durable; the parent kills it with SIGKILL mid-stream, then every reported write must be in the database.
  Dir d;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(fds[0]);
    auto st = open_data_dir(d.path, {.realm = std::nullopt, .create = false});
    if (!st) ::_exit(3);
    CommitQueue q(std::move(*st));
    for (int i = 0;; ++i) {
      q.submit(PutBinding{binding("alice", i)}, [fd = fds[1], i](const Status& s) {
        if (!s) ::_exit(4);
        const int n = i;
        if (::write(fd, &n, sizeof n) != static_cast<ssize_t>(sizeof n)) ::_exit(5);
      });
      if (i % 50 == 49) ::usleep(2000);  // let commits happen while writes keep coming
    }
  }
  ::close(fds[1]);
  std::vector<int> acked;
  int n = 0;
  while (acked.size() < 300 && ::read(fds[0], &n, sizeof n) == static_cast<ssize_t>(sizeof n)) acked.push_back(n);
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  // Acknowledgements still in the pipe were durable too.
  while (::read(fds[0], &n, sizeof n) == static_cast<ssize_t>(sizeof n)) acked.push_back(n);
  ::close(fds[0]);
  ASSERT_GE(acked.size(), 300u);

  auto st = d.open();
  auto bindings = st->list_bindings(0);
  ASSERT_TRUE(bindings) << bindings.error().message();
  std::set<std::string> stored;
  for (const auto& b : *bindings) stored.insert(b.contact);
  for (int i : acked) EXPECT_TRUE(stored.count("sips:alice@127.0.0.1:" + std::to_string(i))) << "write " << i;
  EXPECT_GE(stored.size(), acked.size());
}

}  // namespace
}  // namespace sotto::store
