import SouFormat

#if canImport(Glibc)
import Glibc
#endif

extension MergeWriter {
    /// One input's terms of the field being merged.
    private struct TermSource {
        let input: MergePlan.Input
        let field: UInt8
        var terms: TermDictionaryReader.Terms
    }

    /// Writes the term dictionary, postings and positions: field by field in merged field
    /// number order (the id field, 255, last), the inputs' terms of the field side by side.
    /// - Returns: the three files' sizes.
    mutating func writePostings() throws -> [(SegmentFile, Int)] {
        let dictionaryFile = try output(.dictionary, kind: .termDictionary)
        let postingsFile = try output(.postings, kind: .postings)
        let positionsFile = try output(.positions, kind: .positions)
        var dictionary = TermDictionaryWriter()
        var postings = PostingsWriter()
        var positions: [UInt32] = []
        let fields = (0..<plan.fieldNames.count).map { UInt8($0) } + [SegmentMeta.idFieldNumber]
        for field in fields {
            var sources: [TermSource] = []
            for input in plan.inputs {
                let inputField =
                    field == SegmentMeta.idFieldNumber ? field : input.inputField(for: field).map(UInt8.init)
                guard let inputField else { continue }
                var terms = try input.reader.dictionary.terms(withPrefix: [inputField])
                if try terms.next() { sources.append(TermSource(input: input, field: inputField, terms: terms)) }
            }
            var key: [UInt8] = [field]
            while !sources.isEmpty {
                try cancellation.check()
                var smallest = 0
                for i in sources.indices.dropFirst()
                where Self.compareTerms(sources[i].terms.key, sources[smallest].terms.key) < 0 {
                    smallest = i
                }
                key.removeLast(key.count - 1)
                key.append(contentsOf: sources[smallest].terms.key.dropFirst())
                postings.startTerm()
                // Sources stay in input order, so merged doc IDs increase across them.
                var index = 0
                while index < sources.count {
                    guard Self.compareTerms(sources[index].terms.key, key) == 0 else {
                        index += 1
                        continue
                    }
                    try Self.copyPostings(of: sources[index], into: &postings, positions: &positions)
                    if try sources[index].terms.next() {
                        index += 1
                    } else {
                        sources.remove(at: index)
                    }
                }
                if let info = postings.finishTermUnlessEmpty() { try dictionary.add(key, info) }
                if postings.bufferedBytes >= Self.drainThreshold {
                    try postings.drain(postingsTo: postingsFile, positionsTo: positionsFile)
                }
                if dictionary.bufferedBytes >= Self.drainThreshold { try dictionary.drain(to: dictionaryFile) }
            }
        }
        let (postingsSize, positionsSize) = try postings.finish(postingsTo: postingsFile, positionsTo: positionsFile)
        let dictionarySize = try dictionary.finish(to: dictionaryFile)
        return [(.dictionary, dictionarySize), (.postings, postingsSize), (.positions, positionsSize)]
    }

    /// Appends the live documents of one input's postings of the open term, doc IDs mapped.
    private static func copyPostings(
        of source: TermSource,
        into postings: inout PostingsWriter,
        positions: inout [UInt32]
    ) throws {
        let reader = source.input.reader
        let isID = source.field == SegmentMeta.idFieldNumber
        var cursor = reader.postings.cursor(for: source.terms.info)
        while cursor.doc != PostingsCursor.noMoreDocs {
            let doc = cursor.doc
            if let merged = source.input.docMap[doc] {
                let frequency = cursor.frequency
                cursor.positions(into: &positions)
                guard positions.count == Int(frequency) else { break }  // corrupt: the cursor says so
                let fieldLength = isID ? 1 : reader.norms.length(doc: doc, field: Int(source.field))
                postings.add(docID: merged, frequency: frequency, fieldLength: fieldLength) { writer in
                    var previous: UInt32 = 0
                    for position in positions {
                        writer.writeVarint(UInt64(position &- previous))
                        previous = position
                    }
                }
            }
            _ = cursor.next()
        }
        if cursor.isCorrupt {
            throw FormatError.corrupt(
                file: reader.postings.postingsFile.name,
                reason: "the postings of term \(source.terms.key) are damaged"
            )
        }
    }

    /// Orders two dictionary keys by their term bytes, ignoring the field byte.
    static func compareTerms(_ a: [UInt8], _ b: [UInt8]) -> Int {
        a.withUnsafeBytes { left in
            b.withUnsafeBytes { right in
                let shared = min(left.count, right.count) - 1
                if shared > 0 {
                    let order = memcmp(left.baseAddress! + 1, right.baseAddress! + 1, shared)
                    if order != 0 { return Int(order) }
                }
                return left.count - right.count
            }
        }
    }
}
