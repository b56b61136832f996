import Foundation
import KMS
import Pipeline
import Platform
import XCTest

/// The repository's root, found from this file's path (works on the host
/// and in the lab, which sees the same tree read-only).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

final class ConfigurationTests: XCTestCase {
    private func decode(_ json: String) throws -> PipelineConfiguration {
        try PipelineConfiguration.decode(Data(json.utf8), file: "test.json")
    }

    func testExampleConfigsDecode() throws {
        let configs = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("configs").path)
            .filter { $0.hasSuffix(".json") && !$0.contains("schema") }
        XCTAssertGreaterThanOrEqual(configs.count, 3)
        for name in configs {
            XCTAssertNoThrow(try PipelineConfiguration.load(path: repositoryRoot.appendingPathComponent("configs/\(name)").path), name)
        }
        let main = try PipelineConfiguration.load(path: repositoryRoot.appendingPathComponent("configs/vivid-vkms.json").path)
        XCTAssertEqual(main.source.format, FourCC("XR24"))
        XCTAssertEqual(main.source.width, 640)
        XCTAssertEqual(main.source.controls["timestamp_source"], 1)
        XCTAssertEqual(main.policy, .mailbox)
    }

    func testDefaults() throws {
        let config = try decode("{}")
        XCTAssertEqual(config, PipelineConfiguration())
        XCTAssertEqual(config.source.device, "auto")
        XCTAssertEqual(config.source.buffers, 4)
        XCTAssertEqual(config.sink.plane, .automatic)
        XCTAssertNil(config.frames)
    }

    /// Every key a file can hold, each set to a value other than its
    /// default, decodes into its own field: a key the decoder read under
    /// the wrong name, or ignored, leaves that field at its default and
    /// fails here. (A round trip through the encoder cannot see that: both
    /// sides would miss the key alike.) `policy` has one value, "mailbox",
    /// which is also the default; its decoding is checked by the error for
    /// any other value in testMalformedConfigurationsNameFileKeyAndExpectation.
    func testEveryKeyOfOneSourceDecodesIntoItsField() throws {
        let config = try decode("""
        {"source": {"device": "/dev/video4", "format": "NM12", "width": 1280, "height": 720, "frameRate": 30,
                    "buffers": 6, "controls": {"Timestamp Source": 1, "brightness": -3}, "memory": "heap:linux,cma"},
         "sink": {"card": "/dev/dri/card1", "connector": "Virtual-1", "mode": "1920x1080@60", "plane": "33",
                  "position": {"x": 10, "y": 20}, "legacy": true},
         "policy": "mailbox", "frames": 100, "duration": 2.5, "reconnect": true, "copy": "allowed",
         "eventLoop": "dispatch", "realtime": true}
        """)
        let expected = PipelineConfiguration(
            source: SourceConfiguration(
                device: "/dev/video4", format: FourCC("NM12"), width: 1280, height: 720, frameRate: 30, buffers: 6,
                controls: ["Timestamp Source": 1, "brightness": -3], memory: .heap("linux,cma")),
            sink: SinkConfiguration(
                card: "/dev/dri/card1", connector: "Virtual-1", mode: .size(width: 1920, height: 1080, refreshRate: 60),
                plane: .id(PlaneID(33)), position: .init(x: 10, y: 20), legacy: true),
            policy: .mailbox, frames: 100, duration: .milliseconds(2500), reconnect: true, copy: .allowed,
            eventLoop: .dispatch, realtime: true)
        // Field by field first, so that a failure names the key.
        XCTAssertEqual(config.source.device, "/dev/video4")
        XCTAssertEqual(config.source.format, FourCC("NM12"))
        XCTAssertEqual(config.source.width, 1280)
        XCTAssertEqual(config.source.height, 720)
        XCTAssertEqual(config.source.frameRate, 30)
        XCTAssertEqual(config.source.buffers, 6)
        XCTAssertEqual(config.source.controls, ["Timestamp Source": 1, "brightness": -3])
        XCTAssertEqual(config.source.memory, .heap("linux,cma"))
        XCTAssertNil(config.source.rect)
        XCTAssertEqual(config.sources, [])
        XCTAssertEqual(config.sink.card, "/dev/dri/card1")
        XCTAssertEqual(config.sink.connector, "Virtual-1")
        XCTAssertEqual(config.sink.mode, .size(width: 1920, height: 1080, refreshRate: 60))
        XCTAssertEqual(config.sink.plane, .id(PlaneID(33)))
        XCTAssertEqual(config.sink.position, .init(x: 10, y: 20))
        XCTAssertTrue(config.sink.legacy)
        XCTAssertEqual(config.policy, .mailbox)
        XCTAssertEqual(config.frames, 100)
        XCTAssertEqual(config.duration, .milliseconds(2500))
        XCTAssertTrue(config.reconnect)
        XCTAssertEqual(config.copy, .allowed)
        XCTAssertEqual(config.eventLoop, .dispatch)
        XCTAssertTrue(config.realtime)
        XCTAssertEqual(config, expected, "and nothing else differs")
        // The encoder writes what the decoder reads.
        XCTAssertEqual(try JSONDecoder().decode(PipelineConfiguration.self, from: JSONEncoder().encode(config)), expected)
        XCTAssertFalse(try decode("{}").reconnect, "off unless asked for")
        XCTAssertEqual(try decode("{}").copy, .never, "zero-copy or nothing unless asked for")
        XCTAssertEqual(try decode("{}").eventLoop, .thread, "the loop bench-compare measured faster")
        XCTAssertFalse(try decode("{}").realtime)
    }

    /// The same for several sources: `sources` (with a `rect` each),
    /// `layout` and `onSourceLoss`.
    func testEveryKeyOfSeveralSourcesDecodesIntoItsField() throws {
        let placed = try decode("""
        {"sources": [{"device": "/dev/video0", "format": "XR24", "width": 320, "height": 180, "frameRate": 25, "buffers": 3,
                      "controls": {"timestamp_source": 1}, "memory": "display", "rect": {"x": 2, "y": 4, "width": 512, "height": 384}},
                     {"device": "/dev/video4", "memory": "camera", "rect": {"x": 512, "y": 0, "width": 256, "height": 192}}],
         "onSourceLoss": "continue", "sink": {"card": "/dev/dri/card0", "plane": "overlay"}}
        """)
        let first = SourceConfiguration(
            device: "/dev/video0", format: FourCC("XR24"), width: 320, height: 180, frameRate: 25, buffers: 3,
            controls: ["timestamp_source": 1], memory: .display, rect: PixelRectangle(x: 2, y: 4, width: 512, height: 384))
        let second = SourceConfiguration(device: "/dev/video4", memory: .camera, rect: PixelRectangle(x: 512, y: 0, width: 256, height: 192))
        XCTAssertEqual(placed.sources, [first, second])
        XCTAssertEqual(placed.source, first, "source is the first of sources")
        XCTAssertNil(placed.layout)
        XCTAssertEqual(placed.onSourceLoss, .continue)
        XCTAssertEqual(placed.sink, SinkConfiguration(card: "/dev/dri/card0", plane: .overlay))
        XCTAssertEqual(placed, PipelineConfiguration(
            sink: SinkConfiguration(card: "/dev/dri/card0", plane: .overlay), sources: [first, second], onSourceLoss: .continue))

        let preset = try decode(#"{"sources": [{"device": "/dev/video0"}, {"device": "/dev/video4"}], "layout": "picture-in-picture"}"#)
        XCTAssertEqual(preset.layout, .pictureInPicture)
        XCTAssertEqual(preset.onSourceLoss, .stop, "stop unless asked for")
        for config in [placed, preset] {
            XCTAssertEqual(try JSONDecoder().decode(PipelineConfiguration.self, from: JSONEncoder().encode(config)), config)
        }
    }

    /// Each malformed file gives one line naming the file, the key path and
    /// what was expected, with exit status 65 (or 66 for a missing file).
    func testMalformedConfigurationsNameFileKeyAndExpectation() {
        let cases: [(json: String, message: String)] = [
            (#"{"source": {"width": "640"}}"#, "test.json: source.width: expected an integer"),
            (#"{"source": {"width": -5}}"#, "test.json: source.width: expected a width in pixels from 1 to 16384, got -5"),
            (#"{"source": {"width": 0}}"#, "test.json: source.width: expected a width in pixels from 1 to 16384, got 0"),
            (#"{"source": {"height": 100000}}"#, "test.json: source.height: expected a height in pixels from 1 to 16384, got 100000"),
            (#"{"source": {"width": 64.5}}"#, "test.json: source.width: expected an integer, got 64.5"),
            (#"{"source": {"buffers": 1}}"#, "test.json: source.buffers: expected a buffer count from 2 to 32, got 1"),
            (#"{"source": {"buffers": 1000000}}"#, "test.json: source.buffers: expected a buffer count from 2 to 32, got 1000000"),
            (#"{"source": {"frameRate": 0}}"#, "test.json: source.frameRate: expected frames per second above 0 and at most 1000, got 0.0"),
            (#"{"source": {"frameRate": -30}}"#, "test.json: source.frameRate: expected frames per second above 0 and at most 1000, got -30.0"),
            (#"{"source": {"format": "XRGB8888"}}"#, #"test.json: source.format: expected a four-character code such as "XR24", got "XRGB8888""#),
            (#"{"source": {"device": ""}}"#, #"test.json: source.device: expected a device path such as "/dev/video0" or "auto", got """#),
            (#"{"source": {"device": 3}}"#, "test.json: source.device: expected a string"),
            (#"{"source": {"controls": {"brightness": "high"}}}"#, "test.json: source.controls.brightness: expected an integer"),
            (#"{"source": {"controls": [1, 2]}}"#, "test.json: source.controls: expected an object"),
            (#"{"source": {"widht": 640}}"#, "test.json: source.widht: unknown key; expected one of device, format, width, height, frameRate, buffers, controls, memory, rect, media, enableMediaLinks"),
            (#"{"sorce": {}}"#, "test.json: sorce: unknown key; expected one of source, sources, layout, onSourceLoss, sink, policy, frames, duration, reconnect, copy, eventLoop, realtime"),
            (#"{"sink": {"mode": "big"}}"#, #"test.json: sink.mode: expected a mode: "WIDTHxHEIGHT" (e.g. "1024x768"), "WIDTHxHEIGHT@HZ" (e.g. "1920x1080@60") or an interlaced mode's kernel name (e.g. "1920x1080i"); got "big""#),
            (#"{"sink": {"mode": "1024x0"}}"#, #"test.json: sink.mode: expected a mode: "WIDTHxHEIGHT" (e.g. "1024x768"), "WIDTHxHEIGHT@HZ" (e.g. "1920x1080@60") or an interlaced mode's kernel name (e.g. "1920x1080i"); got "1024x0""#),
            (#"{"source": {"media": "configure"}}"#, #"test.json: source.media: expected one of "auto", "as-is", "persist", got "configure""#),
            (#"{"source": {"media": "as-is", "enableMediaLinks": true}}"#, #"test.json: source.enableMediaLinks: enabling media links changes the pipeline, which media "as-is" forbids; expected false, or media "auto" or "persist""#),
            (#"{"source": {"enableMediaLinks": "yes"}}"#, "test.json: source.enableMediaLinks: expected true or false"),
            (#"{"source": {"memory": "gpu"}}"#, #"test.json: source.memory: expected "auto", "camera", "display", "heap" or "heap:NAME" (e.g. "heap:linux,cma"), got "gpu""#),
            (#"{"source": {"memory": "heap:"}}"#, #"test.json: source.memory: expected "auto", "camera", "display", "heap" or "heap:NAME" (e.g. "heap:linux,cma"), got "heap:""#),
            (#"{"sink": {"plane": "sideways"}}"#, #"test.json: sink.plane: expected "auto", "primary", "overlay" or a plane id such as "31", got "sideways""#),
            (#"{"sink": {"position": {"x": 1}}}"#, "test.json: sink.position.y: missing, it is required"),
            (#"{"sink": {"position": {"x": -1, "y": 0}}}"#, "test.json: sink.position.x: expected a pixel offset from 0 to 16384, got -1"),
            (#"{"sink": {"position": {"x": 0, "y": 0, "z": 0}}}"#, "test.json: sink.position.z: unknown key; expected one of x, y"),
            (#"{"sink": {"legacy": "yes"}}"#, "test.json: sink.legacy: expected true or false"),
            (#"{"sink": {"card": null}}"#, "test.json: sink.card: expected a string, got null"),
            (#"{"sink": []}"#, "test.json: sink: expected an object"),
            (#"{"policy": "fifo"}"#, #"test.json: policy: expected one of "mailbox", got "fifo""#),
            (#"{"copy": "sometimes"}"#, #"test.json: copy: expected one of "never", "allowed", got "sometimes""#),
            (#"{"copy": true}"#, "test.json: copy: expected a string"),
            (#"{"eventLoop": "poll"}"#, #"test.json: eventLoop: expected one of "thread", "dispatch", got "poll""#),
            (#"{"realtime": "yes"}"#, "test.json: realtime: expected true or false"),
            (#"{"frames": 0}"#, "test.json: frames: expected a whole number of frames from 1 to 1000000000, got 0"),
            (#"{"frames": 99999999999}"#, "test.json: frames: expected a whole number of frames from 1 to 1000000000, got 99999999999"),
            (#"{"duration": -1}"#, "test.json: duration: expected a number of seconds above 0 and at most 86400, got -1.0"),
            ("{\"so\\nurce\": 1}", "test.json: so\\u{a}urce: unknown key; expected one of source, sources, layout, onSourceLoss, sink, policy, frames, duration, reconnect, copy, eventLoop, realtime"),
            ("{\"source\": {\"controls\": {\"a\u{2028}b\": \"x\"}}}", "test.json: source.controls.a\\u{2028}b: expected an integer"),
            (#"[]"#, "test.json: expected an object"),
            (#"42"#, "test.json: expected an object"),
        ]
        for (json, message) in cases {
            XCTAssertThrowsError(try decode(json), json) { error in
                guard let error = error as? ConfigurationError else { return XCTFail("\(json): wrong error type \(error)") }
                XCTAssertEqual(error.description, message, json)
                XCTAssertEqual(error.category, .invalidRequest, json)
                XCTAssertFalse(error.description.contains("\n"), json)
            }
        }
    }

    func testWholeFileProblems() throws {
        XCTAssertThrowsError(try decode("")) { XCTAssertEqual("\($0)", "test.json: is empty, expected a JSON object") }
        XCTAssertThrowsError(try decode("{\"source\": ")) { error in
            XCTAssertTrue("\(error)".hasPrefix("test.json: is not valid JSON ("), "\(error)")
            XCTAssertFalse("\(error)".contains("\n"))
        }
        XCTAssertThrowsError(try PipelineConfiguration.decode(Data([0x7b, 0xff, 0xfe, 0x7d]), file: "bad.json")) {
            XCTAssertEqual("\($0)", "bad.json: is not valid UTF-8 text, expected a JSON object")
        }
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        XCTAssertThrowsError(try decode(deep)) { XCTAssertEqual(($0 as? ConfigurationError)?.category, .invalidRequest) }
    }

    func testFileLevelErrors() throws {
        XCTAssertThrowsError(try PipelineConfiguration.load(path: "/no/such/pipeline.json")) { error in
            XCTAssertEqual("\(error)", "/no/such/pipeline.json: no such file, expected a JSON pipeline file")
            XCTAssertEqual((error as? ConfigurationError)?.category, .notFound)
        }
        XCTAssertThrowsError(try PipelineConfiguration.load(path: "/tmp")) {
            XCTAssertEqual("\($0)", "/tmp: is a directory, expected a JSON pipeline file")
        }
        XCTAssertThrowsError(try PipelineConfiguration.load(path: "/dev/null")) {
            XCTAssertEqual("\($0)", "/dev/null: is empty, expected a JSON object")
        }
        let big = FileManager.default.temporaryDirectory.appendingPathComponent("fp-big-\(getpid()).json")
        try Data(count: 10 << 20).write(to: big)
        defer { try? FileManager.default.removeItem(at: big) }
        XCTAssertThrowsError(try PipelineConfiguration.load(path: big.path)) {
            XCTAssertEqual("\($0)", "\(big.path): is larger than 1 MiB, expected a small JSON pipeline file")
        }
    }

    /// The JSON Schema and the decoder must describe the same keys.
    func testSchemaListsExactlyTheDecodedKeys() throws {
        let data = try Data(contentsOf: repositoryRoot.appendingPathComponent("configs/pipeline.schema.json"))
        let schema = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        func keys(_ object: [String: Any]?) -> Set<String> {
            Set(((object?["properties"] as? [String: Any]) ?? [:]).keys)
        }
        let top = try XCTUnwrap(schema["properties"] as? [String: Any])
        XCTAssertEqual(keys(schema), ["source", "sources", "layout", "onSourceLoss", "sink", "policy", "frames", "duration", "reconnect", "copy", "eventLoop", "realtime"])
        let item = try XCTUnwrap((top["sources"] as? [String: Any])?["items"] as? [String: Any])
        XCTAssertEqual(keys(item), ["device", "format", "width", "height", "frameRate", "buffers", "controls", "memory", "rect", "media", "enableMediaLinks"])
        XCTAssertEqual((((item["properties"] as? [String: Any])?["media"] as? [String: Any])?["enum"] as? [String]), MediaPolicy.allCases.map(\.rawValue))
        XCTAssertEqual(keys(item["properties"].flatMap { ($0 as? [String: Any])?["rect"] as? [String: Any] }), ["x", "y", "width", "height"])
        XCTAssertEqual(Set(((top["layout"] as? [String: Any])?["enum"] as? [String]) ?? []), Set(LayoutPreset.allCases.map(\.rawValue)))
        XCTAssertEqual(Set(((top["onSourceLoss"] as? [String: Any])?["enum"] as? [String]) ?? []), Set(SourceLossPolicy.allCases.map(\.rawValue)))
        XCTAssertEqual(keys(top["source"] as? [String: Any]), ["device", "format", "width", "height", "frameRate", "buffers", "controls", "memory", "media", "enableMediaLinks"])
        XCTAssertEqual(keys(top["sink"] as? [String: Any]), ["card", "connector", "mode", "plane", "position", "legacy"])
        XCTAssertEqual(schema["additionalProperties"] as? Bool, false)
        // Every key the schema lists is accepted by the decoder, every other rejected.
        XCTAssertNoThrow(try decode(#"{"source": {"device": "auto", "format": "XR24", "width": 2, "height": 2, "frameRate": 1, "buffers": 2, "controls": {}, "memory": "heap:linux,cma", "media": "as-is"}, "sink": {"card": "auto", "connector": "A", "mode": "1x1", "plane": "auto", "position": {"x": 0, "y": 0}, "legacy": false}, "policy": "mailbox", "frames": 1, "duration": 1, "reconnect": false, "copy": "never"}"#))
        XCTAssertNoThrow(try decode(#"{"sources": [{"device": "/dev/video0", "format": "XR24", "width": 2, "height": 2, "frameRate": 1, "buffers": 2, "controls": {}, "memory": "camera", "rect": {"x": 0, "y": 0, "width": 2, "height": 2}}], "onSourceLoss": "continue"}"#))
        XCTAssertNoThrow(try decode(#"{"sources": [{"device": "/dev/video0"}], "layout": "grid"}"#))
    }
}
