#include "adapters/sepa/pain001_writer.h"

#include <libxml/xmlwriter.h>

#include <memory>

#include "engine/sepa_rules.h"

namespace ontzorg {
namespace {

// A thin RAII wrapper over xmlTextWriter that remembers the first failure.
class XmlOut {
 public:
  explicit XmlOut(const std::string& path) : w_(xmlNewTextWriterFilename(path.c_str(), 0)) {
    if (w_ != nullptr) xmlTextWriterSetIndent(w_, 0);
    ok_ = w_ != nullptr;
  }
  ~XmlOut() {
    if (w_ != nullptr) xmlFreeTextWriter(w_);
  }
  XmlOut(const XmlOut&) = delete;
  XmlOut& operator=(const XmlOut&) = delete;

  void StartDocument() { Check(xmlTextWriterStartDocument(w_, "1.0", "UTF-8", nullptr)); }
  void Open(const char* name) { Check(xmlTextWriterStartElement(w_, X(name))); }
  void Close() { Check(xmlTextWriterEndElement(w_)); }
  void Attr(const char* name, const std::string& v) {
    Check(xmlTextWriterWriteAttribute(w_, X(name), X(v.c_str())));
  }
  void Content(const std::string& v) { Check(xmlTextWriterWriteString(w_, X(v.c_str()))); }
  void Leaf(const char* name, const std::string& v) {
    Check(xmlTextWriterWriteElement(w_, X(name), X(v.c_str())));
  }
  bool Finish() {
    Check(xmlTextWriterEndDocument(w_));
    if (w_ != nullptr) {
      xmlFreeTextWriter(w_);  // flushes and closes the file
      w_ = nullptr;
    }
    return ok_;
  }
  bool ok() const { return ok_; }

