#include "shared_backends.h"

#include <hiredis/hiredis.h>
#include <libpq-fe.h>

namespace passkey_server::test_util {
namespace {

// Redis has 16 database indexes by default; tests of one process take them
// in turn (a process rarely runs more than one test: ctest runs each alone).
constexpr int kRedisDatabases = 16;

// FlushRedisDatabase: FLUSHDB of database `index` on 127.0.0.1:`port`.
bool FlushRedisDatabase(int port, int index, std::string* error) {
  redisContext* context = redisConnect("127.0.0.1", port);
  if (context == nullptr || context->err != 0) {
    *error = context != nullptr ? context->errstr : "redisConnect failed";
    if (context != nullptr)
      redisFree(context);
    return false;
  }
  bool ok = true;
  for (const std::string& command : {"SELECT " + std::to_string(index), std::string("FLUSHDB")}) {
    auto* reply = static_cast<redisReply*>(redisCommand(context, command.c_str()));
    ok = ok && reply != nullptr && reply->type == REDIS_REPLY_STATUS;
    if (reply != nullptr)
      freeReplyObject(reply);
  }
  if (!ok)
    *error = "FLUSHDB failed";
  redisFree(context);
  return ok;
}

}  // namespace

SharedBackends* SharedBackends::Get(std::string* why, bool* skip) {
  // Started once; destroyed at exit, which stops both servers.
  static std::unique_ptr<SharedBackends> backends;
  static std::string failure;
  static bool missing = false;
  if (backends == nullptr && failure.empty()) {
    if (PostgresCluster::BinDir().empty()) {
      missing = true;
      failure =
          "PostgreSQL server binaries not found (Debian: postgresql-15; "
          "tools/install-deps.sh)";
    } else if (!RedisServer::Installed(&failure)) {
      missing = true;
    } else {
      std::unique_ptr<SharedBackends> started(new SharedBackends());
      started->postgres_ = PostgresCluster::Start(&failure);
      if (started->postgres_ != nullptr && !started->redis_.Start())
        failure = "redis-server did not start: " + started->redis_.error();
      if (failure.empty())
        backends = std::move(started);
    }
  }
  if (backends == nullptr) {
    *why = failure;
    *skip = missing;
  }
  return backends.get();
}

std::vector<std::string> SharedBackends::Fresh(std::string* database, std::string* error) {
  const int index = next_++;
  *database = "passkey_" + std::to_string(index);
  if (!postgres_->CreateDatabase(*database, error))
    return {};
  const int redis_index = index % kRedisDatabases;
  if (!FlushRedisDatabase(redis_.port(), redis_index, error))
    return {};
  return {"--db", postgres_->Url(*database), "--state",
          redis_.Url() + "/" + std::to_string(redis_index)};
}

bool SharedBackends::Query(const std::string& database, const std::string& sql,
                           std::vector<std::vector<std::string>>* rows, std::string* error) const {
  PGconn* conn = PQconnectdb(postgres_->Url(database).c_str());
  bool ok = PQstatus(conn) == CONNECTION_OK;
  if (!ok) {
    *error = PQerrorMessage(conn);
  } else {
    PGresult* result = PQexec(conn, sql.c_str());
    ok = PQresultStatus(result) == PGRES_TUPLES_OK;
    if (!ok)
      *error = PQresultErrorMessage(result);
    rows->clear();
    for (int row = 0; ok && row < PQntuples(result); ++row) {
      std::vector<std::string>& values = rows->emplace_back();
      for (int column = 0; column < PQnfields(result); ++column)
        values.push_back(PQgetisnull(result, row, column) ? "<null>"
                                                          : PQgetvalue(result, row, column));
    }
    PQclear(result);
  }
  PQfinish(conn);
  return ok;
}

}  // namespace passkey_server::test_util
