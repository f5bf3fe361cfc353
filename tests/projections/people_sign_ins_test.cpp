// The people projection keeps sign-ins as counts for the whole commit and
// writes them into the access rows (A/) at its end. Whatever the commit
// boundaries, the stored rows must be those of a commit per event, where
// every sign-in reads, copies and writes the row as the row-by-row path
// did: here on random sign-ins interleaved with the other changes of the
// same rows (credentials issued and revoked, consent), sign-ins before a
// user's first row, and user ids long enough to live on the heap.
#include <gtest/gtest.h>

#include <capnp/message.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "projections/internal/people_projection.hpp"
#include "projections/internal/rows.hpp"
#include "support/fold_rows.hpp"

namespace zhurnal::projections {
namespace {

using J = schema::JournalEvent;

class PeopleSignInsTest : public zhurnal::testing::FoldRowsTest {
 protected:
  void sign_in(const std::string& user) {
    add("class-teacher", [&](J::Builder j) {
      auto x = j.initUserSignedIn();
      x.setUserId(user);
      x.setSchoolId("s");
      x.setRole(schema::Role::PARENT);
    });
  }
  template <typename CommitAfter>
  std::map<std::string, std::string> fold(const std::string& prefix, CommitAfter commit_after) {
    return FoldRowsTest::fold<internal::PeopleProjection>(prefix, commit_after);
  }
};

TEST_F(PeopleSignInsTest, AnyCommitSizeGivesTheRowsOfACommitPerEvent) {
  const std::vector<std::string> users = {"p1", "p2", "student-with-a-long-identifier-0001",
                                          "parent-with-a-long-identifier-0002", "never-issued"};
  std::mt19937_64 rng(2026);
  std::map<std::string, uint32_t> sign_ins;
  std::map<std::string, int64_t> last_sign_in;
  // A user signs in before her credentials are issued too (a row made by the
  // sign-ins alone), and "never-issued" only ever signs in.
  for (size_t step = 0; step < 3000; ++step) {
    const std::string& user = users[rng() % users.size()];
    const unsigned kind = user == "never-issued" ? 0 : rng() % 20;
    switch (kind) {
      case 1:
        add("class-teacher", [&](J::Builder j) {
          auto x = j.initCredentialsIssued();
          x.setUserId(user);
          x.setLogin("login-" + user + "-" + std::to_string(step));
        });
        break;
      case 2:
        add("class-teacher", [&](J::Builder j) {
          auto x = j.initCredentialsRevoked();
          x.setUserId(user);
          x.setReason("утерян пароль " + std::to_string(step));
        });
        break;
      case 3:
        add("class-teacher", [&](J::Builder j) {
          auto x = j.initConsentRecorded();
          x.setUserId(user);
          x.setGiven(rng() % 3 != 0);
          x.setDocumentDate("2026-09-01");
          x.setNote(step % 2 ? "" : "заявление родителя");
        });
        break;
      default: {
        // Sign-ins come in runs, as a parent's do.
        const size_t run = 1 + rng() % 6;
        for (size_t r = 0; r < run; ++r) {
          sign_in(user);
          ++sign_ins[user];
          last_sign_in[user] = events_.back().recorded.recorded_at_us;
        }
      }
    }
  }

  const auto per_event = fold("e/", [](size_t) { return true; });
  ASSERT_EQ(per_event.size(), users.size());
  for (const std::string& user : users) {
    internal::RowView<schema::AccessRow> row(per_event.at("A/" + user));
    EXPECT_EQ(row.get().getSignIns(), sign_ins[user]) << user;
    EXPECT_EQ(row.get().getLastSignInUs(), last_sign_in[user]) << user;
  }
  for (size_t per_commit : {2, 3, 7, 64, 1000}) {
    const std::string prefix = "n" + std::to_string(per_commit) + "/";
    EXPECT_EQ(fold(prefix, [&](size_t i) { return (i + 1) % per_commit == 0; }), per_event)
        << per_commit << " events a commit";
  }
  EXPECT_EQ(fold("one/", [](size_t) { return false; }), per_event) << "one commit";
  std::mt19937_64 split(7);
  EXPECT_EQ(fold("rand/", [&](size_t) { return split() % 5 == 0; }), per_event) << "random commits";
}

TEST_F(PeopleSignInsTest, KeptSignInsCountInHeldBytesAndADiscardForgetsThem) {
  for (int i = 0; i < 200; ++i) sign_in("parent-with-a-long-identifier-" + std::to_string(i));
  internal::PeopleProjection projection;
  ProjectionTx tx(store_.get(), "p/");
  for (const Event& e : events_)
    projection.apply(e.recorded, e.message->getRoot<J>().asReader(), tx);
  EXPECT_FALSE(tx.empty());
  // 200 users' keys on the heap and the map's slots.
  EXPECT_GT(tx.held_bytes(), size_t{200} * 30);

  tx.discard();
  EXPECT_TRUE(tx.empty());
  events::KvBatch b;
  tx.flush(&b);
  ASSERT_TRUE(store_->write(b).is_ok());
  EXPECT_TRUE(zhurnal::testing::rows_under(*store_, "p/").empty())
      << "discarded sign-ins were written";

  for (const Event& e : events_)
    projection.apply(e.recorded, e.message->getRoot<J>().asReader(), tx);
  events::KvBatch again;
  tx.flush(&again);
  ASSERT_TRUE(store_->write(again).is_ok());
  EXPECT_EQ(tx.held_bytes(), size_t{0});
  EXPECT_EQ(zhurnal::testing::rows_under(*store_, "p/").size(), size_t{200});
}

}  // namespace
}  // namespace zhurnal::projections
