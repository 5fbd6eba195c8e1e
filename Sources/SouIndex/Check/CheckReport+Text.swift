/// The report for people: one block per index, one line per segment and log file, each
/// problem indented under what it belongs to, and a last line with the verdict.
extension CheckReport {
    public func text() -> String {
        var lines = ["checking \(dataDirectory)"]
        lines += problems.map { "  problem: \($0)" }
        lines += warnings.map { "  warning: \($0)" }
        lines += information.map { "  info: \($0)" }
        for index in indexes { lines += index.textLines() }
        let segmentCount = indexes.reduce(0) { $0 + $1.segments.count }
        let warningNote = warningCount == 0 ? "" : " (\(Self.count(warningCount, "warning")))"
        let scope = "\(Self.count(indexes.count, "index", plural: "indexes")), \(Self.count(segmentCount, "segment"))"
        if isClean {
            lines.append("OK: \(scope), no problems\(warningNote)")
        } else {
            lines.append("FAILED: \(Self.count(problemCount, "problem")) in \(scope)\(warningNote)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// "1 segment", "3 segments".
    static func count(_ value: Int, _ singular: String, plural: String? = nil) -> String {
        "\(value) \(value == 1 ? singular : plural ?? singular + "s")"
    }
}

extension IndexCheckReport {
    func textLines() -> [String] {
        var header = "index \(name)"
        if let generation { header += ": generation \(generation)" }
        header += ", \(CheckReport.count(segments.count, "segment")), \(CheckReport.count(documentCount, "document"))"
        header += " (\(deletedCount) deleted)"
        var lines = [header]
        lines += problems.map { "  problem: \($0)" }
        for segment in segments { lines += segment.textLines() }
        for log in logs { lines.append("  " + log.textLine()) }
        lines += warnings.map { "  warning: \($0)" }
        lines += information.map { "  info: \($0)" }
        return lines
    }
}

extension SegmentCheckReport {
    func textLines() -> [String] {
        let summary =
            "  \(name): \(CheckReport.count(documentCount, "document")), \(deletedCount) deleted, "
            + "\(CheckReport.count(termCount, "term")), \(CheckReport.count(postingCount, "posting")), "
            + "\(CheckReport.count(positionCount, "position")), \(CheckReport.count(byteSize, "byte"))"
        if isClean { return [summary + ": OK"] }
        var lines = [summary + ": \(CheckReport.count(problemCount, "problem"))"]
        lines += problems.map { "    problem: \($0)" }
        if omittedProblemCount > 0 { lines.append("    … and \(omittedProblemCount) more problems") }
        return lines
    }
}

extension LogCheckReport {
    func textLine() -> String {
        var line = "log \(file) (\(role.rawValue)): \(CheckReport.count(recordCount, "record"))"
        if let lastSequence { line += " up to sequence \(lastSequence)" }
        line += ", \(CheckReport.count(fileBytes, "byte"))"
        if let damage { line += "; replay stops at byte \(validBytes): \(damage)" }
        return line
    }
}
