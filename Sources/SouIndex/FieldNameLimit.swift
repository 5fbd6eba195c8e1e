import SouDocument

/// The distinct field names an index holds, kept at most `DocumentRules.maxFieldsPerSegment`.
///
/// A segment numbers its fields in one byte (255 is the `_id` term), so a commit or a merge
/// can hold at most 255 distinct field names. Checking each document alone is not enough:
/// 200 documents of 2 new fields each would each pass, and then every commit of the buffer
/// (and every merge) would fail for good. So the limit is index-wide and checked before a
/// write reaches the log: a document that would bring the index past it is refused.
/// Names only ever join the set while the index is open; reopening recomputes it from the
/// segments (fields whose documents were all deleted and merged away are then forgotten).
struct FieldNameLimit: Sendable {
    private(set) var names: Set<String>

    /// - Parameter segments: the field tables of the index's segments.
    init(segments: [[String]]) {
        names = Set(segments.joined())
    }

    /// - Returns: why `documents` cannot all be added, or nil when they can.
    func violation(adding documents: [Document]) -> String? {
        var added = names
        for document in documents {
            for field in document.fields where added.insert(field.name).inserted {
                if added.count > DocumentRules.maxFieldsPerSegment {
                    return "\(document.id): field '\(field.name)' would be field number \(added.count) of the index; "
                        + "an index holds at most \(DocumentRules.maxFieldsPerSegment) distinct field names"
                }
            }
        }
        return nil
    }

    /// Records the field names of `documents` (after they passed `violation`).
    mutating func insert(_ documents: [Document]) {
        for document in documents {
            for field in document.fields { names.insert(field.name) }
        }
    }
}
