import SouFormat

/// What a merge writes, decided before any byte is: the doc map of each input and the
/// merged segment's fields.
struct MergePlan {
    struct Input {
        let view: SegmentView
        let docMap: DocMap
        /// The merged field number of each of the input's field numbers; nil for a field
        /// none of whose live documents has a token (it would have no postings and only zero
        /// norms, so the merged segment drops it; its values stay in the stored documents).
        let mergedField: [UInt8?]

        var reader: SegmentReader { view.reader }

        /// The input's field number that becomes merged field `field`.
        func inputField(for field: UInt8) -> Int? {
            mergedField.firstIndex(of: field)
        }
    }

    let inputs: [Input]
    /// The merged segment's field names: in order of first appearance over the inputs.
    let fieldNames: [String]
    let documentCount: Int

    /// - Throws: `IndexError.invalidDocument` if the inputs' live documents use more
    ///   distinct fields than one segment may hold.
    init(_ views: [SegmentView]) throws {
        var fieldNames: [String] = []
        var numbers: [String: UInt8] = [:]
        var inputs: [Input] = []
        var base = 0
        for view in views {
            let docMap = DocMap(documentCount: view.reader.documentCount, base: UInt32(base)) { view.isDeleted($0) }
            var mergedField: [UInt8?] = []
            for (field, name) in view.reader.meta.fieldNames.enumerated() {
                guard view.liveFieldStatistics[field].documentCount > 0 else {
                    mergedField.append(nil)
                    continue
                }
                if numbers[name] == nil {
                    guard fieldNames.count < DocumentRules.maxFieldsPerSegment else {
                        throw IndexError.invalidDocument(
                            "more than \(DocumentRules.maxFieldsPerSegment) distinct fields in one segment"
                        )
                    }
                    numbers[name] = UInt8(fieldNames.count)
                    fieldNames.append(name)
                }
                mergedField.append(numbers[name])
            }
            inputs.append(Input(view: view, docMap: docMap, mergedField: mergedField))
            base += docMap.liveCount
        }
        guard base < Int(UInt32.max) else {
            throw IndexError.invalidDocument("a merged segment would hold \(base) documents")
        }
        self.inputs = inputs
        self.fieldNames = fieldNames
        documentCount = base
    }
}
