// ontzorg-banksim: a small stand-in for the bank, for the demo, the tests and the benchmarks. It
// reads a pain.001 we exported and writes what a Dutch bank sends back: a pain.002.001.03 status
// report (every payment accepted, except those named with --reject E2E:CODE) and a
// camt.053.001.02 statement of the managed account (every accepted payment booked with its
// EndToEndId, those named with --return E2E:CODE coming back as a return, and extra incoming
// credits with --credit). The files validate against the official schemas. It is not a bank: no
// business rules are checked.
//
//   ontzorg-banksim --pain001 F [--pain001 F]... --date YYYY-MM-DD [--pain002 OUT] --camt053 OUT
//                   [--reject E2E:AC04]... [--return E2E:MD07]...
//                   [--credit "IBAN|name|12.34|remittance"]... [--opening 12345.00]
//                   [--max-entries N]
// Several pain.001 files (of one managed account) give one statement of all their payments, the
// first N of them with --max-entries (ops/bench/run's statement of 100,000 lines); the pain.002
// answers one file, so it is written only when one is read.
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Tx {
  std::string pmt_inf_id, e2e, amount, creditor, iban, remittance;
};

const xmlNode* Child(const xmlNode* n, const char* name) {
  for (const xmlNode* c = n ? n->children : nullptr; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE &&
        std::strcmp(reinterpret_cast<const char*>(c->name), name) == 0) {
      return c;
    }
  }
  return nullptr;
}

std::string Text(const xmlNode* n) {
  if (!n) return "";
  xmlChar* t = xmlNodeGetContent(n);
  std::string s = t ? reinterpret_cast<const char*>(t) : "";
  xmlFree(t);
  return s;
}

std::string Esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '&')
      o += "&amp;";
    else if (c == '<')
      o += "&lt;";
    else if (c == '>')
      o += "&gt;";
    else
      o += c;
  }
  return o;
}

long long Cents(const std::string& amount) {
  const size_t dot = amount.find('.');
  long long whole = std::stoll(amount.substr(0, dot));
  long long frac =
      dot == std::string::npos ? 0 : std::stoll((amount.substr(dot + 1) + "00").substr(0, 2));
  return whole * 100 + frac;
}

std::string Euro(long long cents) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", cents / 100, cents % 100);
  return buf;
}

std::map<std::string, std::string> Pairs(const std::vector<std::string>& items) {
  std::map<std::string, std::string> out;
  for (const std::string& i : items) {
    const size_t colon = i.find(':');
    out[i.substr(0, colon)] = colon == std::string::npos ? "NARR" : i.substr(colon + 1);
  }
  return out;
}

// Appends the payments of the pain.001 `file` to `txs`; the MsgId and the debtor's account are
// the file's (the last file's, when several are read).
bool ReadPain001(const std::string& file, std::string* msg_id, std::string* debtor_iban,
                 std::vector<Tx>* txs) {
  xmlDoc* doc = xmlReadFile(file.c_str(), nullptr, XML_PARSE_NONET | XML_PARSE_HUGE);
  if (!doc) {
    std::cerr << "ontzorg-banksim: " << file << ": not readable XML\n";
    return false;
  }
  const xmlNode* init = Child(xmlDocGetRootElement(doc), "CstmrCdtTrfInitn");
  *msg_id = Text(Child(Child(init, "GrpHdr"), "MsgId"));
  for (const xmlNode* pi = init ? init->children : nullptr; pi; pi = pi->next) {
    if (pi->type != XML_ELEMENT_NODE ||
        std::strcmp(reinterpret_cast<const char*>(pi->name), "PmtInf") != 0)
      continue;
    *debtor_iban = Text(Child(Child(Child(pi, "DbtrAcct"), "Id"), "IBAN"));
    for (const xmlNode* t = pi->children; t; t = t->next) {
      if (t->type != XML_ELEMENT_NODE ||
          std::strcmp(reinterpret_cast<const char*>(t->name), "CdtTrfTxInf") != 0)
        continue;
      Tx x;
      x.pmt_inf_id = Text(Child(pi, "PmtInfId"));
      x.e2e = Text(Child(Child(t, "PmtId"), "EndToEndId"));
      x.amount = Text(Child(Child(t, "Amt"), "InstdAmt"));
      x.creditor = Text(Child(Child(t, "Cdtr"), "Nm"));
      x.iban = Text(Child(Child(Child(t, "CdtrAcct"), "Id"), "IBAN"));
      const xmlNode* rmt = Child(t, "RmtInf");
      x.remittance = Text(Child(rmt, "Ustrd"));
      if (x.remittance.empty())
        x.remittance = Text(Child(Child(Child(rmt, "Strd"), "CdtrRefInf"), "Ref"));
      txs->push_back(x);
    }
  }
  xmlFreeDoc(doc);
  return true;
}

