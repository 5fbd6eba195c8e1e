import Foundation

/// Whether and how to colour output: only on a terminal, never when NO_COLOR is set.
enum Colour {
    /// Markers sent as the search `hl=` option; control characters never occur in snippets
    /// (the server turns them into spaces).
    static let openMarker = "\u{1}"
    static let closeMarker = "\u{2}"

    static var enabled: Bool {
        if let value = ProcessInfo.processInfo.environment["NO_COLOR"], !value.isEmpty { return false }
        return isatty(1) == 1
    }

    /// `text` with the markers replaced by bold red (colour on) or removed (colour off).
    static func highlight(_ text: String, colour: Bool) -> String {
        text.replacingOccurrences(of: openMarker, with: colour ? "\u{1B}[1;31m" : "")
            .replacingOccurrences(of: closeMarker, with: colour ? "\u{1B}[0m" : "")
    }

    /// `text` with control characters (ESC, line breaks, …) replaced by spaces, for
    /// document text printed on one line: a stored field cannot drive the terminal.
    static func printable(_ text: String) -> String {
        String(
            String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 })
        )
    }

    static func bold(_ text: String, colour: Bool) -> String {
        colour ? "\u{1B}[1m\(text)\u{1B}[0m" : text
    }
}
