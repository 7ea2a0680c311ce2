#include "app/demo.h"

#include <ostream>

#include "lending/files.h"
#include "lending/sample_titles.h"

namespace hondana::app {

namespace {

constexpr const char* actor = "demo-setup";
constexpr const char* tenant = "demo-city";
constexpr const char* school = "本棚市立第一小学校";

struct DemoUser {
    const char* login;
    const char* name;
    lending::Role role;
    const char* klass;
    int level;
};

constexpr DemoUser demo_users[] = {
    { "s51-01", "青木 さくら", lending::Role::Student, "5年1組", 5 },
    { "s51-02", "石田 はると", lending::Role::Student, "5年1組", 4 },
    { "s51-03", "上野 ゆい", lending::Role::Student, "5年1組", 3 },
    { "s51-04", "遠藤 そうた", lending::Role::Student, "5年1組", 5 },
    { "s52-01", "大野 ひなた", lending::Role::Student, "5年2組", 5 },
    { "s52-02", "加藤 りく", lending::Role::Student, "5年2組", 4 },
    { "s52-03", "木村 めい", lending::Role::Student, "5年2組", 3 },
    { "s52-04", "小林 いつき", lending::Role::Student, "5年2組", 5 },
    { "t-sato", "佐藤 先生", lending::Role::Teacher, "", 0 },
    { "admin", "本棚 管理者", lending::Role::Admin, "", 0 },
};

const char* password_for(lending::Role role)
{
    switch (role) {
    case lending::Role::Student:
        return "Demo-Student-2026!";
    case lending::Role::Teacher:
        return "Demo-Teacher-2026!";
    case lending::Role::Admin:
        return "Hondana-Kanri-2026!";
    }
    return "";
}

std::vector<lending::SampleChapter> chapters(std::string_view language)
{
    if (language == "ja")
        return { { "第一章 京都の朝", { "きつねは朝早く本棚の前に座りました。", "今日はどの本を読もうかな。" } },
            { "第二章 図書館", { "学校の図書館には静かな時間が流れていました。" } } };
    return { { "Chapter 1: Morning in Kyoto", { "The fox sat down in front of the bookshelf.", "Which book today?" } },
        { "Chapter 2: The Library", { "The school library was quiet in the morning." } } };
}

lending::Result<nlohmann::json> add_titles(lending::LendingService& service, const std::filesystem::path& sources)
{
    struct Sample {
        const char* file;
        const char* title;
        const char* language;
        lending::Holding holding;
        int64_t copies;
        int level;
    };
    const Sample samples[] = {
        { "fox-in-kyoto.pdf", "The Fox in Kyoto (sample PDF)", "en", lending::Holding::Copies, 2, 3 },
        { "kyoto-no-kitsune.epub", "京都のきつね（サンプル）", "ja", lending::Holding::Copies, 1, 4 },
        { "class-reading.epub", "一斉読書サンプル", "ja", lending::Holding::ClassSet, 40, 3 },
    };
    nlohmann::json titles = nlohmann::json::array();
    for (const auto& sample : samples) {
        auto path = sources / sample.file;
        if (std::string_view(sample.file).ends_with(".pdf"))
            TRY(lending::write_sample_pdf(path, sample.title, chapters(sample.language)));
        else
            TRY(lending::write_sample_epub(path, sample.title, std::string("urn:hondana:sample:") + sample.file,
                sample.language, chapters(sample.language)));
        lending::NewTitle spec { path, sample.title, "Hondana", sample.language, "", sample.level, sample.holding,
            sample.copies };
        auto added = TRY(service.catalog().add_title(actor, tenant, spec));
        titles.push_back({ { "id", added.id }, { "title", added.title }, { "format", added.format } });
    }
    return titles;
}

lending::Result<nlohmann::json> add_people(lending::LendingService& service)
{
    nlohmann::json accounts = nlohmann::json::array();
    for (const auto& user : demo_users) {
        lending::NewUser spec;
        spec.login_id = user.login;
        spec.display_name = user.name;
        spec.role = user.role;
        if (user.role != lending::Role::Admin)
            spec.school = school;
        if (user.role == lending::Role::Student) {
            spec.classes = { user.klass };
            spec.reading_level = user.level;
        } else if (user.role == lending::Role::Teacher) {
            spec.classes = { "5年1組", "5年2組" };
        }
        spec.password = password_for(user.role);
        auto created = TRY(service.accounts().add_user(actor, tenant, spec));
        nlohmann::json account = { { "login_id", user.login }, { "display_name", user.name },
            { "role", lending::role_name(user.role) }, { "password", spec.password } };
        if (created.totp_secret_base32) {
            account["totp_secret"] = *created.totp_secret_base32;
            account["totp_uri"] = *created.totp_uri;
        }
        accounts.push_back(account);
    }
    return accounts;
}

lending::Result<nlohmann::json> create_demo(const std::filesystem::path& dir, const lending::Clock& clock)
{
    lending::DataDir data { dir };
    TRY(lending::init_data_dir(data));
    lending::PkiOptions pki;
    pki.organization = "Hondana Demo City";
    TRY(lending::init_pki(data.pki(), pki, clock.now()));
    auto service = TRY(lending::LendingService::open(data, clock));
    TRY(service->directory().add_tenant(actor, tenant, "Hondana Demo City"));
    TRY(service->directory().set_policy(actor, tenant, "teacher_totp", "true"));
    TRY(service->directory().add_school(actor, tenant, school));
    TRY(service->directory().add_class(actor, tenant, school, "5年1組"));
    TRY(service->directory().add_class(actor, tenant, school, "5年2組"));
    nlohmann::json summary;
    summary["tenant"] = tenant;
    summary["school"] = school;
    summary["accounts"] = TRY(add_people(*service));
    std::vector<std::string> ids;
    for (int i = 1; i <= 6; ++i)
        ids.push_back("tab-00" + std::to_string(i));
    auto devices = TRY(service->devices().add(actor, tenant, school, ids, "demo tablet"));
    summary["devices"] = nlohmann::json::array();
    for (const auto& device : devices)
        summary["devices"].push_back({ { "device_id", device.id }, { "enrolment_code", device.enrolment_code } });
    TRY(lending::make_directory(dir / "samples", 0755));
    summary["titles"] = TRY(add_titles(*service, dir / "samples"));
    TRY(lending::write_file(dir / "demo.json", drm::as_bytes(summary.dump(2) + "\n"), 0600));
    return summary;
}

}

lending::Result<nlohmann::json> prepare_demo(const std::filesystem::path& dir, const lending::Clock& clock)
{
    std::error_code ec;
    if (!std::filesystem::exists(dir / "demo.json", ec)) {
        if (std::filesystem::exists(dir / "keys", ec))
            return lending::fail(lending::ErrorKind::InvalidArgument,
                dir.string() + " is a data directory but not a demo one (no demo.json); use --data");
        return create_demo(dir, clock);
    }
    auto text = TRY(lending::read_text_file(dir / "demo.json"));
    auto summary = nlohmann::json::parse(text, nullptr, false);
    if (summary.is_discarded())
        return lending::fail(lending::ErrorKind::InvalidArgument, (dir / "demo.json").string() + " is not JSON");
    return summary;
}

void print_demo(const nlohmann::json& summary, const lending::LendingService& service, const std::string& service_url,
    std::ostream& out)
{
    const auto& pki = service.pki();
    out << "Hondana demo tenant " << summary.value("tenant", "") << " (" << summary.value("school", "") << ")\n\n";
    out << "Managed policy values for the reader:\n";
    out << "  service_url       " << service_url << "\n";
    out << "  tls_spki_pins     " << nlohmann::json(pki.tls_pins()).dump() << "\n";
    out << "  tenant_root_cert  " << pki.paths().root_certificate().string() << "\n\n";
    out << "Devices (device_id, enrolment_code):\n";
    for (const auto& device : summary["devices"])
        out << "  " << device["device_id"].get<std::string>() << "  " << device["enrolment_code"].get<std::string>()
            << "\n";
    out << "\nAccounts (login_id, password, role):\n";
    for (const auto& account : summary["accounts"]) {
        out << "  " << account["login_id"].get<std::string>() << "  " << account["password"].get<std::string>() << "  "
            << account["role"].get<std::string>();
        if (account.contains("totp_secret"))
            out << "  TOTP secret " << account["totp_secret"].get<std::string>() << " (SHA-256, 6 digits, 30 s)";
        out << "\n";
    }
    out << "\nTitles:\n";
    for (const auto& title : summary["titles"])
        out << "  " << title["id"].get<std::string>() << "  " << title["title"].get<std::string>() << "\n";
    out << "\nEverything above is also in " << (service.data_dir().root / "demo.json").string() << "\n";
}

}
