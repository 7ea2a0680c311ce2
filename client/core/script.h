#pragma once

// `hondana --script FILE`: a test or demo drives the reader the way a person
// does. One step a line. A line starting with `#` is a comment; on other
// lines a word starting with `#` begins one, except on `type` lines, whose
// text is taken whole (a password may hold a `#`, even at its start).
//
//   click ID              click the control labelled ID (its catalog key, or key:item)
//   click-at X Y          click at a point given as fractions of the window (0..1)
//   type ID TEXT…         click the field ID, then type TEXT
//   key NAME              press a key: Right, Left, PageDown, PageUp, Home, End, Escape, Enter, plus, minus
//   swipe left|right      a touch swipe across the window
//   wait COND… [timeout=S] wait until every COND (name=value, on the queried state) holds
//   expect COND…          fail unless every COND holds now
//   screenshot PATH       write the window as PNG
//   state PATH            write the queried state as JSON
//   frames N              let N frames pass
//   wait-file PATH [timeout=S] wait until PATH exists (so two readers' scripts
//                         can keep step: one writes `state PATH`, the other waits)
//   quit                  end the reader
//
// The reader exits with status 0 when the script ends, 2 when a step fails
// (the message says which line and why).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hondana/base/result.h"

namespace hondana::client {

enum class ScriptError { Unreadable, Syntax };
template<typename T> using ScriptResult = base::Result<T, ScriptError>;

enum class StepKind { Click, ClickAt, Type, Key, Swipe, Wait, WaitFile, Expect, Screenshot, State, Frames, Quit };

struct Condition {
    std::string name;
    std::string value;
};

struct ScriptStep {
    StepKind kind { StepKind::Frames };
    int line { 0 };
    std::string target;            // control ID, key name, swipe direction or path
    std::string text;              // Type
    float x { 0 }, y { 0 };        // ClickAt
    int count { 0 };               // Frames
    double timeout_seconds { 20 }; // Wait, WaitFile
    std::vector<Condition> conditions;
};

[[nodiscard]] ScriptResult<std::vector<ScriptStep>> parse_script(std::string_view text);
[[nodiscard]] ScriptResult<std::vector<ScriptStep>> load_script(const std::filesystem::path& path);

// Whether `state` (to_json of AppState) satisfies every condition. Values
// compare as text ("3" matches 3, "true" matches true).
[[nodiscard]] bool conditions_hold(const nlohmann::json& state, const std::vector<Condition>& conditions);
// The first condition that does not hold, described for a failure message.
[[nodiscard]] std::string describe_mismatch(const nlohmann::json& state, const std::vector<Condition>& conditions);

}
