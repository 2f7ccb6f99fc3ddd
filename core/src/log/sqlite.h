// A thin owning wrapper over the SQLite C API for the decision log: a connection and a prepared
// statement that finalise themselves. Failures of SQLite travel as Expected values with SQLite's
// own message (English) prefixed by what was being done.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "meetlat/expected.h"

namespace meetlat::sql {

class Statement;

class Connection {
 public:
  Connection() = default;
  ~Connection() {
    if (db_ != nullptr) sqlite3_close_v2(db_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  Connection(Connection&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Connection& operator=(Connection&& o) noexcept {
    std::swap(db_, o.db_);
    return *this;
  }

  /// Opens `file`; `flags` as sqlite3_open_v2. Every connection waits up to 10 s for a lock held
  /// by another connection instead of failing at once (readers during a checkpoint).
  static Expected<Connection> open(const std::string& file, int flags) {
    Connection c;
    int rc = sqlite3_open_v2(file.c_str(), &c.db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = c.db_ != nullptr ? sqlite3_errmsg(c.db_) : sqlite3_errstr(rc);
      return Error{file + ": " + msg};
    }
    sqlite3_busy_timeout(c.db_, 10'000);
    sqlite3_extended_result_codes(c.db_, 1);
    return c;
  }

  /// Runs statements without results (schema, pragmas, BEGIN/COMMIT).
  Expected<bool> exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err != nullptr ? err : sqlite3_errmsg(db_);
      sqlite3_free(err);
      return Error{msg};
    }
    return true;
  }

  std::string error() const { return sqlite3_errmsg(db_); }
  sqlite3* get() const { return db_; }
  explicit operator bool() const { return db_ != nullptr; }

 private:
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement(Connection& c, std::string_view sql) : db_(c.get()) {
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
        SQLITE_OK) {
      error_ = sqlite3_errmsg(db_);
      stmt_ = nullptr;
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  const std::string& prepare_error() const { return error_; }

  // Parameters are 1-based as in SQLite; text is copied (SQLITE_TRANSIENT) so callers may pass
  // temporaries.
  Statement& bind(int i, std::string_view s) {
    sqlite3_bind_text64(stmt_, i, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    return *this;
  }
  Statement& bind_blob(int i, std::string_view s) {
    sqlite3_bind_blob64(stmt_, i, s.data(), s.size(), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }

  /// SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(stmt_); }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  std::int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    int n = sqlite3_column_bytes(stmt_, col);
    return p != nullptr ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n))
                        : std::string();
  }
  std::string blob(int col) const {
    const void* p = sqlite3_column_blob(stmt_, col);
    int n = sqlite3_column_bytes(stmt_, col);
    return p != nullptr ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n))
                        : std::string();
  }
  std::string error() const { return sqlite3_errmsg(db_); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string error_;
};

}  // namespace meetlat::sql
