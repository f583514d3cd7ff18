// One client's statement of one month, as the client keeps it (issue 17): for a month that was
// booked, the payments as booked, the loan from the ledger, and what became of each payment (it
// will be paid until the bank booked it; a rejected, returned or stopped payment is named); for a
// month not yet booked, the month as the engine would compute it now (nothing is booked). With the
// municipality's address block and phone, the client's address and their coach's name and phone.
// Shared by `ontzorg statement` and the web app's PDF link.
#ifndef ONTZORG_ADAPTERS_APP_CLIENT_STATEMENT_H_
#define ONTZORG_ADAPTERS_APP_CLIENT_STATEMENT_H_

#include <memory>

#include "adapters/config/config.h"
#include "adapters/error.h"
#include "adapters/statement/client_texts.h"
#include "adapters/statement/statement.h"
#include "adapters/storage/store.h"

namespace ontzorg {

struct ClientStatement {
  // The client's municipality's configuration the statement was made with: `data.policy` points
  // into it, so it is kept here, on the heap, for as long as the statement (moves included).
  std::shared_ptr<const Config> config;
  StatementData data;
  ClientTexts texts;    // the client's language (the default language when it has no file)
  bool booked = false;  // false: a preview of a month not yet run
  std::string Html() const { return RenderStatementHtml(data, texts); }
};
Result<ClientStatement, Error> LoadClientStatement(const Config& config, Store& store,
                                                   const ClientId& client, YearMonth month);

// The month as booked for one client: `computed` (the engine's hand-over states and the bills
// the client pays) with the payments, the entries and the credit as the store holds them.
Status<Error> BookedClientMonth(Store& store, const ClientId& client, YearMonth month,
                                ClientMonth* computed);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_APP_CLIENT_STATEMENT_H_
