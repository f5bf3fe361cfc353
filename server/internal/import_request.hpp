// The secretary's lists from the web (docs/protocol.md "importLists"): the
// same check and the same writes as `zhurnal import` (docs/import.md), run
// on the server's log and Journal as the signed-in secretary or
// administrator, for her own school. The files come in base64, so that a
// list saved by Russian Excel in Windows-1251 arrives byte for byte.
//
// One import at a time on the server, the control socket's included
// (import::ServerImports, which keeps what it read of each school's log
// between imports): a request that cannot start within two seconds is
// answered `busy`.
//
// Thread safety: import_lists() may be called from any worker thread.
#pragma once

#include <optional>
#include <string>

#include "schema/protocol.capnp.h"
#include "zhurnal/server/context.hpp"

namespace zhurnal::server::internal {

// The signed-in secretary or administrator of a school `user` is, or
// nullopt with *refusal set to why she may not import lists: {code, Russian
// message} (`not_signed_in`, `forbidden`). POST /import asks it of the
// request's header, before its body is read.
struct ImportRefusal {
  const char* code = "";
  const char* message = "";
};
std::optional<commands::UserInfo> importer(ServerContext& ctx, const std::string& user,
                                           ImportRefusal* refusal);

// Answers an importLists request of `user` through ctx.imports
// (`unavailable` when the server has none).
void import_lists(ServerContext& ctx, const std::string& user,
                  schema::ImportListsQuery::Reader query, schema::Response::Builder response);

}  // namespace zhurnal::server::internal
