// The Russian names of the log's event types: one for every member of the
// schema's JournalEvent union, and the same as the web pages' table
// (web/js/log_text.js, EVENT_TYPES), so that an auditor reads the same name
// on the audit page and in `zhurnal replay verify` or `history`.
#include "zhurnal/replay/event_names.hpp"

#include <capnp/schema.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include "schema/journal.capnp.h"

namespace zhurnal::replay {
namespace {

// "markPosted" -> "MarkPosted", as the log names its types.
std::string type_of(std::string_view member) {
  std::string t(member);
  if (!t.empty()) t[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(t[0])));
  return t;
}

std::map<std::string, std::string> web_names() {
  std::ifstream in(std::string(ZHURNAL_SOURCE_DIR) + "/web/js/log_text.js");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const size_t start = text.find("export const EVENT_TYPES = {");
  const size_t end = text.find("};", start);
  std::map<std::string, std::string> out;
  if (start == std::string::npos || end == std::string::npos) return out;
  const std::string block = text.substr(start, end - start);
  const std::regex entry(R"re(\n\s*([A-Za-z]+): '([^']*)',)re");
  for (auto it = std::sregex_iterator(block.begin(), block.end(), entry);
       it != std::sregex_iterator(); ++it) {
    out[(*it)[1].str()] = (*it)[2].str();
  }
  return out;
}

TEST(EventNamesTest, EveryTypeOfTheSchemaHasTheWebPagesName) {
  const auto web = web_names();
  ASSERT_FALSE(web.empty()) << "EVENT_TYPES not found in web/js/log_text.js";
  const auto fields = capnp::Schema::from<schema::JournalEvent>().getUnionFields();
  ASSERT_GT(fields.size(), 30u);
  for (auto field : fields) {
    const std::string type = type_of(field.getProto().getName().cStr());
    const std::string_view name = event_type_name(type);
    EXPECT_FALSE(name.empty()) << type << " has no Russian name in replay/event_names.cpp";
    auto w = web.find(type);
    ASSERT_NE(w, web.end()) << type << " has no name in web/js/log_text.js";
    EXPECT_EQ(name, w->second) << type;
  }
  EXPECT_EQ(web.size(), fields.size()) << "the web table names a type the schema does not have";
}

TEST(EventNamesTest, UnknownTypesHaveNoName) {
  EXPECT_EQ(event_type_name("MarkPosted"), "Отметка");
  EXPECT_EQ(event_type_name("markPosted"), "");
  EXPECT_EQ(event_type_name(""), "");
  EXPECT_EQ(event_type_name("NoSuchEvent"), "");
}

}  // namespace
}  // namespace zhurnal::replay
