#include "text.hpp"

#include <chrono>
#include <cstdio>

namespace zhurnal::import::internal {
namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;

// The code point at s[i], advancing i; kInvalid (advancing one byte) on a
// malformed, overlong or surrogate sequence.
char32_t next_code_point(std::string_view s, size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  // The lead byte gives the sequence's length, its payload bits and the
  // smallest code point that may use that length (shorter is overlong).
  size_t n = 0;
  char32_t cp = 0, min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    n = 1, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 2, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 3, cp = b0 & 0x07, min = 0x10000;
  } else {
    ++i;
    return kInvalid;
  }
  if (i + n >= s.size()) {
    ++i;
    return kInvalid;
  }
  for (size_t k = 1; k <= n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return kInvalid;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return kInvalid;
  }
  i += n + 1;
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Calls fn(code point) for each code point of `s`, an invalid sequence as
// U+FFFD.
template <typename Fn>
void for_each_code_point(std::string_view s, Fn&& fn) {
  for (size_t i = 0; i < s.size();) {
    const char32_t cp = next_code_point(s, i);
    fn(cp == kInvalid ? U'\uFFFD' : cp);
  }
}

std::vector<char32_t> code_points(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  for_each_code_point(s, [&](char32_t c) { out.push_back(c); });
  return out;
}

bool is_space(char32_t c) {
  return c == U' ' || c == U'\t' || c == U'\r' || c == U'\n' || c == U'\u00A0' || c == U'\u2007' ||
         c == U'\u202F' || c == U'\uFEFF';
}

char32_t to_lower(char32_t c) {
  if (c >= U'A' && c <= U'Z') return c + 32;
  if (c >= U'\u0410' && c <= U'\u042F') return c + 32;  // А..Я -> а..я
  if (c >= U'\u0400' && c <= U'\u040F') return c + 80;  // Ѐ..Џ -> ѐ..џ
  return c;
}

char32_t to_upper(char32_t c) {
  if (c >= U'a' && c <= U'z') return c - 32;
  if (c >= U'\u0430' && c <= U'\u044F') return c - 32;
  if (c >= U'\u0450' && c <= U'\u045F') return c - 80;
  return c;
}

bool is_letter(char32_t c) {
  return (c >= U'A' && c <= U'Z') || (c >= U'a' && c <= U'z') || (c >= U'\u0400' && c <= U'\u04FF');
}

// Latin letters that look like Cyrillic ones on a keyboard's caps.
char32_t cyrillic_lookalike(char32_t c) {
  switch (c) {
    case U'A':
      return U'А';
    case U'B':
      return U'В';
    case U'C':
      return U'С';
    case U'E':
      return U'Е';
    case U'H':
      return U'Н';
    case U'K':
      return U'К';
    case U'M':
      return U'М';
    case U'O':
      return U'О';
    case U'P':
      return U'Р';
    case U'T':
      return U'Т';
    case U'X':
      return U'Х';
    default:
      return c;
  }
}

std::optional<int> digits(std::string_view s) {
  if (s.empty() || s.size() > 4) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::optional<Day> make_day(int y, int m, int d) {
  using namespace std::chrono;
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return Day{static_cast<int32_t>(sys_days(ymd).time_since_epoch().count())};
}

}  // namespace

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (next_code_point(s, i) == kInvalid) return false;
  }
  return true;
}

std::string tidy(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for_each_code_point(s, [&](char32_t c) {
    if (is_space(c)) {
      pending_space = !out.empty();
      return;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    append_utf8(out, c);
  });
  return out;
}

std::string fold(std::string_view s) {
  const std::string t = tidy(s);
  std::string out;
  out.reserve(t.size());
  for_each_code_point(t, [&](char32_t c) {
    c = to_lower(c);
    if (c == U'ё') c = U'е';
    append_utf8(out, c);
  });
  return out;
}

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == ',' || s[i] == ';') {
      std::string item = tidy(s.substr(start, i - start));
      if (!item.empty()) out.push_back(std::move(item));
      start = i + 1;
    }
  }
  return out;
}