 private:
  static const xmlChar* X(const char* s) { return reinterpret_cast<const xmlChar*>(s); }
  void Check(int rc) { ok_ = ok_ && w_ != nullptr && rc >= 0; }
  xmlTextWriterPtr w_;
  bool ok_ = false;
};

std::string Text(const std::string& s, size_t max) { return ToSepaText(s, max); }

void WriteAddress(XmlOut& x, const Address& a, bool structured) {
  x.Open("PstlAdr");
  if (structured) {
    if (!a.street.empty()) x.Leaf("StrtNm", Text(a.street, 70));
    if (!a.building.empty()) x.Leaf("BldgNb", Text(a.building, 16));
    if (!a.postcode.empty()) x.Leaf("PstCd", Text(a.postcode, 16));
    x.Leaf("TwnNm", Text(a.town, 35));
    x.Leaf("Ctry", a.country);
  } else {  // pain.001.001.03, EPC: country and at most two address lines
    x.Leaf("Ctry", a.country);
    const std::string line1 = Text(a.street + " " + a.building, 70);
    const std::string line2 = Text(a.postcode + " " + a.town, 70);
    if (!line1.empty()) x.Leaf("AdrLine", line1);
    if (!line2.empty()) x.Leaf("AdrLine", line2);
  }
  x.Close();
}

void WriteAgent(XmlOut& x, const char* element, const std::optional<std::string>& bic, bool v09,
                bool required) {
  if (!bic && !required) return;
  x.Open(element);
  x.Open("FinInstnId");
  if (bic) {
    x.Leaf(v09 ? "BICFI" : "BIC", *bic);
  } else {  // EPC usage rule: Othr/Id "NOTPROVIDED" when no BIC is given
    x.Open("Othr");
    x.Leaf("Id", "NOTPROVIDED");
    x.Close();
  }
  x.Close();
  x.Close();
}

void WriteRemittance(XmlOut& x, const PaymentReference& ref) {
  x.Open("RmtInf");
  if (ref.kind == ReferenceKind::kFreeText) {
    x.Leaf("Ustrd", Text(ref.value, kMaxRemittanceChars));
  } else {
    x.Open("Strd");
    x.Open("CdtrRefInf");
    x.Open("Tp");
    x.Open("CdOrPrtry");
    x.Leaf("Cd", "SCOR");
    x.Close();
    x.Leaf("Issr", ref.kind == ReferenceKind::kBetalingskenmerk ? "CUR" : "ISO");
    x.Close();
    x.Leaf("Ref", ref.value);
    x.Close();
    x.Close();
  }
  x.Close();
}

// A party (Dbtr or Cdtr: name and address) and its account (DbtrAcct or CdtrAcct: IBAN).
void WriteParty(XmlOut& x, const char* party, const char* account, const Payee& payee, bool v09) {
  x.Open(party);
  x.Leaf("Nm", Text(payee.name, kMaxNameChars));
  if (payee.address) WriteAddress(x, *payee.address, v09);
  x.Close();
  x.Open(account);
  x.Open("Id");
  x.Leaf("IBAN", payee.iban.compact());
  x.Close();
  x.Close();
}

void WriteTransaction(XmlOut& x, const Payment& p, bool v09) {
  x.Open("CdtTrfTxInf");
  x.Open("PmtId");
  x.Leaf("EndToEndId", p.end_to_end_id);
  x.Close();
  x.Open("Amt");
  x.Open("InstdAmt");
  x.Attr("Ccy", "EUR");
  x.Content(p.amount.ToDecimalString());
  x.Close();
  x.Close();
  WriteAgent(x, "CdtrAgt", p.payee.bic, v09, false);
  WriteParty(x, "Cdtr", "CdtrAcct", p.payee, v09);
  WriteRemittance(x, p.remittance);
  x.Close();
}

std::string PmtInfId(const std::string& msg_id, int group) {
  return msg_id + "-" + std::to_string(group);
}

Money Sum(const std::vector<Payment>& payments, size_t begin, size_t end) {
  Money total;
  for (size_t i = begin; i < end; ++i) total += payments[i].amount;
  return total;
}

// One payment group (PmtInf): the payments [begin, end), which share an execution date.
void WriteGroup(XmlOut& x, const Pain001Header& h, const std::vector<Payment>& payments,
                size_t begin, size_t end, int group) {
  const bool v09 = h.format == "pain.001.001.09";
  x.Open("PmtInf");
  x.Leaf("PmtInfId", PmtInfId(h.msg_id, group));
  x.Leaf("PmtMtd", "TRF");
  x.Leaf("BtchBookg", h.batch_booking ? "true" : "false");
  x.Leaf("NbOfTxs", std::to_string(end - begin));
  x.Leaf("CtrlSum", Sum(payments, begin, end).ToDecimalString());
  x.Open("PmtTpInf");
  x.Open("SvcLvl");
  x.Leaf("Cd", "SEPA");
  x.Close();
  x.Close();
  const std::string date = payments[begin].execution.ToString();
  if (v09) {
    x.Open("ReqdExctnDt");
    x.Leaf("Dt", date);
    x.Close();
  } else {
    x.Leaf("ReqdExctnDt", date);
  }
  WriteParty(x, "Dbtr", "DbtrAcct", h.debtor, v09);
  WriteAgent(x, "DbtrAgt", h.debtor.bic, v09, true);
  x.Leaf("ChrgBr", "SLEV");
  for (size_t i = begin; i < end; ++i) WriteTransaction(x, payments[i], v09);
  x.Close();
}

// Our own checks, before a byte is written.
Status<Error> CheckAll(const Pain001Header& h, const std::vector<Payment>& payments) {
  if (!IsSepaIdentifier(h.msg_id)) {
    return Fail(ErrorCode::kInvalidOutput, "MsgId '" + h.msg_id + "' breaks the identifier rules");
  }
  for (size_t i = 0; i < payments.size(); ++i) {
    if (auto ok = CheckPayment(payments[i]); !ok) {
      return Fail(ErrorCode::kInvalidOutput,
                  "payment " + payments[i].end_to_end_id + ": " + Describe(ok.error()));
    }
    if (i > 0 && payments[i].execution < payments[i - 1].execution) {
      return Fail(ErrorCode::kInvalidOutput, "payments are not ordered by execution date");
    }
  }
  return {};
}

}  // namespace

Status<Error> WritePain001(const Pain001Header& h, const std::vector<Payment>& payments,
                           const std::string& path) {
  if (auto ok = CheckAll(h, payments); !ok) return ok;
  XmlOut x(path);
  x.StartDocument();
  x.Open("Document");
  x.Attr("xmlns", "urn:iso:std:iso:20022:tech:xsd:" + h.format);
  x.Open("CstmrCdtTrfInitn");
  x.Open("GrpHdr");
  x.Leaf("MsgId", h.msg_id);
  x.Leaf("CreDtTm", h.created_at);
  x.Leaf("NbOfTxs", std::to_string(payments.size()));
  x.Leaf("CtrlSum", Sum(payments, 0, payments.size()).ToDecimalString());
  x.Open("InitgPty");
  x.Leaf("Nm", Text(h.initiating_party, kMaxNameChars));
  x.Close();
  x.Close();
  int group = 0;
  for (size_t begin = 0; begin < payments.size();) {
    size_t end = begin;
    while (end < payments.size() && payments[end].execution == payments[begin].execution) ++end;
    WriteGroup(x, h, payments, begin, end, ++group);
    begin = end;
  }
  x.Close();
  x.Close();
  if (!x.Finish()) return Fail(ErrorCode::kIo, path + ": cannot be written");
  return {};
}

std::vector<std::string> PmtInfIds(const std::string& msg_id,
                                   const std::vector<Payment>& payments) {
  std::vector<std::string> out;
  int group = 0;
  for (size_t i = 0; i < payments.size(); ++i) {
    if (i == 0 || payments[i].execution != payments[i - 1].execution) ++group;
    out.push_back(PmtInfId(msg_id, group));
  }
  return out;
}

}  // namespace ontzorg
