#include "adapters/cli/batch_commands.h"

#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "adapters/app/batches.h"
#include "adapters/app/feedback.h"
#include "adapters/app/one_offs.h"
#include "adapters/app/records.h"
#include "adapters/bank/bank_xml.h"
#include "adapters/import/csv.h"
#include "adapters/system/files.h"
#include "adapters/system/password.h"
#include "adapters/system/spreadsheet.h"
#include "engine/checks.h"
#include "engine/sepa_rules.h"
#include "engine/text.h"

namespace ontzorg {
namespace {

struct Options {
  int64_t batch = 0;
  std::string out = "out";
  std::string reason, name, bank_name, role, full_name, phone, file, line, client, kind, bill,
      status, on, confirmed_by, note, creditor, iban, bic, run_date, csv, subject, coach, amount,
      due_day, end, valid_from, decision, funding, description, due;
  std::vector<std::string> payments, files, clients;
  bool all = false;
  bool acknowledge = false;  // approve: the implausible amounts were checked
};

Actor Me(const Globals& g) { return {g.user, NowIsoSeconds()}; }

std::string Euro(Money m) { return FormatEuros(m); }

// Runs `f` with the opened store; maps errors to exit codes.
int WithStore(const Globals& g, const std::function<Status<Error>(Opened&)>& f) {
  auto opened = OpenStore(g);
  if (!opened) return Report(opened.error());
  Opened o = std::move(opened).value();
  if (auto s = f(o); !s) return Report(s.error());
  return kExitOk;
}

// `municipality`: its code, shown when the installation serves several ("" otherwise).
void PrintBatch(const BatchRecord& b, const std::string& municipality, std::ostream& out) {
  out << "batch " << b.run.id << "  " << (municipality.empty() ? "" : municipality + "  ")
      << std::left << std::setw(8) << b.run.kind << " " << b.run.month.ToString() << "  "
      << std::right << std::setw(7) << b.payments << " payments  " << std::setw(16)
      << Euro(b.amount) << "  " << b.State() << "\n";
  for (const BatchStateRow& s : b.states) {
    out << "    " << std::left << std::setw(10) << s.state << s.at << "  " << s.user << "  "
        << s.detail << "\n";
  }
}

int UserListCommand(const Globals& g) {
  return WithStore(g, [&](Opened& opened) -> Status<Error> {
    auto users = opened.store->Users();
    if (!users) return Unexpected(users.error());
    for (const User& u : *users) {
      std::cout << std::left << std::setw(16) << u.name << std::setw(10) << u.role << u.full_name
                << "\n";
    }
    return {};
  });
}

int UserAddCommand(const Globals& g, const Options& o) {
  return WithStore(g, [&](Opened& opened) -> Status<Error> {
    Store& store = *opened.store;
    if (!IsKnownRole(o.role)) {
      return Fail(ErrorCode::kBadInput, "--role '" + o.role +
                                            "': use finance, coach, admin or "
                                            "auditor");
    }
    if (!IsValidId(o.name)) {
      return Fail(ErrorCode::kBadInput, "--name '" + o.name + "': 1-35 letters, digits or '-'");
    }
    // The first account may be made by anyone (setting up); after that only an admin adds users.
    auto users = store.Users();
    if (!users) return Unexpected(users.error());
    if (!users->empty()) {
      auto admin = RequireAction(store, g.user, Action::kManageAccounts);
      if (!admin) return Unexpected(admin.error());
    }
    if (auto s = store.AddUser(
            {.name = o.name, .role = o.role, .full_name = o.full_name, .phone = o.phone}, Me(g));
        !s) {
      return s;
    }
    std::cout << "user " << o.name << " added with role " << o.role << "\n";
    return {};
  });
}

int BatchesCommand(const Globals& g) {
  return WithStore(g, [&](Opened& opened) -> Status<Error> {
    auto batches = opened.store->Batches();
    if (!batches) return Unexpected(batches.error());
    if (batches->empty()) std::cout << "no batches yet (ontzorg run prepares one)\n";
    std::map<int64_t, std::string> codes;  // by id, when there are several
    if (opened.municipalities.size() > 1) {
      for (const MunicipalityRecord& m : opened.municipalities) codes[m.id] = m.code;
    }
    for (const BatchRecord& b : *batches) {
      const auto code = codes.find(b.run.municipality);
      PrintBatch(b, code == codes.end() ? "" : code->second, std::cout);
    }
    return {};
  });
}

int ApproveCommand(const Globals& g, const Options& o) {
  return WithStore(g, [&](Opened& opened) -> Status<Error> {
    if (auto s = ApproveBatch(*opened.store, o.batch, Me(g), {.acknowledge = o.acknowledge}); !s) {
      return s;
    }
    std::cout << "batch " << o.batch << " approved by " << g.user
              << "; export it with: ontzorg export --batch " << o.batch << "\n";
    return {};
  });
}

void PrintFileList(const std::vector<FileRecord>& files) {
  for (const FileRecord& f : files) {
    std::cout << "  " << f.written_path << "\n      MsgId " << f.msg_id << ", " << f.tx_count
              << " transactions, " << Euro(Money::FromCents(f.ctrl_sum_cents)) << "\n      SHA-256 "
              << f.sha256 << "\n      SHA-1   " << f.sha1 << "  (BNG hash total)\n";
  }
}

// Export writes an approved batch's files once; rewrite writes an exported batch's files again.
enum class FileWrite { kExport, kRewrite };

int ExportCommand(const Globals& g, const Options& o, FileWrite mode) {
  const bool rewrite = mode == FileWrite::kRewrite;
  return WithStore(g, [&](Opened& opened) -> Status<Error> {
    auto r = rewrite ? RewriteBatch(opened.config, *opened.store, o.batch, o.out, Me(g))
                     : ExportBatch(opened.config, *opened.store, o.batch, o.out, Me(g));
    if (!r) return Unexpected(r.error());
    std::cout << "batch " << o.batch
              << (rewrite        ? " re-written (byte-identical, same MsgIds)"
                  : r->completed ? " export completed (" + std::to_string(r->completed) +
                                       " file(s) put in place after an interrupted export)"
                                 : std::string(" exported"))
              << ": " << r->files.size() << " file(s), each validated against " << r->schema_path
              << "\n";
    PrintFileList(r->files);
    return {};
  });
}

int CancelCommand(const Globals& g, const Options& o) {
  return WithStore(g, [&](Opened& opened) -> Status<Error> {
    if (auto s = CancelBatch(*opened.store, o.batch, o.reason, Me(g)); !s) return s;
    std::cout << "batch " << o.batch
              << " cancelled; its payments' money is back on the clients' "
                 "accounts and reserved until re-issued (ontzorg reissue --payment ...)\n";
    return {};
  });
}

void PrintPrepared(const PreparedBatch& p) {
  for (const std::string& n : p.notes) std::cout << "  " << n << "\n";
  if (p.batch == 0) {
    std::cout << "nothing to prepare\n";
    return;
  }
  std::cout << "batch " << p.batch << " prepared: " << p.payments << " payment(s), "
            << Euro(p.amount) << "; a second person approves it: ontzorg approve --batch "
            << p.batch << "\n";
}

// Re-issues failed payments, or releases held bills, as a new prepared batch.
enum class Preparation { kReissue, kReleaseHeld };

int PrepareCommand(const Globals& g, const Options& o, Preparation what) {
  const auto date = o.run_date.empty() ? Today() : ParseFlag<Date>("--run-date", o.run_date);
  if (!date) return ExitCodeFor(ErrorCode::kBadInput);
  return WithStore(g, [&](Opened& opened) -> Status<Error> {
    auto p = what == Preparation::kReleaseHeld
                 ? ReleaseHeld(opened.config, *opened.store, *date, Me(g))
                 : ReissuePayments(opened.config, *opened.store, o.payments, *date, Me(g));
    if (!p) return Unexpected(p.error());
    PrintPrepared(*p);
    return {};
  });
}

// A one-off payment (a deposit, bijzondere bijstand) as a batch of its own (issue 17).
int OneOffCommand(const Globals& g, const Options& o) {
  const auto date = o.run_date.empty() ? Today() : ParseFlag<Date>("--run-date", o.run_date);
  if (!date) return ExitCodeFor(ErrorCode::kBadInput);
  return WithStore(g, [&](Opened& opened) -> Status<Error> {
    auto p = RecordOneOff(opened.config, *opened.store,
                          {.decision = o.decision,
                           .client = o.client,
                           .creditor = o.creditor,
                           .amount = o.amount,
                           .funding = o.funding,
                           .description = o.description,
                           .due = o.due},
                          *date, Me(g));
    if (!p) return Unexpected(p.error());
    PrintPrepared(*p);
    return {};
  });
}

int DirectDebitCommand(const Globals& g, const Options& o) {
  const auto status = ParseDirectDebitStatus(o.status);
  if (!status) {
    std::cerr << "ontzorg: --status '" << o.status
              << "': use cancelled (the client's own direct "
                 "debit is stopped), none (there never was one) or override (pay anyway; "
                 "--note says why)\n";
    return ExitCodeFor(ErrorCode::kBadInput);
  }
  const auto on = o.on.empty() ? Today() : ParseFlag<Date>("--on", o.on);
  if (!on) return ExitCodeFor(ErrorCode::kBadInput);
  return WithStore(g, [&](Opened& opened) -> Status<Error> {
    DirectDebitRecord r{BillId{o.bill}, ClientId{}, *status, *on, o.confirmed_by, o.note};
    if (auto s = RecordDirectDebit(*opened.store, r, Me(g)); !s) return s;
    std::cout << "bill " << o.bill << ": direct debit " << o.status << " on " << on->ToString()
              << " recorded; held payments go out with: ontzorg release-held\n";
    return {};
  });
}

// The Latin spelling of a client's name that payments carry (a name in Arabic script has none).
int CorrectNameCommand(const Globals& g, const Options& o) {
  return WithStore(g, [&](Opened& opened) -> Status<Error> {
    auto carried = CorrectClientBankName(
        *opened.store, {.client = ClientId{o.client}, .bank_name = o.bank_name, .reason = o.reason},
        Me(g));
    if (!carried) {
      // Named as this command's options.
      Error e = carried.error();
      for (const auto& [field, option] :
           {std::pair<std::string, std::string>{"bank_name", "--bank-name"},
            {"reason", "--reason"},
            {"client ", "--client "}}) {
        if (e.message.rfind(field, 0) == 0) e.message.replace(0, field.size(), option);
      }
      return Unexpected(e);
    }
    std::cout << "client " << o.client << ": payments now carry the name '" << *carried << "'\n";
    return {};
  });
}

// A bill's amount, due day, creditor or end from a month on (issue 16).
int ChangeBillCommand(const Globals& g, const Options& o) {
  return WithStore(g, [&](Opened& opened) -> Status<Error> {
    auto bill = opened.store->FindBill(BillId{o.bill});
    if (!bill) return Unexpected(bill.error());
    if (!*bill) return Fail(ErrorCode::kBadInput, "--bill: no bill '" + o.bill + "' on record");
    const auto given = [](const std::string& v) {
      return v.empty() ? std::nullopt : std::optional<std::string>(v);
    };
    auto added = ChangeBill(opened.config, *opened.store,
                            {.client = (*bill)->client,
                             .bill = BillId{o.bill},
                             .amount = given(o.amount),
                             .due_day = given(o.due_day),
                             .creditor = given(o.creditor),
                             .end = given(o.end),
                             .valid_from = o.valid_from,
                             .reason = o.reason},
                            Me(g), FieldNames::kOption);
    if (!added) {
      Error e = added.error();  // named as this command's options
      for (const auto& [column, option] :
           {std::pair<std::string, std::string>{"--change-reason:", "--reason:"},
            {"--creditor-id:", "--creditor:"}}) {
        for (size_t at = e.message.find(column); at != std::string::npos;
             at = e.message.find(column)) {
          e.message.replace(at, column.size(), option);
        }
      }
      return Unexpected(e);
    }
    const Version<Bill>& v = added->versions.bills.front();
    std::cout << "bill " << o.bill << ": ";
    for (size_t i = 0; i < v.fields.size(); ++i) std::cout << (i ? ", " : "") << v.fields[i];
    std::cout << " changed from " << v.valid_from.ToString()
              << " on (earlier months keep what they had)\n";
    return {};
  });
}

int CorrectAccountCommand(const Globals& g, const Options& o) {
  const bool creditor = !o.creditor.empty();
  if (creditor == !o.client.empty()) {
    std::cerr << "ontzorg: give either --creditor ID or --client ID\n";
    return kExitUsage;
  }
  return WithStore(g, [&](Opened& opened) -> Status<Error> {
    auto done = CorrectAccount(
        *opened.store,
        {.holder = creditor ? Store::AccountHolder::kCreditor : Store::AccountHolder::kClient,
         .id = creditor ? o.creditor : o.client,
         .iban = o.iban,
         .bic = o.bic,
         .reason = o.reason},
        Me(g));
    if (!done) return Unexpected(done.error());
    std::cout << (creditor ? "creditor " + o.creditor : "client " + o.client) << ": IBAN "
              << done->old_iban << " -> " << done->new_iban << "\n";
    return {};
  });
}

int ImportBankCommand(const Globals& g, const std::vector<std::string>& files) {
  return WithStore(g, [&](Opened& opened) -> Status<Error> {
    for (const std::string& f : files) {
      auto r = ImportBankFeedback(opened.config, *opened.store, f, Me(g));
      if (!r) return Unexpected(r.error());
      std::cout << f << ": " << r->format;
      if (r->already_imported) {
        std::cout << ", already imported " << r->already << "; nothing changed\n";
        continue;
      }
      std::cout << ", MsgId " << r->msg_id << "\n";
      if (!r->original_msg_id.empty()) {
        std::cout << "  status report on our file " << r->original_msg_id
                  << (r->group_status.empty() ? "" : ", group status " + r->group_status) << "\n";
        for (const auto& s : r->statuses) {
          std::cout << "  " << std::left << std::setw(24) << s.end_to_end_id << std::setw(10)
                    << s.client << std::setw(10) << s.status << s.outcome
                    << (s.reasons.empty() ? "" : "\n      " + s.reasons) << "\n";
        }
      }
      for (const auto& s : r->skipped) {
        std::cout << "  statement " << s.statement_id << " of account " << s.account << " ("
                  << s.entries << " entries) skipped: "
                  << (opened.municipalities.size() > 1
                          ? std::string("not the managed account of a municipality you work for")
                          : "not the managed account " + opened.config.debtor.iban.Formatted())
                  << "\n";
      }
      for (const BankLineRow& l : r->lines) {
        std::cout << "  " << std::left << std::setw(10) << l.id << std::setw(11) << l.kind
                  << std::right << std::setw(12)
                  << ((l.money_in ? "+" : "-") + FormatEuros(l.amount, EuroStyle::Plain())) << "  "
                  << l.detail << "\n";
      }
      if (r->lines_seen_before > 0) {
        std::cout << "  " << r->lines_seen_before
                  << " line(s) were imported before (from another file): nothing changed for "
                     "them\n";
      }
      for (const std::string& n : r->notes) std::cout << "  LET OP / NOTE: " << n << "\n";
    }
    return {};
  });
}

int BankLinesCommand(const Globals& g, const Options& o) {
  const bool all = o.all;
  return WithStore(g, [&](Opened& opened) -> Status<Error> {
    auto lines = opened.store->BankLines(all ? "" : "listed");
    if (!lines) return Unexpected(lines.error());
    int open = 0;
    for (const BankLineRow& l : *lines) {
      if (!all && l.assigned_kind) continue;
      ++open;
      std::cout << std::left << std::setw(10) << l.id << std::setw(11) << l.kind
                << (l.booked_on ? l.booked_on->ToString() : std::string("          ")) << " "
                << std::right << std::setw(12)
                << ((l.money_in ? "+" : "-") + FormatEuros(l.amount, EuroStyle::Plain())) << "  "
                << l.counterparty << "  " << l.remittance << "\n      " << l.detail
                << (l.assigned_kind ? " [assigned: " + *l.assigned_kind + "]" : "") << "\n";
    }
    if (!all) {
      std::cout << open
                << " line(s) to assign (ontzorg assign --line ID --client C --as KIND "
                   "--reason ..., or --as ignore)\n";
    }
    return {};
  });
}

int AssignCommand(const Globals& g, const Options& o) {
  return WithStore(g, [&](Opened& opened) -> Status<Error> {
    std::optional<ClientId> client;
    if (!o.client.empty()) client = ClientId{o.client};
    if (auto s = AssignBankLine(
            *opened.store,
            {.line_id = o.line, .client = client, .kind = o.kind, .reason = o.reason}, Me(g));
        !s) {
      return s;
    }
    std::cout << "line " << o.line << " assigned: " << o.kind
              << (client ? " for " + client->value + " (booked by the next run)" : "") << "\n";
    return {};
  });
}

int ReconcileCommand(const Globals& g, const Options& o) {
  return WithStore(g, [&](Opened& opened) -> Status<Error> {
    std::optional<int64_t> only;
    if (o.batch > 0) only = o.batch;
    auto r = Reconcile(*opened.store, only);
    if (!r) return Unexpected(r.error());
    if (!o.csv.empty()) {
      std::ofstream file;
      if (o.csv != "-") file.open(o.csv);
      std::ostream& out = o.csv == "-" ? std::cout : file;
      SpreadsheetCsv csv({"batch", "EndToEndId", "cliënt / client", "doel / purpose",
                          "begunstigde / payee", "bedrag / amount", "status / state",
                          "reden / reason", "vervangen door / replaced by"});
      for (const auto& p : r->payments) {
        csv.Number(p.batch).Text(p.end_to_end_id).Text(p.client).Text(p.purpose).Text(p.payee);
        csv.Amount(p.amount).Text(p.state).Text(p.reason).Text(p.replaced_by).EndRow();
      }
      out << csv.str();
      if (o.csv != "-" && !file) return Fail(ErrorCode::kIo, o.csv + ": cannot be written");
      if (o.csv != "-") std::cout << "written " << o.csv << "\n";
      return {};
    }
    std::cout << "Per batch / per batch: sent, accepted, rejected, returned, booked, cancelled, "
                 "open\n";
    for (const auto& b : r->batches) {
      std::cout << "  batch " << std::left << std::setw(5) << b.batch << std::setw(8) << b.kind
                << std::setw(10) << b.state << std::right << std::setw(6) << b.sent << std::setw(6)
                << b.accepted << std::setw(6) << b.rejected << std::setw(6) << b.returned
                << std::setw(6) << b.booked << std::setw(6) << b.cancelled << std::setw(6) << b.open
                << "   sent " << Euro(b.sent_amount) << ", booked " << Euro(b.booked_amount)
                << ", failed " << Euro(b.failed_amount) << "\n";
    }
    int differences = 0;
    for (const auto& c : r->clients) {
      if (c.difference.cents() == 0) continue;
      ++differences;
      std::cout << "  VERSCHIL / DIFFERENCE " << c.client << ": ledger paid " << Euro(c.ledger_paid)
                << ", bank booked " << Euro(c.bank_booked) << ", in transit " << Euro(c.in_transit)
                << "\n";
    }
    std::cout << "Per client: " << r->clients.size() << " clients, " << differences
              << " with a difference between our ledger and the bank\n";
    for (const auto& p : r->payments) {
      if (p.state != "rejected" && p.state != "returned" && p.state != "cancelled") continue;
      std::cout << "  " << p.state << ": " << p.end_to_end_id << " " << p.client << " " << p.payee
                << " " << Euro(p.amount) << (p.reason.empty() ? "" : " (" + p.reason + ")")
                << (p.replaced_by.empty() ? "  -> not re-issued yet"
                                          : "  -> re-issued as " + p.replaced_by)
                << "\n";
    }
    std::cout << r->unmatched_lines << " bank line(s) wait to be assigned (ontzorg bank-lines)\n";
    return {};
  });
}

// Reads the new password from the first line of stdin (so it is not in the shell history or the
// process list).
int PasswordCommand(const Globals& g, const Options& o) {
  return WithStore(g, [&](Opened& opened) -> Status<Error> {
    Store& store = *opened.store;
    if (g.user != o.name) {
      auto admin = RequireAction(store, g.user, Action::kManageAccounts);
      if (!admin) return Unexpected(admin.error());
    }
    auto user = store.FindUser(o.name);
    if (!user) return Unexpected(user.error());
    if (!*user) return Fail(ErrorCode::kBadInput, "--name '" + o.name + "': no such user");
    std::string password;
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
    auto hash = HashPassword(password);
    if (!hash) return Unexpected(hash.error());
    if (auto s = store.SetPasswordHash({.user = o.name, .scrypt_hash = *hash}, Me(g)); !s) return s;
    std::cout << "password set for " << o.name << " (scrypt); they can log in to the web app"
              << (g.user == o.name ? "" : "; they set their own before they may approve") << "\n";
    return {};
  });
}

int CaseloadListCommand(const Globals& g, const Options& o) {
  return WithStore(g, [&](Opened& opened) -> Status<Error> {
    auto coaches = opened.store->Coaches();
    if (!coaches) return Unexpected(coaches.error());
    for (const auto& [client, coach] : *coaches) {
      if (o.coach.empty() || coach == o.coach) std::cout << client << "  " << coach << "\n";
    }
    return {};
  });
}

// Assigns clients to a coach (--coach with --client ...) or from a CSV file (client_id,coach).
int CaseloadAssignCommand(const Globals& g, const Options& o) {
  return WithStore(g, [&](Opened& opened) -> Status<Error> {
    Store& store = *opened.store;
    auto admin = RequireAction(store, g.user, Action::kManageAccounts);
    if (!admin) return Unexpected(admin.error());
    std::vector<std::pair<ClientId, std::string>> assignments;
    if (!o.file.empty()) {
      std::ifstream in(o.file, std::ios::binary);
      if (!in) return Fail(ErrorCode::kIo, o.file + ": cannot be read; nothing changed");
      std::stringstream text;
      text << in.rdbuf();
      auto table = ParseCsv(text.str(), o.file);
      if (!table) return Unexpected(table.error());
      const int client_col = table->Column("client_id"), coach_col = table->Column("coach");
      if (client_col < 0 || coach_col < 0) {
        return Fail(ErrorCode::kBadInput, o.file +
                                              ":1: the header needs the columns client_id "
                                              "and coach; nothing changed");
      }
      for (const CsvRow& row : table->rows) {
        if (const std::string p = FieldCountProblem(*table, row); !p.empty()) {
          return Fail(ErrorCode::kBadInput,
                      o.file + ":" + std::to_string(row.line) + ": " + p + "; nothing changed");
        }
        assignments.push_back({ClientId{row.fields[static_cast<size_t>(client_col)]},
                               row.fields[static_cast<size_t>(coach_col)]});
      }
    }
    for (const std::string& c : o.clients) {
      if (o.coach.empty()) return Fail(ErrorCode::kBadInput, "--client needs --coach");
      assignments.push_back({ClientId{c}, o.coach});
    }
    if (assignments.empty()) {
      return Fail(ErrorCode::kBadInput, "give --coach with --client, or --file caseload.csv");
    }
    if (auto s = store.AssignCaseload(assignments, Me(g)); !s) return s;
    std::cout << assignments.size() << " client(s) assigned\n";
    return {};
  });
}

int AuditVerifyCommand(const Globals& g) {
  auto opened = OpenStore(g);
  if (!opened) return Report(opened.error());
  auto v = opened->store->VerifyAuditLog();
  if (!v) return Report(v.error());
  for (const std::string& p : v->problems) std::cout << "TAMPERED: " << p << "\n";
  if (!v->problems.empty()) {
    std::cout << "audit log NOT intact: " << v->problems.size() << " problem(s) in " << v->rows
              << " rows\n";
    return kExitInvalid;
  }
  std::cout << "audit log intact: " << v->rows << " rows, SHA-256 chain verified";
  if (v->unchained > 0)
    std::cout << " (" << v->unchained << " rows from before schema v5 not chained)";
  std::cout << "\nhead " << v->head << " (keep it outside the store: a removed tail changes it)\n";
  return kExitOk;
}

int AuditCommand(const Globals& g, const Options& o) {
  return WithStore(g, [&](Opened& opened) -> Status<Error> {
    auto log = opened.store->AuditLog(o.subject);
    if (!log) return Unexpected(log.error());
    for (const AuditRecord& a : *log) {
      std::cout << std::right << std::setw(5) << a.seq << "  " << a.at << "  " << std::left
                << std::setw(10) << a.user << std::setw(22) << a.action << std::setw(16)
                << a.subject << a.detail << "\n";
    }
    return {};
  });
}

int SignalsCommand(const Globals& g, const Options& o) {
  return WithStore(g, [&](Opened& opened) -> Status<Error> {
    std::optional<ClientId> client;
    if (!o.client.empty()) client = ClientId{o.client};
    auto signals = opened.store->ClientSignals(client);
    if (!signals) return Unexpected(signals.error());
    for (const SignalRow& s : *signals) {
      std::cout << s.at << "  " << std::left << std::setw(10) << s.client.value << std::setw(16)
                << s.code << s.detail << "\n";
    }
    if (signals->empty()) std::cout << "no signals from the bank\n";
    return {};
  });
}

int CheckFileCommand(const Globals& g, const std::vector<std::string>& files) {
  auto config = LoadWithOverrides(g);
  if (!config) return Report(config.error());
  int rc = kExitOk;
  for (const std::string& f : files) {
    auto format = ValidateIsoFile(f, config->sepa.schema_dir);
    if (!format) {
      std::cout << "invalid: " << format.error().message << "\n";
      rc = kExitInvalid;
      continue;
    }
    std::cout << "valid: " << f << " is a " << *format << " message that validates against the "
              << "official schema\n";
  }
  return rc;
}

}  // namespace

// Over 70 lines (137): declares 22 subcommands, one after another.
// NOLINTNEXTLINE(readability-function-size)
void AddBatchCommands(CLI::App& app, const Globals& g, CommandTable* table) {
  auto o = std::make_shared<Options>();
  auto* user = app.add_subcommand("user", "accounts and roles (finance, coach, admin, auditor)");
  auto* user_add = user->add_subcommand("add", "add a user (the first one: anyone; then admin)");
  user_add->add_option("--name", o->name, "login name")->required();
  user_add->add_option("--role", o->role, "finance, coach, admin or auditor")->required();
  user_add->add_option("--full-name", o->full_name, "the person's name");
  user_add->add_option("--phone", o->phone,
                       "a coach's phone number for clients (printed on their statements)");
  auto* user_list = user->add_subcommand("list", "list users and roles");
  auto* user_password = user->add_subcommand("password",
                                             "set a user's web-app password, read "
                                             "from the first line of stdin (admin, or "
                                             "the user themselves)");
  user_password->add_option("--name", o->name, "login name")->required();
  auto* caseload = app.add_subcommand("caseload", "which coach has which clients");
  auto* caseload_assign = caseload->add_subcommand("assign", "assign clients to a coach (admin)");
  caseload_assign->add_option("--coach", o->coach, "the coach's login name");
  caseload_assign->add_option("--client", o->clients, "client id (repeat for more)");
  caseload_assign->add_option("--file", o->file, "CSV with columns client_id,coach");
  auto* caseload_list = caseload->add_subcommand("list", "every client's coach");
  caseload_list->add_option("--coach", o->coach, "only this coach");
  caseload->require_subcommand(1);
  user->require_subcommand(1);
  auto* batches = app.add_subcommand("batches", "list batches with their states and who did what");
  auto* approve = app.add_subcommand("approve",
                                     "approve a prepared batch (four eyes: not by the "
                                     "person who prepared it)");
  approve->add_option("--batch", o->batch, "the batch number")->required();
  approve->add_flag("--acknowledge", o->acknowledge,
                    "the amounts above the plausibility limits were checked and are right");
  auto* exp = app.add_subcommand("export", "write an approved batch's SEPA files (once)");
  exp->add_option("--batch", o->batch, "the batch number")->required();
  exp->add_option("--out", o->out, "folder for the files")->capture_default_str();
  auto* rewrite = app.add_subcommand("rewrite",
                                     "write an exported batch's files again, "
                                     "byte-identical (a lost file)");
  rewrite->add_option("--batch", o->batch, "the batch number")->required();
  rewrite->add_option("--out", o->out, "folder for the files")->capture_default_str();
  auto* cancel = app.add_subcommand("cancel", "cancel a prepared or approved batch");
  cancel->add_option("--batch", o->batch, "the batch number")->required();
  cancel->add_option("--reason", o->reason, "why")->required();
  auto* reissue = app.add_subcommand("reissue",
                                     "prepare a new batch re-issuing failed payments "
                                     "(rejected, returned, cancelled)");
  reissue->add_option("--payment", o->payments, "EndToEndId (repeat for more)")->required();
  reissue->add_option("--run-date", o->run_date, "YYYY-MM-DD (default: today)");
  auto* release = app.add_subcommand("release-held",
                                     "prepare a batch of held bills whose direct "
                                     "debit is now confirmed cancelled");
  release->add_option("--run-date", o->run_date, "YYYY-MM-DD (default: today)");
  auto* one_off = app.add_subcommand("one-off",
                                     "prepare a one-off payment (a deposit, bijzondere "
                                     "bijstand) as a batch of its own, for a second person to "
                                     "approve");
  one_off->add_option("--decision", o->decision, "the decision's number (beschikking): once only")
      ->required();
  one_off->add_option("--client", o->client, "client id")->required();
  one_off->add_option("--creditor", o->creditor,
                      "pay this creditor (default: the client's own account)");
  one_off->add_option("--amount", o->amount, "e.g. 1250.00 or 1.250,00")->required();
  one_off
      ->add_option("--funding", o->funding,
                   "special_assistance (bijzondere bijstand: the municipality pays) or "
                   "client_funds (out of the client's money on the managed account)")
      ->required();
  one_off->add_option("--description", o->description, "what the payee reads (<= 140)")->required();
  one_off->add_option("--due", o->due, "the day the payee should have it (YYYY-MM-DD)")->required();
  one_off->add_option("--run-date", o->run_date, "YYYY-MM-DD (default: today)");
  auto* dd = app.add_subcommand("direct-debit",
                                "record that a client's own direct debit with a "
                                "bill's creditor is cancelled (or none, or an "
                                "override)");
  dd->add_option("--bill", o->bill, "the bill id")->required();
  dd->add_option("--status", o->status, "cancelled, none or override")->required();
  dd->add_option("--on", o->on, "YYYY-MM-DD (default: today)");
  dd->add_option("--confirmed-by", o->confirmed_by, "who or what confirmed it")->required();
  dd->add_option("--note", o->note, "for an override: the coach's reason");
  auto* correct = app.add_subcommand("correct-account",
                                     "correct a creditor's or client's IBAN "
                                     "(before re-issuing a rejected payment)");
  correct->add_option("--creditor", o->creditor, "creditor id");
  correct->add_option("--client", o->client, "client id (leefgeld account)");
  correct->add_option("--iban", o->iban, "the correct IBAN")->required();
  correct->add_option("--bic", o->bic, "BIC (optional)");
  correct->add_option("--reason", o->reason, "why, e.g. the creditor's letter")->required();
  auto* correct_name = app.add_subcommand("correct-name",
                                          "record the Latin spelling of a client's name that "
                                          "payments carry");
  correct_name->add_option("--client", o->client, "client id")->required();
  correct_name->add_option("--bank-name", o->bank_name, "the name in Latin letters")->required();
  correct_name->add_option("--reason", o->reason, "why, e.g. as in the residence permit")
      ->required();
  auto* change_bill = app.add_subcommand(
      "change-bill", "change a bill from a month on: a rent increase, a new instalment or due day");
  change_bill->add_option("--bill", o->bill, "bill id")->required();
  change_bill->add_option("--amount", o->amount, "the new amount, e.g. 760.00");
  change_bill->add_option("--due-day", o->due_day, "the new due day (1-31)");
  change_bill->add_option("--creditor", o->creditor, "another creditor id");
  change_bill->add_option("--end", o->end, "the bill's last day (YYYY-MM-DD)");
  change_bill->add_option("--valid-from", o->valid_from, "the first month it holds for (YYYY-MM)")
      ->required();
  change_bill->add_option("--reason", o->reason, "why, e.g. the landlord's letter")->required();
  auto* import_bank = app.add_subcommand("import-bank",
                                         "read the bank's feedback: pain.002, "
                                         "camt.053, camt.054 files");
  import_bank->add_option("files", o->files, "XML files")->required();
  auto* lines = app.add_subcommand("bank-lines", "statement lines that match nothing, to assign");
  lines->add_flag("--all", o->all, "every line with what it matched");
  auto* assign = app.add_subcommand("assign", "assign an unmatched bank line by hand");
  assign->add_option("--line", o->line, "the line id (ontzorg bank-lines)")->required();
  assign->add_option("--client", o->client, "the client whose money it is");
  assign
      ->add_option("--as", o->kind,
                   "rent_allowance, care_allowance, child_budget, "
                   "holiday_allowance, energy_refund, creditor_refund, "
                   "ignore")
      ->required();
  assign->add_option("--reason", o->reason, "why")->required();
  auto* reconcile = app.add_subcommand("reconcile",
                                       "per batch what was sent, accepted, "
                                       "rejected, returned, booked; per client our "
                                       "ledger against the bank");
  reconcile->add_option("--batch", o->batch, "one batch (default: all)");
  reconcile->add_option("--csv", o->csv, "write every payment as CSV to FILE ('-': stdout)");
  auto* audit = app.add_subcommand("audit", "the audit log");
  audit->add_option("--subject", o->subject, "e.g. batch:3 (default: everything)");
  auto* audit_verify = audit->add_subcommand("verify",
                                             "check the audit log's SHA-256 chain: "
                                             "exit 0 intact, 1 tampered");
  auto* signals = app.add_subcommand("signals",
                                     "signals from the bank's feedback (failed "
                                     "payments, double payments)");
  signals->add_option("--client", o->client, "one client");
  auto* check_file = app.add_subcommand("check-file",
                                        "check ISO 20022 files (pain.001, "
                                        "pain.002, camt) against the official "
                                        "schemas; exit 0 valid, 1 invalid");
  check_file->add_option("files", o->files, "XML files")->required();

  const auto on = [&](const CLI::App* sub, int (*command)(const Globals&, const Options&)) {
    table->Add(sub, [&g, o, command] { return command(g, *o); });
  };
  on(user_add, UserAddCommand);
  on(user_list, [](const Globals& gl, const Options&) { return UserListCommand(gl); });
  on(user_password, PasswordCommand);
  on(caseload_assign, CaseloadAssignCommand);
  on(caseload_list, CaseloadListCommand);
  on(audit_verify, [](const Globals& gl, const Options&) { return AuditVerifyCommand(gl); });
  on(batches, [](const Globals& gl, const Options&) { return BatchesCommand(gl); });
  on(approve, ApproveCommand);
  on(exp, [](const Globals& gl, const Options& op) {
    return ExportCommand(gl, op, FileWrite::kExport);
  });
  on(rewrite, [](const Globals& gl, const Options& op) {
    return ExportCommand(gl, op, FileWrite::kRewrite);
  });
  on(cancel, CancelCommand);
  on(reissue, [](const Globals& gl, const Options& op) {
    return PrepareCommand(gl, op, Preparation::kReissue);
  });
  on(release, [](const Globals& gl, const Options& op) {
    return PrepareCommand(gl, op, Preparation::kReleaseHeld);
  });
  on(one_off, OneOffCommand);
  on(dd, DirectDebitCommand);
  on(correct, CorrectAccountCommand);
  on(correct_name, CorrectNameCommand);
  on(change_bill, ChangeBillCommand);
  on(import_bank,
     [](const Globals& gl, const Options& op) { return ImportBankCommand(gl, op.files); });
  on(lines, BankLinesCommand);
  on(assign, AssignCommand);
  on(reconcile, ReconcileCommand);
  on(audit, AuditCommand);  // after audit verify, its subcommand
  on(signals, SignalsCommand);
  on(check_file,
     [](const Globals& gl, const Options& op) { return CheckFileCommand(gl, op.files); });
}

}  // namespace ontzorg
