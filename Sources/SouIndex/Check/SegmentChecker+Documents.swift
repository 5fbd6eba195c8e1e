import SouDocument
import SouFormat

/// Reads every stored document (deleted ones too: their bytes are still there) and
/// cross-checks it with the id column, the `_id` term and the field table and norms.
extension SegmentChecker {
    mutating func checkDocuments() {
        guard let storedFields else { return }
        let storedName = SegmentFile.storedFields.fileName(segment: entry.name)
        let idsName = SegmentFile.ids.fileName(segment: entry.name)
        var memo: StoredFieldsReader.BlockMemo = nil
        for doc in 0..<UInt32(clamping: storedFields.count) {
            let document: Document
            do {
                document = try storedFields.document(doc, memo: &memo)
            } catch {
                report.add(problem: "\(storedName): doc \(doc) cannot be read: \(error)")
                continue
            }
            if let ids {
                do {
                    let id = try ids.id(doc)
                    if id != document.id {
                        report.add(problem: "\(idsName): doc \(doc) has id \(id), the stored document \(document.id)")
                    }
                } catch {
                    report.add(problem: "\(error)")
                }
            }
            checkIDTerm(of: document, doc: doc)
            checkFields(of: document, doc: doc, storedName: storedName)
        }
    }

    /// The `_id` term of the document's id must exist and list exactly this document.
    private mutating func checkIDTerm(of document: Document, doc: UInt32) {
        guard let dictionary, let postings else { return }
        let key = SegmentReader.key(field: SegmentMeta.idFieldNumber, term: document.id)
        do {
            guard let info = try dictionary.lookup(key) else {
                report.add(problem: "doc \(doc) (id \(document.id)) has no _id term in the dictionary")
                return
            }
            let cursor = postings.cursor(for: info)
            if cursor.doc != doc {
                let found = cursor.doc == PostingsCursor.noMoreDocs ? "no document" : "doc \(cursor.doc)"
                report.add(problem: "the _id term of doc \(doc) (id \(document.id)) leads to \(found)")
            }
        } catch {
            report.add(problem: "\(error)")
        }
    }

    /// Every stored field is in the segment's field table, and every field with a nonzero
    /// norm in this document is stored.
    private mutating func checkFields(of document: Document, doc: UInt32, storedName: String) {
        guard let meta else { return }
        for field in document.fields where meta.fieldNumber(field.name) == nil {
            report.add(
                problem: "\(storedName): doc \(doc) has field \(field.name), which the segment meta does not list"
            )
        }
        guard let norms, norms.fieldCount == meta.fieldNames.count else { return }
        for (number, name) in meta.fieldNames.enumerated()
        where norms.length(doc: doc, field: number) > 0 && document[field: name] == nil {
            report.add(problem: "doc \(doc): field \(name) has a norm but is not stored")
        }
    }
}
