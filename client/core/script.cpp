#include "core/script.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace hondana::client {

namespace {

std::vector<std::string> words(const std::string& line)
{
    std::vector<std::string> out;
    std::istringstream in(line);
    for (std::string word; in >> word;)
        out.push_back(word);
    return out;
}

ScriptResult<Condition> parse_condition(const std::string& word, int line)
{
    auto equals = word.find('=');
    if (equals == std::string::npos || equals == 0)
        return base::fail(ScriptError::Syntax, "line " + std::to_string(line) + ": expected name=value, got " + word);
    return Condition { word.substr(0, equals), word.substr(equals + 1) };
}

ScriptResult<float> parse_fraction(const std::string& word, int line)
{
    try {
        float value = std::stof(word);
        if (value < 0 || value > 1)
            throw std::out_of_range(word);
        return value;
    } catch (const std::exception&) {
        return base::fail(
            ScriptError::Syntax, "line " + std::to_string(line) + ": expected a fraction 0..1, got " + word);
    }
}

ScriptResult<ScriptStep> parse_line(const std::vector<std::string>& w, int line)
{
    ScriptStep step;
    step.line = line;
    const std::string& verb = w[0];
    auto need = [&](size_t count) -> ScriptResult<void> {
        if (w.size() < count)
            return base::fail(
                ScriptError::Syntax, "line " + std::to_string(line) + ": " + verb + " needs more arguments");
        return {};
    };
    if (verb == "click") {
        TRY(need(2));
        step.kind = StepKind::Click;
        step.target = w[1];
    } else if (verb == "click-at") {
        TRY(need(3));
        step.kind = StepKind::ClickAt;
        step.x = TRY(parse_fraction(w[1], line));
        step.y = TRY(parse_fraction(w[2], line));
    } else if (verb == "type") {
        TRY(need(3));
        step.kind = StepKind::Type;
        step.target = w[1];
        for (size_t i = 2; i < w.size(); ++i)
            step.text += (i > 2 ? " " : "") + w[i];
    } else if (verb == "key" || verb == "swipe" || verb == "screenshot" || verb == "state") {
        TRY(need(2));
        step.kind = verb == "key"  ? StepKind::Key
            : verb == "swipe"      ? StepKind::Swipe
            : verb == "screenshot" ? StepKind::Screenshot
                                   : StepKind::State;
        step.target = w[1];
        if (step.kind == StepKind::Swipe && step.target != "left" && step.target != "right")
            return base::fail(ScriptError::Syntax, "line " + std::to_string(line) + ": swipe left or swipe right");
    } else if (verb == "wait" || verb == "expect") {
        TRY(need(2));
        step.kind = verb == "wait" ? StepKind::Wait : StepKind::Expect;
        for (size_t i = 1; i < w.size(); ++i) {
            auto condition = TRY(parse_condition(w[i], line));
            if (condition.name == "timeout")
                step.timeout_seconds = std::atof(condition.value.c_str());
            else
                step.conditions.push_back(condition);
        }
    } else if (verb == "wait-file") {
        TRY(need(2));
        step.kind = StepKind::WaitFile;
        step.target = w[1];
        for (size_t i = 2; i < w.size(); ++i) {
            auto condition = TRY(parse_condition(w[i], line));
            if (condition.name != "timeout")
                return base::fail(ScriptError::Syntax, "line " + std::to_string(line) + ": wait-file PATH [timeout=S]");
            step.timeout_seconds = std::atof(condition.value.c_str());
        }
    } else if (verb == "frames") {
        TRY(need(2));
        step.kind = StepKind::Frames;
        step.count = std::max(1, std::atoi(w[1].c_str()));
    } else if (verb == "quit") {
        step.kind = StepKind::Quit;
    } else {
        return base::fail(ScriptError::Syntax, "line " + std::to_string(line) + ": unknown step " + verb);
    }
    return step;
}

std::string as_text(const nlohmann::json& value)
{
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_number_float()) {
        std::ostringstream out;
        out << value.get<double>();
        return out.str();
    }
    return value.dump();
}

}

ScriptResult<std::vector<ScriptStep>> parse_script(std::string_view text)
{
    std::vector<ScriptStep> steps;
    std::istringstream in { std::string(text) };
    int number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        auto w = words(line);
        if (w.empty() || w[0].starts_with('#'))
            continue; // a blank line or a comment line
        // Elsewhere a comment starts at a '#' after a space; a `type` line's
        // text is taken whole (a generated password may hold a '#').
        if (w[0] != "type") {
            auto at = std::find_if(w.begin(), w.end(), [](const std::string& word) { return word.starts_with('#'); });
            w.erase(at, w.end());
        }
        steps.push_back(TRY(parse_line(w, number)));
    }
    return steps;
}

ScriptResult<std::vector<ScriptStep>> load_script(const std::filesystem::path& path)
{
    std::ifstream in(path);
    if (!in)
        return base::fail(ScriptError::Unreadable, "cannot read script " + path.string());
    std::stringstream text;
    text << in.rdbuf();
    return parse_script(text.str());
}

bool conditions_hold(const nlohmann::json& state, const std::vector<Condition>& conditions)
{
    return describe_mismatch(state, conditions).empty();
}

std::string describe_mismatch(const nlohmann::json& state, const std::vector<Condition>& conditions)
{
    for (const auto& condition : conditions) {
        if (!state.contains(condition.name))
            return "the state has no " + condition.name;
        auto actual = as_text(state[condition.name]);
        if (actual != condition.value)
            return condition.name + " is " + actual + ", not " + condition.value;
    }
    return {};
}

}
