#pragma once

// The school a session load run plays: classes c001… of North School, each
// with one teacher (t001…) and its students (c001-s01…), every one of them
// signed in on a tablet of their own, all through the real hondana-admin and
// the real HTTP API.

#include <string>
#include <vector>

#include "service_harness.h"
#include "tls_client.h"

namespace hondana::bench {

struct Member {
    std::string login_id;
    test::DeviceCredentials device;
    std::string access_token;
    size_t class_index { 0 };
};

struct School {
    std::vector<std::string> classes;
    std::vector<Member> teachers; // one per class, same index
    std::vector<Member> students; // class_index * per_class + n
    size_t per_class { 0 };
};

struct SeedOptions {
    size_t classes { 1 };
    size_t per_class { 40 };
    size_t threads { 8 }; // concurrent enrolments and sign-ins
};

// Seeds the school; on failure prints why to standard error and returns false.
bool seed_school(test::ServiceHarness& service, const SeedOptions& options, School& school);

}
