#include "adapters/cli/serve_command.h"

#include <CLI/CLI.hpp>
#include <csignal>
#include <ctime>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>

#include "adapters/web/server.h"
#include "adapters/web/web_app.h"

namespace ontzorg {
namespace {
HttpsServer* g_server = nullptr;
extern "C" void OnSignal(int) {
  if (g_server != nullptr) g_server->Stop();
}
}  // namespace

int ServeCommand(const Globals& g, const ServeOptions& o) {
  Config config;
  {
    Globals server = g;
    server.user.clear();              // the web app authenticates each person itself
    auto opened = OpenStore(server);  // refuses a missing store before listening
    if (!opened) return Report(opened.error());
    config = opened->config;
  }
  if (!o.address.empty()) config.web.address = o.address;
  if (o.port >= 0) config.web.port = o.port;
  std::mutex log_mu;
  const auto log = [&log_mu](const std::string& line) {
    std::lock_guard lock(log_mu);
    std::cerr << line << "\n";
  };
  WebApp app(
      config, [] { return static_cast<int64_t>(std::time(nullptr)); }, log);
  ServerHooks hooks;
  hooks.handle = [&app](const HttpRequest& r) { return app.Handle(r); };
  hooks.body_limit = [&app](const std::string& m, const std::string& p) {
    return app.BodyLimit(m, p);
  };
  hooks.log = log;
  hooks.slow = WebApp::HashesPassword;
  hooks.observed = [&app](const HttpResponse& r, double seconds) { app.Observe(r, seconds); };
  HttpsServer server(config.web, hooks);
  if (auto s = server.Start(); !s) return Report(s.error());
  g_server = &server;
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::cout << "ontzorg web app: https://" << config.web.address << ":" << server.port()
            << "/ (store "
            << (config.store_url.find("host=") != std::string::npos ||
                        config.store_url.find("dbname=") != std::string::npos
                    ? "PostgreSQL"
                    : config.store_url)
            << "; Ctrl-C stops)" << std::endl;
  server.Run();
  g_server = nullptr;
  std::cout << "stopped\n";
  return kExitOk;
}

void AddServeCommand(CLI::App& app, const Globals& g, CommandTable* table) {
  auto so = std::make_shared<ServeOptions>();
  auto* serve = app.add_subcommand("serve",
                                   "the coach and finance web app over HTTPS ([web] in "
                                   "the config; ./ops/web for the demo)");
  serve->add_option("--address", so->address, "listen address (default: [web] address)");
  serve->add_option("--port", so->port, "port (default: [web] port; 0: any free port)");
  table->Add(serve, [&g, so] { return ServeCommand(g, *so); });
}

}  // namespace ontzorg
