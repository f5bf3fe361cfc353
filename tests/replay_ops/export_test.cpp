// `zhurnal replay export` re-verified by independent code: a C++ re-verifier
// here (OpenSSL's SHA-256, its own base64 and JSON field reading; nothing of
// zhurnal's) and tools/verify_export.py (Python's standard library). Both
// accept the export of a log that another process keeps appending to, and
// both name the position of a tampered line.
#include <openssl/evp.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "ops_support.hpp"
#include "support/temp_dir.hpp"

namespace zhurnal::replay_ops {
namespace {

using zhurnal::testing::TempDir;

// The top-level members of a one-line JSON object, raw (strings unquoted
// without unescaping: hex, base64 and numbers need none).
std::map<std::string, std::string> top_level(const std::string& line) {
  std::map<std::string, std::string> out;
  size_t i = 1;
  auto skip_string = [&](size_t j) {  // j at the opening quote; returns past the closing one
    for (++j; j < line.size() && line[j] != '"'; ++j) {
      if (line[j] == '\\') ++j;
    }
    return j + 1;
  };
  while (i < line.size() && line[i] == '"') {
    const size_t key_end = skip_string(i);
    const std::string key = line.substr(i + 1, key_end - i - 2);
    size_t j = key_end + 1;  // past ':'
    const size_t start = j;
    int depth = 0;
    for (; j < line.size(); ++j) {
      const char c = line[j];
      if (c == '"') {
        j = skip_string(j) - 1;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (depth-- == 0) break;
      } else if (c == ',' && depth == 0) {
        break;
      }
    }
    std::string value = line.substr(start, j - start);
    if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
    out[key] = value;
    i = j + 1;
  }
  return out;
}

std::string unbase64(const std::string& s) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else break;  // '='
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

std::string unhex(const std::string& s) {
  std::string out;
  for (size_t i = 0; i + 1 < s.size(); i += 2) out.push_back(static_cast<char>(std::stoi(s.substr(i, 2), nullptr, 16)));
  return out;
}

std::string sha256(const std::string& bytes) {
  unsigned char md[32];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(md), len);
}

// 0 when the chain verifies, else the first bad position.
uint64_t reverify(const std::string& text, uint64_t* events) {
  std::istringstream in(text);
  std::string line, prev(32, '\0');
  uint64_t expect = 1;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    auto f = top_level(line);
    if (f.count("end")) {
      *events = expect - 1;
      return std::stoull(f["events"]) == expect - 1 ? 0 : expect;
    }
    if (std::stoull(f["position"]) != expect) return expect;
    if (unhex(f["prevHash"]) != prev) return expect;
    const std::string hash = sha256(prev + unbase64(f["envelope"]));
    if (hash != unhex(f["hash"])) return expect;
    prev = hash;
    ++expect;
  }
  return expect;  // no trailer: truncated
}

class ExportTest : public ::testing::Test {
 protected:
  fs::path data() const { return dir_.path() / "data"; }
  std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  void write(const fs::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
  }
  // Replaces line `position` (the header is line 0) with `edit(line)`.
  std::string edit_line(const std::string& text, uint64_t position,
                        const std::function<std::string(std::string)>& edit) {
    std::istringstream in(text);
    std::string line, out;
    for (uint64_t n = 0; std::getline(in, line); ++n) out += (n == position ? edit(line) : line) + "\n";
    return out;
  }
  CliResult python_verify(const fs::path& file) {
    CliResult r;
    const std::string cmd = std::string(PYTHON3) + " " + VERIFY_EXPORT_PY + " " + file.string() +
                            " > " + (dir_.path() / "py.out").string() + " 2>&1";
    const int status = std::system(cmd.c_str());
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read(dir_.path() / "py.out");
    return r;
  }

  TempDir dir_;
};

TEST_F(ExportTest, IndependentVerifiersAcceptTheExportAndNameATamperedLine) {
  auto log = open_log(data() / "log");
  ASSERT_TRUE(log);
  ASSERT_TRUE(append_commands(*log, 0, 30));
  Appender appender(*log, 1000);  // the export runs beside a writer
  const fs::path file = dir_.path() / "log.jsonl";
  CliResult r = run_zhurnal({"replay", "export", "--data", data().string(), "--out", file.string()},
                            dir_.path());
  appender.stop();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(fs::status(file).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  const std::string text = read(file);
  EXPECT_EQ(text.rfind("{\"format\":\"zhurnal-export-1\"", 0), 0u);

  uint64_t events = 0;
  EXPECT_EQ(reverify(text, &events), 0u);
  EXPECT_GE(events, 30u * 2);
  CliResult py = python_verify(file);
  EXPECT_EQ(py.exit_code, 0) << py.out;
  EXPECT_NE(py.out.find("ok: " + std::to_string(events) + " events"), std::string::npos) << py.out;

  // One byte of the envelope at position 10.
  const std::string bad_envelope = edit_line(text, 10, [](std::string line) {
    auto f = top_level(line);
    std::string env = unbase64(f["envelope"]);
    env[env.size() / 2] ^= 0x20;
    const std::string b64 = f["envelope"];
    // Re-encode with the same alphabet through the export's own encoding rules.
    std::string out;
    static constexpr char k[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i = 0;
    auto at = [&](size_t n) { return static_cast<uint32_t>(static_cast<unsigned char>(env[n])); };
    for (; i + 3 <= env.size(); i += 3) {
      const uint32_t v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
      for (int s = 18; s >= 0; s -= 6) out.push_back(k[(v >> s) & 63]);
    }
    if (env.size() - i == 1) out += std::string{k[at(i) >> 2], k[(at(i) & 3) << 4], '=', '='};
    if (env.size() - i == 2) {
      out += std::string{k[at(i) >> 2], k[((at(i) & 3) << 4) | (at(i + 1) >> 4)],
                         k[(at(i + 1) & 15) << 2], '='};
    }
    return line.replace(line.find(b64), b64.size(), out);
  });
  write(dir_.path() / "bad1.jsonl", bad_envelope);
  EXPECT_EQ(reverify(bad_envelope, &events), 10u);
  py = python_verify(dir_.path() / "bad1.jsonl");
  EXPECT_EQ(py.exit_code, 1) << py.out;
  EXPECT_NE(py.out.find("position 10:"), std::string::npos) << py.out;

  // A field changed in the JSON only: the hashes still chain, the envelope
  // disagrees (the Python verifier decodes it).
  const std::string bad_field = edit_line(text, 4, [](std::string line) {
    const std::string from = "\"actor\":\"teacher-0042\"";
    return line.replace(line.find(from), from.size(), "\"actor\":\"teacher-0043\"");
  });
  write(dir_.path() / "bad2.jsonl", bad_field);
  py = python_verify(dir_.path() / "bad2.jsonl");
  EXPECT_EQ(py.exit_code, 1) << py.out;
  EXPECT_NE(py.out.find("position 4: actor"), std::string::npos) << py.out;

  // A deleted line.
  const std::string deleted = edit_line(text, 7, [](std::string) { return std::string(); });
  std::string without;
  {
    std::istringstream in(deleted);
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty()) without += line + "\n";
    }
  }
  write(dir_.path() / "bad3.jsonl", without);
  EXPECT_EQ(reverify(without, &events), 7u);
  py = python_verify(dir_.path() / "bad3.jsonl");
  EXPECT_EQ(py.exit_code, 1) << py.out;
  EXPECT_NE(py.out.find("position 7 is missing"), std::string::npos) << py.out;
}

}  // namespace
}  // namespace zhurnal::replay_ops
