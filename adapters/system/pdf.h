// HTML to PDF through headless Chromium (Debian's chromium package: the same browser the web
// app's browser tests drive). Chosen over WeasyPrint (also in Debian) because Chromium shapes
// and lays out right-to-left Arabic text the way the statement's HTML preview shows it, and over
// a PDF library because the statement already is one HTML page with an A4 print stylesheet: one
// layout, one text file per language, no second rendering path to keep in step.
//
// Chromium starts once per call (about half a second): statements are rendered on demand, one
// client at a time (`ontzorg statement --pdf`, the web app's "PDF" link), not in the month's run.
#ifndef ONTZORG_ADAPTERS_SYSTEM_PDF_H_
#define ONTZORG_ADAPTERS_SYSTEM_PDF_H_

#include <string>

#include "adapters/error.h"

namespace ontzorg {

// The browser used: $ONTZORG_CHROMIUM, else /usr/bin/chromium.
std::string ChromiumPath();

// Prints the HTML document `html` (which loads nothing from elsewhere) to a PDF at `pdf_path`,
// with the page size and margins of its own @page rule and no browser header or footer. Refused
// with kIo naming the browser when it is missing, fails, or takes longer than 60 seconds.
Status<Error> HtmlToPdf(const std::string& html, const std::string& pdf_path);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_SYSTEM_PDF_H_
