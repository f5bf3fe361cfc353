// golden_events: golden encodings of the event log's stored values.
//
//   golden_events --write DIR   writes the v1 golden files into DIR, once: it
//                               refuses to overwrite any of them
//   golden_events --check DIR   decodes every file listed in DIR/expected.txt
//                               and compares every field with it; exits 1 with
//                               one line per mismatch
//
// The files are stored values exactly as the log keeps them (hash[32] ||
// EventEnvelope for events, AppendReceipt for receipts; events/internal/keys.hpp)
// and are committed. The build runs --check (target golden_check), so a schema
// or codec change that would read old data differently fails the build. Such a
// failure is never fixed by regenerating the files: schemas only grow (STYLE.md
// rule 9), and a new version adds files (event_v2_*.bin) next to the old ones.
#include <sodium.h>

#include <cstdio>
#include <filesystem>
#include <string_view>

#include "golden_fields.hpp"

int main(int argc, char** argv) {
  if (argc != 3 ||
      (std::string_view(argv[1]) != "--write" && std::string_view(argv[1]) != "--check")) {
    std::fprintf(stderr, "usage: golden_events --write DIR | --check DIR\n");
    return 2;
  }
  if (sodium_init() < 0) {
    std::fprintf(stderr, "golden_events: libsodium failed to initialise\n");
    return 1;
  }
  const std::filesystem::path dir = argv[2];
  return std::string_view(argv[1]) == "--write" ? zhurnal::golden::write(dir)
                                                : zhurnal::golden::check(dir);
}
