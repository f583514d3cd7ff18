// The life cycle's transition tables, every state x every event, written out here on their own
// so a change to engine/lifecycle.cc must be a change to these tables too.
#include "engine/lifecycle.h"

#include <gtest/gtest.h>

#include <map>
#include <tuple>

namespace ontzorg {
namespace {

using BS = BatchState;
using BE = BatchEvent;
using BR = BatchRefusal;

std::string Outcome(const Result<BatchState, BatchRefusal>& r) {
  return r ? std::string("-> ") + ToString(*r) : std::string("refused ") + ToString(r.error());
}

TEST(LifecycleTest, EveryBatchStateAndEvent) {
  // (state, event, by the preparer?) -> outcome.
  const std::map<std::tuple<BS, BE, bool>, std::string> expected = {
      {{BS::kPrepared, BE::kApprove, false}, "-> approved"},
      {{BS::kPrepared, BE::kApprove, true}, "refused preparer_approving"},
      {{BS::kPrepared, BE::kExport, false}, "refused not_approved"},
      {{BS::kPrepared, BE::kExport, true}, "refused not_approved"},
      {{BS::kPrepared, BE::kCancel, false}, "-> cancelled"},
      {{BS::kPrepared, BE::kCancel, true}, "-> cancelled"},
      {{BS::kPrepared, BE::kRewrite, false}, "refused not_exported"},
      {{BS::kPrepared, BE::kRewrite, true}, "refused not_exported"},
      {{BS::kApproved, BE::kApprove, false}, "refused already_approved"},
      {{BS::kApproved, BE::kApprove, true}, "refused already_approved"},
      {{BS::kApproved, BE::kExport, false}, "-> exported"},
      {{BS::kApproved, BE::kExport, true}, "-> exported"},
      {{BS::kApproved, BE::kCancel, false}, "-> cancelled"},
      {{BS::kApproved, BE::kCancel, true}, "-> cancelled"},
      {{BS::kApproved, BE::kRewrite, false}, "refused not_exported"},
      {{BS::kApproved, BE::kRewrite, true}, "refused not_exported"},
      {{BS::kExported, BE::kApprove, false}, "refused already_exported"},
      {{BS::kExported, BE::kApprove, true}, "refused already_exported"},
      {{BS::kExported, BE::kExport, false}, "refused already_exported"},
      {{BS::kExported, BE::kExport, true}, "refused already_exported"},
      {{BS::kExported, BE::kCancel, false}, "refused exported_not_cancellable"},
      {{BS::kExported, BE::kCancel, true}, "refused exported_not_cancellable"},
      {{BS::kExported, BE::kRewrite, false}, "-> exported"},
      {{BS::kExported, BE::kRewrite, true}, "-> exported"},
      {{BS::kCancelled, BE::kApprove, false}, "refused already_cancelled"},
      {{BS::kCancelled, BE::kApprove, true}, "refused already_cancelled"},
      {{BS::kCancelled, BE::kExport, false}, "refused already_cancelled"},
      {{BS::kCancelled, BE::kExport, true}, "refused already_cancelled"},
      {{BS::kCancelled, BE::kCancel, false}, "refused already_cancelled"},
      {{BS::kCancelled, BE::kCancel, true}, "refused already_cancelled"},
      {{BS::kCancelled, BE::kRewrite, false}, "refused already_cancelled"},
      {{BS::kCancelled, BE::kRewrite, true}, "refused already_cancelled"},
  };
  int checked = 0;
  for (int s = 0; s < kBatchStateCount; ++s) {
    for (int e = 0; e < kBatchEventCount; ++e) {
      for (bool by_preparer : {false, true}) {
        const auto key = std::make_tuple(static_cast<BS>(s), static_cast<BE>(e), by_preparer);
        const BatchFacts batch{static_cast<BS>(s), "anna"};
        EXPECT_EQ(Outcome(DecideBatch(batch, static_cast<BE>(e), by_preparer ? "anna" : "bram")),
                  expected.at(key))
            << ToString(static_cast<BS>(s)) << " + " << ToString(static_cast<BE>(e))
            << (by_preparer ? " by the preparer" : "");
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, static_cast<int>(expected.size()));
}

TEST(LifecycleTest, FinalStatesAndConflicts) {
  EXPECT_TRUE(IsFinal(BS::kExported));
  EXPECT_TRUE(IsFinal(BS::kCancelled));
  EXPECT_FALSE(IsFinal(BS::kPrepared));
  EXPECT_FALSE(IsFinal(BS::kApproved));
  // "Someone did it first" is a conflict (exit 10); "not allowed" a refusal (exit 9).
  for (BR r : {BR::kAlreadyApproved, BR::kAlreadyExported}) {
    EXPECT_TRUE(IsConflict(r)) << ToString(r);
  }
  // Nothing follows a cancelled batch: not allowed rather than "already done".
  for (BR r : {BR::kPreparerApproving, BR::kNotApproved, BR::kExportedNotCancellable,
               BR::kNotExported, BR::kAlreadyCancelled}) {
    EXPECT_FALSE(IsConflict(r)) << ToString(r);
  }
}

using PS = PaymentState;
using PE = PaymentEvent;

std::string Outcome(const Result<PaymentState, PaymentRefusal>& r) {
  return r ? std::string("-> ") + ToString(*r) : std::string("refused ") + ToString(r.error());
}

TEST(LifecycleTest, EveryPaymentStateAndBankEvent) {
  const std::string N = "refused not_exported", K = "refused already_known",
                    C = "refused contradicts";
  // Rows: the state; columns: accepted, pending, rejected, booked, returned.
  const std::map<PS, std::array<std::string, 5>> expected = {
      {PS::kPrepared, {N, N, N, N, N}},
      {PS::kCancelled, {N, N, N, N, N}},
      {PS::kSent, {"-> accepted", "-> pending", "-> rejected", "-> booked", "-> returned"}},
      {PS::kPending, {"-> accepted", K, "-> rejected", "-> booked", "-> returned"}},
      {PS::kAccepted, {K, K, "-> rejected", "-> booked", "-> returned"}},
      {PS::kBooked, {K, K, C, K, "-> returned"}},
      {PS::kRejected, {C, C, K, C, C}},
      {PS::kReturned, {C, C, C, K, K}},
  };
  const std::array<PE, 5> events = {PE::kAccepted, PE::kPending, PE::kRejected, PE::kBooked,
                                    PE::kReturned};
  ASSERT_EQ(static_cast<int>(expected.size()), kPaymentStateCount);
  for (const auto& [state, row] : expected) {
    for (size_t i = 0; i < events.size(); ++i) {
      EXPECT_EQ(Outcome(DecidePayment(state, events[i])), row[i])
          << ToString(state) << " + " << ToString(events[i]);
    }
  }
  EXPECT_TRUE(ReversesPayment(PS::kRejected));
  EXPECT_TRUE(ReversesPayment(PS::kReturned));
  EXPECT_FALSE(ReversesPayment(PS::kBooked));
}

TEST(LifecycleTest, APaymentIsWhereItsBatchAndTheBankPutIt) {
  EXPECT_EQ(CurrentPaymentState(BS::kPrepared, {}), PS::kPrepared);
  EXPECT_EQ(CurrentPaymentState(BS::kApproved, {PS::kBooked}), PS::kPrepared);
  EXPECT_EQ(CurrentPaymentState(BS::kCancelled, {}), PS::kCancelled);
  EXPECT_EQ(CurrentPaymentState(BS::kExported, {}), PS::kSent);
  EXPECT_EQ(CurrentPaymentState(BS::kExported, {PS::kAccepted, PS::kBooked}), PS::kBooked);
  EXPECT_EQ(CurrentPaymentState(BS::kExported, {PS::kBooked, PS::kReturned}), PS::kReturned);
  EXPECT_EQ(CurrentPaymentState(BS::kExported, {PS::kAccepted, PS::kRejected}), PS::kRejected);
  EXPECT_EQ(CurrentPaymentState(BS::kExported, {PS::kPending}), PS::kPending);
}

TEST(LifecycleTest, EveryLineStateAndEvent) {
  using LS = LineState;
  const auto out = [](const Result<LS, LineRefusal>& r) {
    return r ? std::string("-> ") + ToString(*r) : std::string("refused ") + ToString(r.error());
  };
  EXPECT_EQ(out(DecideLine(LS::kListed, LineEvent::kAssign)), "-> assigned");
  EXPECT_EQ(out(DecideLine(LS::kListed, LineEvent::kIgnore)), "-> ignored");
  for (LS s : {LS::kBooked, LS::kNotBooked}) {
    EXPECT_EQ(out(DecideLine(s, LineEvent::kAssign)), "refused not_listed");
    EXPECT_EQ(out(DecideLine(s, LineEvent::kIgnore)), "refused not_listed");
  }
  for (LS s : {LS::kAssigned, LS::kIgnored}) {
    EXPECT_EQ(out(DecideLine(s, LineEvent::kAssign)), "refused already_handled");
    EXPECT_EQ(out(DecideLine(s, LineEvent::kIgnore)), "refused already_handled");
  }
}

TEST(LifecycleTest, WhoMayDoWhat) {
  // Written out per role: the actions each may take.
  const std::map<Role, std::set<Action>> allowed = {
      {Role::kFinance,
       {Action::kRunMonth, Action::kApproveBatch, Action::kExportBatch, Action::kRewriteFiles,
        Action::kCancelBatch, Action::kReissuePayments, Action::kReleaseHeld, Action::kRecordOneOff,
        Action::kImportBankFile, Action::kAssignBankLine, Action::kCorrectAccount,
        Action::kCorrectName, Action::kRecordDirectDebit, Action::kRecordReceipt,
        Action::kRecordWriteOff, Action::kRequestWriteOff, Action::kChangeRecord}},
      {Role::kCoach,
       {Action::kRecordDirectDebit, Action::kRecordReceipt, Action::kRecordCheckpoint,
        Action::kRequestWriteOff, Action::kChangeRecord}},
      {Role::kAdmin,
       {Action::kManageAccounts, Action::kConfirmAccountChange, Action::kVerifyAudit}},
      {Role::kAuditor, {Action::kVerifyAudit}},
  };
  for (int r = 0; r < kRoleCount; ++r) {
    const Role role = static_cast<Role>(r);
    EXPECT_EQ(ParseRole(ToString(role)), role);
    for (int a = 0; a < kActionCount; ++a) {
      const Action action = static_cast<Action>(a);
      EXPECT_EQ(Allows(role, action), allowed.at(role).count(action) > 0)
          << ToString(role) << " " << ToString(action);
    }
  }
  EXPECT_FALSE(ParseRole("root"));
}

TEST(LifecycleTest, NamesReadBack) {
  for (int i = 0; i < kBatchStateCount; ++i) {
    EXPECT_EQ(ParseBatchState(ToString(static_cast<BS>(i))), static_cast<BS>(i));
  }
  for (int i = 0; i < kPaymentStateCount; ++i) {
    EXPECT_EQ(ParsePaymentState(ToString(static_cast<PS>(i))), static_cast<PS>(i));
  }
}

}  // namespace
}  // namespace ontzorg
