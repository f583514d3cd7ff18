#include "adapters/bank/bank_xml.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "adapters/system/files.h"
#include "engine/checks.h"
#include "engine/text.h"

namespace ontzorg {
namespace {

constexpr const char* kIsoPrefix = "urn:iso:std:iso:20022:tech:xsd:";

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using Doc = std::unique_ptr<xmlDoc, DocFree>;

Unexpected<Error> Bad(const std::string& path, int line, const std::string& what) {
  return Fail(ErrorCode::kBadInput, path + (line > 0 ? ":" + std::to_string(line) : std::string()) +
                                        ": " + what + "; nothing was changed");
}

void CollectError(void* ctx, xmlErrorPtr error) {
  auto* errors = static_cast<std::vector<std::string>*>(ctx);
  if (error == nullptr || errors->size() >= 5) return;
  std::string msg = error->message != nullptr ? error->message : "unknown error";
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  errors->push_back("line " + std::to_string(error->line) + ": " + msg);
}

// Reads the file's bytes, refusing what is too big.
Status<Error> ReadBytes(const std::string& path, std::string* bytes) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Fail(ErrorCode::kIo, path + ": not found or not a file");
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Fail(ErrorCode::kIo, path + ": cannot be read: " + ec.message());
  if (size > kMaxBankFileBytes) {
    return Bad(path, 0,
               "is " + std::to_string(size) + " bytes, more than the " +
                   std::to_string(kMaxBankFileBytes >> 20) +
                   " MiB a bank file may have; ask the bank for a shorter period");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  if (!in.good() && !in.eof()) return Fail(ErrorCode::kIo, path + ": read error");
  *bytes = buf.str();
  return {};
}

// Refuses what declares a DTD, parses without network or entity substitution. `format` gets the
// root's message name.
Result<Doc, Error> SafeParse(const std::string& path, const std::string* bytes,
                             std::string* format) {
  if (bytes->size() > kMaxBankFileBytes) {
    return Bad(path, 0,
               "is " + std::to_string(bytes->size()) + " bytes, more than the " +
                   std::to_string(kMaxBankFileBytes >> 20) +
                   " MiB a bank file may have; ask the bank for a shorter period");
  }
  // Bank messages never carry a DTD. Refusing one before parsing rules out entity expansion
  // (billion laughs) and external entities whatever the parser's defaults.
  for (const char* marker : {"<!DOCTYPE", "<!ENTITY"}) {
    if (const size_t at = bytes->find(marker); at != std::string::npos) {
      const int line =
          1 + static_cast<int>(std::count(bytes->begin(),
                                          bytes->begin() + static_cast<std::ptrdiff_t>(at), '\n'));
      return Bad(path, line,
                 std::string("declares ") + (marker[2] == 'D' ? "a DOCTYPE" : "an ENTITY") +
                     "; bank files never do, so it is refused unread (it could "
                     "expand entities or reach outside)");
    }
  }
  std::unique_ptr<xmlParserCtxt, void (*)(xmlParserCtxtPtr)> ctxt(xmlNewParserCtxt(),
                                                                  &xmlFreeParserCtxt);
  if (!ctxt) return Fail(ErrorCode::kIo, "libxml2: cannot create a parser");
  std::vector<std::string> errors;
  Doc doc(xmlCtxtReadMemory(ctxt.get(), bytes->data(), static_cast<int>(bytes->size()),
                            path.c_str(), nullptr,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  if (!doc) {
    const xmlError* e = xmlCtxtGetLastError(ctxt.get());
    std::string msg = e != nullptr && e->message != nullptr ? e->message : "not well-formed XML";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return Bad(path, e != nullptr ? e->line : 0, "is not well-formed XML: " + msg);
  }
  if (doc->intSubset != nullptr || doc->extSubset != nullptr) {
    return Bad(path, 1, "declares a DTD; bank files never do, so it is refused");
  }
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  const std::string ns = root != nullptr && root->ns != nullptr && root->ns->href != nullptr
                             ? reinterpret_cast<const char*>(root->ns->href)
                             : "";
  if (root == nullptr || std::strcmp(reinterpret_cast<const char*>(root->name), "Document") != 0 ||
      ns.rfind(kIsoPrefix, 0) != 0) {
    return Bad(path, root != nullptr ? static_cast<int>(xmlGetLineNo(root)) : 1,
               "is not an ISO 20022 message (the root must be <Document xmlns=\"" +
                   std::string(kIsoPrefix) + "...\">)");
  }
  *format = ns.substr(std::strlen(kIsoPrefix));
  return doc;
}

Status<Error> Validate(const std::string& path, xmlDoc* doc, const std::string& schema_dir,
                       const std::string& format) {
  const std::string xsd = (std::filesystem::path(schema_dir) / (format + ".xsd")).string();
  if (!std::filesystem::is_regular_file(xsd)) {
    return Fail(ErrorCode::kBadConfig,
                "schema " + xsd +
                    " not found: put the official ISO 20022 "
                    "schemas in [sepa] schema_dir; no file is read unchecked");
  }
  std::vector<std::string> errors;
  xmlSchemaParserCtxtPtr pctxt = xmlSchemaNewParserCtxt(xsd.c_str());
  xmlSchemaSetParserStructuredErrors(pctxt, CollectError, &errors);
  xmlSchemaPtr schema = xmlSchemaParse(pctxt);
  xmlSchemaFreeParserCtxt(pctxt);
  if (schema == nullptr) {
    return Fail(ErrorCode::kBadConfig, "schema " + xsd + " cannot be read");
  }
  errors.clear();
  xmlSchemaValidCtxtPtr vctxt = xmlSchemaNewValidCtxt(schema);
  xmlSchemaSetValidStructuredErrors(vctxt, CollectError, &errors);
  const int rc = xmlSchemaValidateDoc(vctxt, doc);
  xmlSchemaFreeValidCtxt(vctxt);
  xmlSchemaFree(schema);
  if (rc == 0) return {};
  std::string msg = path + ": does not validate against the official " + format +
                    " schema, so it is not read (ask the bank for a correct file); nothing was "
                    "changed";
  for (const std::string& e : errors) msg += "\n  " + path + ":" + e.substr(5);
  return Fail(ErrorCode::kBadInput, msg);
}

// --- Tree helpers ----------------------------------------------------------------------------

bool Is(const xmlNode* n, const char* name) {
  return n != nullptr && n->type == XML_ELEMENT_NODE &&
         std::strcmp(reinterpret_cast<const char*>(n->name), name) == 0;
}

const xmlNode* Child(const xmlNode* n, const char* name) {
  if (n == nullptr) return nullptr;
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (Is(c, name)) return c;
  }
  return nullptr;
}

std::vector<const xmlNode*> Children(const xmlNode* n, const char* name) {
  std::vector<const xmlNode*> out;
  if (n == nullptr) return out;
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (Is(c, name)) out.push_back(c);
  }
  return out;
}

// The element at a path of child names, e.g. Path(n, {"Refs", "EndToEndId"}).
const xmlNode* Path(const xmlNode* n, std::initializer_list<const char*> names) {
  for (const char* name : names) n = Child(n, name);
  return n;
}

std::string Text(const xmlNode* n) {
  if (n == nullptr) return "";
  xmlChar* t = xmlNodeGetContent(n);
  std::string out = t != nullptr ? reinterpret_cast<const char*>(t) : "";
  xmlFree(t);
  const size_t b = out.find_first_not_of(" \t\r\n");
  const size_t e = out.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : out.substr(b, e - b + 1);
}

std::string Attr(const xmlNode* n, const char* name) {
  if (n == nullptr) return "";
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  std::string out = v != nullptr ? reinterpret_cast<const char*>(v) : "";
  xmlFree(v);
  return out;
}

int Line(const xmlNode* n) { return n != nullptr ? static_cast<int>(xmlGetLineNo(n)) : 0; }

std::vector<std::string> Reasons(const xmlNode* n) {
  std::vector<std::string> out;
  for (const xmlNode* s : Children(n, "StsRsnInf")) {
    std::string code = Text(Path(s, {"Rsn", "Cd"}));
    if (code.empty()) code = Text(Path(s, {"Rsn", "Prtry"}));
    if (!code.empty()) out.push_back(code);
  }
  return out;
}

// --- pain.002 --------------------------------------------------------------------------------

StatusReport ReadPain002(const xmlNode* doc_root) {
  StatusReport r;
  const xmlNode* rpt = Child(doc_root, "CstmrPmtStsRpt");
  r.msg_id = Text(Path(rpt, {"GrpHdr", "MsgId"}));
  const xmlNode* grp = Child(rpt, "OrgnlGrpInfAndSts");
  r.original_msg_id = Text(Child(grp, "OrgnlMsgId"));
  r.group_status = Text(Child(grp, "GrpSts"));
  r.group_reasons = Reasons(grp);
  for (const xmlNode* pi : Children(rpt, "OrgnlPmtInfAndSts")) {
    StatusReport::GroupOfPayments g{Text(Child(pi, "OrgnlPmtInfId")), Text(Child(pi, "PmtInfSts")),
                                    Reasons(pi)};
    for (const xmlNode* tx : Children(pi, "TxInfAndSts")) {
      StatusReport::Transaction t;
      t.pmt_inf_id = g.pmt_inf_id;
      t.end_to_end_id = Text(Child(tx, "OrgnlEndToEndId"));
      t.status = Text(Child(tx, "TxSts"));
      t.reasons = Reasons(tx);
      for (const xmlNode* s : Children(tx, "StsRsnInf")) {
        for (const xmlNode* a : Children(s, "AddtlInf")) {
          t.additional += (t.additional.empty() ? "" : " ") + Text(a);
        }
      }
      t.line = Line(tx);
      r.transactions.push_back(std::move(t));
    }
    r.payment_groups.push_back(std::move(g));
  }
  return r;
}

// --- camt.053 / camt.054 ---------------------------------------------------------------------

Result<Money, Error> ParseAmount(const std::string& path, const xmlNode* n) {
  const std::string text = Text(n);
  auto amount = ParseEuros(text);
  if (!amount) {
    return Bad(path, Line(n), "amount '" + text + "': " + ExplainAmountError(amount.error(), text));
  }
  return *amount;
}

std::optional<Date> DateOf(const xmlNode* n) {
  std::string t = Text(Child(n, "Dt"));
  if (t.empty()) t = Text(Child(n, "DtTm")).substr(0, 10);
  auto d = Date::Parse(t);
  return d ? std::optional<Date>(*d) : std::nullopt;
}

Result<BankTransaction, Error> ReadTransaction(const std::string& path, const xmlNode* tx,
                                               bool credit) {
  BankTransaction t;
  const xmlNode* refs = Child(tx, "Refs");
  t.end_to_end_id = Text(Child(refs, "EndToEndId"));
  if (t.end_to_end_id == "NOTPROVIDED") t.end_to_end_id.clear();
  t.msg_id = Text(Child(refs, "MsgId"));
  t.pmt_inf_id = Text(Child(refs, "PmtInfId"));
  t.instr_id = Text(Child(refs, "InstrId"));
  const xmlNode* amount = Path(tx, {"AmtDtls", "TxAmt", "Amt"});
  if (amount == nullptr) amount = Child(tx, "Amt");
  if (amount != nullptr && Attr(amount, "Ccy") == "EUR") {
    auto a = ParseAmount(path, amount);
    if (!a) return Unexpected(a.error());
    t.amount = *a;
  }
  const xmlNode* parties = Child(tx, "RltdPties");
  const char* party = credit ? "Dbtr" : "Cdtr";
  const char* account = credit ? "DbtrAcct" : "CdtrAcct";
  t.counterparty_name = Text(Path(parties, {party, "Nm"}));
  t.counterparty_iban = Text(Path(parties, {account, "Id", "IBAN"}));
  const xmlNode* rmt = Child(tx, "RmtInf");
  for (const xmlNode* u : Children(rmt, "Ustrd")) {
    t.remittance += (t.remittance.empty() ? "" : " ") + Text(u);
  }
  for (const xmlNode* s : Children(rmt, "Strd")) {
    const std::string ref = Text(Path(s, {"CdtrRefInf", "Ref"}));
    if (!ref.empty()) t.reference += (t.reference.empty() ? "" : " ") + ref;
  }
  t.return_reason = Text(Path(tx, {"RtrInf", "Rsn", "Cd"}));
  return t;
}

Result<BankMessage, Error> ReadCamt(const std::string& path, const xmlNode* doc_root,
                                    const std::string& format) {
  BankMessage m;
  m.format = format;
  const bool statement = format.rfind("camt.053", 0) == 0;
  const xmlNode* body = Child(doc_root, statement ? "BkToCstmrStmt" : "BkToCstmrDbtCdtNtfctn");
  m.msg_id = Text(Path(body, {"GrpHdr", "MsgId"}));
  m.created_at = Text(Path(body, {"GrpHdr", "CreDtTm"}));
  for (const xmlNode* st : Children(body, statement ? "Stmt" : "Ntfctn")) {
    BankStatement s;
    s.id = Text(Child(st, "Id"));
    s.line = Line(st);
    std::string iban = Text(Path(st, {"Acct", "Id", "IBAN"}));
    for (char c : iban) {
      if (c != ' ')
        s.account_iban += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    s.currency = Text(Path(st, {"Acct", "Ccy"}));
    for (const xmlNode* bal : Children(st, "Bal")) {
      if (Text(Path(bal, {"Tp", "CdOrPrtry", "Cd"})) != "CLBD") continue;
      auto a = ParseAmount(path, Child(bal, "Amt"));
      if (!a) return Unexpected(a.error());
      s.closing_balance = Text(Child(bal, "CdtDbtInd")) == "DBIT" ? Money::Zero() - *a : *a;
      s.closing_on = DateOf(Child(bal, "Dt"));
    }
    for (const xmlNode* n : Children(st, "Ntry")) {
      BankEntry e;
      e.line = Line(n);
      const xmlNode* amount = Child(n, "Amt");
      if (Attr(amount, "Ccy") != "EUR") {
        e.status = "NOT_EUR";  // never matched: SEPA is euro only
      }
      auto a = ParseAmount(path, amount);
      if (!a) return Unexpected(a.error());
      e.amount = *a;
      e.credit = Text(Child(n, "CdtDbtInd")) == "CRDT";
      e.reversal = Text(Child(n, "RvslInd")) == "true";
      if (e.status.empty()) e.status = Text(Child(n, "Sts"));
      e.booked_on = DateOf(Child(n, "BookgDt"));
      e.value_on = DateOf(Child(n, "ValDt"));
      e.entry_ref = Text(Child(n, "NtryRef"));
      e.servicer_ref = Text(Child(n, "AcctSvcrRef"));
      for (const xmlNode* d : Children(n, "NtryDtls")) {
        if (const xmlNode* b = Child(d, "Btch")) {
          e.batch_msg_id = Text(Child(b, "MsgId"));
          e.batch_pmt_inf_id = Text(Child(b, "PmtInfId"));
          const std::string count = Text(Child(b, "NbOfTxs"));
          if (!count.empty() && count.size() < 9) e.batch_count = std::stoi(count);
        }
        // A money-in reversal of a debit: the original roles (we were the debtor) still hold.
        const bool money_in = e.credit != e.reversal;
        for (const xmlNode* tx : Children(d, "TxDtls")) {
          auto t = ReadTransaction(path, tx, money_in && !e.reversal);
          if (!t) return Unexpected(t.error());
          e.transactions.push_back(std::move(t).value());
        }
      }
      s.entries.push_back(std::move(e));
    }
    m.statements.push_back(std::move(s));
  }
  return m;
}

}  // namespace

Result<BankFile, Error> ReadBankFile(const std::string& path, const std::string& schema_dir) {
  std::string bytes;
  if (auto read = ReadBytes(path, &bytes); !read) return Unexpected(read.error());
  return ReadBankBytes(path, bytes, schema_dir);
}

Result<BankFile, Error> ReadBankBytes(const std::string& path, const std::string& bytes,
                                      const std::string& schema_dir) {
  std::string format;
  auto doc = SafeParse(path, &bytes, &format);
  if (!doc) return Unexpected(doc.error());
  if (format != "pain.002.001.03" && format != "camt.053.001.02" && format != "camt.054.001.02") {
    return Bad(
        path, 1,
        "is a " + format +
            " message; the bank's feedback is read from "
            "pain.002.001.03 (payment status), camt.053.001.02 (statement) or "
            "camt.054.001.02 (notification)" +
            (format.rfind("pain.001", 0) == 0 ? " (a pain.001 is a payment order: check one with "
                                                "`ontzorg check-file`)"
                                              : ""));
  }
  if (auto s = Validate(path, doc->get(), schema_dir, format); !s) return Unexpected(s.error());
  BankFile f;
  f.path = path;
  f.format = format;
  f.sha256 = Sha256Hex(bytes);
  const xmlNode* root = xmlDocGetRootElement(doc->get());
  if (format == "pain.002.001.03") {
    f.content = ReadPain002(root);
  } else {
    auto m = ReadCamt(path, root, format);
    if (!m) return Unexpected(m.error());
    f.content = std::move(m).value();
  }
  return f;
}

namespace {

// What the schema cannot see in a pain.001: the counts and control sums of the group header and
// of each payment group against their transactions, and every IBAN's check digits.
class CreditTransferCheck {
 public:
  explicit CreditTransferCheck(std::string path) : path_(std::move(path)) {}

