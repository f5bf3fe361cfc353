# The WebSocket protocol (docs/protocol.md): JSON text frames mapped to and
# from these structs by Cap'n Proto's JSON codec, so no message is parsed by
# hand. 64-bit integers (log positions) travel as JSON strings.
@0x995e4d5813542af6;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("zhurnal::schema");

using C = import "commands.capnp";
using V = import "views.capnp";

struct SignIn {
  login @0 :Text;
  password @1 :Text;
}

struct ChangePassword {
  oldPassword @0 :Text;
  newPassword @1 :Text;
}

struct CommandRequest {
  commandId @0 :Text;          # the client's idempotency key: a retry reuses it
  command @1 :C.Command;
}

struct RegisterQuery {
  classId @0 :Text;
  subjectId @1 :Text;
  periodId @2 :Text;
}

struct DiaryQuery {
  studentId @0 :Text;
  date @1 :Text;               # any day of the week wanted
}

struct ComplianceQuery {
  schoolId @0 :Text;
  month @1 :Text;              # "2026-10"
}

struct ReportQuery {
  classId @0 :Text;
  periodId @1 :Text;
}

struct LogQuery {
  fromPosition @0 :UInt64;     # first position wanted (auditors)
  limit @1 :UInt32;
}

struct Subscribe {
  # A view (or the raw log) pushed on every change. lastPosition: what the
  # client already has; the current state is sent only if it is newer.
  lastPosition @0 :UInt64;
  union {
    diary @1 :DiaryQuery;
    register @2 :RegisterQuery;
    log @3 :LogQuery;
    compliance @4 :ComplianceQuery;
  }
}

struct Request {
  id @0 :Text;                 # echoed in the response
  union {
    signIn @1 :SignIn;
    authenticate @2 :Text;     # a session token from an earlier signIn (reconnect)
    signOut @3 :Void;
    changePassword @4 :ChangePassword;
    me @5 :Void;
    command @6 :CommandRequest;
    register @7 :RegisterQuery;
    diary @8 :DiaryQuery;
    log @9 :LogQuery;
    subscribe @10 :Subscribe;
    unsubscribe @11 :Text;     # a subscription id
    compliance @12 :ComplianceQuery;
    classReport @13 :ReportQuery;
    school @14 :Text;          # a school id; empty: the user's own school
  }
}

struct Error {
  code @0 :Text;               # stable, snake_case (docs/protocol.md)
  message @1 :Text;            # Russian, for the user
  retryAfterSeconds @2 :UInt32;
}

struct Me {
  userId @0 :Text;
  fullName @1 :Text;
  schoolId @2 :Text;
  roles @3 :List(Text);
  children @4 :List(Child);
  classes @5 :List(Text);      # classes the user teaches or leads
  assignments @6 :List(Assignment);  # teachers: class x (subgroup) x subject x dates
  ledClasses @7 :List(Text);   # class teachers: the classes they lead
  struct Child {
    studentId @0 :Text;
    fullName @1 :Text;
    classId @2 :Text;
  }
  struct Assignment {
    assignmentId @0 :Text;
    classId @1 :Text;
    subgroupId @2 :Text;
    subjectId @3 :Text;
    start @4 :Text;
    end @5 :Text;              # empty: to the end of the year
  }
}

struct SchoolView {
  # A school's reference books: what pages need to offer choices.
  schoolId @0 :Text;
  name @1 :Text;
  timeZone @2 :Text;
  periods @3 :List(Period);
  subjects @4 :List(Named);
  workTypes @5 :List(WorkType);
  classes @6 :List(Class);
  struct Period {
    periodId @0 :Text;
    name @1 :Text;
    start @2 :Text;
    end @3 :Text;
    yearId @4 :Text;
    closed @5 :Bool;
  }
  struct Named {
    id @0 :Text;
    name @1 :Text;
  }
  struct WorkType {
    workTypeId @0 :Text;
    name @1 :Text;
    weight @2 :UInt8;
  }
  struct Class {
    classId @0 :Text;
    name @1 :Text;             # "5А"
    grade @2 :UInt8;
    yearId @3 :Text;
    classTeacherId @4 :Text;
  }
}

struct SignedIn {
  token @0 :Text;
  me @1 :Me;
}

struct Accepted {
  firstPosition @0 :UInt64;
  lastPosition @1 :UInt64;
  duplicate @2 :Bool;
  initialPassword @3 :Text;    # issueCredentials only: hand it to the user once
}

struct LogEvent {
  position @0 :UInt64;
  streamId @1 :Text;
  streamVersion @2 :UInt64;
  eventType @3 :Text;
  recordedAtUs @4 :Int64;
  actor @5 :Text;
  commandId @6 :Text;
  hash @7 :Text;               # hex
  prevHash @8 :Text;           # hex
  payload @9 :Text;            # the domain event as JSON
}

struct Response {
  id @0 :Text;
  ok @1 :Bool;
  error @2 :Error;
  result :union {
    none @3 :Void;
    signedIn @4 :SignedIn;
    me @5 :Me;
    accepted @6 :Accepted;
    register @7 :V.RegisterView;
    diary @8 :V.DiaryView;
    log @9 :List(LogEvent);
    subscribed @10 :Text;      # the subscription id
    compliance @11 :V.ComplianceView;
    classReport @12 :V.ClassReport;
    school @13 :SchoolView;
  }
}

struct Push {
  subscription @0 :Text;
  position @1 :UInt64;         # the log position the pushed state reflects
  union {
    diary @2 :V.DiaryView;
    register @3 :V.RegisterView;
    log @4 :List(LogEvent);
    compliance @5 :V.ComplianceView;
  }
}

struct ServerMessage {
  union {
    response @0 :Response;
    push @1 :Push;
  }
}
