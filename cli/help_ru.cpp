#include "help_ru.hpp"

#include <string>

namespace zhurnal::cli {
namespace {

constexpr const char* kOptions = "Параметры";
constexpr const char* kCommands = "Команды";

// CLI11 names each error class; its message (e.what()) stays CLI11's English
// detail after the Russian kind: "--data is required", "--format: xml not in
// {text,json}".
std::string error_kind(const CLI::Error& e) {
  const std::string name = e.get_name();
  if (name == "RequiredError") return "не указан обязательный параметр или команда";
  if (name == "ExtrasError") return "лишние или неизвестные параметры";
  if (name == "ValidationError") return "недопустимое значение";
  if (name == "ConversionError") return "значение не того вида";
  if (name == "ArgumentMismatch") return "не то число значений";
  if (name == "ExcludesError" || name == "RequiresError") return "несовместимые параметры";
  return "ошибка в параметрах";
}

void walk(CLI::App& app) {
  bool required = false;
  for (CLI::Option* opt : app.get_options()) {
    opt->group(kOptions);
    required = required || opt->get_required();
  }
  if (required) app.footer("* — обязательный параметр");
  if (CLI::Option* help = app.get_help_ptr()) help->description("показать эту справку и выйти");
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    sub->group(kCommands);
    walk(*sub);
  }
}

}  // namespace

void russian_help(CLI::App& app) {
  auto f = app.get_formatter();
  f->label("Usage", "Использование");
  f->label("OPTIONS", "ПАРАМЕТРЫ");
  f->label("SUBCOMMAND", "КОМАНДА");
  f->label("SUBCOMMANDS", "КОМАНДЫ");
  // The first column is padded by bytes, not letters: Cyrillic there would
  // break the alignment, so the type names stay CLI11's (TEXT, UINT) and a
  // required option is starred, with a footer saying what the star means.
  f->label("REQUIRED", "*");
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return "zhurnal: " + error_kind(e) + ": " + e.what() +
           "\nСправка: добавьте --help к команде.\n";
  });
  walk(app);
}

}  // namespace zhurnal::cli
