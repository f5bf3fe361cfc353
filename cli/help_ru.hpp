// The CLI's own frame in Russian: --help's headings and the message for a
// mistake in the arguments (the descriptions are written in Russian where
// each command adds its options).
#pragma once

#include <CLI/CLI.hpp>

namespace zhurnal::cli {

// Call once every subcommand and option is added: it walks the whole tree.
void russian_help(CLI::App& app);

}  // namespace zhurnal::cli
