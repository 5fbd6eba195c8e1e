import Foundation

/// Writes a line to standard error.
func printError(_ text: String) {
    // The throwing write: the old `write(_:)` traps when standard error is closed.
    try? FileHandle.standardError.write(contentsOf: Data((text + "\n").utf8))
}

/// Prints one JSON value as a compact line.
func printJSON(_ object: Any) {
    if let data = try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes, .sortedKeys]),
        let text = String(data: data, encoding: .utf8)
    {
        print(text)
    }
}
