#pragma once

// The rows of class sessions, read and written inside the callers'
// transactions (class_sessions.h): sessions, their students, who leads a
// class, and the licences a start hands out.

#include <optional>
#include <string>
#include <vector>

#include "lending/class_sessions.h"
#include "lending/model.h"
#include "storage/database.h"

namespace hondana::lending::records {

struct Student {
    int64_t id { 0 };
    std::string login_id;
    std::string display_name;
};

// NotFound when the session is not of this tenant.
[[nodiscard]] Result<ClassSessionView> load_session(
    storage::Database& db, int64_t tenant_id, std::string_view session_id);
// Scheduled and live sessions of a tenant, optionally only of some classes.
[[nodiscard]] Result<std::vector<ClassSessionView>> open_sessions(
    storage::Database& db, int64_t tenant_id, const std::optional<std::vector<int64_t>>& classes);
// Scheduled sessions due at `now`, of every tenant.
[[nodiscard]] Result<std::vector<ClassSessionView>> due_sessions(storage::Database& db, base::Timestamp now);

// Active students of a class, by login ID.
[[nodiscard]] Result<std::vector<Student>> class_students(storage::Database& db, int64_t class_id);
// The classes a user belongs to.
[[nodiscard]] Result<std::vector<int64_t>> user_classes(storage::Database& db, int64_t user_id);
// Forbidden unless the caller is a teacher of the class or an admin of its school (or tenant).
[[nodiscard]] Result<void> require_leader(storage::Database& db, const Caller& caller, int64_t class_id);
// The class named by the request, in the caller's tenant.
[[nodiscard]] Result<int64_t> resolve_class(storage::Database& db, const Caller& caller, const std::string& class_name,
    const std::optional<std::string>& school);

// The licences of a started session: user id → licence id.
[[nodiscard]] Result<std::map<int64_t, std::string>> session_licences(
    storage::Database& db, std::string_view session_id);

struct LicensingPlan {
    std::vector<Student> own;       // have an active loan of the title: kept
    std::vector<Student> held;      // a copy is held for them (ready reservation): becomes their own loan
    std::vector<Student> new_loans; // need a free copy
    std::vector<Student> refused;   // no copy left for them
    int64_t available { 0 };
    bool unlimited { false };
};

// Who gets which licence if the session starts now (settles the title first).
[[nodiscard]] Result<LicensingPlan> plan_licences(
    storage::Database& db, base::Timestamp now, const ClassSessionView& session, const std::string& tenant_slug);
// Creates the plan's loans and links every licence to the session.
[[nodiscard]] Result<void> grant_licences(storage::Database& db, base::Timestamp now, const ClassSessionView& session,
    const LicensingPlan& plan, const std::string& actor);
// The NotEnoughCopies error for a plan with refusals.
[[nodiscard]] Error refusal(const LicensingPlan& plan);

}
