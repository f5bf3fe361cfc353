// Russian full names with correct gender agreement (Иванов Иван Петрович,
// Иванова Мария Петровна), families that share a surname and a father's name,
// and Latin logins made from names.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "internal/rng.hpp"

namespace zhurnal::demo::internal {

struct Person {
  std::string surname, first, patronymic;
  bool female = false;
  std::string full_name() const { return surname + " " + first + " " + patronymic; }
};

// What siblings share: the surname (as indices into the name tables) and the
// father's first name, from which their patronymics come.
struct FamilyName {
  int surname = 0;
  int father = 0;
};

FamilyName random_family(Rng& rng);
// A child born around 2009–2020.
Person child_of(const FamilyName& family, bool female, Rng& rng);
Person father_of(const FamilyName& family, Rng& rng);
Person mother_of(const FamilyName& family, Rng& rng);
// A grown-up outside any family (teachers, staff, auditors).
Person random_adult(bool female, Rng& rng);

// Cyrillic to Latin, lower case (ГОСТ-like: Ж zh, Х kh, Ц ts, Щ shch).
std::string transliterate(std::string_view cyrillic);
// "ivanova.mp" from Иванова Мария Петровна; a number is appended when the
// login is taken. Adds the result to `taken`.
std::string make_login(const Person& p, std::set<std::string>& taken);

}  // namespace zhurnal::demo::internal
