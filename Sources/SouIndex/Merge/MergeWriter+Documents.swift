import SouFormat

extension MergeWriter {
    /// Writes the stored fields: a block whose documents are all live is copied as
    /// compressed; the live documents of other blocks are compressed again.
    /// - Returns: the file's size.
    mutating func writeStoredFields() throws -> Int {
        let file = try output(.storedFields, kind: .storedFields)
        var writer = StoredFieldsWriter()
        for input in plan.inputs {
            let stored = input.reader.storedFields
            var memo: StoredFieldsReader.BlockMemo = nil
            for block in 0..<stored.blockCount {
                try cancellation.check()
                let raw = try stored.rawBlock(block)
                if raw.documents.allSatisfy({ input.docMap[$0] != nil }) {
                    try writer.addCompressedBlock(
                        raw.compressed,
                        rawSize: raw.rawSize,
                        documents: UInt32(raw.documents.count)
                    )
                } else {
                    for doc in raw.documents where input.docMap[doc] != nil {
                        try writer.add(try input.reader.document(doc, memo: &memo))
                    }
                }
                if writer.bufferedBytes >= Self.drainThreshold { try writer.drain(to: file) }
            }
        }
        guard writer.count == plan.documentCount else {
            throw IndexError.corrupt(
                "merge inputs' stored documents (\(writer.count)) and doc maps (\(plan.documentCount)) disagree"
            )
        }
        return try writer.finish(to: file)
    }

    /// Writes the field norms, field-major, and sums the merged fields' statistics.
    /// - Returns: the file's size and the statistics.
    mutating func writeNorms() throws -> (Int, [FieldStatistics]) {
        let file = try output(.fieldNorms, kind: .fieldNorms)
        let fieldCount = plan.fieldNames.count
        var writer = try FieldNormsWriter.Streaming(
            fieldCount: fieldCount,
            documentCount: plan.documentCount,
            file: file
        )
        var statistics = [FieldStatistics](repeating: FieldStatistics(), count: fieldCount)
        for field in 0..<fieldCount {
            try cancellation.check()
            for input in plan.inputs {
                let inputField = input.inputField(for: UInt8(field))
                for doc in 0..<UInt32(input.reader.documentCount) where input.docMap[doc] != nil {
                    let length = inputField.map { input.reader.norms.length(doc: doc, field: $0) } ?? 0
                    try writer.add(length)
                    if length > 0 {
                        statistics[field].totalLength += UInt64(length)
                        statistics[field].documentCount += 1
                    }
                }
            }
        }
        return (try writer.finish(), statistics)
    }

    /// Writes the id column: every live document's id, in merged doc-ID order.
    /// - Returns: the file's size.
    mutating func writeIds() throws -> Int {
        let file = try output(.ids, kind: .idColumn)
        var writer = try IdColumnWriter.Streaming(count: plan.documentCount, file: file)
        for input in plan.inputs {
            try Self.forEachLiveID(of: input) { try writer.addLength($0.count) }
        }
        for input in plan.inputs {
            try cancellation.check()
            try Self.forEachLiveID(of: input) { try writer.addBytes($0) }
        }
        return try writer.finish()
    }

    /// Calls `body` with the UTF-8 bytes of each live document's id, in doc-ID order: from
    /// the id column, or for a segment written before id columns from its stored documents.
    private static func forEachLiveID(
        of input: MergePlan.Input,
        _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        var memo: StoredFieldsReader.BlockMemo = nil
        for doc in 0..<UInt32(input.reader.documentCount) where input.docMap[doc] != nil {
            if let ids = input.reader.ids {
                try body(try ids.idBytes(doc))
            } else {
                var id = try input.reader.document(doc, memo: &memo).id
                try id.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
            }
        }
    }
}
