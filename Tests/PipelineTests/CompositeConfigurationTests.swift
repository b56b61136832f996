import Foundation
import Pipeline
import Platform
import XCTest

/// Pipeline files with several `sources`: what they mean, and every rule
/// that ties them to the rest of the file, refused with one line naming the key.
final class CompositeConfigurationTests: XCTestCase {
    private func decode(_ text: String) throws -> PipelineConfiguration {
        try PipelineConfiguration.decode(Data(text.utf8), file: "test.json")
    }

    private func problem(_ text: String) -> String {
        do {
            _ = try decode(text)
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    func testSourcesWithALayoutOrRectangles() throws {
        let grid = try decode(#"{"sources": [{"device": "/dev/video0"}, {"device": "/dev/video4", "width": 320, "height": 180}], "layout": "picture-in-picture", "onSourceLoss": "continue"}"#)
        XCTAssertTrue(grid.isComposite)
        XCTAssertEqual(grid.sources.map(\.device), ["/dev/video0", "/dev/video4"])
        XCTAssertEqual(grid.source.device, "/dev/video0", "source is the first of the sources")
        XCTAssertEqual(grid.layout, .pictureInPicture)
        XCTAssertEqual(grid.onSourceLoss, .continue)
        let placed = try decode(#"{"sources": [{"device": "/dev/video0", "rect": {"x": 0, "y": 0, "width": 640, "height": 480}}, {"device": "/dev/video4", "rect": {"x": 640, "y": 0, "width": 320, "height": 240}}]}"#)
        XCTAssertNil(placed.layout)
        XCTAssertEqual(placed.sources[1].rect, PixelRectangle(x: 640, y: 0, width: 320, height: 240))
        XCTAssertEqual(placed.onSourceLoss, .stop, "the run stops by default")
        for config in [grid, placed] {
            let again = try JSONDecoder().decode(PipelineConfiguration.self, from: JSONEncoder().encode(config))
            XCTAssertEqual(again, config)
        }
        // The copy path, reconnect and the loss policy apply to every source
        // of several as to one.
        let each = try decode(#"{"sources": [{"device": "/dev/video0"}, {"device": "/dev/video4"}], "copy": "allowed", "reconnect": true, "onSourceLoss": "continue"}"#)
        XCTAssertEqual(each.copy, .allowed)
        XCTAssertTrue(each.reconnect)
        XCTAssertEqual(each.onSourceLoss, .continue)
        XCTAssertEqual(try decode(#"{"source": {"device": "/dev/video0"}, "onSourceLoss": "continue"}"#).onSourceLoss, .continue)
        let single = try decode(#"{"source": {"device": "/dev/video0"}}"#)
        XCTAssertFalse(single.isComposite)
        XCTAssertEqual(try JSONDecoder().decode(PipelineConfiguration.self, from: JSONEncoder().encode(single)), single)
    }

    func testRulesAreOneLineNamingTheKey() {
        let two = #"[{"device": "/dev/video0"}, {"device": "/dev/video4"}]"#
        let cases: [(String, String)] = [
            (#"{"source": {}, "sources": \#(two)}"#, "test.json: sources: expected \"source\" for one camera or \"sources\" for several, not both"),
            (#"{"sources": []}"#, "test.json: sources: expected 1 to 8 sources, got 0"),
            (#"{"sources": [{"device": "/dev/video0"}, {"device": "/dev/video0"}]}"#, "test.json: sources: expected each camera once; /dev/video0 is listed twice"),
            (#"{"sources": [{"device": "/dev/video0"}, {}]}"#, "test.json: sources: expected a device path for each of several sources (\"auto\" would pick the same camera)"),
            (#"{"sources": \#(two), "layout": "mosaic"}"#, #"test.json: layout: expected one of "grid", "side-by-side", "picture-in-picture", got "mosaic""#),
            (#"{"sources": \#(two), "onSourceLoss": "ignore"}"#, #"test.json: onSourceLoss: expected one of "stop", "continue", got "ignore""#),
            (#"{"sources": [{"device": "/dev/video0", "rect": {"x": 0, "y": 0, "width": 2, "height": 2}}, {"device": "/dev/video4"}]}"#,
             "test.json: sources: expected a \"rect\" for every source or for none (then the layout places them); 1 of 2 have one"),
            (#"{"sources": [{"device": "/dev/video0", "rect": {"x": 0, "y": 0, "width": 2, "height": 2}}], "layout": "grid"}"#,
             "test.json: layout: expected a layout or a \"rect\" for every source, not both"),
            (#"{"sources": [{"device": "/dev/video0", "rect": {"x": 0, "y": 0, "width": 0, "height": 2}}]}"#,
             "test.json: sources[0].rect.width: expected a width in pixels from 2 to 16384, got 0"),
            (#"{"sources": [{"device": "/dev/video0", "rect": {"x": 0, "y": 0, "width": 4}}]}"#, "test.json: sources[0].rect.height: missing, it is required"),
            (#"{"source": {"rect": {"x": 0, "y": 0, "width": 2, "height": 2}}}"#,
             "test.json: source: \"rect\" places one of several \"sources\"; one camera uses sink.position"),
            (#"{"layout": "grid"}"#, "test.json: layout: a layout places several \"sources\"; this file has one \"source\""),
            (#"{"sources": \#(two), "sink": {"position": {"x": 0, "y": 0}}}"#,
             "test.json: sink: \"position\" places one camera; several \"sources\" use \"rect\" or \"layout\""),
            (#"{"sources": \#(two), "sink": {"legacy": true}}"#, "test.json: sink: \"legacy\" KMS shows one plane; several \"sources\" need atomic commits"),
        ]
        for (text, expected) in cases {
            let message = problem(text)
            XCTAssertEqual(message, expected, "\(text)")
            XCTAssertFalse(message.contains("\n"), message)
        }
    }
}
