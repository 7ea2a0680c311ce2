#include "core/demo_setup.h"

#include <fstream>
#include <sstream>

namespace hondana::client {

namespace {

DemoResult<nlohmann::json> read_json(const std::filesystem::path& path)
{
    std::ifstream in(path);
    if (!in)
        return base::fail(DemoError::Unreadable, "cannot read " + path.string());
    std::stringstream text;
    text << in.rdbuf();
    auto json = nlohmann::json::parse(text.str(), nullptr, false);
    if (!json.is_object())
        return base::fail(DemoError::Malformed, path.string() + " is not a JSON object");
    return json;
}

}

DemoResult<DemoService> read_demo(const std::filesystem::path& ready_file, const std::filesystem::path& demo_json)
{
    auto ready = TRY(read_json(ready_file));
    auto demo = TRY(read_json(demo_json));
    DemoService service;
    try {
        service.service_url = "https://" + ready.at("address").get<std::string>() + ":" + std::to_string(ready.at("port").get<int>()) + "/";
        service.pins = ready.at("pins").get<std::vector<std::string>>();
        service.root_certificate = ready.at("root_certificate").get<std::string>();
        for (const auto& device : demo.at("devices"))
            service.devices.push_back({ device.at("device_id").get<std::string>(), device.at("enrolment_code").get<std::string>() });
        for (const auto& account : demo.at("accounts"))
            service.accounts.push_back({ account.at("login_id").get<std::string>(), account.at("password").get<std::string>(),
                account.at("role").get<std::string>() });
        for (const auto& title : demo.at("titles"))
            service.titles.push_back({ title.at("id").get<std::string>(), title.at("title").get<std::string>(),
                title.at("format").get<std::string>() });
    } catch (const nlohmann::json::exception& error) {
        return base::fail(DemoError::Malformed, std::string("the demo's files lack a member: ") + error.what());
    }
    return service;
}

nlohmann::json demo_policy(const DemoService& demo, size_t device, const std::string& language)
{
    const auto& chosen = demo.devices.at(device);
    return {
        { "service_url", demo.service_url },
        { "tls_spki_pins", demo.pins },
        { "tenant_root_cert", demo.root_certificate },
        { "device_id", chosen.device_id },
        { "enrolment_code", chosen.enrolment_code },
        { "language", language },
    };
}

std::string demo_script(const DemoAccount& account, const DemoTitle& title, const std::filesystem::path& screenshots)
{
    auto shot = [&](const std::string& name) { return "screenshot " + (screenshots / (name + ".png")).string() + "\n"; };
    return "wait policy_loaded=true\n"
           "frames 3\n"
        + shot("status") + "click status.enrol\nwait enrolled=true screen=signin timeout=60\nwait network=trusted timeout=60\n"
        + "type signin.login_id " + account.login_id + "\ntype signin.password " + account.password + "\n" + shot("signin")
        + "click signin.submit\nwait signed_in=true screen=bookshelf timeout=120\n"
          "click nav.catalog\nwait screen=catalog catalog_loading=false timeout=60\nframes 5\n"
        + shot("catalog") + "click catalog.borrow:" + title.id + "\nwait screen=bookshelf loans=1 timeout=60\nframes 5\n"
        + "click bookshelf.download:" + title.id + "\nwait loans_ready=1 timeout=120\nframes 3\n" + shot("bookshelf")
        + "click bookshelf.open:" + title.id + "\nwait book_open=true pages_ready=true timeout=60\nframes 3\n"
        + shot("reader-page-1") + "key Right\nwait page=1 pages_ready=true\nframes 3\n" + shot("reader-page-2");
}

}
