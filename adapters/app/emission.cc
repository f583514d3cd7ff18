#include "adapters/app/emission.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "adapters/statement/statement.h"
#include "adapters/system/files.h"

namespace ontzorg {
namespace fs = std::filesystem;
namespace {

std::string Csv(const std::string& field) {
  if (field.find_first_of(",\"\n\r") == std::string::npos) return field;
  std::string q = "\"";
  for (char c : field) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

// `text` as a JSON string, exactly as nlohmann::json dumps it (non-ASCII kept, invalid UTF-8
// replaced): plain text is copied as it is, anything else goes through the library.
void AppendJsonString(std::string* out, const std::string& text) {
  const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
  });
  if (plain) {
    out->append(1, '"').append(text).append(1, '"');
  } else {
    out->append(
        nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

}  // namespace

// Written directly: building each line as a nlohmann::json document first took a tenth of the
// month's run (issue 18).
void AppendCheckpointJson(std::string* out, const Checkpoint& cp) {
  const auto key = [&](const char* name) { out->append(1, '"').append(name).append("\":"); };
  const auto text = [&](const char* name, const std::string& value) {
    key(name);
    AppendJsonString(out, value);
    out->push_back(',');
  };
  const auto number = [&](const char* name, int value) {
    key(name);
    out->append(std::to_string(value)).push_back(',');
  };
  out->push_back('{');
  key("areas");
  out->push_back('[');
  for (size_t i = 0; i < cp.areas.size(); ++i) {
    const AreaProgress& a = cp.areas[i];
    out->append(i ? ",{" : "{");
    text("area", a.area);
    number("level", a.level);
    number("previous", a.previous);
    key("trend");
    out->append(std::to_string(a.trend)).push_back('}');
  }
  out->append("],");
  key("assessed_on");
  if (cp.assessed_on) {
    AppendJsonString(out, cp.assessed_on->ToString());
  } else {
    out->append("null");
  }
  out->push_back(',');
  key("bills");
  out->push_back('[');
  for (size_t i = 0; i < cp.bills.size(); ++i) {
    const BillReadiness& b = cp.bills[i];
    out->append(i ? ",{" : "{");
    text("bill", b.bill.value);
    text("kind", ToString(b.kind));
    number("readiness", b.readiness);
    text("state", ToString(b.state));
    key("weakest_skill");
    AppendJsonString(out, b.weakest_skill);
    out->push_back('}');
  }
  out->append("],");
  text("client", cp.client.value);
  text("month", cp.month.ToString());
  text("next_step", ToString(cp.next));
  text("next_subject", cp.next_subject);
  number("progress_percent", cp.progress_percent);
  number("relief_month", cp.relief_month);
  number("relief_months", cp.relief_months);
  text("stage", ToString(cp.stage));
  key("stalled");
  out->append(cp.stalled ? "true}" : "false}");
}

Result<std::map<std::string, CoachContact>, Error> CoachContacts(Store& store) {
  auto coaches = store.Coaches();
  if (!coaches) return Unexpected(coaches.error());
  auto users = store.Users();
  if (!users) return Unexpected(users.error());
  std::map<std::string, CoachContact> by_user, out;
  for (const User& u : *users) {
    by_user[u.name] = {u.full_name.empty() ? u.name : u.full_name, u.phone};
  }
  for (const auto& [client, coach] : *coaches) {
    const auto it = by_user.find(coach);
    if (it != by_user.end()) out[client] = it->second;
  }
  return out;
}

Emitter::Emitter(const Config& config, std::string out_dir, YearMonth month, Date run_date)
    : config_(config), out_dir_(std::move(out_dir)), month_(month), run_date_(run_date) {}

Emitter::~Emitter() { Abandon(); }

void Emitter::Abandon() {
  if (committed_) return;
  committed_ = true;  // once
  std::error_code ec;
  jsonl_.close();
  csv_.close();
  index_.close();
  documents_.clear();
  fs::remove(Path("checkpoints-" + month_.ToString() + ".jsonl.part"), ec);
  fs::remove(Path("checkpoints-" + month_.ToString() + ".csv.part"), ec);
  if (!statements_part_.empty()) fs::remove_all(statements_part_, ec);
  // Folders this run created stay only if something is in them (fs::remove keeps non-empty ones).
  for (auto it = created_.rbegin(); it != created_.rend(); ++it) fs::remove(*it, ec);
}

std::string Emitter::Path(const std::string& name) const {
  return (fs::path(out_dir_) / name).string();
}

Status<Error> Emitter::Open() {
  std::error_code ec;
  for (const fs::path& dir : {fs::path(out_dir_), fs::path(out_dir_) / "statements"}) {
    if (!fs::exists(dir)) created_.push_back(dir.string());
  }
  fs::create_directories(fs::path(out_dir_) / "statements", ec);
  const std::string base = Path("checkpoints-" + month_.ToString());
  jsonl_.open(base + ".jsonl.part", std::ios::binary | std::ios::trunc);
  csv_.open(base + ".csv.part", std::ios::binary | std::ios::trunc);
  statements_part_ = Path("statements/" + month_.ToString() + ".part");
  fs::remove_all(statements_part_, ec);
  fs::create_directories(statements_part_, ec);
  index_.open(fs::path(statements_part_) / "index.csv", std::ios::binary | std::ios::trunc);
  if (!jsonl_ || !csv_ || !index_ || ec) {
    return Fail(ErrorCode::kIo, out_dir_ + ": cannot write the checkpoints and statements there");
  }
  index_ << "client_id,language,file,anchor\n";
  csv_ << "client_id,month,relief_month,relief_months,assessed_on,progress_percent,stage,"
          "stalled,next_step,next_subject,bills_paid_for_client,bills_client_pays\n";
  return {};
}

Result<const ClientTexts*, Error> Emitter::Texts(const std::string& language) {
  const auto found = texts_.find(language);
  if (found != texts_.end()) return &found->second;
  auto loaded = LoadClientTexts(config_.texts_dir, language);
  if (!loaded) {
    if (language == config_.default_language) return Unexpected(loaded.error());
    report_.warnings.push_back("no texts for language '" + language + "' (" +
                               loaded.error().message + "); those statements are in '" +
                               config_.default_language + "'");
    auto fallback = Texts(config_.default_language);
    if (!fallback) return fallback;
    return &(texts_[language] = **fallback);
  }
  return &(texts_[language] = std::move(loaded).value());
}

Status<Error> Emitter::Add(const ClientCase& input, const ClientMonth& month) {
  if (month.after_relief) return {};
  const Checkpoint cp = DeriveCheckpoint(config_.competences, input.plan, input.client.id,
                                         month.hand_over, input.assessments, month_, run_date_);
  line_.clear();
  AppendCheckpointJson(&line_, cp);
  line_.push_back('\n');
  jsonl_ << line_;
  int paid_for_client = 0, client_pays = 0;
  for (const BillReadiness& b : cp.bills) (ClientPays(b.state) ? client_pays : paid_for_client)++;
  csv_ << cp.client.value << "," << cp.month.ToString() << "," << cp.relief_month << ","
       << cp.relief_months << "," << (cp.assessed_on ? cp.assessed_on->ToString() : "") << ","
       << cp.progress_percent << "," << ToString(cp.stage) << "," << (cp.stalled ? "yes" : "no")
       << "," << ToString(cp.next) << "," << Csv(cp.next_subject) << "," << paid_for_client << ","
       << client_pays << "\n";
  ++report_.checkpoints;

  auto texts = Texts(input.client.language);
  if (!texts) return Unexpected(texts.error());
  StatementData data = StatementFromMonth(config_.municipality_name, input.client, month,
                                          PolicyOn(config_.month.bridging, month_.FirstDay()), cp);
  data.municipality_address = config_.municipality_address;
  data.municipality_phone = config_.municipality_phone;
  if (const auto coach = coaches_.find(input.client.id.value); coach != coaches_.end()) {
    data.coach_name = coach->second.name;
    data.coach_phone = coach->second.phone;
  }
  const ClientTexts& t = **texts;
  auto [doc, fresh] = documents_.try_emplace(t.code);
  if (fresh) {
    doc->second.open(fs::path(statements_part_) / (t.code + ".html"),
                     std::ios::binary | std::ios::trunc);
    doc->second << StatementDocumentStart(
        t, config_.municipality_name + " - " + MonthForClient(month_, t));
  }
  doc->second << RenderStatementArticle(data, t);
  index_ << input.client.id.value << "," << t.code << "," << t.code << ".html,#"
         << input.client.id.value << "\n";
  if (!doc->second || !index_) {
    return Fail(ErrorCode::kIo, statements_part_ + ": cannot write a statement");
  }
  ++report_.statements;
  ++report_.statements_by_language[(*texts)->code];
  return {};
}

Status<Error> Emitter::Commit(EmissionReport* report) {
  jsonl_.close();
  csv_.close();
  index_.close();
  for (auto& [code, doc] : documents_) {
    doc << StatementDocumentEnd();
    doc.close();
    if (!doc) return Fail(ErrorCode::kIo, statements_part_ + ": cannot finish the statements");
  }
  if (!jsonl_ || !csv_) return Fail(ErrorCode::kIo, out_dir_ + ": cannot finish the checkpoints");
  // The checkpoints' JSON lines go in place last: RunMonth takes that file as the sign that the
  // month's documents are complete, and writes them all again from the store when it is missing
  // (a run killed between the booking and here). Found by ops/crash: with the JSON lines first,
  // a kill right after them lost the CSV and the statements for good.
  const std::string base = Path("checkpoints-" + month_.ToString());
  const std::string final_dir = Path("statements/" + month_.ToString());
  std::error_code ec;
  fs::remove_all(final_dir, ec);
  fs::rename(statements_part_, final_dir, ec);
  if (ec) return Fail(ErrorCode::kIo, final_dir + ": cannot put the statements in place");
  if (auto s = CommitFile(base + ".csv.part", base + ".csv"); !s) return s;
  if (auto s = CommitFile(base + ".jsonl.part", base + ".jsonl"); !s) return s;
  committed_ = true;
  report_.checkpoints_jsonl = base + ".jsonl";
  report_.checkpoints_csv = base + ".csv";
  report_.statements_dir = final_dir;
  *report = report_;
  return {};
}

EmitterThread::~EmitterThread() {
  if (writing_.valid()) writing_.wait();
}

Status<Error> EmitterThread::Hand() {
  if (writing_.valid()) {
    if (Status<Error> s = writing_.get(); !s && failed_) failed_ = s;
  }
  if (!failed_) return failed_;
  if (filling_.empty()) return {};
  writing_ = std::async(std::launch::async, [this, chunk = std::move(filling_)]() -> Status<Error> {
    for (const auto& [input, month] : chunk) {
      if (auto s = emitter_.Add(input, month); !s) return s;
    }
    return {};
  });
  filling_.clear();
  filling_.reserve(chunk_);
  return {};
}

Status<Error> EmitterThread::Add(ClientCase input, ClientMonth month) {
  if (!failed_) return failed_;
  if (month.after_relief) return {};  // the Emitter writes nothing for it
  filling_.emplace_back(std::move(input), std::move(month));
  return filling_.size() >= chunk_ ? Hand() : Status<Error>{};
}

Status<Error> EmitterThread::Finish() {
  if (auto s = Hand(); !s) return s;
  return Hand();  // waits for the last chunk
}

}  // namespace ontzorg
