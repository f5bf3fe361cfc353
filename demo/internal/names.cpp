#include "internal/names.hpp"

#include <cstdint>

namespace zhurnal::demo::internal {
namespace {

// Masculine forms; feminine ones follow by rule (female_surname).
const char* const kSurnames[] = {
    "Иванов",     "Смирнов",   "Кузнецов",   "Попов",        "Васильев",  "Петров",
    "Соколов",    "Михайлов",  "Новиков",    "Фёдоров",      "Морозов",   "Волков",
    "Алексеев",   "Лебедев",   "Семёнов",    "Егоров",       "Павлов",    "Козлов",
    "Степанов",   "Николаев",  "Орлов",      "Андреев",      "Макаров",   "Никитин",
    "Захаров",    "Зайцев",    "Соловьёв",   "Борисов",      "Яковлев",   "Григорьев",
    "Романов",    "Воробьёв",  "Сергеев",    "Кузьмин",      "Фролов",    "Александров",
    "Дмитриев",   "Королёв",   "Гусев",      "Киселёв",      "Ильин",     "Максимов",
    "Поляков",    "Сорокин",   "Виноградов", "Ковалёв",      "Белов",     "Медведев",
    "Антонов",    "Тарасов",   "Жуков",      "Баранов",      "Филиппов",  "Комаров",
    "Давыдов",    "Беляев",    "Герасимов",  "Богданов",     "Осипов",    "Сидоров",
    "Матвеев",    "Титов",     "Марков",     "Миронов",      "Крылов",    "Куликов",
    "Карпов",     "Власов",    "Мельников",  "Денисов",      "Гаврилов",  "Тихонов",
    "Казаков",    "Афанасьев", "Данилов",    "Савельев",     "Тимофеев",  "Фомин",
    "Чернов",     "Абрамов",   "Мартынов",   "Ефимов",       "Щербаков",  "Назаров",
    "Калинин",    "Исаев",     "Быков",      "Маслов",       "Родионов",  "Коновалов",
    "Лазарев",    "Воронин",   "Климов",     "Филатов",      "Пономарёв", "Голубев",
    "Кудрявцев",  "Прохоров",  "Наумов",     "Журавлёв",     "Трофимов",  "Леонов",
    "Соболев",    "Ермаков",   "Колесников", "Гончаров",     "Емельянов", "Котов",
    "Гришин",     "Архипов",   "Громов",     "Кириллов",     "Малышев",   "Панов",
    "Румянцев",   "Горбунов",  "Галкин",     "Скворцов",     "Юдин",      "Белоусов",
    "Нестеров",   "Цветков",   "Логинов",    "Горшков",      "Савин",     "Краснов",
    "Демидов",    "Рыбаков",   "Плотников",  "Жданов",       "Шубин",     "Зимин",
    "Шишкин",     "Пермяков",  "Зырянов",    "Вершинин",     "Чусовитин", "Бажов",
    "Хабибуллин", "Галиев",    "Сафин",      "Гарипов",      "Валиев",    "Шарипов",
    "Покровский", "Успенский", "Троицкий",   "Вознесенский", "Толстой",   "Шевченко",
    "Ткаченко",   "Кравченко", "Бондаренко", "Коваленко",    "Шевчук",    "Дорошенко",
};

// Boys' and girls' names of children born 2009–2020.
const char* const kBoys[] = {
    "Александр", "Максим",   "Артём",   "Михаил",  "Иван",  "Дмитрий", "Даниил",
    "Кирилл",    "Матвей",   "Тимофей", "Егор",    "Марк",  "Лев",     "Арсений",
    "Никита",    "Илья",     "Андрей",  "Роман",   "Фёдор", "Степан",  "Глеб",
    "Ярослав",   "Владимир", "Сергей",  "Алексей", "Макар", "Семён",   "Платон",
    "Савелий",   "Мирон",    "Тимур",   "Денис",   "Захар", "Богдан",  "Павел",
};
const char* const kGirls[] = {
    "Анна",      "Мария",    "София",   "Алиса",  "Виктория",   "Полина",    "Анастасия",
    "Елизавета", "Дарья",    "Варвара", "Ксения", "Александра", "Вероника",  "Арина",
    "Ева",       "Василиса", "Милана",  "Ульяна", "Екатерина",  "Валерия",   "Кира",
    "Таисия",    "Алёна",    "Софья",   "Злата",  "Есения",     "Маргарита", "Ангелина",
    "Диана",     "Юлия",     "Агата",   "Вера",   "Мирослава",
};
// Women's names of the parents' and teachers' generations.
const char* const kWomen[] = {
    "Елена",     "Ольга",  "Наталья",  "Татьяна", "Ирина",  "Светлана", "Юлия",      "Анна",
    "Екатерина", "Марина", "Мария",    "Людмила", "Галина", "Надежда",  "Оксана",    "Анастасия",
    "Евгения",   "Алёна",  "Виктория", "Ксения",  "Вера",   "Любовь",   "Лариса",    "Валентина",
    "Нина",      "Дарья",  "Кристина", "Инна",    "Жанна",  "Полина",   "Маргарита", "Яна",
};

struct MaleName {
  const char* name;
  const char* son;       // patronymic of his son
  const char* daughter;  // patronymic of his daughter
};

// Men of the parents' and teachers' generations; also the fathers whose
// names give the children's patronymics.
const MaleName kMen[] = {
    {"Александр", "Александрович", "Александровна"},
    {"Алексей", "Алексеевич", "Алексеевна"},
    {"Андрей", "Андреевич", "Андреевна"},
    {"Антон", "Антонович", "Антоновна"},
    {"Артём", "Артёмович", "Артёмовна"},
    {"Вадим", "Вадимович", "Вадимовна"},
    {"Василий", "Васильевич", "Васильевна"},
    {"Виталий", "Витальевич", "Витальевна"},
    {"Владимир", "Владимирович", "Владимировна"},
    {"Владислав", "Владиславович", "Владиславовна"},
    {"Денис", "Денисович", "Денисовна"},
    {"Дмитрий", "Дмитриевич", "Дмитриевна"},
    {"Евгений", "Евгеньевич", "Евгеньевна"},
    {"Егор", "Егорович", "Егоровна"},
    {"Иван", "Иванович", "Ивановна"},
    {"Игорь", "Игоревич", "Игоревна"},
    {"Илья", "Ильич", "Ильинична"},
    {"Кирилл", "Кириллович", "Кирилловна"},
    {"Константин", "Константинович", "Константиновна"},
    {"Максим", "Максимович", "Максимовна"},
    {"Михаил", "Михайлович", "Михайловна"},
    {"Никита", "Никитич", "Никитична"},
    {"Николай", "Николаевич", "Николаевна"},
    {"Олег", "Олегович", "Олеговна"},
    {"Павел", "Павлович", "Павловна"},
    {"Роман", "Романович", "Романовна"},
    {"Руслан", "Русланович", "Руслановна"},
    {"Сергей", "Сергеевич", "Сергеевна"},
    {"Станислав", "Станиславович", "Станиславовна"},
    {"Юрий", "Юрьевич", "Юрьевна"},
};

// The grown-ups' fathers (born 1935–1975): their patronymics only.
const MaleName kElders[] = {
    {"Анатолий", "Анатольевич", "Анатольевна"},
    {"Борис", "Борисович", "Борисовна"},
    {"Валерий", "Валерьевич", "Валерьевна"},
    {"Василий", "Васильевич", "Васильевна"},
    {"Виктор", "Викторович", "Викторовна"},
    {"Владимир", "Владимирович", "Владимировна"},
    {"Вячеслав", "Вячеславович", "Вячеславовна"},
    {"Геннадий", "Геннадьевич", "Геннадьевна"},
    {"Григорий", "Григорьевич", "Григорьевна"},
    {"Евгений", "Евгеньевич", "Евгеньевна"},
    {"Иван", "Иванович", "Ивановна"},
    {"Игорь", "Игоревич", "Игоревна"},
    {"Леонид", "Леонидович", "Леонидовна"},
    {"Михаил", "Михайлович", "Михайловна"},
    {"Николай", "Николаевич", "Николаевна"},
    {"Олег", "Олегович", "Олеговна"},
    {"Пётр", "Петрович", "Петровна"},
    {"Сергей", "Сергеевич", "Сергеевна"},
    {"Юрий", "Юрьевич", "Юрьевна"},
    {"Александр", "Александрович", "Александровна"},
    {"Алексей", "Алексеевич", "Алексеевна"},
    {"Андрей", "Андреевич", "Андреевна"},
    {"Аркадий", "Аркадьевич", "Аркадьевна"},
    {"Фёдор", "Фёдорович", "Фёдоровна"},
    {"Константин", "Константинович", "Константиновна"},
    {"Павел", "Павлович", "Павловна"},
    {"Валентин", "Валентинович", "Валентиновна"},
    {"Станислав", "Станиславович", "Станиславовна"},
};

template <typename T, size_t N>
int random_index(Rng& rng, const T (&)[N]) {
  return rng.uniform_int(0, static_cast<int>(N) - 1);
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Иванов → Иванова, Покровский → Покровская, Толстой → Толстая, Шевченко stays.
std::string female_surname(std::string_view m) {
  for (std::string_view s : {"ов", "ев", "ёв", "ин", "ын"}) {
    if (ends_with(m, s)) return std::string(m) + "а";
  }
  for (std::string_view s : {"ий", "ой"}) {
    if (ends_with(m, s)) return std::string(m.substr(0, m.size() - s.size())) + "ая";
  }
  return std::string(m);
}

std::string surname_for(int index, bool female) {
  const char* m = kSurnames[index];
  return female ? female_surname(m) : std::string(m);
}

std::string elder_patronymic(bool female, Rng& rng) {
  const MaleName& e = rng.pick(kElders);
  return female ? e.daughter : e.son;
}

// Lower-case Latin for one Cyrillic code point; nullptr when not Cyrillic.
const char* latin(uint32_t cp) {
  static const char* const kLower[32] = {
      "a", "b", "v", "g", "d", "e",  "zh", "z",  "i",  "y",    "k", "l", "m", "n", "o",  "p",
      "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "",  "y", "",  "e", "yu", "ya"};
  if (cp == 0x401 || cp == 0x451) return "e";  // Ё ё
  if (cp >= 0x410 && cp <= 0x42f) return kLower[cp - 0x410];
  if (cp >= 0x430 && cp <= 0x44f) return kLower[cp - 0x430];
  return nullptr;
}

}  // namespace

FamilyName random_family(Rng& rng) {
  return FamilyName{random_index(rng, kSurnames), random_index(rng, kMen)};
}

Person child_of(const FamilyName& f, bool female, Rng& rng) {
  const MaleName& father = kMen[f.father];
  return Person{surname_for(f.surname, female), female ? rng.pick(kGirls) : rng.pick(kBoys),
                female ? father.daughter : father.son, female};
}

Person father_of(const FamilyName& f, Rng& rng) {
  return Person{surname_for(f.surname, false), kMen[f.father].name, elder_patronymic(false, rng),
                false};
}

Person mother_of(const FamilyName& f, Rng& rng) {
  return Person{surname_for(f.surname, true), rng.pick(kWomen), elder_patronymic(true, rng), true};
}

Person random_adult(bool female, Rng& rng) {
  const int surname = random_index(rng, kSurnames);
  const char* first = female ? rng.pick(kWomen) : rng.pick(kMen).name;
  return Person{surname_for(surname, female), first, elder_patronymic(female, rng), female};
}

std::string transliterate(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xe0) == 0xc0 && i + 1 < s.size()) {
      const uint32_t cp = ((c & 0x1fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3fu);
      if (const char* l = latin(cp)) out += l;
      i += 2;
      continue;
    }
    if (c < 0x80) {
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += static_cast<char>(c);
      if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
    }
    ++i;  // other bytes (hyphens, longer sequences) are dropped
  }
  return out;
}

std::string make_login(const Person& p, std::set<std::string>& taken) {
  const std::string first = transliterate(p.first), patronymic = transliterate(p.patronymic);
  std::string base = transliterate(p.surname) + ".";
  if (!first.empty()) base += first[0];
  if (!patronymic.empty()) base += patronymic[0];
  std::string login = base;
  for (int n = 2; !taken.insert(login).second; ++n) login = base + std::to_string(n);
  return login;
}

}  // namespace zhurnal::demo::internal