// The pain.002 answering the pain.001 `msg_id`: the group partly accepted when anything is
// rejected.
bool WritePain002(const std::string& out002, const std::string& msg_id, const std::string& date,
                  const std::vector<Tx>& txs, const std::map<std::string, std::string>& reject) {
  std::ofstream p2(out002);
  p2 << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.03\">\n"
        "<CstmrPmtStsRpt>\n<GrpHdr><MsgId>STS-"
     << msg_id.substr(0, 30) << "</MsgId><CreDtTm>" << date
     << "T08:00:00</CreDtTm></GrpHdr>\n<OrgnlGrpInfAndSts><OrgnlMsgId>" << msg_id
     << "</OrgnlMsgId><OrgnlMsgNmId>pain.001</OrgnlMsgNmId><GrpSts>"
     << (reject.empty() ? "ACCP" : "PART") << "</GrpSts></OrgnlGrpInfAndSts>\n";
  std::map<std::string, std::vector<const Tx*>> rejected_by_group;
  for (const Tx& t : txs) {
    if (reject.count(t.e2e)) rejected_by_group[t.pmt_inf_id].push_back(&t);
  }
  for (const auto& [group, list] : rejected_by_group) {
    p2 << "<OrgnlPmtInfAndSts><OrgnlPmtInfId>" << group << "</OrgnlPmtInfId>\n";
    for (const Tx* t : list) {
      p2 << "<TxInfAndSts><OrgnlEndToEndId>" << t->e2e
         << "</OrgnlEndToEndId><TxSts>RJCT</TxSts>"
            "<StsRsnInf><Rsn><Cd>"
         << reject.at(t->e2e)
         << "</Cd></Rsn><AddtlInf>Rejected by the "
            "bank simulator</AddtlInf></StsRsnInf></TxInfAndSts>\n";
    }
    p2 << "</OrgnlPmtInfAndSts>\n";
  }
  p2 << "</CstmrPmtStsRpt>\n</Document>\n";
  return static_cast<bool>(p2);
}

}  // namespace

