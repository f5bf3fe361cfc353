#include "pg_peer.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

#include "bench_support.hpp"

namespace zhurnal::bench {
namespace {

namespace fs = std::filesystem;

struct PgConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgConn = std::unique_ptr<PGconn, PgConnDeleter>;
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

fs::path find_bin_dir(const std::string& given) {
  std::vector<fs::path> candidates;
  if (!given.empty()) candidates.emplace_back(given);
  candidates.emplace_back("/usr/lib/postgresql/15/bin");
  candidates.emplace_back("/usr/local/bin");
  for (const fs::path& dir : candidates) {
    if (fs::exists(dir / "pg_ctl") && fs::exists(dir / "initdb")) return dir;
  }
  throw std::runtime_error(
      "PostgreSQL 15 not found (no pg_ctl/initdb in /usr/lib/postgresql/15/bin or "
      "/usr/local/bin); install postgresql-15 (scripts/bench-deps.sh) or pass --pg-bin");
}

// The user the server runs as: nullptr when we are not root.
const passwd* server_user(const std::string& name) {
  if (::geteuid() != 0) return nullptr;
  const passwd* pw = ::getpwnam(name.c_str());
  if (pw == nullptr) {
    throw std::runtime_error("running as root and there is no user '" + name +
                             "' to run PostgreSQL as (postgres refuses root); create it or pass "
                             "--pg-user");
  }
  return pw;
}

// Runs argv as `user` (when given), output appended to `log`; throws on a
// non-zero exit, quoting the log's tail.
void run_tool(const std::vector<std::string>& argv, const passwd* user, const fs::path& log) {
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // Privileges first, so that the log belongs to the server's user.
    if (user != nullptr &&
        (::setgroups(0, nullptr) != 0 || ::setgid(user->pw_gid) != 0 ||
         ::setuid(user->pw_uid) != 0)) {
      _exit(126);
    }
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  std::ifstream in(log);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > 2000) text = text.substr(text.size() - 2000);
  throw std::runtime_error(argv[0] + " failed (status " + std::to_string(status) + "):\n" + text);
}

int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot find a free loopback port");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

PgConn connect_or_throw(const std::string& conninfo) {
  PgConn c(PQconnectdb(conninfo.c_str()));
  if (!c || PQstatus(c.get()) != CONNECTION_OK) {
    throw std::runtime_error("connect to PostgreSQL: " +
                             std::string(c ? PQerrorMessage(c.get()) : "out of memory"));
  }
  return c;
}

PgResult exec_or_throw(PGconn* c, const std::string& sql) {
  PgResult r(PQexec(c, sql.c_str()));
  const ExecStatusType s = PQresultStatus(r.get());
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
    throw std::runtime_error("PostgreSQL: " + sql + ": " + PQerrorMessage(c));
  }
  return r;
}

std::string scalar(PGconn* c, const std::string& sql) {
  PgResult r = exec_or_throw(c, sql);
  if (PQntuples(r.get()) != 1) throw std::runtime_error("PostgreSQL: no row from " + sql);
  return PQgetvalue(r.get(), 0, 0);
}

// CPU seconds (user + system) of the postmaster and all its children now
// alive, from /proc/<pid>/stat.
double server_cpu_seconds(pid_t postmaster) {
  const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
  double total = 0;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string stat;
    if (!std::getline(in, stat)) continue;
    const size_t close = stat.rfind(')');
    if (close == std::string::npos) continue;
    // Fields after "(comm)": state ppid ... utime is field 14, stime 15.
    std::vector<std::string> f;
    size_t pos = close + 2;
    while (pos < stat.size() && f.size() < 13) {
      const size_t sp = stat.find(' ', pos);
      f.push_back(stat.substr(pos, sp - pos));
      if (sp == std::string::npos) break;
      pos = sp + 1;
    }
    if (f.size() < 13) continue;
    const pid_t pid = std::atoi(name.c_str());
    const pid_t ppid = std::atoi(f[1].c_str());
    if (pid != postmaster && ppid != postmaster) continue;
    total += (std::atof(f[11].c_str()) + std::atof(f[12].c_str())) / tick;
  }
  return total;
}

uint64_t lsn_bytes(const std::string& lsn) {  // "16/B374D848"
  const size_t slash = lsn.find('/');
  if (slash == std::string::npos) return 0;
  return (std::stoull(lsn.substr(0, slash), nullptr, 16) << 32) |
         std::stoull(lsn.substr(slash + 1), nullptr, 16);
}

}  // namespace

