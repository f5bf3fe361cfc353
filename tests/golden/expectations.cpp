#include "expectations.hpp"

#include <cstdint>

namespace zhurnal::golden {
namespace {

// Length of the well-formed UTF-8 sequence starting at s[i] (2 to 4 bytes),
// or 0 when the bytes there are not one.
size_t utf8_sequence(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t lead = byte(i);
  size_t n = 0;
  uint32_t min = 0;
  uint32_t cp = 0;
  if (lead >= 0xc2 && lead <= 0xdf) {
    n = 2, min = 0x80, cp = lead & 0x1f;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    n = 3, min = 0x800, cp = lead & 0x0f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    n = 4, min = 0x10000, cp = lead & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

std::string quote(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "\"";
  for (size_t i = 0; i < bytes.size();) {
    const auto b = static_cast<uint8_t>(bytes[i]);
    if (b == '"' || b == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(b));
      ++i;
    } else if (b >= 0x20 && b < 0x7f) {
      out.push_back(static_cast<char>(b));
      ++i;
    } else if (size_t n = b >= 0x80 ? utf8_sequence(bytes, i) : 0; n != 0) {
      out.append(bytes.substr(i, n));
      i += n;
    } else {
      out += "\\x";
      out.push_back(kDigits[b >> 4]);
      out.push_back(kDigits[b & 15]);
      ++i;
    }
  }
  out.push_back('"');
  return out;
}

bool unquote(std::string_view text, std::string* out) {
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') return false;
  text = text.substr(1, text.size() - 2);
  out->clear();
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"') return false;
    if (text[i] != '\\') {
      out->push_back(text[i]);
      continue;
    }
    if (++i == text.size()) return false;
    if (text[i] == '"' || text[i] == '\\') {
      out->push_back(text[i]);
    } else if (text[i] == 'x' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 &&
               hex_digit(text[i + 2]) >= 0) {
      out->push_back(static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2])));
      i += 2;
    } else {
      return false;
    }
  }
  return true;
}

bool parse_expectations(std::string_view text, std::vector<Section>* sections, std::string* error) {
  sections->clear();
  int line_no = 0;
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    const std::string_view line = trim(text.substr(0, eol));
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    ++line_no;
    const auto fail = [&](std::string what) {
      *error = "line " + std::to_string(line_no) + ": " + std::move(what);
      return false;
    };
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '[') {
      const size_t space = line.find(' ');
      if (line.back() != ']' || space == std::string_view::npos) {
        return fail("a section header is [kind file]");
      }
      Section s;
      s.kind = std::string(line.substr(1, space - 1));
      s.file = std::string(trim(line.substr(space + 1, line.size() - space - 2)));
      s.line = line_no;
      if (s.file.empty() || s.file.find('/') != std::string::npos) {
        return fail("a section names one file of the golden directory");
      }
      sections->push_back(std::move(s));
      continue;
    }
    const size_t eq = line.find(" = ");
    if (eq == std::string_view::npos) return fail("expected `key = value`");
    if (sections->empty()) return fail("a value before the first section");
    const std::string key(trim(line.substr(0, eq)));
    for (const auto& [k, v] : sections->back().entries) {
      if (k == key) return fail("key " + key + " appears twice in one section");
    }
    sections->back().entries.emplace_back(key, std::string(trim(line.substr(eq + 3))));
  }
  return true;
}

}  // namespace zhurnal::golden
