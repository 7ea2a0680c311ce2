#pragma once

// Class sessions against the real service: the harness's class 5-1 (teacher
// sensei, students hanako and taro) plus a third student "mika"; class 5-2
// with its own teacher "aoi" and student "ken"; each on a tablet of its own.

#include <fstream>
#include <sstream>

#include "event_stream_client.h"
#include "hondana/base/time.h"
#include "integration_fixture.h"

namespace hondana::test {

class SessionsIntegration : public ServiceTest {
protected:
    void SetUp() override
    {
        ServiceTest::SetUp();
        if (HasFatalFailure())
            return;
        std::string csv = "login_id,display_name,role,school,class,reading_level,password\n";
        csv += std::string("mika,Mika,student,North School,5-1,5,") + harness_password + "\n";
        csv += std::string("ken,Ken,student,North School,5-2,5,") + harness_password + "\n";
        csv += std::string("aoi,Aoi,teacher,North School,5-2,,") + harness_password + "\n";
        std::ofstream(service().work_dir() / "class.csv") << csv;
        std::string out;
        ASSERT_EQ(service().admin({ "user", "import", (service().work_dir() / "class.csv").string() }, &out), 0) << out;
        ASSERT_EQ(
            service().admin({ "device", "add", "--count", "4", "--prefix", "sess-", "--school", "North School" }, &out),
            0)
            << out;
        std::istringstream lines(out);
        for (std::string line; std::getline(lines, line);) {
            auto first = line.find(','), last = line.rfind(',');
            if (line.rfind("sess-", 0) == 0)
                m_devices.push_back(
                    { line.substr(0, first), line.substr(first + 1, last - first - 1), "North School" });
        }
        ASSERT_EQ(m_devices.size(), 4u) << out;
        title_id = add_title("Class Reader", 5);
        teacher = signed_in(0, "teacher");
        students.push_back(signed_in(1, "student"));  // hanako
        students.push_back(signed_in(2, "student2")); // taro
        students.push_back(join("mika", "student", 0));
        outsider = join("ken", "student", 1);
        other_teacher = join("aoi", "teacher", 2);
    }

    // Signs `login` in on the fixture's extra tablet `device`.
    Session join(const std::string& login, const std::string& role, size_t device)
    {
        Session session;
        session.device = enrol_device(service(), m_devices.at(device));
        session.client = std::make_unique<TlsClient>(service(), session.device);
        auto reply = sign_in(*session.client, { login, harness_password, role, "North School", std::nullopt });
        EXPECT_EQ(reply.status, 200u) << reply.body;
        if (reply.status == 200) {
            session.access = reply.json()["access_token"].get<std::string>();
            session.user = reply.json()["user"];
        }
        return session;
    }

    std::string add_title(const std::string& name, int copies)
    {
        std::string out;
        EXPECT_EQ(service().admin({ "title", "add", (service().work_dir() / "sample.epub").string(), "--title", name,
                                      "--copies", std::to_string(copies) },
                      &out),
            0)
            << out;
        return out.size() > 6 ? out.substr(6, out.find(' ', 6) - 6) : std::string();
    }

    // An open event stream of `who`, past its opening `sync` event.
    std::unique_ptr<EventStreamClient> stream_of(const Session& who)
    {
        auto stream = std::make_unique<EventStreamClient>(service(), who.device);
        auto head = stream->open(who.access);
        EXPECT_EQ(head.status, 200u) << head.body;
        EXPECT_EQ(head.header("content-type"), "text/event-stream; charset=utf-8");
        auto sync = stream->next();
        EXPECT_TRUE(sync && sync->type == "sync") << (sync ? sync->type : "no event");
        return stream;
    }

    HttpReply create(const Session& who, const std::string& class_name, const std::string& mode = "free",
        std::optional<std::chrono::seconds> in = std::nullopt, const std::string& title = {})
    {
        nlohmann::json body
            = { { "class", class_name }, { "title_id", title.empty() ? title_id : title }, { "mode", mode } };
        if (in)
            body["start_at"] = base::format_rfc3339(base::now_utc() + *in);
        return who.client->post("/v1/sessions", body, who.access);
    }

    HttpReply act(const Session& who, const std::string& session_id, const std::string& verb,
        const nlohmann::json& body = nullptr)
    {
        return who.client->post("/v1/sessions/" + session_id + "/" + verb, body, who.access);
    }

    std::string title_id;
    Session teacher;
    std::vector<Session> students;
    Session outsider;
    Session other_teacher;

private:
    std::vector<HarnessDevice> m_devices;
};

}
