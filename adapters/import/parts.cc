#include "adapters/import/parts.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace ontzorg {
namespace {

// A temporary file no name points to, in TMPDIR (else /tmp): made unnamed where the file
// system can (O_TMPFILE), else named and unlinked at once.
std::FILE* UnnamedTemporaryFile() {
  const char* env = std::getenv("TMPDIR");
  const std::string dir = env != nullptr && *env != '\0' ? env : "/tmp";
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::string name = dir + "/ontzorg-import-XXXXXX";
    fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd >= 0) ::unlink(name.c_str());
  }
  if (fd < 0) return nullptr;
  std::FILE* file = ::fdopen(fd, "w+b");
  if (file == nullptr) ::close(fd);
  return file;
}

std::string TempDir() {
  const char* env = std::getenv("TMPDIR");
  return env != nullptr && *env != '\0' ? env : "/tmp";
}

Unexpected<Error> TempFailure(const std::string& what) {
  return Fail(ErrorCode::kIo, "the temporary files of a large import (in " + TempDir() +
                                  ") could not be " + what + ": " + std::strerror(errno) +
                                  "; free space there, or set TMPDIR to a folder with room for "
                                  "about the size of the import files, and import again");
}

void PutNumber(std::string& out, uint32_t n) {
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
}

// A row as it is kept: its line, its field count, then each field's length and bytes.
void Encode(const CsvRow& row, std::string& out) {
  out.clear();
  PutNumber(out, static_cast<uint32_t>(row.line));
  PutNumber(out, static_cast<uint32_t>(row.fields.size()));
  for (const std::string& f : row.fields) {
    PutNumber(out, static_cast<uint32_t>(f.size()));
    out += f;
  }
}

// Reads a section's rows back a block at a time (not a fread per field).
class SectionReader {
 public:
  SectionReader(std::FILE* file, size_t bytes) : file_(file), left_(bytes) {}

  bool Next(CsvRow* row) {
    uint32_t line = 0, fields = 0;
    if (!Number(&line) || !Number(&fields)) return false;
    row->line = static_cast<int>(line);
    row->fields.resize(fields);
    for (std::string& f : row->fields) {
      uint32_t size = 0;
      if (!Number(&size) || !Need(size)) return false;
      f.assign(buffer_, at_, size);
      at_ += size;
    }
    return true;
  }

 private:
  // At least `n` bytes unread in the buffer, reading more when needed.
  bool Need(size_t n) {
    if (buffer_.size() - at_ >= n) return true;
    buffer_.erase(0, at_);
    at_ = 0;
    const size_t want = std::min(left_, std::max(n - buffer_.size(), kBlock));
    const size_t had = buffer_.size();
    buffer_.resize(had + want);
    const size_t got = std::fread(buffer_.data() + had, 1, want, file_);
    buffer_.resize(had + got);
    left_ -= got;
    return buffer_.size() >= n;
  }
  bool Number(uint32_t* n) {
    if (!Need(sizeof *n)) return false;
    std::memcpy(n, buffer_.data() + at_, sizeof *n);
    at_ += sizeof *n;
    return true;
  }

  static constexpr size_t kBlock = size_t{1} << 20;
  std::FILE* file_;
  size_t left_;  // bytes of the section not yet read from the file
  std::string buffer_;
  size_t at_ = 0;
};

}  // namespace

Result<std::unique_ptr<ImportParts>, Error> ImportParts::Create(size_t parts) {
  std::vector<Part> made(parts);
  for (Part& p : made) {
    p.file = UnnamedTemporaryFile();
    if (p.file == nullptr) {
      auto failure = TempFailure("made");
      for (Part& q : made) {
        if (q.file != nullptr) std::fclose(q.file);
      }
      return failure;
    }
  }
  return std::unique_ptr<ImportParts>(new ImportParts(std::move(made)));
}

ImportParts::~ImportParts() {
  for (Part& p : parts_) std::fclose(p.file);
}

Status<Error> ImportParts::Add(
    const std::string& path, const std::string& name,
    const std::function<bool(const CsvTable&)>& on_header,
    const std::function<size_t(const CsvTable&, const CsvRow&)>& part_of) {
  // This file's section in each part, made at the part's first row of it.
  constexpr size_t kNone = static_cast<size_t>(-1);
  std::vector<size_t> sections(parts_.size(), kNone);
  std::vector<long> ends(parts_.size());
  for (size_t i = 0; i < parts_.size(); ++i) {
    if (std::fseek(parts_[i].file, 0, SEEK_END) != 0) return TempFailure("written");
    ends[i] = std::ftell(parts_[i].file);
  }
  std::string record;
  bool written = true;
  const auto header = [&](const CsvTable& table) {
    headers_[name] = table;
    return on_header(table);
  };
  const auto row = [&](const CsvTable& table, CsvRow&& r) {
    const size_t i = part_of(table, r);
    Part& part = parts_.at(i);
    if (sections[i] == kNone) {
      sections[i] = part.sections.size();
      part.sections.emplace_back(name, Section{ends[i], 0});
    }
    Encode(r, record);
    written = written && std::fwrite(record.data(), 1, record.size(), part.file) == record.size();
    ends[i] += static_cast<long>(record.size());
    ++part.sections[sections[i]].second.rows;
    part.sections[sections[i]].second.bytes += record.size();
  };
  auto read = ForEachCsvRowInFile(path, name, header, row);
  if (!written) return TempFailure("written");
  return read;
}

std::vector<std::string> ImportParts::Files(size_t part) const {
  std::vector<std::string> out;
  for (const auto& [name, section] : parts_.at(part).sections) out.push_back(name);
  return out;
}

const ImportParts::Section* ImportParts::Find(size_t part, const std::string& name) const {
  for (const auto& [n, section] : parts_.at(part).sections) {
    if (n == name) return &section;
  }
  return nullptr;
}

size_t ImportParts::Rows(size_t part, const std::string& name) const {
  const Section* s = Find(part, name);
  return s == nullptr ? 0 : s->rows;
}

Status<Error> ImportParts::ForEachRow(
    size_t part, const std::string& name, const std::function<bool(const CsvTable&)>& on_header,
    const std::function<void(const CsvTable&, CsvRow&&)>& on_row) const {
  const Section* section = Find(part, name);
  const auto header = headers_.find(name);
  if (section == nullptr || header == headers_.end()) return {};
  if (!on_header(header->second)) return {};
  std::FILE* file = parts_.at(part).file;
  if (std::fflush(file) != 0) return TempFailure("written");
  if (std::fseek(file, section->offset, SEEK_SET) != 0) return TempFailure("read back");
  SectionReader reader(file, section->bytes);
  for (size_t i = 0; i < section->rows; ++i) {
    CsvRow row;
    if (!reader.Next(&row)) return TempFailure("read back");
    on_row(header->second, std::move(row));
  }
  return {};
}

}  // namespace ontzorg
