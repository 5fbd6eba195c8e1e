/// What `IndexChecker` found in one data directory: per index, per segment, every problem as
/// one sentence naming the file. Rendered for people by `text()` and as one JSON object by
/// `json()` (`soud --check`, `sou check`).
///
/// Three grades: a *problem* is damage or an inconsistency that makes the index (or a
/// segment) wrong or unopenable, and fails the check; a *warning* is something an operator
/// may want to clean up but that Sou tolerates (an orphan file, which the next open removes);
/// *information* describes what was read (log files and their records).
public struct CheckReport: Sendable, Equatable {
    /// The directory as given.
    public var dataDirectory: String
    public var indexes: [IndexCheckReport] = []
    /// Problems of the data directory itself (an index directory that cannot be listed).
    public var problems: [String] = []
    public var warnings: [String] = []
    public var information: [String] = []

    public init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }

    /// Problems found anywhere, including those left out of long lists.
    public var problemCount: Int { problems.count + indexes.reduce(0) { $0 + $1.problemCount } }

    /// Warnings found anywhere.
    public var warningCount: Int { warnings.count + indexes.reduce(0) { $0 + $1.warnings.count } }

    /// Whether the check found no problem (warnings allowed): exit status 0.
    public var isClean: Bool { problemCount == 0 }

    /// Every problem of the report, each prefixed with the index and segment it belongs to.
    public var allProblems: [String] {
        problems
            + indexes.flatMap { index in
                index.problems.map { "\(index.name): \($0)" }
                    + index.segments.flatMap { segment in
                        segment.problems.map { "\(index.name)/\(segment.name): \($0)" }
                    }
            }
    }
}

/// One index of a data directory as `IndexChecker` found it.
public struct IndexCheckReport: Sendable, Equatable {
    public var name: String
    public var directory: String
    /// The manifest's generation, nil if it could not be read.
    public var generation: UInt64?
    public var checkpointSequence: UInt64?
    public var segments: [SegmentCheckReport] = []
    /// The index's log files, in number order.
    public var logs: [LogCheckReport] = []
    /// Problems of the index outside its segments (the manifest).
    public var problems: [String] = []
    public var warnings: [String] = []
    public var information: [String] = []

    public init(name: String, directory: String) {
        self.name = name
        self.directory = directory
    }

    public var problemCount: Int { problems.count + segments.reduce(0) { $0 + $1.problemCount } }
    public var documentCount: Int { segments.reduce(0) { $0 + $1.documentCount } }
    public var deletedCount: Int { segments.reduce(0) { $0 + $1.deletedCount } }
}

/// One segment the manifest names, as `IndexChecker` found it.
public struct SegmentCheckReport: Sendable, Equatable {
    /// At most this many problems are listed per segment; the rest are only counted, so a
    /// badly damaged segment cannot produce a report of millions of lines.
    public static let problemLimit = 50

    public var name: String
    /// Documents (deleted ones included), from the segment meta or else the manifest.
    public var documentCount: Int
    public var deletedCount: Int
    /// Terms of the dictionary, postings (documents summed over terms) and positions walked.
    public var termCount = 0
    public var postingCount = 0
    public var positionCount = 0
    /// Bytes of the segment's files (and its deletion file) on disk.
    public var byteSize = 0
    /// The first `problemLimit` problems.
    public private(set) var problems: [String] = []
    /// Problems past `problemLimit`, counted only.
    public private(set) var omittedProblemCount = 0

    public init(name: String, documentCount: Int, deletedCount: Int) {
        self.name = name
        self.documentCount = documentCount
        self.deletedCount = deletedCount
    }

    public var problemCount: Int { problems.count + omittedProblemCount }
    public var isClean: Bool { problemCount == 0 }

    /// Records a problem (one sentence, naming the file where there is one).
    public mutating func add(problem: String) {
        if problems.count < Self.problemLimit {
            problems.append(problem)
        } else {
            omittedProblemCount += 1
        }
    }
}

/// One write-ahead log file of an index (information only: replay tolerates damage).
public struct LogCheckReport: Sendable, Equatable {
    /// Why the file is there.
    public enum Role: String, Sendable {
        /// The log appends go to (`wal-<nextWALNumber − 1>`), or one after it.
        case live
        /// A log of an earlier commit, not read at open and removed after it.
        case obsolete
        /// Set aside by an open that could not replay all of it (`.damaged`); never read.
        case damaged
    }

    public var file: String
    public var role: Role
    public var recordCount = 0
    /// The last record's sequence number, if any record is valid.
    public var lastSequence: UInt64?
    public var validBytes = 0
    public var fileBytes = 0
    /// Why reading stopped before the end of the file, if it did.
    public var damage: String?

    public init(file: String, role: Role) {
        self.file = file
        self.role = role
    }
}
