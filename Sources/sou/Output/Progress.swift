import Foundation

/// A one-line progress display on standard error (only when it is a terminal).
struct Progress {
    let started = ContinuousClock.now
    let enabled = isatty(2) == 1
    var lastDraw = ContinuousClock.now - .seconds(1)
    var documents = 0
    var bytes = 0
    var errors = 0

    var seconds: Double {
        let elapsed = ContinuousClock.now - started
        return max(0.001, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    var rates: String {
        String(
            format: "%.0f docs/s  %.1f MB/s",
            Double(documents) / seconds,
            Double(bytes) / 1_048_576 / seconds
        )
    }

    /// Redraws at most ten times a second.
    mutating func update(total: Int?, force: Bool = false) {
        guard enabled else { return }
        let now = ContinuousClock.now
        guard force || now - lastDraw >= .milliseconds(100) else { return }
        lastDraw = now
        var bar = ""
        if let total, total > 0 {
            let width = 24
            let filled = min(width, documents * width / total)
            bar = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
        }
        let errorText = errors > 0 ? "  \(errors) errors" : ""
        try? FileHandle.standardError.write(
            contentsOf: Data("\r\u{1B}[K\(bar)\(documents) docs  \(rates)\(errorText)".utf8)
        )
    }

    /// Clears the progress line.
    func finish() {
        guard enabled else { return }
        try? FileHandle.standardError.write(contentsOf: Data("\r\u{1B}[K".utf8))
    }
}