// Over 70 lines: a tool's main, its steps in order.
// NOLINTNEXTLINE(readability-function-size)
int main(int argc, char** argv) {
  std::string date, out002, out053, opening = "0.00";
  std::vector<std::string> pain001, rejects, returns, credits;
  size_t max_entries = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--pain001")
      pain001.push_back(v);
    else if (k == "--date")
      date = v;
    else if (k == "--pain002")
      out002 = v;
    else if (k == "--camt053")
      out053 = v;
    else if (k == "--reject")
      rejects.push_back(v);
    else if (k == "--return")
      returns.push_back(v);
    else if (k == "--credit")
      credits.push_back(v);
    else if (k == "--opening")
      opening = v;
    else if (k == "--max-entries")
      max_entries = std::stoul(v);
    else {
      std::cerr << "ontzorg-banksim: unknown option " << k << "\n";
      return 2;
    }
  }
  if (pain001.empty() || date.size() != 10 || out053.empty() ||
      (pain001.size() > 1 && !out002.empty())) {
    std::cerr << "usage: ontzorg-banksim --pain001 F [--pain001 F]... --date YYYY-MM-DD "
                 "[--pain002 OUT] --camt053 OUT [--reject E2E:CODE]... [--return E2E:CODE]... "
                 "[--credit IBAN|name|amount|text]... [--opening 0.00] [--max-entries N]\n"
                 "(--pain002 answers one pain.001: give it with one --pain001 only)\n";
    return 2;
  }
  std::string msg_id, debtor_iban;
  std::vector<Tx> txs;
  for (const std::string& file : pain001) {
    if (!ReadPain001(file, &msg_id, &debtor_iban, &txs)) return 3;
  }
  if (max_entries > 0 && txs.size() > max_entries) txs.resize(max_entries);
  const auto reject = Pairs(rejects), give_back = Pairs(returns);

  if (!out002.empty() && !WritePain002(out002, msg_id, date, txs, reject)) {
    std::cerr << "ontzorg-banksim: cannot write " << out002 << "\n";
    return 7;
  }

  // camt.053: one entry per booked payment, a return per --return, a credit per --credit.
  std::ofstream c(out053);
  c << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
       "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">\n<BkToCstmrStmt>\n"
       "<GrpHdr><MsgId>STMT-"
    << date << "-" << msg_id.substr(msg_id.size() > 8 ? msg_id.size() - 8 : 0)
    << "</MsgId><CreDtTm>" << date << "T18:00:00</CreDtTm></GrpHdr>\n<Stmt><Id>" << date << "-"
    << msg_id.substr(msg_id.size() > 8 ? msg_id.size() - 8 : 0) << "</Id><CreDtTm>" << date
    << "T18:00:00</CreDtTm><Acct><Id><IBAN>" << debtor_iban
    << "</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
       "<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">"
    << Euro(Cents(opening)) << "</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>" << date
    << "</Dt></Dt></Bal>\n";
  // The entries go after the closing balance (the schema's order): collected first.
  std::ostringstream body;
  long long balance = Cents(opening);
  int n = 0;
  const auto entry = [&](const std::string& amount, bool credit, const std::string& tx_details,
                         const char* family) {
    ++n;
    balance += credit ? Cents(amount) : -Cents(amount);
    body << "<Ntry><NtryRef>" << n << "</NtryRef><Amt Ccy=\"EUR\">" << amount << "</Amt><CdtDbtInd>"
         << (credit ? "CRDT" : "DBIT") << "</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>" << date
         << "</Dt></BookgDt><ValDt><Dt>" << date << "</Dt></ValDt><AcctSvcrRef>SIM-"
         << msg_id.substr(msg_id.size() > 8 ? msg_id.size() - 8 : 0) << "-" << n
         << "</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>" << family
         << "</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls><TxDtls>"
         << tx_details << "</TxDtls></NtryDtls></Ntry>\n";
  };
  for (const Tx& t : txs) {
    if (reject.count(t.e2e)) continue;
    const std::string parties = "<RltdPties><Cdtr><Nm>" + Esc(t.creditor) +
                                "</Nm></Cdtr><CdtrAcct><Id><IBAN>" + t.iban +
                                "</IBAN></Id></CdtrAcct></RltdPties>";
    const std::string refs = "<Refs><EndToEndId>" + t.e2e +
                             "</EndToEndId></Refs><AmtDtls><TxAmt><Amt Ccy=\"EUR\">" + t.amount +
                             "</Amt></TxAmt></AmtDtls>";
    entry(t.amount, false,
          refs + parties + "<RmtInf><Ustrd>" + Esc(t.remittance) + "</Ustrd></RmtInf>", "ICDT");
    if (give_back.count(t.e2e)) {
      entry(t.amount, true,
            refs + "<RltdPties><Dbtr><Nm>" + Esc(t.creditor) + "</Nm></Dbtr><DbtrAcct><Id><IBAN>" +
                t.iban + "</IBAN></Id></DbtrAcct></RltdPties><RtrInf><Rsn><Cd>" +
                give_back.at(t.e2e) + "</Cd></Rsn></RtrInf>",
            "RRCT");
    }
  }
  for (const std::string& cr : credits) {
    std::vector<std::string> f;
    size_t from = 0;
    for (size_t bar; (bar = cr.find('|', from)) != std::string::npos; from = bar + 1)
      f.push_back(cr.substr(from, bar - from));
    f.push_back(cr.substr(from));
    if (f.size() != 4) {
      std::cerr << "ontzorg-banksim: --credit wants IBAN|name|amount|remittance\n";
      return 2;
    }
    const std::string amount = Euro(Cents(f[2]));
    entry(amount, true,
          "<AmtDtls><TxAmt><Amt Ccy=\"EUR\">" + amount +
              "</Amt></TxAmt></AmtDtls><RltdPties><Dbtr><Nm>" + Esc(f[1]) +
              "</Nm></Dbtr><DbtrAcct><Id><IBAN>" + f[0] +
              "</IBAN></Id></DbtrAcct></RltdPties><RmtInf><Ustrd>" + Esc(f[3]) +
              "</Ustrd></RmtInf>",
          "RCDT");
  }
  c << "<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">"
    << Euro(balance < 0 ? -balance : balance) << "</Amt><CdtDbtInd>"
    << (balance < 0 ? "DBIT" : "CRDT") << "</CdtDbtInd><Dt><Dt>" << date << "</Dt></Dt></Bal>\n"
    << body.str() << "</Stmt>\n</BkToCstmrStmt>\n</Document>\n";
  if (!c) {
    std::cerr << "ontzorg-banksim: cannot write the output files\n";
    return 7;
  }
  std::cout << "bank simulator: " << txs.size() << " payments read, " << reject.size()
            << " rejected" << (out002.empty() ? "" : " (" + out002 + ")") << ", " << n
            << " statement entries (" << out053 << ")\n";
  return 0;
}