std::optional<Day> parse_day(std::string_view text) {
  const std::string t = tidy(text);
  const std::string_view v(t);
  if (v.size() == 10 && v[4] == '-' && v[7] == '-') {
    auto y = digits(v.substr(0, 4)), m = digits(v.substr(5, 2)), d = digits(v.substr(8, 2));
    if (!y || !m || !d) return std::nullopt;
    return make_day(*y, *m, *d);
  }
  const size_t p1 = v.find('.');
  const size_t p2 = p1 == std::string_view::npos ? p1 : v.find('.', p1 + 1);
  if (p2 == std::string_view::npos) return std::nullopt;
  const std::string_view ds = v.substr(0, p1), ms = v.substr(p1 + 1, p2 - p1 - 1),
                         ys = v.substr(p2 + 1);
  if (ds.size() > 2 || ms.size() > 2 || ys.size() != 4) return std::nullopt;
  auto d = digits(ds), m = digits(ms), y = digits(ys);
  if (!y || !m || !d) return std::nullopt;
  return make_day(*y, *m, *d);
}

std::string iso_day(Day d) {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{days{d.days}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string russian_day(Day d) {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{days{d.days}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02u.%02u.%04d", static_cast<unsigned>(ymd.day()),
                static_cast<unsigned>(ymd.month()), static_cast<int>(ymd.year()));
  return buf;
}

std::string normalize_letter(std::string_view letter) {
  std::vector<char32_t> cps;
  for (char32_t c : code_points(tidy(letter))) cps.push_back(to_upper(c));
  if (cps.size() == 1) cps[0] = cyrillic_lookalike(cps[0]);
  std::string out;
  for (char32_t c : cps) append_utf8(out, c);
  return out;
}

std::optional<ClassName> parse_class_name(std::string_view text) {
  const std::string t = tidy(text);
  size_t i = 0;
  int grade = 0;
  while (i < t.size() && t[i] >= '0' && t[i] <= '9' && i < 2) grade = grade * 10 + (t[i++] - '0');
  if (i == 0 || grade < 1 || grade > 11) return std::nullopt;
  if (i < t.size() && t[i] >= '0' && t[i] <= '9') return std::nullopt;  // "123"
  // Separators between the grade and the letter: space, hyphen, quotes.
  std::vector<char32_t> rest = code_points(std::string_view(t).substr(i));
  auto skippable = [](char32_t c) {
    return c == U' ' || c == U'-' || c == U'"' || c == U'«' || c == U'»' || c == U'\'' || c == U'–';
  };
  size_t b = 0, e = rest.size();
  while (b < e && skippable(rest[b])) ++b;
  while (e > b && skippable(rest[e - 1])) --e;
  if (b == e) return std::nullopt;
  std::string letter;
  for (size_t k = b; k < e; ++k) {
    if (!is_letter(rest[k]) && rest[k] != U' ') return std::nullopt;
    append_utf8(letter, rest[k]);
  }
  letter = normalize_letter(letter);
  if (letter.size() > 16) return std::nullopt;
  return ClassName{grade, letter};
}

std::optional<std::string> transliterate_letter(std::string_view letter) {
  // А Б В Г Д Е Ж З И Й К Л М Н О П Р С Т У Ф Х Ц Ч Ш Щ Ъ Ы Ь Э Ю Я
  static const char* const kLatin[32] = {
      "a", "b", "v", "g", "d", "e",  "zh", "z",  "i",  "j",    "k", "l", "m", "n",  "o",  "p",
      "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "",  "y", "",  "eh", "yu", "ya"};
  std::string out;
  for (char32_t c : code_points(normalize_letter(letter))) {
    if (c >= U'А' && c <= U'Я' && kLatin[c - U'А'][0] != '\0') {
      out += kLatin[c - U'А'];
    } else if (c == U'Ё') {
      out += "yo";
    } else if (c >= U'A' && c <= U'Z') {
      out += static_cast<char>('a' + (c - U'A'));
    } else if (c >= U'0' && c <= U'9') {
      out += static_cast<char>('0' + (c - U'0'));
    } else {
      return std::nullopt;
    }
  }
  if (out.empty()) return std::nullopt;
  return out;
}

}  // namespace zhurnal::import::internal
