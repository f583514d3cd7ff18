// The steps of a login after the password (issue 19): the second factor's code, a new password in
// place of one an admin set, setting up the second factor, and the recovery codes, shown once.
// Each is a form of its own session stage (web_app.cc); nothing else can be reached from there.
#include "adapters/web/web_internal.h"

namespace ontzorg::web {
namespace {

std::string Alert(const std::string& error) {
  return error.empty() ? "" : "<p class=\"error\" role=\"alert\">" + Html(error) + "</p>";
}

// The field for a 6-digit code (or a recovery code, when `recovery`).
std::string CodeField(const PageContext& p, bool recovery) {
  return "<label for=\"code\">" +
         (recovery ? T(p, "Code uit uw authenticator-app, of een herstelcode",
                       "Code from your authenticator app, or a recovery code")
                   : T(p, "Code uit uw authenticator-app", "Code from your authenticator app")) +
         "</label><input id=\"code\" name=\"code\" autocomplete=\"one-time-code\" "
         "inputmode=\"" +
         (recovery ? "text" : "numeric") + "\" required autofocus maxlength=\"" +
         (recovery ? "16" : "6") + "\">";
}

}  // namespace

std::string SecondFactorPage(const PageContext& p, const std::string& error) {
  std::string m = Alert(error);
  m += "<p>" +
       T(p,
         "Uw wachtwoord klopt. Vul nu de code van zes cijfers in die uw authenticator-app voor "
         "ontzorg toont. Telefoon kwijt? Gebruik een van uw herstelcodes (elke code werkt één "
         "keer) en vraag de beheerder uw tweede factor opnieuw in te stellen.",
         "Your password is right. Now enter the six-digit code your authenticator app shows for "
         "ontzorg. Lost your phone? Use one of your recovery codes (each works once) and ask the "
         "administrator to reset your second factor.") +
       "</p>";
  m += "<form method=\"post\" action=\"/login/code\" class=\"stack\">" + CsrfField(p) +
       CodeField(p, true) + "<button type=\"submit\">" + T(p, "Inloggen", "Log in") +
       "</button></form>";
  return Layout(p, T(p, "Tweede factor", "Second factor"), m);
}

std::string NewPasswordPage(const PageContext& p, const std::string& error) {
  std::string m = Alert(error);
  m += "<p>" +
       T(p,
         "Een beheerder heeft uw wachtwoord ingesteld. Kies nu uw eigen wachtwoord: alleen u kent "
         "het daarna.",
         "An administrator set your password. Choose your own now: after this, only you know "
         "it.") +
       "</p>";
  m += "<form method=\"post\" action=\"/login/password\" class=\"stack\">" + CsrfField(p) +
       "<input type=\"hidden\" name=\"user\" autocomplete=\"username\" value=\"" +
       Html(p.session.user) + "\"><label for=\"new_password\">" +
       T(p, "Nieuw wachtwoord (minstens 12 tekens)", "New password (at least 12 characters)") +
       "</label><input id=\"new_password\" name=\"password\" type=\"password\" "
       "autocomplete=\"new-password\" minlength=\"12\" required autofocus>"
       "<label for=\"repeat_password\">" +
       T(p, "Nieuw wachtwoord nog eens", "New password again") +
       "</label><input id=\"repeat_password\" name=\"repeat\" type=\"password\" "
       "autocomplete=\"new-password\" minlength=\"12\" required><button type=\"submit\">" +
       T(p, "Wachtwoord opslaan", "Save password") + "</button></form>";
  return Layout(p, T(p, "Kies uw wachtwoord", "Choose your password"), m);
}

std::string EnrolPage(const PageContext& p, const Enrolment& e, const std::string& error) {
  std::string m = Alert(error);
  m += "<p>" +
       T(p,
         "Voor uw rol is een tweede factor verplicht. Scan de QR-code met een authenticator-app "
         "op uw telefoon (bijvoorbeeld FreeOTP, Google Authenticator of Microsoft "
         "Authenticator), of typ de sleutel eronder over. Vul daarna de code in die de app toont.",
         "Your role needs a second factor. Scan the QR code with an authenticator app on your "
         "phone (for example FreeOTP, Google Authenticator or Microsoft Authenticator), or type "
         "the key below it. Then enter the code the app shows.") +
       "</p>";
  m += "<figure class=\"qr\">" + e.qr_svg + "<figcaption>" + T(p, "Sleutel", "Key") +
       ": <code id=\"totp-secret\">" + Html(e.secret) + "</code></figcaption></figure>";
  m += "<p class=\"muted\"><a href=\"" + Html(e.uri) + "\">" +
       T(p, "Open in een authenticator-app op dit apparaat",
         "Open in an authenticator app on this device") +
       "</a></p>";
  m += "<form method=\"post\" action=\"/login/second-factor\" class=\"stack\">" + CsrfField(p) +
       CodeField(p, false) + "<button type=\"submit\">" +
       T(p, "Tweede factor instellen", "Set up the second factor") + "</button></form>";
  return Layout(p, T(p, "Tweede factor instellen", "Set up a second factor"), m);
}

std::string RecoveryCodesPage(const PageContext& p, const std::vector<std::string>& codes) {
  std::string m = "<p role=\"status\">" +
                  T(p, "Uw tweede factor is ingesteld.", "Your second factor is set up.") +
                  "</p><p>" +
                  T(p,
                    "Dit zijn uw herstelcodes. Bewaar ze op papier of in een wachtwoordkluis: "
                    "zonder telefoon logt u ermee in, elke code één keer. Ze worden maar één keer "
                    "getoond.",
                    "These are your recovery codes. Keep them on paper or in a password manager: "
                    "without your phone you log in with them, each code once. They are shown "
                    "only this once.") +
                  "</p><ol id=\"recovery-codes\" class=\"codes\">";
  for (const std::string& c : codes) m += "<li><code>" + Html(c) + "</code></li>";
  m += "</ol><p><a href=\"/\">" + T(p, "Verder naar ontzorg", "Continue to ontzorg") + "</a></p>";
  return Layout(p, T(p, "Uw herstelcodes", "Your recovery codes"), m);
}

}  // namespace ontzorg::web
