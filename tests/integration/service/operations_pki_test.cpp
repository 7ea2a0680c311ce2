// hondana-admin pki rotate-tls (REQ CRY-2): the backup key the tablets pin
// already becomes the served key, so a tablet with the old policy keeps
// connecting; the retired key is gone.

#include "integration_fixture.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>

namespace fs = std::filesystem;
using namespace hondana;
using namespace hondana::test;

namespace {

class OperationsPki : public ServiceTest { };

// curl's exit code for /healthz with these pins ("sha256//A;sha256//B").
int curl_with_pins(const ServiceHarness& service, const std::vector<std::string>& pins)
{
    std::string pinned;
    for (const auto& pin : pins)
        pinned += (pinned.empty() ? "sha256//" : ";sha256//") + pin;
    std::string command = "curl -sS -o /dev/null --max-time 10 --cacert " + service.root_certificate().string()
        + " --pinnedpubkey '" + pinned + "' " + service.url() + "/healthz 2>/dev/null";
    int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string file_text(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return { std::istreambuf_iterator<char>(in), {} };
}

}

TEST_F(OperationsPki, rotate_tls_promotes_the_backup_pin_and_old_policies_keep_connecting)
{
    auto old_pins = service().pins();
    ASSERT_EQ(old_pins.size(), 2u);
    auto old_key = file_text(service().data_dir() / "pki" / "tls.key");
    std::string output;
    EXPECT_EQ(service().admin({ "pki", "rotate-tls", "--root-key", "/nonexistent/root.key" }, &output), 1) << output;
    EXPECT_EQ(file_text(service().data_dir() / "pki" / "tls.key"), old_key) << "nothing changed on a refusal";
    // No --dns/--ip: the new certificate keeps the names of the current one
    // (the service is reached as 127.0.0.1; curl checks the name below).
    ASSERT_EQ(service().admin({ "pki", "rotate-tls" }, &output), 0) << output;
    auto pins = nlohmann::json::parse(file_text(service().data_dir() / "pki" / "pins.json"))["tls_spki_pins"];
    ASSERT_EQ(pins.size(), 2u);
    EXPECT_EQ(pins[0], old_pins[1]) << "the backup key is now the current one";
    EXPECT_NE(pins[1], old_pins[0]);
    EXPECT_NE(pins[1], old_pins[1]);
    EXPECT_NE(file_text(service().data_dir() / "pki" / "tls.key"), old_key);
    EXPECT_FALSE(fs::exists(service().data_dir() / "pki" / "tls.key.retired"));

    ASSERT_TRUE(service().restart()) << service().error();
    EXPECT_EQ(curl_with_pins(service(), old_pins), 0) << "a tablet with the old policy still connects";
    EXPECT_EQ(curl_with_pins(service(), { pins[0].get<std::string>() }), 0);
    EXPECT_NE(curl_with_pins(service(), { old_pins[0] }), 0) << "the retired key is no longer served";
    ASSERT_EQ(
        service().admin({ "export", "audit", "--output", (service().work_dir() / "a.jsonl").string() }, &output), 0);
    EXPECT_NE(file_text(service().work_dir() / "a.jsonl").find("admin.pki.rotate_tls"), std::string::npos);

    // Names given replace the kept ones: a certificate for another name only is refused by a client reaching 127.0.0.1.
    ASSERT_EQ(service().admin({ "pki", "rotate-tls", "--dns", "lending.city.example.jp" }, &output), 0) << output;
    ASSERT_TRUE(service().restart()) << service().error();
    EXPECT_NE(curl_with_pins(service(), { pins[1].get<std::string>() }), 0) << "the name no longer matches";
}
