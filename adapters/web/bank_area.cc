// The bank area of the web app: uploading a bank file (pain.002, camt.053/054) and the
// reconciliation of what was sent with what the bank reported. Reading and booking the files
// lives in adapters/app/feedback, shared with the command line.
#include <filesystem>
#include <fstream>

#include "adapters/app/feedback.h"
#include "adapters/system/files.h"
#include "adapters/web/handlers.h"

namespace ontzorg::web {

Outcome UploadBankFile(Ctx& x) {
  std::string name, content;
  if (x.api) {
    name = x.Field("name");
    content = x.Field("xml");
  } else {
    std::vector<FormPart> parts;
    if (!ParseMultipart(x.req.Header("content-type"), x.req.body, &parts)) {
      return Refuse(400, "upload: not a multipart/form-data body");
    }
    for (const FormPart& p : parts) {
      if (p.name == "file") {
        name = p.filename;
        content = p.content;
      } else if (p.name == "csrf") {
        // checked by the dispatcher via the form below
      }
    }
  }
  if (content.empty()) return Refuse(422, "file: choose a pain.002, camt.053 or camt.054 file");
  std::string safe;
  for (char c : std::filesystem::path(name).filename().string()) {
    safe +=
        (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '_';
  }
  if (safe.empty()) safe = "upload.xml";
  const std::filesystem::path dir =
      std::filesystem::path(x.config.web.out_dir) / "uploads" / Sha256Hex(content).substr(0, 16);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string path = (dir / safe).string();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) return Refuse(500, "cannot keep the uploaded file in " + dir.string());
  }
  auto report = ImportBankFeedback(x.config, x.store, path, x.Me());
  if (!report) {
    // Name the file as the person knows it, not our upload folder.
    std::string message = report.error().message;
    for (size_t at = message.find(path); at != std::string::npos; at = message.find(path)) {
      message.replace(at, path.size(), safe);
    }
    return FromError({report.error().code, message});
  }
  Outcome o;
  o.data = {{"file", safe},
            {"format", report->format},
            {"msg_id", report->msg_id},
            {"already_imported", report->already_imported},
            {"notes", report->notes},
            {"statuses", report->statuses.size()},
            {"lines", report->lines.size()}};
  o.redirect = "/batches?saved=" + UrlEncode(safe);
  return o;
}

Outcome ReconciliationData(Ctx& x) {
  auto r = Reconcile(x.store, std::nullopt);
  if (!r) return FromError(r.error());
  Outcome o;
  json batches = json::array(), clients = json::array();
  for (const auto& b : r->batches) {
    batches.push_back({{"batch", b.batch},
                       {"kind", b.kind},
                       {"state", b.state},
                       {"month", b.month},
                       {"sent", b.sent},
                       {"accepted", b.accepted},
                       {"rejected", b.rejected},
                       {"returned", b.returned},
                       {"booked", b.booked},
                       {"cancelled", b.cancelled},
                       {"open", b.open},
                       {"sent_cents", b.sent_amount.cents()},
                       {"booked_cents", b.booked_amount.cents()},
                       {"failed_cents", b.failed_amount.cents()}});
  }
  int64_t differences = 0;
  for (const auto& c : r->clients) {
    if (c.difference.cents() != 0) {
      ++differences;
      clients.push_back({{"client", c.client},
                         {"ledger_paid_cents", c.ledger_paid.cents()},
                         {"bank_booked_cents", c.bank_booked.cents()},
                         {"in_transit_cents", c.in_transit.cents()},
                         {"difference_cents", c.difference.cents()}});
    }
  }
  o.data = {{"batches", batches},
            {"differences", clients},
            {"clients_with_difference", differences},
            {"unmatched_lines", r->unmatched_lines}};
  return o;
}

}  // namespace ontzorg::web
