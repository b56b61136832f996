import Foundation
import KMS
import Platform
import TestSupport
import V4L2
import XCTest

@testable import framepipe

/// The text `framepipe list` prints, from fixed descriptions: the recorded
/// vkms card and cameras decoded from the `--json` form.
final class ListTextTests: XCTestCase {
    private func fourcc(_ text: String) -> FourCC { RecordedCard.fourcc(text) }

    /// A camera as `list --json` reports it; formats are (fourcc, driver's description).
    private func camera(
        _ path: String = "/dev/video0", type: String? = "video-capture", formats: [(String, String)],
        mmap: Bool = true, dmabuf: Bool = true, exportable: Bool? = true
    ) throws -> VideoDeviceInfo {
        let formatObjects: [[String: Any]] = formats.map { format in
            ["fourcc": format.0, "description": format.1, "bufferType": type ?? "video-capture",
             "compressed": format.0 == "MJPG", "emulated": false, "frameSizes": [[String: Any]]()]
        }
        var object: [String: Any] = [
            "path": path, "driver": "vivid", "card": "vivid", "busInfo": "platform:vivid-000",
            "driverVersion": "6.1.0", "capabilities": ["video-capture", "streaming"],
            "isMultiplanar": type == "video-capture-mplane", "formats": type == nil ? [] : formatObjects,
        ]
        if let type {
            object["captureBufferType"] = type
            var streaming: [String: Any] = ["mmap": mmap, "userPointer": false, "dmabuf": dmabuf]
            if let exportable { streaming["exportable"] = exportable }
            object["streaming"] = streaming
        }
        return try JSONDecoder().decode(VideoDeviceInfo.self, from: JSONSerialization.data(withJSONObject: object))
    }

    func testDRMFormatsAreNamedFromTheFormatTable() {
        XCTAssertEqual(drmFormatLabel(fourcc("XR24")), "XR24 (XRGB8888)")
        XCTAssertEqual(drmFormatLabel(fourcc("AR24")), "AR24 (ARGB8888)")
        XCTAssertEqual(drmFormatLabel(fourcc("RG16")), "RG16 (RGB565)")
        XCTAssertEqual(drmFormatLabel(fourcc("NV12")), "NV12 (NV12)")
        XCTAssertEqual(drmFormatLabel(fourcc("BG24")), "BG24 (BGR888)")
        // Not in the table: the fourcc alone, never a guessed name.
        XCTAssertEqual(drmFormatLabel(fourcc("XR48")), "XR48")
    }

    func testCameraFormatsNameTheirDRMTwin() {
        XCTAssertEqual(drmLabel(forCameraFormat: fourcc("XR24")), "XR24 (XRGB8888)")
        // V4L2 and DRM spell byte-order formats differently.
        XCTAssertEqual(drmLabel(forCameraFormat: fourcc("RGB3")), "BG24 (BGR888)")
        XCTAssertEqual(drmLabel(forCameraFormat: fourcc("RGBP")), "RG16 (RGB565)")
        XCTAssertEqual(drmLabel(forCameraFormat: fourcc("NM12")), "NV12 (NV12)")
        XCTAssertNil(drmLabel(forCameraFormat: fourcc("MJPG")))
    }

    func testBriefLinesOfTheRecordedCard() {
        XCTAssertEqual(RecordedCard.card().briefLines, [
            "connector /dev/dri/card0 Virtual-1 connected 1024x768@60 on crtc 37",
            "connector /dev/dri/card0 Writeback-1 writeback off",
            "plane /dev/dri/card0 31 primary on crtc 37: XR24 (XRGB8888), XR48, RG16 (RGB565)",
            "plane /dev/dri/card0 33 overlay off: AR24 (ARGB8888), XR24 (XRGB8888), XR48, AR48, RG16 (RGB565)",
            "plane /dev/dri/card0 35 cursor off: AR24 (ARGB8888)",
        ])
    }