  std::vector<std::string> Run(const xmlNode* root) {
    const xmlNode* msg = Child(root, "CstmrCdtTrfInitn");
    Money total;
    int64_t count = 0;
    for (const xmlNode* group : Children(msg, "PmtInf")) {
      Iban(Path(group, {"DbtrAcct", "Id", "IBAN"}), "DbtrAcct");
      Money sum;
      int64_t n = 0;
      for (const xmlNode* tx : Children(group, "CdtTrfTxInf")) {
        ++n;
        sum += Amount(Path(tx, {"Amt", "InstdAmt"}));
        Iban(Path(tx, {"CdtrAcct", "Id", "IBAN"}), "CdtrAcct");
      }
      Totals(group, n, sum, "payment group " + Text(Child(group, "PmtInfId")));
      total += sum;
      count += n;
    }
    Totals(Child(msg, "GrpHdr"), count, total, "group header");
    return problems_;
  }

 private:
  Money Amount(const xmlNode* n) {
    auto amount = ParseEuros(Text(n));
    if (!amount) {
      Add(n, "InstdAmt", ExplainAmountError(amount.error(), Text(n)));
      return {};
    }
    return *amount;
  }
  void Iban(const xmlNode* n, const char* what) {
    if (n == nullptr) return;  // the schema says whether it must be there
    const std::string text = Text(n);
    if (auto iban = ParseIban(text); !iban) {
      Add(n, what, "IBAN '" + text + "': " + ExplainIbanError(iban.error(), text));
    }
  }
  void Totals(const xmlNode* n, int64_t count, Money sum, const std::string& what) {
    if (const xmlNode* nb = Child(n, "NbOfTxs");
        nb != nullptr && Text(nb) != std::to_string(count)) {
      Add(nb, "NbOfTxs",
          what + " says " + Text(nb) + " transactions, it holds " + std::to_string(count));
    }
    if (const xmlNode* cs = Child(n, "CtrlSum"); cs != nullptr) {
      auto stated = ParseEuros(Text(cs));
      if (!stated || *stated != sum) {
        Add(cs, "CtrlSum",
            what + " says " + Text(cs) + ", its transactions add up to " + sum.ToDecimalString());
      }
    }
  }
  void Add(const xmlNode* n, const char* field, const std::string& reason) {
    problems_.push_back(path_ + ":" + std::to_string(Line(n)) + ": " + field + ": " + reason);
  }

  std::string path_;
  std::vector<std::string> problems_;
};

}  // namespace

Result<std::string, Error> ValidateIsoFile(const std::string& path, const std::string& schema_dir) {
  std::string bytes, format;
  if (auto read = ReadBytes(path, &bytes); !read) return Unexpected(read.error());
  auto doc = SafeParse(path, &bytes, &format);
  if (!doc) return Unexpected(doc.error());
  if (auto s = Validate(path, doc->get(), schema_dir, format); !s) return Unexpected(s.error());
  if (format.rfind("pain.001", 0) == 0) {
    const auto problems = CreditTransferCheck(path).Run(xmlDocGetRootElement(doc->get()));
    if (!problems.empty()) {
      std::string message = path + " validates against the schema, but a bank would refuse it:";
      for (const std::string& p : problems) message += "\n  " + p;
      return Fail(ErrorCode::kBadInput, message);
    }
  }
  return format;
}

}  // namespace ontzorg
