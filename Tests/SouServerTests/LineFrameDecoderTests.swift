import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

@testable import SouServer

@Suite struct LineFrameDecoderTests {
    func frames(_ chunks: [String], max: Int) -> [Frame] {
        var decoder = LineFrameDecoder(maxLineBytes: max)
        var buffer = ByteBuffer()
        var out: [Frame] = []
        for chunk in chunks {
            buffer.writeString(chunk)
            while let frame = decoder.nextFrame(&buffer) { out.append(frame) }
        }
        return out
    }

    func line(_ text: String) -> Frame { .line(ByteBuffer(string: text)) }

    @Test func splitsLinesAcrossChunks() {
        #expect(frames(["PI", "NG\nSEA", "RCH x\r\n", "\n"], max: 100) == [line("PING"), line("SEARCH x"), line("")])
        #expect(frames(["a\nb\nc\n"], max: 1) == [line("a"), line("b"), line("c")])
    }

    @Test func oversizeLineIsReportedOnceAndSkipped() {
        let long = String(repeating: "x", count: 50)
        #expect(frames([long + "\nPING\n"], max: 10) == [.tooLong, line("PING")])
        // Reported before its end arrives, then discarded across chunks.
        #expect(frames([long, long, "yy", "\nPING\n"], max: 10) == [.tooLong, line("PING")])
        #expect(frames([String(repeating: "x", count: 11) + "\n"], max: 10) == [.tooLong])
        #expect(
            frames([String(repeating: "x", count: 10) + "\n"], max: 10) == [line(String(repeating: "x", count: 10))]
        )
        #expect(
            frames([String(repeating: "x", count: 10) + "\r\n"], max: 10) == [line(String(repeating: "x", count: 10))]
        )
        #expect(
            frames([String(repeating: "x", count: 10), "\r", "\n"], max: 10) == [
                line(String(repeating: "x", count: 10))
            ]
        )
        // Reported as soon as the buffered bytes cannot be a line within the limit.
        #expect(frames([String(repeating: "x", count: 12)], max: 10) == [.tooLong])
        #expect(frames([String(repeating: "x", count: 11)], max: 10) == [])
        // Many chunks of an endless line: one report, nothing kept, the next line works.
        var decoder = LineFrameDecoder(maxLineBytes: 10)
        var buffer = ByteBuffer()
        var out: [Frame] = []
        for _ in 0..<1000 {
            buffer.writeString(String(repeating: "y", count: 7))
            while let frame = decoder.nextFrame(&buffer) { out.append(frame) }
            #expect(buffer.readableBytes <= 11)
        }
        buffer.writeString("\nPING\n")
        while let frame = decoder.nextFrame(&buffer) { out.append(frame) }
        #expect(out == [.tooLong, line("PING")])
    }

    /// A request cut off by the end of input is reported, never handed on as a line.
    @Test func bytesAfterTheLastNewlineAtEndOfInputAreUnterminated() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maxLineBytes: 64)))
        try channel.writeInbound(ByteBuffer(string: "PING\nDROP ne"))
        _ = try channel.finish()
        #expect(try channel.readInbound(as: Frame.self) == line("PING"))
        #expect(try channel.readInbound(as: Frame.self) == .unterminated)
        #expect(try channel.readInbound(as: Frame.self) == nil)

        let clean = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maxLineBytes: 64)))
        try clean.writeInbound(ByteBuffer(string: "PING\n"))
        _ = try clean.finish()
        #expect(try clean.readInbound(as: Frame.self) == line("PING"))
        #expect(try clean.readInbound(as: Frame.self) == nil)
    }

    @Test func verifier() throws {
        let inputs: [(String, [Frame])] = [
            ("PING\n", [line("PING")]),
            ("A\nB\nC\n", [line("A"), line("B"), line("C")]),
            ("大同 教育\n", [line("大同 教育")]),
            (String(repeating: "x", count: 100) + "\nOK\n", [.tooLong, line("OK")]),
        ]
        try ByteToMessageDecoderVerifier.verifyDecoder(
            stringInputOutputPairs: inputs,
            decoderFactory: { LineFrameDecoder(maxLineBytes: 64) }
        )
    }
}
