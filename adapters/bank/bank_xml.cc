#include "adapters/bank/bank_xml.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>

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
  // Read straight into the string: through a string stream the file was held twice.
  std::ifstream in(path, std::ios::binary);
  bytes->resize(size);
  in.read(bytes->data(), static_cast<std::streamsize>(size));
  if (!in || in.gcount() != static_cast<std::streamsize>(size)) {
    return Fail(ErrorCode::kIo, path + ": read error");
  }
  return {};
}

// Refuses what is too big or declares a DTD or an entity, before any parsing.
Status<Error> RefuseUnsafe(const std::string& path, const std::string* bytes) {
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
  return {};
}

// The message name of the root element's ISO 20022 namespace, read without building a tree:
// empty when the file does not start as one (SafeParse then says why).
std::string SniffFormat(const std::string& path, const std::string& bytes) {
  std::unique_ptr<xmlTextReader, void (*)(xmlTextReaderPtr)> reader(
      xmlReaderForMemory(bytes.data(), static_cast<int>(bytes.size()), path.c_str(), nullptr,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
      &xmlFreeTextReader);
  if (!reader) return "";
  while (xmlTextReaderRead(reader.get()) == 1) {
    if (xmlTextReaderNodeType(reader.get()) != XML_READER_TYPE_ELEMENT) continue;
    const auto* name = reinterpret_cast<const char*>(xmlTextReaderConstLocalName(reader.get()));
    const auto* ns = reinterpret_cast<const char*>(xmlTextReaderConstNamespaceUri(reader.get()));
    if (name == nullptr || ns == nullptr || std::strcmp(name, "Document") != 0 ||
        std::strncmp(ns, kIsoPrefix, std::strlen(kIsoPrefix)) != 0) {
      return "";
    }
    return ns + std::strlen(kIsoPrefix);
  }
  return "";
}

// Refuses what declares a DTD, parses without network or entity substitution. `format` gets the
// root's message name.
Result<Doc, Error> SafeParse(const std::string& path, const std::string* bytes,
                             std::string* format) {
  if (auto safe = RefuseUnsafe(path, bytes); !safe) return Unexpected(safe.error());
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

// The official schema of `format` from `schema_dir`.
Result<std::unique_ptr<xmlSchema, void (*)(xmlSchemaPtr)>, Error> LoadSchema(
    const std::string& schema_dir, const std::string& format) {
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
  std::unique_ptr<xmlSchema, void (*)(xmlSchemaPtr)> schema(xmlSchemaParse(pctxt), &xmlSchemaFree);
  xmlSchemaFreeParserCtxt(pctxt);
  if (!schema) return Fail(ErrorCode::kBadConfig, "schema " + xsd + " cannot be read");
  return schema;
}

// The refusal of a file that does not validate, with the schema's first problems.
Unexpected<Error> Invalid(const std::string& path, const std::string& format,
                          const std::vector<std::string>& errors) {
  std::string msg = path + ": does not validate against the official " + format +
                    " schema, so it is not read (ask the bank for a correct file); nothing was "
                    "changed";
  for (const std::string& e : errors) msg += "\n  " + path + ":" + e.substr(5);
  return Fail(ErrorCode::kBadInput, msg);
}

Status<Error> Validate(const std::string& path, xmlDoc* doc, const std::string& schema_dir,
                       const std::string& format) {
  auto schema = LoadSchema(schema_dir, format);
  if (!schema) return Unexpected(schema.error());
  std::vector<std::string> errors;
  xmlSchemaValidCtxtPtr vctxt = xmlSchemaNewValidCtxt(schema->get());
  xmlSchemaSetValidStructuredErrors(vctxt, CollectError, &errors);
  const int rc = xmlSchemaValidateDoc(vctxt, doc);
  xmlSchemaFreeValidCtxt(vctxt);
  if (rc == 0) return {};
  return Invalid(path, format, errors);
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

// One statement line (Ntry) of a camt.053 or camt.054.
Result<BankEntry, Error> ReadEntry(const std::string& path, const xmlNode* n) {
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
  return e;
}

// One part of a statement (Stmt or Ntfctn) read into `s`: its Id, its account, a balance or a
// line; other parts are not needed.
Status<Error> ReadStatementPart(const std::string& path, const xmlNode* n, BankStatement* s) {
  if (Is(n, "Id")) {
    s->id = Text(n);
  } else if (Is(n, "Acct")) {
    for (char c : Text(Path(n, {"Id", "IBAN"}))) {
      if (c != ' ')
        s->account_iban += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    s->currency = Text(Child(n, "Ccy"));
  } else if (Is(n, "Bal")) {
    if (Text(Path(n, {"Tp", "CdOrPrtry", "Cd"})) != "CLBD") return {};
    auto a = ParseAmount(path, Child(n, "Amt"));
    if (!a) return Unexpected(a.error());
    s->closing_balance = Text(Child(n, "CdtDbtInd")) == "DBIT" ? Money::Zero() - *a : *a;
    s->closing_on = DateOf(Child(n, "Dt"));
  } else if (Is(n, "Ntry")) {
    auto e = ReadEntry(path, n);
    if (!e) return Unexpected(e.error());
    s->entries.push_back(std::move(e).value());
  }
  return {};
}

struct ReaderFree {
  void operator()(xmlTextReader* r) const { xmlFreeTextReader(r); }
};
struct ValidCtxtFree {
  void operator()(xmlSchemaValidCtxt* c) const { xmlSchemaFreeValidCtxt(c); }
};

// The first error of libxml2's parser (not of the schema, which reports to its own handler).
struct ParserErrors {
  std::string message = "not well-formed XML";
  int line = 0;
  bool seen = false;
};

// Sets this thread's structured error handler to note the first parser error into `errors`, and
// puts the one before back when it goes.
class ScopedErrorHandler {
 public:
  explicit ScopedErrorHandler(ParserErrors* errors)
      : before_(xmlStructuredError), before_context_(xmlStructuredErrorContext) {
    xmlSetStructuredErrorFunc(errors, &Note);
  }
  ~ScopedErrorHandler() { xmlSetStructuredErrorFunc(before_context_, before_); }
  ScopedErrorHandler(const ScopedErrorHandler&) = delete;
  ScopedErrorHandler& operator=(const ScopedErrorHandler&) = delete;

 private:
  static void Note(void* context, xmlErrorPtr error) {
    auto* errors = static_cast<ParserErrors*>(context);
    if (error == nullptr || errors->seen || error->domain == XML_FROM_SCHEMASV) return;
    errors->seen = true;
    errors->line = error->line;
    if (error->message != nullptr) errors->message = error->message;
    while (!errors->message.empty() &&
           (errors->message.back() == '\n' || errors->message.back() == ' ')) {
      errors->message.pop_back();
    }
  }
  xmlStructuredErrorFunc before_;
  void* before_context_;
};

// A camt.053 or camt.054 read as a stream (issue 18: the whole tree of a statement of 100,000
// lines took 820 MiB): the schema is checked while reading, and each part needed (the group
// header, each statement's Id, account, balances and lines) is expanded alone, read into plain
// data, and freed when the reader moves on. The whole file is read before anything is returned,
// so a file that turns out not well-formed or invalid at its last line is refused whole.
// With `read` false only well-formedness and the schema are checked (check-file).
Result<BankMessage, Error> StreamCamt(const std::string& path, const std::string& bytes,
                                      xmlSchema* schema, const std::string& format, bool read) {
  BankMessage m;
  m.format = format;
  const char* item = format.rfind("camt.053", 0) == 0 ? "Stmt" : "Ntfctn";
  std::vector<std::string> errors;  // the schema's
  std::unique_ptr<xmlSchemaValidCtxt, ValidCtxtFree> valid(xmlSchemaNewValidCtxt(schema));
  std::unique_ptr<xmlTextReader, ReaderFree> reader(
      xmlReaderForMemory(bytes.data(), static_cast<int>(bytes.size()), path.c_str(), nullptr,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  if (valid) xmlSchemaSetValidStructuredErrors(valid.get(), CollectError, &errors);
  if (!valid || !reader || xmlTextReaderSchemaValidateCtxt(reader.get(), valid.get(), 0) != 0) {
    return Fail(ErrorCode::kIo, "libxml2: cannot create a validating reader");
  }
  xmlTextReader* r = reader.get();
  // The parser's first error is what a person needs (a truncated file's last error is "extra
  // content at the end"). It is caught by this thread's structured error handler for the
  // duration of the read: the reader's own handler crashes libxml2 2.9 on a truncated file.
  ParserErrors first;
  const ScopedErrorHandler handler(&first);
  std::optional<Error> unreadable;  // the first part that could not be read
  int rc = xmlTextReaderRead(r);
  while (rc == 1) {
    const auto* local = reinterpret_cast<const char*>(xmlTextReaderConstLocalName(r));
    const std::string name = local != nullptr ? local : "";
    const int depth = xmlTextReaderDepth(r);
    const bool element = xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT;
    if (element && depth == 2 && name == item) {  // a statement opens; its parts follow
      m.statements.emplace_back();
      m.statements.back().line = static_cast<int>(xmlGetLineNo(xmlTextReaderCurrentNode(r)));
    }
    // The parts read whole: the group header, and each part of the open statement.
    const bool part =
        element && ((depth == 2 && name == "GrpHdr") || (depth == 3 && !m.statements.empty()));
    if (!read || !part) {
      rc = xmlTextReaderRead(r);
      continue;
    }
    const xmlNode* n = xmlTextReaderExpand(r);
    if (n == nullptr) {  // the part does not end well-formed
      rc = -1;
      break;
    }
    if (depth == 2) {
      m.msg_id = Text(Child(n, "MsgId"));
      m.created_at = Text(Child(n, "CreDtTm"));
    } else if (!unreadable) {
      if (auto s = ReadStatementPart(path, n, &m.statements.back()); !s) unreadable = s.error();
    }
    rc = xmlTextReaderNext(r);
  }
  if (rc != 0) {
    // What libxml2's stream says of a file cut off inside its elements.
    const bool cut_off = first.message == "Extra content at the end of the document";
    return Bad(path, first.line,
               "is not well-formed XML: " + first.message +
                   (cut_off ? " (a file that was cut off before its end reads so too: ask the "
                              "bank for the whole file)"
                            : ""));
  }
  if (xmlTextReaderIsValid(r) != 1 || !errors.empty()) {
    return Invalid(path, format, errors);
  }
  if (unreadable) return Unexpected(*unreadable);
  return m;
}

// A statement or notification (`format`) streamed against its schema from `schema_dir`.
Result<BankMessage, Error> StreamCamtFile(const std::string& path, const std::string& bytes,
                                          const std::string& schema_dir, const std::string& format,
                                          bool read) {
  auto schema = LoadSchema(schema_dir, format);
  if (!schema) return Unexpected(schema.error());
  return StreamCamt(path, bytes, schema->get(), format, read);
}

bool IsCamt(const std::string& format) {
  return format == "camt.053.001.02" || format == "camt.054.001.02";
}

}  // namespace

Result<BankFile, Error> ReadBankFile(const std::string& path, const std::string& schema_dir) {
  std::string bytes;
  if (auto read = ReadBytes(path, &bytes); !read) return Unexpected(read.error());
  return ReadBankBytes(path, bytes, schema_dir);
}

Result<BankFile, Error> ReadBankBytes(const std::string& path, const std::string& bytes,
                                      const std::string& schema_dir) {
  if (auto safe = RefuseUnsafe(path, &bytes); !safe) return Unexpected(safe.error());
  // A statement is streamed (it may hold 100,000 lines); a status report is small and read
  // whole; anything else is refused by SafeParse or below, saying why.
  std::string format = SniffFormat(path, bytes);
  Doc doc;
  if (!IsCamt(format)) {
    auto parsed = SafeParse(path, &bytes, &format);
    if (!parsed) return Unexpected(parsed.error());
    doc = std::move(parsed).value();
  }
  if (format != "pain.002.001.03" && !IsCamt(format)) {
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
  BankFile f{path, format, Sha256Hex(bytes), StatusReport{}};
  if (doc) {
    if (auto s = Validate(path, doc.get(), schema_dir, format); !s) return Unexpected(s.error());
    f.content = ReadPain002(xmlDocGetRootElement(doc.get()));
    return f;
  }
  auto m = StreamCamtFile(path, bytes, schema_dir, format, true);
  if (!m) return Unexpected(m.error());
  f.content = std::move(m).value();
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
  if (auto safe = RefuseUnsafe(path, &bytes); !safe) return Unexpected(safe.error());
  // A statement is checked as a stream, as import-bank reads it (no tree of 100,000 lines).
  if (const std::string camt = SniffFormat(path, bytes); IsCamt(camt)) {
    auto m = StreamCamtFile(path, bytes, schema_dir, camt, false);
    if (!m) return Unexpected(m.error());
    return camt;
  }
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
