// The class teacher's class list (docs/protocol.md "classRoster"): the
// class's students with their parents, access and consent. Readable by the
// class teacher of the class, the director and the deputy director of its
// school, and auditors (read only: they write nothing); nobody else. An
// unknown class is refused like a forbidden one.
//
// The administrator's staff list (docs/protocol.md "staff"): the school's
// staff with their roles and access. Readable by the school's office
// (administrator, secretary) and heads (director, deputy), and auditors.
//
// Thread safety: the functions may run on any worker thread concurrently.
#pragma once

#include <optional>
#include <string>

#include "hub.hpp"
#include "schema/protocol.capnp.h"
#include "zhurnal/server/context.hpp"

namespace zhurnal::server::internal {

struct Refusal {
  std::string code;     // "not_signed_in", "forbidden", "internal"
  std::string message;  // Russian
};

// `me` as the protocol describes a person: her roles, children, classes,
// assignments and led classes (also each person of `staff` and `parents`).
void fill_me(const commands::UserInfo& info, const commands::Journal& journal,
             schema::Me::Builder me);

// May `user` read the class list of `class_id`?
bool may_read_roster(ServerContext& ctx, const std::string& user, const std::string& class_id);

// The `classRoster` request: fills `response` with the list or an error.
void class_roster(ServerContext& ctx, const std::string& user, const std::string& class_id,
                  schema::Response::Builder response);

// The `classWeek` request: one week of a class's lessons, or an error.
void class_week(ServerContext& ctx, const std::string& user, schema::ClassWeekQuery::Reader query,
                schema::Response::Builder response);

// The `staff` request: the staff of `school_id` (empty: the user's own
// school), or an error.
void staff_roster(ServerContext& ctx, const std::string& user, const std::string& school_id,
                  schema::Response::Builder response);

// The `parents` request: the parents of `school_id` (empty: the user's own
// school) with their children, for the school's office only.
void parent_list(ServerContext& ctx, const std::string& user, const std::string& school_id,
                 schema::Response::Builder response);

// The `subscribe` to a class list: checks the user and fills `spec`, or says
// why not.
std::optional<Refusal> roster_subscription(ServerContext& ctx, const std::string& user,
                                           const std::string& class_id, SubscriptionSpec* spec);

// A push of the class list: sets `push` and `*pushed` and returns true when
// the user may still read it and it is newer than `*pushed`.
bool render_roster(ServerContext& ctx, const std::string& user, const SubscriptionSpec& spec,
                   schema::Push::Builder push, uint64_t* pushed);

}  // namespace zhurnal::server::internal
