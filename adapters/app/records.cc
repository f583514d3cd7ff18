#include "adapters/app/records.h"

#include "adapters/app/batches.h"
#include "adapters/import/importer.h"
#include "engine/sepa_rules.h"
#include "engine/text.h"

namespace ontzorg {

namespace {

using Columns = std::vector<std::pair<std::string, std::string>>;

// The row checked as if it came from its CSV file: what it would add, nothing stored.
Result<ImportBatch, Error> CheckRow(const Config& config, Store& store, const TypedRow& typed,
                                    const Columns& columns) {
  const std::string &file = typed.file, &what = typed.what;
  const std::string field_prefix = typed.names == FieldNames::kOption ? "--" : "";
  // Written as a ';' file, so what a person typed is read as people type it: "12,50" and
  // "1.234,56" as well as "12.50", dates as 31-03-2027 as well as 2027-03-31.
  std::string header, row;
  for (const auto& [name, value] : columns) {
    header += (header.empty() ? "" : ";") + name;
    std::string quoted = "\"";
    for (char ch : value) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    row += (row.empty() ? "" : ";") + quoted + "\"";
  }
  const auto as_fields = [&](const Error& e) {
    std::string message = e.message;
    if (message.rfind("import refused", 0) == 0) message.replace(0, 14, what + " refused");
    for (const auto& [name, value] : columns) {
      std::string field = name;
      if (field_prefix == "--") {
        field = name == "client_id" ? "client" : name == "bill_id" ? "bill" : name;
        for (char& ch : field) ch = ch == '_' ? '-' : ch;
      }
      const std::string from = file + ":2: column " + name + ":";
      for (size_t pos = message.find(from); pos != std::string::npos; pos = message.find(from)) {
        message.replace(pos, from.size(), field_prefix + field + ":");
      }
    }
    return Error{e.code, message};
  };
  auto parsed = ParseImportFiles({{file, header + "\n" + row + "\n"}}, &config.competences);
  if (!parsed) return Unexpected(as_fields(parsed.error()));
  auto existing = store.LoadExisting(parsed->batch);
  if (!existing) return Unexpected(existing.error());
  auto checked = CheckImport(*parsed, *existing);
  if (!checked) return Unexpected(as_fields(checked.error()));
  return checked->added;
}

}  // namespace

Result<ImportBatch, Error> RecordRow(const Config& config, Store& store, const TypedRow& typed,
                                     const Actor& actor) {
  Columns columns = typed.columns;
  std::string id_stem;  // "A20261214-": the number follows once the row is found right
  if (typed.new_id != 0) {
    id_stem = std::string(1, typed.new_id);
    for (char c : actor.at.substr(0, 10)) {
      if (c != '-') id_stem += c;
    }
    id_stem += "-";
    columns.insert(columns.begin(), {"id", id_stem + "0"});
  }
  // Checked against what is stored and written in one write transaction: two people recording
  // the same row at once cannot both find it new.
  ImportBatch batch;
  auto applied = store.Atomically([&]() -> Result<Changes, Error> {
    auto added = CheckRow(config, store, typed, columns);
    if (!added) return Unexpected(added.error());  // refused: nothing changed, no number taken
    if (typed.new_id != 0) {
      auto n = store.NextNumber("record");
      if (!n) return Unexpected(n.error());
      columns.front().second = id_stem + std::to_string(*n);
      added = CheckRow(config, store, typed, columns);
      if (!added) return Unexpected(added.error());
    }
    batch = *added;
    batch.recorded_by = actor.user;
    batch.recorded_at = actor.at;
    StampChanges(batch, actor.user, actor.at);
    if (auto s = store.Insert(batch); !s) return Unexpected(s.error());
    return Changes{};
  });
  if (!applied) return Unexpected(applied.error());
  return batch;
}

Result<std::string, Error> CorrectClientBankName(Store& store, const BankNameCorrection& c,
                                                 const Actor& actor) {
  auto user = RequireAction(store, actor.user, Action::kCorrectName);
  if (!user) return Unexpected(user.error());
  const std::string carried = ToSepaText(c.bank_name, kMaxNameChars);
  if (carried.empty()) {
    return Fail(ErrorCode::kBadInput, "bank_name '" + c.bank_name +
                                          "': has no letters a bank can carry (SEPA allows Latin "
                                          "letters only); nothing changed");
  }
  if (c.reason.empty()) {
    return Fail(ErrorCode::kBadInput,
                "reason: say why, e.g. \"as in the residence permit\"; nothing changed");
  }
  auto found = store.FindClient(c.client);
  if (!found) return Unexpected(found.error());
  if (!*found) {
    return Fail(ErrorCode::kBadInput, "client " + c.client.value + ": no such client");
  }
  const std::string detail = "bank name '" + NameForBank(**found) + "' -> '" + c.bank_name +
                             "' (name '" + (*found)->name + "'): " + c.reason;
  const AuditRecord audit{
      0, actor.at, actor.user, "client.bank_name", "client:" + c.client.value, detail};
  if (auto s = store.CorrectBankName(c.client, c.bank_name, audit); !s) {
    return Unexpected(s.error());
  }
  return carried;
}

namespace {

std::string OrNow(const std::optional<std::string>& given, const std::string& now) {
  return given && !given->empty() ? *given : now;
}

// What a change row adds beside its record: the month it holds from and why, and how to tell
// that it changed something.
struct ChangeMeta {
  std::string valid_from;  // "YYYY-MM"
  std::string reason;
  size_t (*added)(const ImportBatch&);  // the versions the row added
  std::string subject;                  // "bill HS", for "already holds this"
};

// A change row recorded as a row of its change file, from `meta.valid_from` on, with its reason;
// refused when it would change nothing.
Result<ImportBatch, Error> RecordChange(const Config& config, Store& store, TypedRow row,
                                        const ChangeMeta& meta, const Actor& actor) {
  if (meta.valid_from.empty()) {
    return Fail(ErrorCode::kBadInput,
                std::string(row.names == FieldNames::kOption ? "--valid-from" : "valid_from") +
                    ": required: the first month the change holds for (YYYY-MM)");
  }
  row.columns.push_back({"valid_from", meta.valid_from});
  row.columns.push_back({"change_reason", meta.reason});
  auto recorded = RecordRow(config, store, row, actor);
  if (!recorded) return Unexpected(recorded.error());
  if (meta.added(*recorded) == 0) {
    return Fail(ErrorCode::kBadInput, meta.subject + " already holds this from " + meta.valid_from +
                                          "; nothing was changed");
  }
  return recorded;
}

}  // namespace

Result<ImportBatch, Error> ChangeBill(const Config& config, Store& store, const BillChange& change,
                                      const Actor& actor, FieldNames names) {
  auto user = RequireAction(store, actor.user, Action::kChangeRecord);
  if (!user) return Unexpected(user.error());
  auto bill = store.FindBill(change.bill);
  if (!bill) return Unexpected(bill.error());
  if (!*bill || (*bill)->client != change.client) {
    return Fail(ErrorCode::kBadInput, "bill '" + change.bill.value + "' of client '" +
                                          change.client.value + "' is not on record");
  }
  const Bill& b = **bill;  // as it now holds, every change applied
  TypedRow row{.file = "bills.csv",
               .what = "change of bill " + b.id.value,
               .columns = {{"id", b.id.value},
                           {"client_id", b.client.value},
                           {"kind", ToString(b.kind)},
                           {"creditor_id", OrNow(change.creditor, b.creditor.value)},
                           {"amount", OrNow(change.amount, b.amount.ToDecimalString())},
                           {"schedule", ToString(b.schedule)},
                           {"due_day", OrNow(change.due_day, std::to_string(b.due_day))},
                           {"reference_kind", ToString(b.reference.kind)},
                           {"reference", b.reference.value},
                           {"start", b.start.ToString()},
                           {"end", OrNow(change.end, b.end ? b.end->ToString() : "")}},
               .names = names};
  return RecordChange(
      config, store, row,
      {.valid_from = change.valid_from,
       .reason = change.reason,
       .added = [](const ImportBatch& added) { return added.versions.bills.size(); },
       .subject = "bill " + b.id.value},
      actor);
}

Result<ImportBatch, Error> ChangeClient(const Config& config, Store& store,
                                        const ClientChange& change, const Actor& actor,
                                        FieldNames names) {
  auto user = RequireAction(store, actor.user, Action::kChangeRecord);
  if (!user) return Unexpected(user.error());
  // Where the leefgeld goes is a payee account: changed by finance only, as correct-account
  // (a coach who could redirect a client's money is the classic diversion).
  if (change.iban && !change.iban->empty()) {
    auto finance = RequireAction(store, actor.user, Action::kCorrectAccount);
    if (!finance) return Unexpected(finance.error());
  }
  auto client = store.FindClient(change.client);
  if (!client) return Unexpected(client.error());
  if (!*client) {
    return Fail(ErrorCode::kBadInput, "client '" + change.client.value + "' is not on record");
  }
  const Client& c = **client;  // as it now holds
  TypedRow row{.file = "clients.csv",
               .what = "change of client " + c.id.value,
               .columns = {{"id", c.id.value},
                           {"bsn", c.bsn},
                           {"name", OrNow(change.name, c.name)},
                           {"household", OrNow(change.household, ToString(c.household))},
                           {"iban", OrNow(change.iban, c.own_iban.compact())},
                           {"adults", OrNow(change.adults, std::to_string(c.adults))},
                           {"children", OrNow(change.children, std::to_string(c.children))},
                           {"language", OrNow(change.language, c.language)},
                           {"bank_name", c.bank_name},
                           {"address", OrNow(change.address, c.address)}},
               .names = names};
  return RecordChange(
      config, store, row,
      {.valid_from = change.valid_from,
       .reason = change.reason,
       .added = [](const ImportBatch& added) { return added.versions.clients.size(); },
       .subject = "client " + c.id.value},
      actor);
}

Result<ImportBatch, Error> ChangePlan(const Config& config, Store& store, const PlanChange& change,
                                      const Actor& actor, FieldNames names) {
  auto user = RequireAction(store, actor.user, Action::kChangeRecord);
  if (!user) return Unexpected(user.error());
  auto plan = store.FindPlan(change.client);
  if (!plan) return Unexpected(plan.error());
  if (!*plan) {
    return Fail(ErrorCode::kBadInput,
                "client '" + change.client.value + "' has no relief plan on record");
  }
  const ReliefPlan& p = **plan;  // as it now holds
  const auto date = [](const std::optional<Date>& d) { return d ? d->ToString() : std::string(); };
  std::string kinds;  // a maatwerk plan's bills, as plans.csv writes them: "rent;energy"
  for (BillKind k : p.bills) kinds += (kinds.empty() ? "" : ";") + std::string(ToString(k));
  TypedRow row{.file = "plans.csv",
               .what = "change of the plan of " + p.client.value,
               .columns = {{"client_id", p.client.value},
                           {"kind", ToString(p.kind)},
                           {"benefit_start", p.benefit_start.ToString()},
                           {"benefit_end", OrNow(change.benefit_end, date(p.benefit_end))},
                           {"extension_end", OrNow(change.extension_end, date(p.extension_end))},
                           {"extension_reason", OrNow(change.extension_reason, p.extension_reason)},
                           {"bills", kinds},
                           {"period_start", date(p.period_start)},
                           {"period_end", OrNow(change.period_end, date(p.period_end))},
                           {"reason", p.reason}},
               .names = names};
  return RecordChange(
      config, store, row,
      {.valid_from = change.valid_from,
       .reason = change.reason,
       .added = [](const ImportBatch& added) { return added.versions.plans.size(); },
       .subject = "the plan of " + p.client.value},
      actor);
}

Result<ImportBatch, Error> ChangeCreditor(const Config& config, Store& store,
                                          const CreditorChange& change, const Actor& actor,
                                          FieldNames names) {
  auto user = RequireAction(store, actor.user, Action::kCorrectAccount);
  if (!user) return Unexpected(user.error());
  auto creditors = store.LoadCreditors();  // as they now hold, every change applied
  if (!creditors) return Unexpected(creditors.error());
  const auto found = creditors->find(change.creditor);
  if (found == creditors->end()) {
    return Fail(ErrorCode::kBadInput, "creditor '" + change.creditor.value + "' is not on record");
  }
  const Creditor& c = found->second;
  TypedRow row{.file = "creditors.csv",
               .what = "change of creditor " + c.id.value,
               .columns = {{"id", c.id.value},
                           {"name", OrNow(change.name, c.name)},
                           {"iban", OrNow(change.iban, c.iban.compact())},
                           {"bic", OrNow(change.bic, c.bic.value_or(""))},
                           {"street", c.address.street},
                           {"building", c.address.building},
                           {"postcode", c.address.postcode},
                           {"town", c.address.town},
                           {"country", c.address.country}},
               .names = names};
  return RecordChange(
      config, store, row,
      {.valid_from = change.valid_from,
       .reason = change.reason,
       .added = [](const ImportBatch& added) { return added.versions.creditors.size(); },
       .subject = "creditor " + c.id.value},
      actor);
}

}  // namespace ontzorg
