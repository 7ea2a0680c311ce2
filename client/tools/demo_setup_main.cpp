// hondana-demo-setup: turns what `hondana-lending --demo` reports into the
// reader's managed policy (and, for a headless demo, the walk-through script),
// and prints the demo accounts.
//   hondana-demo-setup --ready FILE --demo-json FILE --policy-out FILE
//                      [--device N] [--lang ja|en] [--script-out FILE --screenshots DIR]

#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>

#include "core/demo_setup.h"

int main(int argc, char** argv)
{
    using namespace hondana::client;
    CLI::App cli { "Writes the reader's policy for the Hondana demo" };
    std::string ready, demo_json, policy_out, script_out, screenshots, language = "ja", login = "s51-01";
    size_t device = 0;
    cli.add_option("--ready", ready, "the service's --ready-file")->required();
    cli.add_option("--demo-json", demo_json, "the demo's demo.json")->required();
    cli.add_option("--policy-out", policy_out, "where to write the policy")->required();
    cli.add_option("--device", device, "which demo device (0-based)");
    cli.add_option("--lang", language, "the policy's language");
    cli.add_option("--login", login, "the account the walk-through signs in as");
    cli.add_option("--script-out", script_out, "where to write the walk-through script");
    cli.add_option("--screenshots", screenshots, "where the walk-through writes screenshots");
    CLI11_PARSE(cli, argc, argv);

    auto demo = read_demo(ready, demo_json);
    if (!demo) {
        std::cerr << "hondana-demo-setup: " << demo.error().message << "\n";
        return 1;
    }
    if (device >= demo->devices.size()) {
        std::cerr << "hondana-demo-setup: the demo has " << demo->devices.size() << " devices\n";
        return 1;
    }
    std::ofstream(policy_out, std::ios::trunc) << demo_policy(*demo, device, language).dump(2) << "\n";
    if (!script_out.empty()) {
        auto account = std::find_if(demo->accounts.begin(), demo->accounts.end(), [&](const DemoAccount& a) { return a.login_id == login; });
        auto title = std::find_if(demo->titles.begin(), demo->titles.end(), [](const DemoTitle& t) { return t.format == "pdf"; });
        if (account == demo->accounts.end() || title == demo->titles.end()) {
            std::cerr << "hondana-demo-setup: no account " << login << " or no PDF title in the demo\n";
            return 1;
        }
        std::ofstream(script_out, std::ios::trunc) << demo_script(*account, *title, screenshots);
    }
    std::cout << "Demo accounts (login ID, password, role):\n";
    for (const auto& account : demo->accounts)
        std::cout << "  " << account.login_id << "  " << account.password << "  " << account.role << "\n";
    std::cout << "Device: " << demo->devices[device].device_id << "   policy: " << policy_out << "\n";
    return 0;
}
