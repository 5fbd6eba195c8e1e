import Foundation

/// The daemon's memory use as the kernel reports it, for `STATS` (`rss_bytes`, `peak_rss_bytes`).
///
/// Read from `/proc/self/status` on each `STATS`: `VmRSS` is the resident set now, `VmHWM`
/// ("high water mark") the largest it has been since the process started. Where there is no
/// `/proc` (macOS), both are 0.
struct ProcessMemory: Equatable, Sendable {
    /// Resident set size now, in bytes (`VmRSS`).
    var residentBytes = 0
    /// Peak resident set size since the process started, in bytes (`VmHWM`).
    var peakResidentBytes = 0

    /// The current process's figures (zeros when `/proc/self/status` cannot be read).
    static func current() -> ProcessMemory {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
            return ProcessMemory()
        }
        return parse(status: text)
    }

    /// Parses the text of a `/proc/<pid>/status` file; fields it lacks stay 0.
    ///
    /// The kernel writes sizes as `VmHWM:\t  123456 kB` (kibibytes, whatever the suffix says).
    static func parse(status text: String) -> ProcessMemory {
        var memory = ProcessMemory()
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon]
            guard key == "VmRSS" || key == "VmHWM" else { continue }
            let words = line[line.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let number = words.first.flatMap({ Int($0) }) else { continue }
            let bytes = words.count > 1 && words[1] == "B" ? number : number * 1024
            if key == "VmRSS" { memory.residentBytes = bytes } else { memory.peakResidentBytes = bytes }
        }
        return memory
    }
}
