/// How much a reader checks when it opens a file (docs/FORMAT.md §2, "What is checked when").
///
/// Opening an index must not read its files (issue 14: start answers in constant time per
/// segment), so the daemon opens with `.structure` and verifies checksums later, in the
/// background (`SegmentReader.verify`). Tests, the offline checker and freshly merged
/// segments open with `.full`.
public enum OpenChecks: Sendable, Equatable {
    /// Header (magic, version), size, trailer and every offset or count a read relies on to
    /// stay inside the mapping: O(1) per file, touching only its first and last pages. The
    /// body is not checksummed; every read is bounds-checked anyway (§5), so a damaged body
    /// gives a `FormatError` or a wrong but in-bounds answer, never a crash.
    case structure
    /// `.structure`, then the CRC-32 of the whole file and every invariant that takes a pass
    /// over the file (block indexes in order, id ends increasing): what the reader's
    /// `verify()` does. O(file size).
    case full
}
