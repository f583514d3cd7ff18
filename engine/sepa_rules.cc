#include "engine/sepa_rules.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace ontzorg {
namespace {

// The SEPA Latin character set (EPC217-08): a-z A-Z 0-9 / - ? : ( ) . , ' + and space.
constexpr std::array<bool, 256> kLatin = [] {
  std::array<bool, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (unsigned char c : std::string_view("/-?:().,'+ ")) t[c] = true;
  return t;
}();

bool IsLatin(char c) { return kLatin[static_cast<unsigned char>(c)]; }

}  // namespace

bool IsSepaText(std::string_view s, size_t max_chars) {
  if (s.size() > max_chars || (!s.empty() && (s.front() == ' ' || s.back() == ' '))) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (!IsLatin(s[i]) || (s[i] == ' ' && i + 1 < s.size() && s[i + 1] == ' ')) return false;
  }
  return true;
}

namespace {

// Decodes one UTF-8 code point at `pos`, advancing it; invalid bytes decode as U+FFFD.
uint32_t DecodeUtf8(std::string_view s, size_t* pos) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  const uint8_t b0 = byte(*pos);
  int len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || *pos + static_cast<size_t>(len) > s.size()) {
    ++*pos;
    return 0xFFFD;
  }
  uint32_t cp = len == 1 ? b0 : (b0 & (0x7F >> len));
  for (int i = 1; i < len; ++i) {
    const uint8_t b = byte(*pos + static_cast<size_t>(i));
    if ((b & 0xC0) != 0x80) {
      ++*pos;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  *pos += static_cast<size_t>(len);
  return cp;
}

// Latin-1 Supplement and Latin Extended-A letters to ASCII; nullptr when there is none.
const char* Transliterate(uint32_t cp) {
  struct Map {
    uint32_t from, to;
    const char* ascii;
  };
  static constexpr Map kRanges[] = {
      {0xC0, 0xC5, "A"},     {0xC6, 0xC6, "AE"},   {0xC7, 0xC7, "C"},     {0xC8, 0xCB, "E"},
      {0xCC, 0xCF, "I"},     {0xD0, 0xD0, "D"},    {0xD1, 0xD1, "N"},     {0xD2, 0xD6, "O"},
      {0xD8, 0xD8, "O"},     {0xD9, 0xDC, "U"},    {0xDD, 0xDD, "Y"},     {0xDF, 0xDF, "ss"},
      {0xE0, 0xE5, "a"},     {0xE6, 0xE6, "ae"},   {0xE7, 0xE7, "c"},     {0xE8, 0xEB, "e"},
      {0xEC, 0xEF, "i"},     {0xF0, 0xF0, "d"},    {0xF1, 0xF1, "n"},     {0xF2, 0xF6, "o"},
      {0xF8, 0xF8, "o"},     {0xF9, 0xFC, "u"},    {0xFD, 0xFD, "y"},     {0xFF, 0xFF, "y"},
      {0x132, 0x132, "IJ"},  {0x133, 0x133, "ij"}, {0x152, 0x152, "OE"},  {0x153, 0x153, "oe"},
      {0x160, 0x160, "S"},   {0x161, 0x161, "s"},  {0x17D, 0x17D, "Z"},   {0x17E, 0x17E, "z"},
      {0x2018, 0x2019, "'"}, {0x201C, 0x201D, ""}, {0x2013, 0x2014, "-"}, {0x26, 0x26, "+"},
  };
  for (const Map& m : kRanges) {
    if (cp >= m.from && cp <= m.to) return m.ascii;
  }
  return nullptr;
}

}  // namespace

std::string ToSepaText(std::string_view utf8, size_t max_chars) {
  // Most names and addresses are plain already: one scan (issue 18, the writer's top frame).
  if (IsSepaText(utf8, max_chars)) return std::string(utf8);
  std::string out;
  out.reserve(std::min(utf8.size(), max_chars + 1));
  const auto put = [&out](char c) {
    if (c == ' ' && (out.empty() || out.back() == ' ')) return;
    out += c;
  };
  // Past max_chars nothing more is kept: the rest cannot change the first max_chars.
  for (size_t pos = 0; pos < utf8.size() && out.size() <= max_chars;) {
    const uint32_t cp = DecodeUtf8(utf8, &pos);
    const char* ascii = cp < 0x80 && cp != '&' ? nullptr : Transliterate(cp);  // '&' is "+"
    if (ascii != nullptr) {
      for (; *ascii != '\0'; ++ascii) put(*ascii);
    } else if (cp < 0x80 && IsLatin(static_cast<char>(cp))) {
      put(static_cast<char>(cp));
    } else if (cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0) {
      put(' ');
    }
  }
  if (out.size() > max_chars) out.resize(max_chars);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool IsSepaIdentifier(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdChars || id.front() == '/' || id.back() == '/') return false;
  if (id.find("//") != std::string_view::npos) return false;
  for (char c : id) {
    if (c == ' ' || !IsLatin(c)) return false;
  }
  return true;
}

const char* Describe(SepaError error) {
  switch (error) {
    case SepaError::kAmountOutOfRange: return "amount must be between 0.01 and 999999999.99 euro";
    case SepaError::kBadEndToEndId: return "EndToEndId breaks the SEPA identifier rules";
    case SepaError::kEmptyPayeeName: return "the payee's name is empty after transliteration";
    case SepaError::kReferenceTooLong: return "a structured reference is at most 35 characters";
    case SepaError::kMissingTownOrCountry:
      return "a structured address needs at least a town and a country";
  }
  return "?";
}

Status<SepaError> CheckPayment(const Payment& payment) {
  if (payment.amount.cents() < 1 || payment.amount.cents() > kMaxAmountCents) {
    return Unexpected(SepaError::kAmountOutOfRange);
  }
  if (!IsSepaIdentifier(payment.end_to_end_id)) return Unexpected(SepaError::kBadEndToEndId);
  const std::string& name = payment.payee.name;  // plain names need no transliteration
  if (name.empty() ||
      (!IsSepaText(name, kMaxNameChars) && ToSepaText(name, kMaxNameChars).empty())) {
    return Unexpected(SepaError::kEmptyPayeeName);
  }
  if (payment.remittance.kind != ReferenceKind::kFreeText &&
      payment.remittance.value.size() > kMaxIdChars) {
    return Unexpected(SepaError::kReferenceTooLong);
  }
  if (payment.payee.address &&
      (payment.payee.address->town.empty() || payment.payee.address->country.size() != 2)) {
    return Unexpected(SepaError::kMissingTownOrCountry);
  }
  return {};
}

}  // namespace ontzorg
