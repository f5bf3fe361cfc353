// The log's event types in Russian, for the auditors' outputs (the verify
// summary, a history's text). The web pages keep the same names in
// web/js/log_text.js (EVENT_TYPES); tests/replay/event_names_test.cpp checks
// that both name every type of the schema's JournalEvent union, alike.
#pragma once

#include <string_view>

namespace zhurnal::replay {

// "Отметка" for "MarkPosted"; empty for a type this build does not know.
std::string_view event_type_name(std::string_view type);

}  // namespace zhurnal::replay
