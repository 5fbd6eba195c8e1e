/// The report as one JSON object (`--json`), keys in a fixed order:
///
///     {"data_directory": "…", "ok": true, "problem_count": 0, "warning_count": 0,
///      "problems": [], "warnings": [], "information": [],
///      "indexes": [{"name": "default", "directory": "…", "generation": 4, "checkpoint_sequence": 9,
///                   "ok": true, "problems": [], "warnings": [], "information": [],
///                   "segments": [{"name": "seg-1", "ok": true, "documents": 8, "deleted": 1, "terms": 52,
///                                 "postings": 90, "positions": 123, "bytes": 4211,
///                                 "problems": [], "omitted_problems": 0}],
///                   "logs": [{"file": "wal-….log", "role": "live", "records": 2, "last_sequence": 14,
///                             "valid_bytes": 230, "bytes": 230, "damage": null}]}]}
///
/// Written by hand (no Foundation in this layer); strings are escaped per RFC 8259.
extension CheckReport {
    public func json() -> String {
        JSONText.object([
            ("data_directory", JSONText.string(dataDirectory)),
            ("ok", isClean ? "true" : "false"),
            ("problem_count", String(problemCount)),
            ("warning_count", String(warningCount)),
            ("problems", JSONText.strings(problems)),
            ("warnings", JSONText.strings(warnings)),
            ("information", JSONText.strings(information)),
            ("indexes", JSONText.array(indexes.map(\.json))),
        ])
    }
}

extension IndexCheckReport {
    var json: String {
        JSONText.object([
            ("name", JSONText.string(name)),
            ("directory", JSONText.string(directory)),
            ("generation", generation.map { String($0) } ?? "null"),
            ("checkpoint_sequence", checkpointSequence.map { String($0) } ?? "null"),
            ("ok", problemCount == 0 ? "true" : "false"),
            ("problems", JSONText.strings(problems)),
            ("warnings", JSONText.strings(warnings)),
            ("information", JSONText.strings(information)),
            ("segments", JSONText.array(segments.map(\.json))),
            ("logs", JSONText.array(logs.map(\.json))),
        ])
    }
}

extension SegmentCheckReport {
    var json: String {
        JSONText.object([
            ("name", JSONText.string(name)),
            ("ok", isClean ? "true" : "false"),
            ("documents", String(documentCount)),
            ("deleted", String(deletedCount)),
            ("terms", String(termCount)),
            ("postings", String(postingCount)),
            ("positions", String(positionCount)),
            ("bytes", String(byteSize)),
            ("problems", JSONText.strings(problems)),
            ("omitted_problems", String(omittedProblemCount)),
        ])
    }
}

extension LogCheckReport {
    var json: String {
        JSONText.object([
            ("file", JSONText.string(file)),
            ("role", JSONText.string(role.rawValue)),
            ("records", String(recordCount)),
            ("last_sequence", lastSequence.map { String($0) } ?? "null"),
            ("valid_bytes", String(validBytes)),
            ("bytes", String(fileBytes)),
            ("damage", damage.map(JSONText.string) ?? "null"),
        ])
    }
}

/// Minimal JSON text building for the check report.
enum JSONText {
    static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    static func array(_ elements: [String]) -> String { "[" + elements.joined(separator: ",") + "]" }

    static func strings(_ values: [String]) -> String { array(values.map(string)) }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func string(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
