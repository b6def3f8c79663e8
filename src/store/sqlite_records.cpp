// SqliteStore: registrar bindings and call records (schema version 3, sqlite_store.cpp). Every write is one
// transaction under synchronous=FULL: on disk when the call returns.
#include <limits>

#include "store/sqlite_store_impl.hpp"

namespace sotto::store::detail {
namespace {

constexpr std::string_view kBindingColumns =
    "user, binding_key, contact, instance, reg_id, transport, source_ip, source_port, call_id, cseq, "
    "expires_unix, pub_gruu, outbound, flow, updated_at";

std::int64_t clamp64(std::uint64_t v) {
  return v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
             ? std::numeric_limits<std::int64_t>::max()
             : static_cast<std::int64_t>(v);
}

std::uint64_t counter(sqlite3_stmt* s, int i) {
  const std::int64_t v = sqlite3_column_int64(s, i);
  return v < 0 ? 0 : static_cast<std::uint64_t>(v);
}

// Reasons are one TEXT column: joined by '\n', with '\' and newlines escaped so any text round-trips.
std::string join_reasons(const std::vector<std::string>& reasons) {
  std::string out;
  for (std::size_t i = 0; i < reasons.size(); ++i) {
    if (i > 0) out += '\n';
    for (char c : reasons[i]) {
      if (c == '\\') out += "\\\\";
      else if (c == '\n') out += "\\n";
      else out += c;
    }
  }
  return out;
}

std::vector<std::string> split_reasons(std::string_view text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  out.emplace_back();
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      out.emplace_back();
    } else if (c == '\\' && i + 1 < text.size()) {
      out.back() += text[i + 1] == 'n' ? '\n' : text[i + 1];
      ++i;
    } else {
      out.back() += c;
    }
  }
  return out;
}

}  // namespace

