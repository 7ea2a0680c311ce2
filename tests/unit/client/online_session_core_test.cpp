// What the sign-in screen takes from a refused sign-in: the attempts left,
// the stable error code and the sentence shown.

#include <gtest/gtest.h>

#include "core/online_session_core.h"

using namespace hondana;
using namespace hondana::client;

TEST(SignInFailure, attempts_left_come_from_the_service_problem_or_the_offline_store)
{
    EXPECT_EQ(remaining_attempts("[sync.invalid_credentials] POST /v1/auth/login: invalid-credentials (401): Wrong "
                                 "login ID or password — login ID or password is wrong remaining_attempts=9"),
        9);
    EXPECT_EQ(remaining_attempts("[store.wrong_password] wrong password (2 offline attempts left; remaining_attempts=2)"),
        2);
    EXPECT_EQ(remaining_attempts("remaining_attempts=0"), 0);
}

TEST(SignInFailure, numbers_elsewhere_in_the_message_are_not_taken_for_attempts)
{
    // The status code, a count in prose, a malformed or negative value: none is an attempt count.
    EXPECT_FALSE(remaining_attempts("[sync.invalid_credentials] login: invalid-credentials (401): 3 remaining"));
    EXPECT_FALSE(remaining_attempts("wrong password (2 offline attempts left)"));
    EXPECT_FALSE(remaining_attempts("remaining_attempts=x"));
    EXPECT_FALSE(remaining_attempts("remaining_attempts=-1"));
    EXPECT_FALSE(remaining_attempts(""));
}

TEST(SignInFailure, wrong_passwords_and_locks_have_their_own_sentences)
{
    reader::Error wrong { reader::ErrorKind::AuthFailed, "[sync.invalid_credentials] wrong remaining_attempts=4" };
    EXPECT_EQ(error_code_of(wrong), "sync.invalid_credentials");
    EXPECT_EQ(message_key_for(wrong), "signin.wrong_password");
    reader::Error locked { reader::ErrorKind::Locked, "account locked" };
    EXPECT_EQ(error_code_of(locked), "reader.locked");
    EXPECT_EQ(message_key_for(locked), "signin.locked");
}
