// The secretary's lists from the web (docs/protocol.md "importLists"): the
// same check and the same writes as `zhurnal import` (docs/import.md), run
// on the server's log and Journal as the signed-in secretary or
// administrator, for her own school. The files come in base64, so that a
// list saved by Russian Excel in Windows-1251 arrives byte for byte.
//
// One import at a time on the server: a request that cannot start within
// two seconds is answered `busy`. Like the control socket's imports, it
// keeps what it read of each school's log between requests, so only the
// first one after a start reads the whole log.
//
// Thread safety: handle() may be called from any worker thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "schema/protocol.capnp.h"
#include "zhurnal/server/context.hpp"

namespace zhurnal::import {
class ImportState;
}

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

class ListImports {
 public:
  ListImports();
  ~ListImports();

  void handle(ServerContext& ctx, const std::string& user, schema::ImportListsQuery::Reader query,
              schema::Response::Builder response);

 private:
  std::timed_mutex mu_;  // one import at a time; guards states_
  std::map<std::string, std::unique_ptr<import::ImportState>> states_;
};

}  // namespace zhurnal::server::internal