    func testBriefConnectorThatIsOffNamesItsPreferredMode() {
        let hdmi = ConnectorInfo(
            id: ConnectorID(50), name: "HDMI-A-1", typeName: "HDMI-A", typeIndex: 1, status: .connected,
            isWriteback: false, widthMillimeters: 520, heightMillimeters: 290,
            modes: [RecordedCard.mode1080p5994, RecordedCard.mode640],
            currentEncoder: nil, possibleEncoders: [EncoderID(39)], possibleCrtcs: [RecordedCard.crtc])
        let empty = ConnectorInfo(
            id: ConnectorID(51), name: "DP-1", typeName: "DP", typeIndex: 1, status: .disconnected,
            isWriteback: false, widthMillimeters: 0, heightMillimeters: 0, modes: [],
            currentEncoder: nil, possibleEncoders: [], possibleCrtcs: [])
        let card = RecordedCard.card(connectors: [hdmi, empty], planes: [])
        XCTAssertEqual(card.briefLines, [
            "connector /dev/dri/card0 HDMI-A-1 connected off, prefers 1920x1080@59.94",
            "connector /dev/dri/card0 DP-1 disconnected off",
        ])
    }

    func testBriefCameraLines() throws {
        let formats = [("YUYV", "YUYV 4:2:2"), ("XR24", "32-bit BGRX 8-8-8-8"), ("MJPG", "Motion-JPEG")]
        XCTAssertEqual(
            try camera(formats: formats).briefLine,
            #"camera /dev/video0 vivid "vivid" platform:vivid-000 single-planar 3 formats, memory camera,display,heap"#)
        XCTAssertEqual(
            try camera("/dev/video2", type: "video-capture-mplane", formats: [formats[1]], exportable: nil).briefLine,
            #"camera /dev/video2 vivid "vivid" platform:vivid-000 multiplanar 1 format, memory camera?,display,heap"#)
        XCTAssertEqual(try camera(formats: formats, dmabuf: false, exportable: false).briefMemory, "none")
        XCTAssertEqual(try camera(formats: formats, dmabuf: true, exportable: false).briefMemory, "display,heap")
        XCTAssertNil(try camera("/dev/video1", type: nil, formats: []).briefLine, "an output node is no camera")
    }

    func testBriefReportHasOneLinePerCameraConnectorAndPlane() throws {
        var report = ListReport()
        report.videoDevices = [
            try camera(formats: [("XR24", "32-bit BGRX 8-8-8-8")]),
            try camera("/dev/video1", type: nil, formats: []),
        ]
        report.cards = [RecordedCard.card()]
        let lines = report.briefText.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.last, "", "ends with a newline")
        XCTAssertEqual(lines.filter { $0.hasPrefix("camera ") }.count, 1)
        XCTAssertEqual(lines.filter { $0.hasPrefix("connector ") }.count, 2)
        XCTAssertEqual(lines.filter { $0.hasPrefix("plane ") }.count, 3)
        XCTAssertEqual(lines.count, 1 + 2 + 3 + 1)
        XCTAssertEqual(ListReport().briefText, "No V4L2 capture devices.\nNo DRM cards.\n")
    }

    func testFullReportNamesFormats() throws {
        let device = try camera(formats: [
            ("XR24", "32-bit BGRX 8-8-8-8"), ("RGB3", "24-bit RGB 8-8-8"), ("MJPG", "Motion-JPEG"),
        ])
        XCTAssertTrue(device.text.contains("    'XR24' 32-bit BGRX 8-8-8-8, DRM XR24 (XRGB8888)\n"), device.text)
        XCTAssertTrue(device.text.contains("    'RGB3' 24-bit RGB 8-8-8, DRM BG24 (BGR888)\n"), device.text)
        XCTAssertTrue(device.text.contains("    'MJPG' Motion-JPEG (compressed)\n"), device.text)

        let tiled = FormatModifier(rawValue: 0x0100_0000_0000_0001)
        let card = RecordedCard.card(planes: [
            RecordedCard.plane(31, .primary, ["XR24", "XR48", "RG16"], on: RecordedCard.crtc),
            RecordedCard.plane(33, .overlay, ["AR24"], modifiers: [.linear, tiled]),
        ])
        XCTAssertTrue(card.text.contains("  plane 31 primary: CRTCs 37; formats XR24 (XRGB8888), XR48, RG16 (RGB565)\n"), card.text)
        XCTAssertTrue(card.text.contains("  plane 33 overlay: CRTCs 37; formats AR24 (ARGB8888) [LINEAR,0x0100000000000001]\n"), card.text)
    }
}

/// The media part of `list`'s text, from a fixed graph.
final class ListMediaTextTests: XCTestCase {
    func testAMediaGraphIsListedWithPadsFormatsCropsLinksAndItsPipelines() {
        let graph = MediaGraph(
            driver: "vimc", model: "VIMC MDEV", path: "/dev/media2",
            entities: [
                MediaGraph.Entity(id: 1, name: "Sensor A", function: 0x0002_0001, node: "/dev/v4l-subdev0"),
                MediaGraph.Entity(id: 21, name: "Scaler", function: 0x4005, node: "/dev/v4l-subdev5"),
                MediaGraph.Entity(id: 24, name: "RGB/YUV Capture", function: 0x0001_0001, node: "/dev/video10"),
            ],
            pads: [
                MediaGraph.Pad(id: 2, entity: 1, index: 0, isSink: false),
                MediaGraph.Pad(id: 22, entity: 21, index: 0, isSink: true), MediaGraph.Pad(id: 23, entity: 21, index: 1, isSink: false),
                MediaGraph.Pad(id: 25, entity: 24, index: 0, isSink: true),
            ],
            links: [
                MediaGraph.Link(id: 30, source: 2, sink: 22, isEnabled: false, isImmutable: false),
                MediaGraph.Link(id: 37, source: 23, sink: 25, isEnabled: true, isImmutable: true),
            ])
        let info = MediaGraphInfo(
            graph: graph, pipelines: ["Sensor A → Scaler → RGB/YUV Capture (/dev/video10)"],
            format: { entity, pad in MediaBusFormat(code: 0x100a, width: entity.id == 1 ? 640 : 320 * Int(pad + 1), height: 480) },
            crop: { entity, _ in entity.id == 21 ? PixelRectangle(x: 0, y: 60, width: 640, height: 360) : nil })
        XCTAssertEqual(info.text, """
            /dev/media2: media controller vimc "VIMC MDEV"
              Sensor A (sensor, /dev/v4l-subdev0)
                pad 0 source RGB888_1X24/640x480 -> "Scaler":0 (disabled)
              Scaler (0x4005, /dev/v4l-subdev5)
                pad 0 sink RGB888_1X24/320x480 crop (0,60)/640x360 <- "Sensor A":0 (disabled)
                pad 1 source RGB888_1X24/640x480 -> "RGB/YUV Capture":0
              RGB/YUV Capture (video node, /dev/video10)
                pad 0 sink <- "Scaler":1
              pipeline: Sensor A → Scaler → RGB/YUV Capture (/dev/video10)

            """)
    }

    func testNothingOpenedNamesTheNodesAndTheGroupsOnce() {
        XCTAssertEqual(ListError.nothingOpened(nodes: ["/dev/video0", "/dev/dri/card0"], groups: ["video", "video"]).description,
                       "no device could be opened: 2 nodes refused permission (/dev/video0, /dev/dri/card0); "
                       + "add the user to group video (usermod -aG video USER) and log in again")
        XCTAssertEqual(ListError.nothingOpened(nodes: ["/dev/video0", "/dev/dri/card0"], groups: ["video", "render"]).description,
                       "no device could be opened: 2 nodes refused permission (/dev/video0, /dev/dri/card0); "
                       + "add the user to groups video, render (usermod -aG video,render USER) and log in again")
        XCTAssertEqual(ListError.nothingOpened(nodes: [], groups: []).category, .permissionDenied)
    }
}
