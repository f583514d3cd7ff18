#include "adapters/sepa/pain001_writer.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sepa_rules.h"

namespace ontzorg {
namespace {

// Writes XML exactly as libxml2's xmlTextWriter did (it wrote these files until 2026-12-06; the
// bytes of fixtures/pain001/ may never change, since a file exported once is re-written
// identical): no indentation, an empty leaf as `<X></X>`, text escaped as xmlEncodeSpecialChars
// does, a newline after the document. Into a buffer written out every 256 KiB: with ToSepaText's
// fast path, 6x faster than xmlTextWriter with its per-call state machine and encoder (issue 18:
// 1.0 against 6.3 us a payment, ontzorg-bench-pain001).
class XmlOut {
 public:
  explicit XmlOut(const std::string& path)
      : file_(std::fopen(path.c_str(), "wb")), buf_(kBuffer), ok_(file_ != nullptr) {}
  ~XmlOut() {
    if (file_ != nullptr) std::fclose(file_);
  }
  XmlOut(const XmlOut&) = delete;
  XmlOut& operator=(const XmlOut&) = delete;

  void StartDocument() { Put("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"); }
  void Open(std::string_view name) {
    char* p = Room(name.size() + 2);
    p = Tag(EndStartTag(p), '<', name);
    used_ = p - buf_.data();
    open_.push_back(name);
    start_tag_open_ = true;
  }
  void Close() {
    const std::string_view name = open_.back();
    open_.pop_back();
    char* p = Room(name.size() + 3);
    if (start_tag_open_) {
      *p++ = '/';
      *p++ = '>';
      start_tag_open_ = false;
    } else {
      *p++ = '<';
      p = Tag(p, '/', name);
      *p++ = '>';
    }
    used_ = p - buf_.data();
  }
  // Attribute values are ASCII here (the namespace and the currency): escaped as
  // xmlTextWriterWriteAttribute escapes ASCII.
  void Attr(std::string_view name, std::string_view v) {
    Put(" ");
    Put(name);
    Put("=\"");
    for (char c : v) {
      const std::string_view entity = c == '\n' ? "&#10;" : c == '\t' ? "&#9;" : Entity(c);
      Put(entity.empty() ? std::string_view(&c, 1) : entity);
    }
    Put("\"");
  }
  void Content(std::string_view v) {
    char* p = Room(1 + kMaxEntity * v.size());
    used_ = Escaped(EndStartTag(p), v) - buf_.data();
  }
  // A leaf element, `<name>v</name>`, written at once.
  void Leaf(std::string_view name, std::string_view v) { Leaf(name, v, true); }
  // A leaf of free text in the SEPA Latin set, cut to `max` characters (ToSepaText); most text
  // is in it already and is used as it is. The set has no character XML escapes.
  void TextLeaf(std::string_view name, std::string_view v, size_t max) {
    if (IsSepaText(v, max)) {
      Leaf(name, v, false);
    } else {
      Leaf(name, ToSepaText(v, max), false);
    }
  }
  bool Finish() {
    while (!open_.empty()) Close();
    Put("\n");
    Flush();
    if (file_ != nullptr && std::fclose(file_) != 0) ok_ = false;
    file_ = nullptr;
    return ok_;
  }

 private:
  static constexpr size_t kBuffer = size_t{256} * 1024;
  static constexpr size_t kMaxEntity = 6;  // "&quot;": the longest a byte becomes

  // Space for `n` more bytes at the end of the buffer, written out first when short of it.
  char* Room(size_t n) {
    if (used_ + n + 1 > buf_.size()) {  // + 1: the '>' an open start tag may still need
      Flush();
      if (n + 1 > buf_.size()) buf_.resize(n + 1);
    }
    return buf_.data() + used_;
  }
  void Put(std::string_view s) {
    char* p = Room(s.size());
    std::memcpy(p, s.data(), s.size());
    used_ += s.size();
  }
  static char* Tag(char* p, char first, std::string_view name) {
    *p++ = first;
    std::memcpy(p, name.data(), name.size());
    return p + name.size();
  }
  char* EndStartTag(char* p) {
    if (start_tag_open_) {
      *p++ = '>';
      start_tag_open_ = false;
    }
    return p;
  }
  void Leaf(std::string_view name, std::string_view v, bool escape) {
    char* p = Room(2 * name.size() + 6 + (escape ? kMaxEntity : 1) * v.size());
    p = Tag(EndStartTag(p), '<', name);
    *p++ = '>';
    if (escape) {
      p = Escaped(p, v);
    } else {
      std::memcpy(p, v.data(), v.size());
      p += v.size();
    }
    *p++ = '<';
    p = Tag(p, '/', name);
    *p++ = '>';
    used_ = p - buf_.data();
  }
  // The entity xmlEncodeSpecialChars writes for `c`; empty when `c` is written as it is.
  static std::string_view Entity(char c) {
    switch (c) {
      case '&': return "&amp;";
      case '<': return "&lt;";
      case '>': return "&gt;";
      case '"': return "&quot;";
      case '\r': return "&#13;";
      default: return {};
    }
  }
  // Text escaped as xmlEncodeSpecialChars escapes it, at `p`; returns the end. The runs between
  // the characters escaped are copied whole.
  static char* Escaped(char* p, std::string_view v) {
    size_t from = 0;
    for (size_t i = 0; i < v.size(); ++i) {
      if (!kEscaped[static_cast<unsigned char>(v[i])]) continue;
      std::memcpy(p, v.data() + from, i - from);
      p += i - from;
      const std::string_view entity = Entity(v[i]);
      p = std::copy(entity.begin(), entity.end(), p);
      from = i + 1;
    }
    std::memcpy(p, v.data() + from, v.size() - from);
    return p + v.size() - from;
  }
  static constexpr std::array<bool, 256> kEscaped = [] {
    std::array<bool, 256> t{};
    for (unsigned char c : std::string_view("&<>\"\r")) t[c] = true;
    return t;
  }();
  void Flush() {
    if (ok_ && used_ > 0 && std::fwrite(buf_.data(), 1, used_, file_) != used_) ok_ = false;
    used_ = 0;
  }

  std::FILE* file_;
  std::vector<char> buf_;
  size_t used_ = 0;
  std::vector<std::string_view> open_;
  bool start_tag_open_ = false;
  bool ok_;
};

void WriteAddress(XmlOut& x, const Address& a, bool structured) {
  x.Open("PstlAdr");
  if (structured) {
    if (!a.street.empty()) x.TextLeaf("StrtNm", a.street, 70);
    if (!a.building.empty()) x.TextLeaf("BldgNb", a.building, 16);
    if (!a.postcode.empty()) x.TextLeaf("PstCd", a.postcode, 16);
    x.TextLeaf("TwnNm", a.town, 35);
    x.Leaf("Ctry", a.country);
  } else {  // pain.001.001.03, EPC: country and at most two address lines
    x.Leaf("Ctry", a.country);
    const std::string line1 = ToSepaText(a.street + " " + a.building, 70);
    const std::string line2 = ToSepaText(a.postcode + " " + a.town, 70);
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
    x.TextLeaf("Ustrd", ref.value, kMaxRemittanceChars);
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
  x.TextLeaf("Nm", payee.name, kMaxNameChars);
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
  x.TextLeaf("Nm", h.initiating_party, kMaxNameChars);
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
