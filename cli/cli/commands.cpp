#include "commands.h"

#include <iostream>

#include "terminal.h"

namespace hondana::cli {

using reader::ErrorKind;

namespace {

std::string time_text(base::Timestamp time)
{
    return base::format_rfc3339(time);
}

// Why every other command is refused until the password is changed, and what to do.
constexpr const char* must_change_notice
    = "the password was issued by an administrator and must be changed now: "
      "run hondana-cli password (until then the service refuses every other command but logout)";

void print_loan(const sync::Loan& loan)
{
    std::cout << "loan " << loan.id << " title " << loan.title_id << " \"" << loan.title << "\" status " << loan.status
              << " until " << time_text(loan.end) << " renewals " << loan.renewals << "\n";
}

}

int report(const reader::Error& error)
{
    std::cerr << "hondana-cli: error " << reader::error_name(error.kind) << " " << error.message << "\n";
    if (error.kind == ErrorKind::PasswordChangeRequired)
        std::cerr << "hondana-cli: " << must_change_notice << "\n";
    return reader::exit_code(error.kind);
}

std::optional<int> resume_as(reader::Reader& reader, std::optional<reader::SignInResult>& signed_in)
{
    auto password = read_secret("Password: ");
    if (!password)
        return report({ ErrorKind::Usage, "no password given on the terminal or stdin" });
    auto resumed = reader.resume(*password);
    std::fill(password->begin(), password->end(), '\0');
    if (!resumed)
        return report(resumed.error());
    signed_in = std::move(*resumed);
    return std::nullopt;
}

std::optional<int> resume(reader::Reader& reader)
{
    std::optional<reader::SignInResult> ignored;
    return resume_as(reader, ignored);
}

int run_enrol(reader::Reader& reader)
{
    bool was_enrolled = reader.enrolled();
    auto enrolment = reader.enrol();
    if (!enrolment)
        return report(enrolment.error());
    std::cout << (was_enrolled ? "already enrolled: " : "enrolled: ") << enrolment->device_id << " tenant "
              << enrolment->tenant << " school " << enrolment->school << "\n";
    return 0;
}

int run_login(reader::Reader& reader, const std::string& login_id, bool keep_data)
{
    auto password = read_secret("Password: ");
    if (!password)
        return report({ ErrorKind::Usage, "no password given on the terminal or stdin" });
    std::optional<std::string> previous;
    if (keep_data && !(previous = read_secret("Previous password (to keep this tablet's data): ")))
        return report({ ErrorKind::Usage, "--keep-data needs the previous password on the terminal or stdin" });
    auto result = reader.sign_in(login_id, *password, std::nullopt, previous);
    if (!result && result.error().message.starts_with("[sync.totp_required]")) {
        auto code = read_secret("TOTP code: ");
        if (!code)
            return report({ ErrorKind::AuthFailed, "[sync.totp_required] this account needs a TOTP code" });
        result = reader.sign_in(login_id, *password, *code, previous);
    }
    std::fill(password->begin(), password->end(), '\0');
    if (previous)
        std::fill(previous->begin(), previous->end(), '\0');
    if (!result)
        return report(result.error());
    std::cout << "signed in " << (result->mode == store::SignInMode::Online ? "online" : "offline") << " as "
              << result->user.login_id << " (" << result->user.display_name << ", " << result->user.role << ")\n";
    if (result->user.must_change_password)
        std::cout << "password change required: " << must_change_notice << "\n";
    return 0;
}

int run_logout(reader::Reader& reader)
{
    if (auto failed = resume(reader))
        return *failed;
    auto result = reader.sign_out();
    if (!result)
        return report(result.error());
    std::cout << "signed out\n";
    return 0;
}

int run_catalog(reader::Reader& reader, const std::string& query, int page)
{
    if (auto failed = resume(reader))
        return *failed;
    auto catalog = reader.catalog(query, page);
    if (!catalog)
        return report(catalog.error());
    for (const auto& entry : catalog->entries)
        std::cout << "title " << entry.id << " \"" << entry.title << "\" " << entry.language << " available "
                  << entry.available << "/" << entry.copies << " queue " << entry.queue << "\n";
    std::cout << "page " << catalog->page << " of " << catalog->total << " titles"
              << (catalog->has_next ? " (more)" : "") << "\n";
    return 0;
}

int run_loans(reader::Reader& reader)
{
    if (auto failed = resume(reader))
        return *failed;
    auto list = reader.loans();
    if (!list)
        return report(list.error());
    for (const auto& loan : list->loans)
        print_loan(loan);
    for (const auto& reservation : list->reservations)
        std::cout << "reservation " << reservation.id << " title " << reservation.title_id << " position "
                  << reservation.position << " status " << reservation.status << "\n";
    return 0;
}

int run_borrow(reader::Reader& reader, const std::string& title_id)
{
    if (auto failed = resume(reader))
        return *failed;
    auto loan = reader.borrow(title_id);
    if (!loan)
        return report(loan.error());
    print_loan(*loan);
    return 0;
}

int run_reserve(reader::Reader& reader, const std::string& title_id)
{
    if (auto failed = resume(reader))
        return *failed;
    auto reservation = reader.reserve(title_id);
    if (!reservation)
        return report(reservation.error());
    std::cout << "reservation " << reservation->id << " title " << reservation->title_id << " position "
              << reservation->position << "\n";
    return 0;
}

int run_return(reader::Reader& reader, const std::string& id)
{
    if (auto failed = resume(reader))
        return *failed;
    auto loan = reader.return_loan(id);
    if (!loan)
        return report(loan.error());
    print_loan(*loan);
    std::cout << "erased the title's key and content from this device\n";
    return 0;
}

int run_renew(reader::Reader& reader, const std::string& id)
{
    if (auto failed = resume(reader))
        return *failed;
    auto loan = reader.renew_loan(id);
    if (!loan)
        return report(loan.error());
    print_loan(*loan);
    return 0;
}

int run_download(reader::Reader& reader, const std::string& title_id)
{
    if (auto failed = resume(reader))
        return *failed;
    uint64_t last_percent = 101;
    auto result = reader.download(title_id, [&](uint64_t have, uint64_t total) {
        uint64_t percent = total ? have * 100 / total : 0;
        if (percent != last_percent) {
            last_percent = percent;
            std::cerr << "\rdownloading " << title_id << ": " << percent << "% (" << have << "/" << total << ")"
                      << std::flush;
        }
    });
    if (last_percent != 101)
        std::cerr << "\n";
    if (!result)
        return report(result.error());
    std::cout << "downloaded " << title_id << " " << result->length << " bytes, verified"
              << (result->already_complete ? " (already complete)" : "")
              << (result->resumes ? " after " + std::to_string(result->resumes) + " resumes" : "") << "\n";
    return 0;
}

int run_open(reader::Reader& reader, const std::string& title_id)
{
    if (auto failed = resume(reader))
        return *failed;
    auto opened = reader.open_title(title_id);
    if (!opened)
        return report(opened.error());
    std::cout << "opened " << opened->title_id << " " << opened->format << " " << opened->main_resource << " "
              << opened->plaintext_bytes << " bytes decrypted in memory; loan ends " << time_text(opened->loan_end)
              << "; offline reading until " << time_text(opened->offline_until) << "\n";
    return 0;
}

int run_doctor(reader::Reader& reader)
{
    auto report_lines = reader.doctor();
    for (const auto& [key, value] : report_lines.lines)
        std::cout << key << ": " << value << "\n";
    std::cout << "health: " << (report_lines.healthy ? "ok" : "problems found") << "\n";
    return report_lines.healthy ? 0 : reader::exit_code(ErrorKind::Store);
}

int run_wipe(reader::Reader& reader, bool confirmed)
{
    if (!confirmed)
        return report({ ErrorKind::Usage,
            "wipe erases every user's books, notes and keys on this device; run again with --yes to confirm" });
    auto result = reader.wipe("wipe requested on the command line");
    if (!result)
        return report(result.error());
    for (const auto& item : result->erased)
        std::cout << "erased " << item << "\n";
    std::cout << "wiped\n";
    return 0;
}

}
