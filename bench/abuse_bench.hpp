// `zhurnal-bench abuse`: is the server still responsive to a well-behaved
// client while it is being abused? A real `zhurnal serve` (the demo school,
// default limits, production argon2id) is started as a child process on a
// free loopback port. A probe client (one teacher, signed in from
// 127.0.0.1) sends `me` requests one after another, 80 a second (below the
// per-connection rate limit), and records each round trip, first with no attack (the baseline), then during each attack:
//
//   oversized  frames announcing 1 GiB and HTTP bodies over the limit, on
//              fresh connections, as fast as the server refuses them;
//   flood      one signed-in connection pipelining `me` requests as fast
//              as it can (a reader drains the answers);
//   slowloris  N connections (default 1,000, from four loopback addresses)
//              sending an upgrade request a byte a second, reopened when
//              the server drops them;
//   sign-in    wrong-password sign-ins from many loopback addresses and
//              for many logins (thousands of attempts), plus one account
//              guessed from one address; meanwhile the probe's teacher also
//              signs in again from her own address every 200 ms.
//
// It prints p50/p99/max of the probe's latency per phase and the ratios to
// the baseline, with what each attack achieved (answers by code), and
// measures the baseline once more after the attacks (the machine's drift). Talks to
// 127.0.0.0/8 only and stops by itself.
#pragma once

#include <ostream>
#include <string>

namespace zhurnal::bench {

struct AbuseBenchOptions {
  int probe_requests = 2000;  // probe round trips per phase
  double probe_rate = 80;     // probe requests a second (below the server's 100 per connection)
  int slowloris = 1000;       // slowloris connections
  int weeks = 1;              // demo weeks generated
  std::string dir;            // parent of the scratch directory; empty: system temp dir
  std::string zhurnal;        // the zhurnal binary; empty: ../cli/zhurnal
  bool keep = false;          // keep the scratch directory (server log, data)
};

// Throws std::runtime_error on failure (server, probe sign-in, a probe
// request left unanswered for 10 s).
void run_abuse_bench(const AbuseBenchOptions& options, std::ostream& out);

}  // namespace zhurnal::bench
