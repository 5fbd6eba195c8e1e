import SouDocument
import SouFormat
import SouTestSupport
import Testing

@testable import SouIndex

/// Byte flips in every kind of index file: detected and reported naming the file, never
/// wrong results, never a crash.
@Suite(.offCooperativePool) struct CorruptionTests {
    /// An index with two committed segments, a deletion file, and two records only in the log.
    /// - Returns: the crash copy and the states a reader may legally see after opening it:
    ///   the committed one, then after each record of the log (a damaged log loses a suffix).
    func makeIndex() async throws -> (ScratchDirectory, [[String: Document]]) {
        let scratch = ScratchDirectory()
        let path = scratch.file("data")
        let catalog = try await IndexCatalog(dataDirectory: path, options: testOptions())
        let index = try #require(catalog.index(named: "default"))
        var model: [String: Document] = [:]
        for round in 0..<2 {
            let batch = (0..<4).map { document("r\(round)-\($0)", "word\($0) round\(round)", title: "t\($0)") }
            try await index.add(batch)
            for d in batch { model[d.id] = d }
            try await index.commit()
        }
        _ = try await index.delete(ids: ["r0-1"])
        model["r0-1"] = nil
        try await index.commit()
        var states = [model]
        try await index.add([document("log-1", "from the log word1")])
        model["log-1"] = document("log-1", "from the log word1")
        states.append(model)
        _ = try await index.delete(ids: ["r1-2"])
        model["r1-2"] = nil
        states.append(model)
        let crashed = try crashCopy(of: path)
        try await catalog.close()
        return (crashed, states)
    }

    /// The live documents of `snapshot` by id (a document live twice is an error).
    func visibleDocuments(_ snapshot: Snapshot) throws -> [String: Document] {
        var found: [String: Document] = [:]
        for view in snapshot.segments {
            for docID in 0..<UInt32(view.reader.documentCount) where !view.isDeleted(docID) {
                let document = try view.reader.document(docID)
                #expect(found.updateValue(document, forKey: document.id) == nil, "\(document.id) live twice")
            }
        }
        return found
    }

    /// Every term search over `snapshot` equals a brute-force scan of `state`.
    func searchesMatch(_ snapshot: Snapshot, _ state: [String: Document]) throws -> Bool {
        var terms = Set<String>()
        for document in state.values {
            for field in document.fields { terms.formUnion(field.value.split(separator: " ").map(String.init)) }
        }
        for field in ["body", "title"] {
            for term in terms.union(["r1", "nothing"]) {
                let expected = Set(
                    state.values.filter { document in
                        document.fields.contains {
                            $0.name == field && $0.value.split(separator: " ").contains(Substring(term))
                        }
                    }.map(\.id)
                )
                if try search(snapshot, field: field, term: term) != expected { return false }
            }
        }
        return true
    }

    /// Offsets to flip: every byte of small files, a spread of others.
    func offsets(count: Int) -> [Int] {
        if count <= 160 { return Array(0..<count) }
        return Array(0..<40) + stride(from: 40, to: count - 40, by: max(1, (count - 80) / 60)).map { $0 }
            + Array((count - 40)..<count)
    }

    @Test func flipsInEveryFileAreDetected() async throws {
        let (pristine, states) = try await makeIndex()
        let indexPath = pristine.path + "/default"
        // Files no manifest names (a merge's output not yet committed) are removed at open.
        let manifest = try #require(try Manifest.read(directory: indexPath))
        let files = try SystemCalls.listDirectory(indexPath).filter {
            $0 == Manifest.fileName || $0.hasPrefix("wal-") || manifest.referencedFiles.contains($0)
        }
        #expect(files.contains { $0.hasSuffix(".del") })
        #expect(files.contains { $0.hasPrefix("wal-") })
        var checked = 0
        var walStates: [Int: Int] = [:]
        for file in files {
            let bytes = try readFile(indexPath + "/" + file)
            print("CorruptionTests: flipping bytes of", file, bytes.count)
            for offset in offsets(count: bytes.count) {
                let copy = try crashCopy(of: pristine.path)
                try flipByte(in: copy.path + "/default/" + file, at: offset)
                let warnings = WarningLog()
                do {
                    let catalog = try await IndexCatalog(
                        dataDirectory: copy.path,
                        options: testOptions(warnings: warnings)
                    )
                    // A damaged index is not served; the catalog says why, naming the file.
                    if let error = catalog.unusableIndexes()["default"] {
                        try await catalog.close()
                        throw error
                    }
                    // Open checks only the structure of segment files: reading a damaged body
                    // before its checksum is verified gives errors or wrong answers, never a
                    // crash or a read outside the mapping. Verification then finds the damage.
                    let opened = try #require(catalog.index(named: "default"))
                    _ = try? searchesMatch(opened.snapshot(), states[states.count - 1])
                    _ = try? visibleDocuments(opened.snapshot())
                    do {
                        try await opened.verify(force: false)
                    } catch {
                        #expect(opened.outOfService == IndexError.wrap(error))
                        try await catalog.close()
                        throw error
                    }
                    // Only the log may be damaged and still open: its tail is dropped, with a warning.
                    #expect(file.hasPrefix("wal-"), "\(file) flip at \(offset) opened without error")
                    #expect(!warnings.all.isEmpty, "\(file) flip at \(offset) not reported")
                    // Never wrong results: what is visible is exactly a legal state (the
                    // committed one plus a prefix of the log), and every search agrees with it.
                    let snapshot = try #require(catalog.index(named: "default")).snapshot()
                    let visible = try visibleDocuments(snapshot)
                    let state = states.firstIndex(of: visible)
                    #expect(state != nil, "\(file) flip at \(offset): visible documents are no legal state")
                    #expect(state != states.count - 1, "\(file) flip at \(offset): damage not noticed")
                    if let state {
                        #expect(
                            try searchesMatch(snapshot, states[state]),
                            "\(file) flip at \(offset): wrong search results"
                        )
                        walStates[state, default: 0] += 1
                    }
                    try await catalog.close()
                } catch let error as IndexError {
                    guard case .corrupt(let message) = error else {
                        Issue.record("\(file) flip at \(offset): \(error)")
                        continue
                    }
                    #expect(message.contains(file), "\(file) flip at \(offset): \(message)")
                }
                checked += 1
            }
        }
        print(
            "CorruptionTests: \(checked) flips over \(files.count) files; log flips that opened, by state:",
            walStates
        )
        // The committed state is reached by flips in the log's first record.
        #expect(walStates[0, default: 0] > 0)
    }
}
