import KMS
import Pipeline
import Platform
import TestSupport
import V4L2
import XCTest

/// Configuration → (what to ask the camera, what to ask the display): a pure
/// function over a recorded card, with every rule checked here rather than
/// on hardware.
final class PipelineRequestTests: XCTestCase {
    private let camera = "/dev/video0"
    private let cameraFormats = ["YUYV", "XR24", "AR24", "NV12"].map(RecordedCard.fourcc)

    private func resolve(_ configuration: PipelineConfiguration, cameraFormats: [FourCC]? = nil,
                         card: CardInfo = RecordedCard.card()) throws -> PipelineRequest {
        try PipelineRequest.resolve(configuration, cameraFormats: cameraFormats ?? self.cameraFormats, camera: camera, card: card)
    }

    func testDefaultsAskForTheFirstSharedFormatAt640x480WithNoRateAndAutomaticDisplayChoices() throws {
        let request = try resolve(PipelineConfiguration())
        XCTAssertEqual(request.pixelFormat.name, "XRGB8888", "the table's first format both sides have")
        XCTAssertEqual(request.capture, CaptureConfiguration(
            fourcc: RecordedCard.fourcc("XR24"), width: 640, height: 480, bufferCount: 4, frameInterval: nil, controls: [:]))
        XCTAssertEqual(request.display, DisplaySelection(frameWidth: 640, frameHeight: 480, format: RecordedCard.fourcc("XR24")))
        XCTAssertEqual(request.display.plane, .automatic)
        XCTAssertNil(request.display.mode)
        XCTAssertNil(request.display.connector)
        XCTAssertNil(request.display.position)
        XCTAssertFalse(request.display.forceLegacy)
    }

    func testEveryKeyOfTheFileReachesTheRequest() throws {
        let file = """
        {"source": {"device": "/dev/video4", "format": "AR24", "width": 1280, "height": 720, "frameRate": 25,
                    "buffers": 6, "controls": {"timestamp_source": 1}},
         "sink": {"connector": "Virtual-1", "mode": "1920x1080@59.94", "plane": "overlay",
                  "position": {"x": 10, "y": 20}, "legacy": true}}
        """
        let configuration = try PipelineConfiguration.decode(Data(file.utf8), file: "test.json")
        let request = try resolve(configuration)
        XCTAssertEqual(request.pixelFormat.name, "ARGB8888")
        XCTAssertEqual(request.capture.fourcc, RecordedCard.fourcc("AR24"))
        XCTAssertEqual(request.capture.width, 1280)
        XCTAssertEqual(request.capture.height, 720)
        XCTAssertEqual(request.capture.bufferCount, 6)
        XCTAssertEqual(request.capture.frameInterval, Fraction(numerator: 1000, denominator: 25_000), "1/25 s")
        XCTAssertEqual(request.capture.controls, ["timestamp_source": 1])
        XCTAssertEqual(request.display.frameWidth, 1280)
        XCTAssertEqual(request.display.frameHeight, 720)
        XCTAssertEqual(request.display.format, RecordedCard.fourcc("AR24"))
        XCTAssertEqual(request.display.connector, .named("Virtual-1"))
        XCTAssertEqual(request.display.mode, .size(width: 1920, height: 1080, refreshRate: 59.94))
        XCTAssertEqual(request.display.plane, .overlay)
        XCTAssertEqual(request.display.position, PixelPoint(x: 10, y: 20))
        XCTAssertTrue(request.display.forceLegacy)
    }

    /// The mode the request carries picks the same mode the display plan
    /// uses: one parser, one rule.
    func testTheParsedModeSelectsTheModeTheTextNames() throws {
        var configuration = PipelineConfiguration()
        configuration.sink.mode = ModeRequest(parsing: "1920x1080@59.94")
        let request = try resolve(configuration)
        let plan = try DisplayPlan.make(for: RecordedCard.card(), selection: request.display)
        XCTAssertEqual(plan.mode, RecordedCard.mode1080p5994)
    }

    /// A plane request narrows the formats negotiation looks at: the
    /// primary plane has no ARGB, the overlay has.
    func testThePlaneRequestDecidesWhichPlanesFormatsCount() throws {
        var configuration = PipelineConfiguration()
        let argbOnly = [RecordedCard.fourcc("AR24")]
        configuration.sink.plane = .primary
        XCTAssertThrowsError(try resolve(configuration, cameraFormats: argbOnly)) { error in
            guard case .noCommonFormat(_, _, _, _, let displayFormats)? = error as? NegotiationError else {
                return XCTFail("expected noCommonFormat, got \(error)")
            }
            XCTAssertEqual(displayFormats.map(\.description), ["XR24", "XR48", "RG16"], "the primary plane's formats only")
        }
        configuration.sink.plane = .overlay
        XCTAssertEqual(try resolve(configuration, cameraFormats: argbOnly).pixelFormat.name, "ARGB8888")
        configuration.sink.plane = .id(PlaneID(33))
        XCTAssertEqual(try resolve(configuration, cameraFormats: argbOnly).pixelFormat.name, "ARGB8888")
        configuration.sink.plane = .automatic
        XCTAssertEqual(try resolve(configuration, cameraFormats: argbOnly).pixelFormat.name, "ARGB8888")
    }

    func testACursorPlaneNeverOffersItsFormats() throws {
        let card = RecordedCard.card(planes: [
            RecordedCard.plane(31, .primary, ["XR24"], on: RecordedCard.crtc),
            RecordedCard.plane(35, .cursor, ["AR24"]),
        ])
        XCTAssertThrowsError(try resolve(PipelineConfiguration(), cameraFormats: [RecordedCard.fourcc("AR24")], card: card)) { error in
            XCTAssertEqual((error as? NegotiationError)?.category, .invalidRequest)
            XCTAssertTrue("\(error)".contains("planes scan out XR24,"), "\(error)")
        }
    }

    func testARequestedFormatTheCameraLacksNamesWhatItOffers() throws {
        var configuration = PipelineConfiguration()
        configuration.source.format = RecordedCard.fourcc("RG16")
        XCTAssertThrowsError(try resolve(configuration)) { error in
            XCTAssertEqual(error as? NegotiationError, .cameraLacksFormat(
                camera: "/dev/video0", requested: RecordedCard.fourcc("RG16"), cameraFormats: self.cameraFormats))
            XCTAssertEqual("\(error)", "camera /dev/video0 cannot capture 'RG16'; it offers YUYV XR24 AR24 NV12")
        }
    }
}
