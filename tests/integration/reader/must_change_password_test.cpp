// A password an administrator issued must be changed at the first sign-in
// (docs/reader.md "A password to change at first sign-in"): hondana-cli
// against the real lending service, after `hondana-admin user reset-password`
// generated one.

#include <fstream>
#include <regex>

#include "service_fixture.h"

using namespace hondana;
using test::contains;

namespace {

class MustChangePassword : public test::ReaderServiceTest {
protected:
    // Resets the password of `login` with a generated one (so a temporary one) and returns it.
    std::string reset_with_generated_password(const std::string& login)
    {
        std::string output;
        EXPECT_EQ(service().admin({ "user", "reset-password", login }, &output), 0) << output;
        std::smatch match;
        EXPECT_TRUE(std::regex_search(output, match, std::regex("new password: (\\S+)"))) << output;
        return match.empty() ? std::string() : match[1].str();
    }

    // `hondana-admin user reset-password LOGIN --password-stdin [more]` with `password` on stdin; its exit code.
    int reset_with_chosen_password(const std::string& login, const std::string& password, std::vector<std::string> more)
    {
        auto input = dir() / "admin-stdin";
        std::ofstream(input) << password << "\n";
        std::string command = std::string("exec '") + HONDANA_ADMIN + "' --data '" + service().data_dir().string()
            + "' --yes user reset-password '" + login + "' --password-stdin";
        for (const auto& word : more)
            command += " '" + word + "'";
        test::ChildProcess child({ "/bin/sh", "-c", command + " <'" + input.string() + "' 2>&1" });
        int code = child.wait();
        EXPECT_EQ(code, 0) << child.output();
        return code;
    }
};

constexpr const char* chosen_password = "Momiji-Leaves-42!";
constexpr int password_change_required_exit = 18;

}

TEST_F(MustChangePassword, a_generated_password_is_changed_with_hondana_cli_password_before_anything_else_works)
{
    auto pad = tablet(0);
    auto login = service().student(0).first;
    ASSERT_EQ(cli(pad, { "enrol" }).exit_code, 0);
    auto issued = reset_with_generated_password(login);
    ASSERT_FALSE(issued.empty());
    std::string issued_line = issued + "\n";

    // Signing in works and says what to do next.
    auto signed_in = cli(pad, { "login", login }, issued_line);
    ASSERT_EQ(signed_in.exit_code, 0) << signed_in.err;
    EXPECT_TRUE(contains(signed_in.out, "password change required")) << signed_in.out;
    EXPECT_TRUE(contains(signed_in.out, "hondana-cli password")) << signed_in.out;

    // Everything else is refused with its own exit code and the same advice.
    for (const std::vector<std::string>& args : { std::vector<std::string> { "catalog" }, { "loans" } }) {
        auto refused = cli(pad, args, issued_line);
        EXPECT_EQ(refused.exit_code, password_change_required_exit) << args[0] << ": " << refused.err;
        EXPECT_TRUE(contains(refused.err, "error password_change_required [sync.password_change_required]"))
            << refused.err;
        EXPECT_TRUE(contains(refused.err, "run hondana-cli password")) << refused.err;
    }

    auto changed = cli(pad, { "password" }, issued_line + chosen_password + "\n" + chosen_password + "\n");
    ASSERT_EQ(changed.exit_code, 0) << changed.err;
    EXPECT_TRUE(contains(changed.out, "password changed for " + login)) << changed.out;

    // From now on the catalog answers, and the issued password is gone.
    std::string chosen_line = std::string(chosen_password) + "\n";
    auto catalog = cli(pad, { "catalog" }, chosen_line);
    EXPECT_EQ(catalog.exit_code, 0) << catalog.err;
    EXPECT_TRUE(contains(catalog.out, "title ")) << catalog.out;
    EXPECT_EQ(cli(pad, { "catalog" }, issued_line).exit_code, 8);
    auto again = cli(pad, { "login", login }, chosen_line);
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_FALSE(contains(again.out, "password change required")) << again.out;
}

TEST_F(MustChangePassword, a_password_the_admin_gives_on_stdin_is_kept_unless_marked_temporary)
{
    auto pad = tablet(0);
    auto login = service().student(0).first;
    ASSERT_EQ(cli(pad, { "enrol" }).exit_code, 0);
    // --password-stdin alone: the user keeps it.
    ASSERT_EQ(reset_with_chosen_password(login, "Kaede-Turns-31!", {}), 0);
    auto kept = cli(pad, { "login", login }, "Kaede-Turns-31!\n");
    ASSERT_EQ(kept.exit_code, 0) << kept.err;
    EXPECT_FALSE(contains(kept.out, "password change required")) << kept.out;
    EXPECT_EQ(cli(pad, { "catalog" }, "Kaede-Turns-31!\n").exit_code, 0);
    // --temporary: it must be changed.
    ASSERT_EQ(reset_with_chosen_password(login, "Kaede-Falls-32!", { "--temporary" }), 0);
    auto temporary = cli(pad, { "login", login }, "Kaede-Falls-32!\n");
    ASSERT_EQ(temporary.exit_code, 0) << temporary.err;
    EXPECT_TRUE(contains(temporary.out, "password change required")) << temporary.out;
    EXPECT_EQ(cli(pad, { "catalog" }, "Kaede-Falls-32!\n").exit_code, password_change_required_exit);
}