Status SqliteStore::write_binding(const BindingRecord& b) {
  if (b.user.empty() || b.contact.empty()) {
    return fail(Errc::invalid_argument, "a binding needs a user and a contact (got user '" + b.user + "', contact '" +
                                            b.contact + "')");
  }
  auto st = prepare("INSERT OR REPLACE INTO bindings(" + std::string(kBindingColumns) +
                    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
  if (!st) return Unexpected(st.error());
  sqlite3_stmt* s = st->get();
  bind_text(s, 1, b.user);
  bind_text(s, 2, binding_key(b));
  bind_text(s, 3, b.contact);
  bind_text(s, 4, b.instance);
  sqlite3_bind_int64(s, 5, b.reg_id);
  bind_text(s, 6, transport_label(b.transport));
  bind_text(s, 7, b.source_ip);
  sqlite3_bind_int(s, 8, b.source_port);
  bind_text(s, 9, b.call_id);
  sqlite3_bind_int64(s, 10, b.cseq);
  sqlite3_bind_int64(s, 11, b.expires_unix);
  bind_text(s, 12, b.pub_gruu);
  sqlite3_bind_int(s, 13, b.outbound ? 1 : 0);
  bind_text(s, 14, b.flow);
  sqlite3_bind_int64(s, 15, b.updated_unix);
  const int rc = sqlite3_step(s);
  if (rc == SQLITE_CONSTRAINT) {
    return fail(Errc::invalid_state, "no user '" + b.user + "' to bind " + b.contact + " to");
  }
  if (rc != SQLITE_DONE) return db_fail("writing the binding of '" + b.user + "'");
  return {};
}

Status SqliteStore::put_binding(const BindingRecord& binding) { return write_binding(binding); }

Status SqliteStore::put_bindings(const std::vector<BindingRecord>& bindings) {
  if (bindings.empty()) return {};
  return in_transaction([&]() -> Status {
    for (const auto& b : bindings) {
      if (auto st = write_binding(b); !st) return st;
    }
    return {};
  });
}

Result<bool> SqliteStore::remove_binding(const BindingRecord& binding) { return delete_binding(binding); }

Result<bool> SqliteStore::delete_binding(const BindingRecord& binding) {
  auto st = prepare("DELETE FROM bindings WHERE user = ?1 AND binding_key = ?2");
  if (!st) return Unexpected(st.error());
  bind_text(st->get(), 1, binding.user);
  bind_text(st->get(), 2, binding_key(binding));
  if (sqlite3_step(st->get()) != SQLITE_DONE) return db_fail("removing a binding");
  return sqlite3_changes(db_.get()) > 0;
}

Result<BindingRecord> SqliteStore::read_binding(sqlite3_stmt* s) const {
  BindingRecord b;
  b.user = column_text(s, 0);
  b.contact = column_text(s, 2);
  b.instance = column_text(s, 3);
  b.reg_id = static_cast<std::uint32_t>(sqlite3_column_int64(s, 4));
  auto t = parse_transport_label(column_text(s, 5));
  if (!t) return fail(Errc::malformed_input, path_ + ": binding of '" + b.user + "': stored " + t.error().context);
  b.transport = *t;
  b.source_ip = column_text(s, 6);
  b.source_port = static_cast<std::uint16_t>(sqlite3_column_int(s, 7));
  b.call_id = column_text(s, 8);
  b.cseq = static_cast<std::uint32_t>(sqlite3_column_int64(s, 9));
  b.expires_unix = sqlite3_column_int64(s, 10);
  b.pub_gruu = column_text(s, 11);
  b.outbound = sqlite3_column_int(s, 12) != 0;
  b.flow = column_text(s, 13);
  b.updated_unix = sqlite3_column_int64(s, 14);
  return b;
}

Result<std::vector<BindingRecord>> SqliteStore::list_bindings(std::int64_t now_unix) {
  auto st = prepare("SELECT " + std::string(kBindingColumns) +
                    " FROM bindings WHERE expires_unix > ?1 ORDER BY user, contact, binding_key");
  if (!st) return Unexpected(st.error());
  sqlite3_bind_int64(st->get(), 1, now_unix);
  std::vector<BindingRecord> out;
  while (true) {
    const int rc = sqlite3_step(st->get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return db_fail("listing bindings");
    auto b = read_binding(st->get());
    if (!b) return Unexpected(b.error());
    out.push_back(std::move(*b));
  }
  return out;
}

Result<std::size_t> SqliteStore::remove_expired(std::int64_t now_unix) {
  auto st = prepare("DELETE FROM bindings WHERE expires_unix <= ?1");
  if (!st) return Unexpected(st.error());
  sqlite3_bind_int64(st->get(), 1, now_unix);
  if (sqlite3_step(st->get()) != SQLITE_DONE) return db_fail("removing expired bindings");
  return static_cast<std::size_t>(sqlite3_changes(db_.get()));
}

Status SqliteStore::add_call(const CallRecord& c) {
  return in_transaction([&]() -> Status { return write_call(c); });
}

Status SqliteStore::write_call(const CallRecord& c) {
  if (c.call_id.empty()) return fail(Errc::invalid_argument, "a call record needs a Call-ID");
  if (c.started_unix_ms < 0 || c.ended_unix_ms < 0 || (c.answered_unix_ms && *c.answered_unix_ms < 0)) {
    return fail(Errc::invalid_argument, "call " + c.call_id + ": negative time");
  }
  auto ins = prepare(
      "INSERT INTO calls(call_id, from_uri, to_uri, started_ms, answered_ms, ended_ms, result, status, verdict, "
      "reasons, end_reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  if (!ins) return Unexpected(ins.error());
  sqlite3_stmt* s = ins->get();
  bind_text(s, 1, c.call_id);
  bind_text(s, 2, c.from);
  bind_text(s, 3, c.to);
  sqlite3_bind_int64(s, 4, c.started_unix_ms);
  if (c.answered_unix_ms) sqlite3_bind_int64(s, 5, *c.answered_unix_ms);
  else sqlite3_bind_null(s, 5);
  sqlite3_bind_int64(s, 6, c.ended_unix_ms);
  bind_text(s, 7, to_string(c.result));
  sqlite3_bind_int(s, 8, c.status);
  bind_text(s, 9, to_string(c.verdict));
  bind_text(s, 10, join_reasons(c.reasons));
  bind_text(s, 11, c.end_reason);
  if (sqlite3_step(s) != SQLITE_DONE) return db_fail("adding call " + c.call_id);
  const std::int64_t id = sqlite3_last_insert_rowid(db_.get());

  auto leg = prepare(
      "INSERT INTO call_legs(call, ordinal, side, peer, address, transport, tls_version, tls_cipher, "
      "peer_certificate, media, srtp_suite, packets_in, packets_out, auth_failures, packets_lost) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
  if (!leg) return Unexpected(leg.error());
  for (std::size_t i = 0; i < c.legs.size(); ++i) {
    const LegRecord& l = c.legs[i];
    sqlite3_stmt* ls = leg->get();
    sqlite3_reset(ls);
    sqlite3_bind_int64(ls, 1, id);
    sqlite3_bind_int64(ls, 2, static_cast<std::int64_t>(i));
    bind_text(ls, 3, to_string(l.side));
    bind_text(ls, 4, l.peer);
    bind_text(ls, 5, l.address);
    bind_text(ls, 6, transport_label(l.transport));
    bind_text(ls, 7, l.tls_version);
    bind_text(ls, 8, l.tls_cipher);
    bind_text(ls, 9, l.peer_certificate);
    sqlite3_bind_int(ls, 10, l.media ? 1 : 0);
    if (l.srtp_suite) bind_text(ls, 11, *l.srtp_suite);
    else sqlite3_bind_null(ls, 11);
    sqlite3_bind_int64(ls, 12, clamp64(l.packets_in));
    sqlite3_bind_int64(ls, 13, clamp64(l.packets_out));
    sqlite3_bind_int64(ls, 14, clamp64(l.auth_failures));
    sqlite3_bind_int64(ls, 15, clamp64(l.packets_lost));
    if (sqlite3_step(ls) != SQLITE_DONE) return db_fail("adding a leg of call " + c.call_id);
  }
  return {};
}

std::vector<Status> SqliteStore::apply(const std::vector<Write>& writes) {
  std::vector<Status> results(writes.size());
  if (writes.empty()) return results;
  // Each write under its own savepoint inside one transaction: a failing one is rolled back alone.
  auto one = [&](const Write& w) -> Status {
    if (auto st = exec("SAVEPOINT w"); !st) return st;
    Status r = std::visit(
        [&](const auto& op) -> Status {
          using T = std::decay_t<decltype(op)>;
          if constexpr (std::is_same_v<T, PutBinding>) return write_binding(op.binding);
          else if constexpr (std::is_same_v<T, RemoveBinding>) {
            auto removed = delete_binding(op.binding);
            if (!removed) return Unexpected(removed.error());
            return {};
          } else {
            return write_call(op.call);
          }
        },
        w);
    if (!r) {
      (void)exec("ROLLBACK TO w");
      (void)exec("RELEASE w");
      return r;
    }
    if (auto st = exec("RELEASE w"); !st) return st;
    return {};
  };
  Status committed = in_transaction([&]() -> Status {
    for (std::size_t i = 0; i < writes.size(); ++i) results[i] = one(writes[i]);
    return {};
  });
  if (!committed) std::fill(results.begin(), results.end(), committed);
  return results;
}

Result<std::vector<CallRecord>> SqliteStore::list_calls(std::int64_t since_unix_ms) {
  // One read transaction, so calls and legs come from the same snapshot.
  if (auto st = exec("BEGIN"); !st) return Unexpected(st.error());
  struct End {
    SqliteStore* s;
    ~End() { (void)s->exec("COMMIT"); }
  } end{this};

  // A version 2 file (opened read-only, so not upgraded) has no end_reason: read as empty.
  const std::string end_reason = info_.schema_version >= 3 ? "end_reason" : "''";
  auto st = prepare(
      "SELECT id, call_id, from_uri, to_uri, started_ms, answered_ms, ended_ms, result, status, verdict, reasons, " +
      end_reason + " FROM calls WHERE started_ms >= ?1 ORDER BY started_ms, id");
  if (!st) return Unexpected(st.error());
  sqlite3_bind_int64(st->get(), 1, since_unix_ms);
  std::vector<CallRecord> out;
  std::vector<std::int64_t> ids;
  while (true) {
    const int rc = sqlite3_step(st->get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return db_fail("listing calls");
    sqlite3_stmt* s = st->get();
    CallRecord c;
    ids.push_back(sqlite3_column_int64(s, 0));
    c.call_id = column_text(s, 1);
    c.from = column_text(s, 2);
    c.to = column_text(s, 3);
    c.started_unix_ms = sqlite3_column_int64(s, 4);
    if (sqlite3_column_type(s, 5) != SQLITE_NULL) c.answered_unix_ms = sqlite3_column_int64(s, 5);
    c.ended_unix_ms = sqlite3_column_int64(s, 6);
    auto bad = [&](const Error& e) {
      return fail(Errc::malformed_input, path_ + ": call " + c.call_id + ": stored " + e.context);
    };
    auto result = parse_call_result(column_text(s, 7));
    if (!result) return bad(result.error());
    c.result = *result;
    c.status = sqlite3_column_int(s, 8);
    auto verdict = parse_verdict(column_text(s, 9));
    if (!verdict) return bad(verdict.error());
    c.verdict = *verdict;
    c.reasons = split_reasons(column_text(s, 10));
    c.end_reason = column_text(s, 11);
    out.push_back(std::move(c));
  }

  auto legs = prepare(
      "SELECT side, peer, address, transport, tls_version, tls_cipher, peer_certificate, media, srtp_suite, "
      "packets_in, packets_out, auth_failures, packets_lost FROM call_legs WHERE call = ?1 ORDER BY ordinal");
  if (!legs) return Unexpected(legs.error());
  for (std::size_t i = 0; i < out.size(); ++i) {
    sqlite3_stmt* s = legs->get();
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, ids[i]);
    CallRecord& c = out[i];
    while (true) {
      const int rc = sqlite3_step(s);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return db_fail("listing the legs of call " + c.call_id);
      auto bad = [&](const Error& e) {
        return fail(Errc::malformed_input, path_ + ": call " + c.call_id + ": stored " + e.context);
      };
      LegRecord l;
      auto side = parse_leg_side(column_text(s, 0));
      if (!side) return bad(side.error());
      l.side = *side;
      l.peer = column_text(s, 1);
      l.address = column_text(s, 2);
      auto t = parse_transport_label(column_text(s, 3));
      if (!t) return bad(t.error());
      l.transport = *t;
      l.tls_version = column_text(s, 4);
      l.tls_cipher = column_text(s, 5);
      l.peer_certificate = column_text(s, 6);
      l.media = sqlite3_column_int(s, 7) != 0;
      if (sqlite3_column_type(s, 8) != SQLITE_NULL) l.srtp_suite = column_text(s, 8);
      l.packets_in = counter(s, 9);
      l.packets_out = counter(s, 10);
      l.auth_failures = counter(s, 11);
      l.packets_lost = counter(s, 12);
      c.legs.push_back(std::move(l));
    }
  }
  return out;
}

Result<std::size_t> SqliteStore::prune_calls(std::int64_t before_unix_ms, std::size_t limit) {
  if (limit == 0) return std::size_t{0};
  // By calls_by_start; the legs go by ON DELETE CASCADE (foreign_keys is on), through their primary key.
  auto st = prepare(
      "DELETE FROM calls WHERE id IN (SELECT id FROM calls WHERE started_ms < ?1 ORDER BY started_ms, id LIMIT ?2)");
  if (!st) return Unexpected(st.error());
  sqlite3_bind_int64(st->get(), 1, before_unix_ms);
  sqlite3_bind_int64(st->get(), 2, clamp64(limit));
  if (sqlite3_step(st->get()) != SQLITE_DONE) return db_fail("pruning calls");
  return static_cast<std::size_t>(sqlite3_changes(db_.get()));
}

}  // namespace sotto::store::detail
