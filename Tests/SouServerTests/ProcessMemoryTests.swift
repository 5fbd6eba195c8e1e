import Logging
import NIOCore
import SouProtocol
import Testing

@testable import SouServer

/// `STATS` reports the daemon's resident and peak memory (`rss_bytes`, `peak_rss_bytes`).
@Suite struct ProcessMemoryTests {
    @Test func parsesKibibyteSizesFromProcStatus() {
        let status = """
            Name:\tsoud
            VmPeak:\t  912340 kB
            VmHWM:\t   20480 kB
            VmRSS:\t    8192 kB
            Threads:\t4
            """
        #expect(
            ProcessMemory.parse(status: status) == ProcessMemory(residentBytes: 8 << 20, peakResidentBytes: 20 << 20)
        )
    }

    @Test func missingOrMalformedFieldsStayZero() {
        #expect(ProcessMemory.parse(status: "") == ProcessMemory())
        #expect(ProcessMemory.parse(status: "VmRSS:\tlots kB\nVmHWM\n") == ProcessMemory())
    }

    #if os(Linux)
    @Test func theCurrentProcessHasAResidentSetAndItsPeakIsNotBelowIt() {
        let memory = ProcessMemory.current()
        #expect(memory.residentBytes > 0)
        #expect(memory.peakResidentBytes >= memory.residentBytes)
    }
    #endif

    @Test func statsListsTheMemoryCountersLast() async throws {
        let counters = ServerCounters()
        let pairs = counters.pairs(memory: ProcessMemory(residentBytes: 4096, peakResidentBytes: 8192))
        #expect(
            pairs.map(\.0) == [
                "uptime_seconds", "connections", "total_connections", "requests_received", "requests", "errors",
                "rss_bytes",
                "peak_rss_bytes",
            ]
        )
        #expect(pairs.suffix(2).map(\.1) == [4096, 8192])

        let executor = CommandExecutor(backend: MemoryBackend(), configuration: Configuration(), counters: counters)
        let handler = ConnectionHandler(
            executor: executor,
            parser: RequestParser(limits: .init(maxDocumentBytes: 1000, maxResults: 50)),
            registry: ConnectionRegistry(),
            counters: counters,
            configuration: Configuration(),
            logger: Logger(label: "test")
        )
        var session = Session()
        let (output, _) = await handler.answer([.line(ByteBuffer(string: "STATS"))], session: &session)
        let names = output.split(separator: "\n").compactMap { line -> String? in
            let words = line.split(separator: " ")
            return words.first == "STAT" && words.count == 3 ? String(words[1]) : nil
        }
        #expect(names.suffix(2) == ["rss_bytes", "peak_rss_bytes"])
    }
}