PgPeer::PgPeer(PgPeerOptions options) : options_(std::move(options)) {
  bin_dir_ = find_bin_dir(options_.bin_dir);
  const passwd* user = server_user(options_.run_as);
  const fs::path parent = scratch_parent(options_.parent_dir);
  std::string pattern = (parent / "zhurnal-bench-pg-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("cannot create a scratch directory under " + parent.string());
  }
  root_ = pattern;
  if (user != nullptr && ::chown(root_.c_str(), user->pw_uid, user->pw_gid) != 0) {
    throw std::runtime_error("cannot chown " + root_.string() + " to " + options_.run_as);
  }
  const fs::path log = root_ / "server.log";
  const fs::path data = root_ / "data";
  // Setup need not be durable (--no-sync); the measured runs are.
  run_tool({(bin_dir_ / "initdb").string(), "-D", data.string(), "-U", "bench", "-A", "trust",
            "-E", "UTF8", "--locale=C", "--no-sync"},
           user, root_ / "initdb.log");
  port_ = free_loopback_port();
  const std::string durable = options_.sync ? "on" : "off";
  const std::string server_options =
      "-c listen_addresses=127.0.0.1 -c port=" + std::to_string(port_) +
      " -c unix_socket_directories=" + root_.string() + " -c fsync=" + durable +
      " -c synchronous_commit=" + durable +
      " -c max_connections=120 -c shared_buffers=256MB -c max_wal_size=4GB";
  run_tool({(bin_dir_ / "pg_ctl").string(), "-D", data.string(), "-l", log.string(), "-o",
            server_options, "-w", "-t", "60", "start"},
           user, root_ / "pg_ctl.log");
  started_ = true;
  PgConn c = connect_or_throw(conninfo());
  version_ = scalar(c.get(), "SHOW server_version") +
             ", fsync " + scalar(c.get(), "SHOW fsync") + ", synchronous_commit " +
             scalar(c.get(), "SHOW synchronous_commit") + ", wal_sync_method " +
             scalar(c.get(), "SHOW wal_sync_method") + ", run as " +
             (user != nullptr ? options_.run_as : std::string("this user"));
}

PgPeer::~PgPeer() {
  if (started_) {
    try {
      const passwd* user = server_user(options_.run_as);
      run_tool({(bin_dir_ / "pg_ctl").string(), "-D", (root_ / "data").string(), "-m", "fast",
                "-w", "stop"},
               user, root_ / "pg_ctl.log");
    } catch (const std::exception&) {
      // Best effort: the directory goes anyway; a stray server dies with it.
    }
  }
  std::error_code ec;
  fs::remove_all(root_, ec);
}

std::string PgPeer::conninfo() const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=bench dbname=postgres options='-c client_min_messages=warning'";
}

std::string PgPeer::describe() const { return "PostgreSQL " + version_; }

PgAppendMeasurement PgPeer::append(int writers, uint64_t events, const std::string& payload) {
  if (writers < 1 || events % writers != 0) {
    throw std::runtime_error("postgres: events must be a multiple of writers");
  }
  PgConn admin = connect_or_throw(conninfo());
  exec_or_throw(admin.get(), "DROP TABLE IF EXISTS events");
  exec_or_throw(admin.get(),
                "CREATE TABLE events (position bigserial PRIMARY KEY, stream text NOT NULL, "
                "version bigint NOT NULL, type text NOT NULL, payload bytea NOT NULL, "
                "command_id text NOT NULL UNIQUE, actor text NOT NULL, "
                "recorded_at timestamptz NOT NULL DEFAULT now(), UNIQUE (stream, version))");
  exec_or_throw(admin.get(), "CHECKPOINT");
  const pid_t postmaster = [&] {
    std::ifstream in(root_ / "data" / "postmaster.pid");
    pid_t pid = 0;
    in >> pid;
    return pid;
  }();

  // One connection and one prepared INSERT per writer, opened before the clock.
  std::vector<PgConn> conns;
  for (int t = 0; t < writers; ++t) {
    conns.push_back(connect_or_throw(conninfo()));
    PgResult r(PQprepare(conns.back().get(), "append",
                         "INSERT INTO events (stream, version, type, payload, command_id, actor) "
                         "VALUES ($1, $2, $3, $4, $5, $6)",
                         6, nullptr));
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
      throw std::runtime_error(std::string("PostgreSQL prepare: ") +
                               PQerrorMessage(conns.back().get()));
    }
  }
  std::vector<std::string> streams, actors;
  for (int t = 0; t < writers; ++t) {
    streams.push_back(lesson_stream(t));
    actors.push_back(teacher_id(t));
  }
  const uint64_t wal_before = lsn_bytes(scalar(admin.get(), "SELECT pg_current_wal_lsn()"));
  const double server_cpu_before = server_cpu_seconds(postmaster);
  const double client_cpu_before = process_cpu_seconds();

  PgAppendMeasurement m;
  m.seconds = run_on_threads(writers, events / writers, [&](int t, uint64_t i) {
    const std::string version = std::to_string(i + 1);  // expected version i: insert i + 1
    const std::string command_id = uuid_like(t, i);
    const char* values[6] = {streams[t].c_str(), version.c_str(), kEventType,
                             payload.data(),     command_id.c_str(), actors[t].c_str()};
    const int lengths[6] = {0, 0, 0, static_cast<int>(payload.size()), 0, 0};
    const int formats[6] = {0, 0, 0, 1, 0, 0};  // payload as binary bytea
    PgResult r(PQexecPrepared(conns[t].get(), "append", 6, values, lengths, formats, 0));
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
      throw std::runtime_error(std::string("PostgreSQL insert: ") +
                               PQerrorMessage(conns[t].get()));
    }
  });
  m.client_cpu_seconds = process_cpu_seconds() - client_cpu_before;
  m.server_cpu_seconds = server_cpu_seconds(postmaster) - server_cpu_before;
  m.wal_bytes = lsn_bytes(scalar(admin.get(), "SELECT pg_current_wal_lsn()")) - wal_before;
  conns.clear();
  const uint64_t rows = std::stoull(scalar(admin.get(), "SELECT count(*) FROM events"));
  if (rows != events) {
    throw std::runtime_error("postgres: the table holds " + std::to_string(rows) +
                             " events, not " + std::to_string(events));
  }
  return m;
}

}  // namespace zhurnal::bench
