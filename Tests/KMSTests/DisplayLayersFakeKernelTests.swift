import KMS
import Platform
import TestSupport
import XCTest

/// A composition of two layers (several cameras on one screen) on the fake
/// vkms-like card: the first commit sets every layer that has a frame and
/// turns the CRTC's other planes off; later commits carry only what
/// changes; a layer goes off with FB_ID and CRTC_ID 0; the restore at close
/// turns every layer plane off again.
final class DisplayLayersFakeKernelTests: XCTestCase {
    typealias Rig = FakeDisplayRig
    let primary = FakeCard.primaryPlaneID
    let overlay = FakeCard.overlayPlaneID

    private func plans(_ info: CardInfo) throws -> [DisplayPlan] {
        // The primary plane must cover the CRTC: a 1024x768 frame there, a
        // 640x480 one on the overlay at the bottom right.
        var full = DisplaySelection(frameWidth: 1024, frameHeight: 768, format: Rig.xrgb8888)
        full.region = PixelRectangle(x: 0, y: 0, width: 1024, height: 768)
        full.planes = [PlaneID(primary)]
        var inset = Rig.selection()
        inset.region = PixelRectangle(x: 384, y: 288, width: 640, height: 480)
        inset.planes = [PlaneID(overlay)]
        return [try XCTUnwrap(DisplayPlanner.candidates(for: info, selection: full).first),
                try XCTUnwrap(DisplayPlanner.candidates(for: info, selection: inset).first)]
    }

    func testLayersAreCommittedTogetherAndOnlyChangesFollow() throws {
        let rig = Rig()
        let card = try rig.openCard()
        let info = try card.describe()
        let layers = try plans(info)
        XCTAssertEqual(layers[1].layout.destination, PixelRectangle(x: 384, y: 288, width: 640, height: 480))
        XCTAssertEqual(layers.map(\.planesTurnedOff), [[], []], "in a region the composition decides what goes off")
        let display = try Display(card: card, info: info, candidates: layers, alsoSaving: [PlaneID(primary), PlaneID(overlay)])
        let big = DmaBuf(OwnedFD(adopting: rig.fake.makeDmaBuf(size: 1024 * 768 * 4, label: "full"), path: "full", kernel: rig.fake))
        let background = try display.importFramebuffer(FramebufferLayout(
            width: 1024, height: 768, format: Rig.xrgb8888, planes: [FramebufferPlane(dmaBufDescriptor: big.rawValue, pitch: 1024 * 4)]))
        let small = rig.makeFrame("inset")
        let inset = try display.importFramebuffer(Rig.layout(small))
        XCTAssertNil(try display.testLayers([DisplayLayer(plan: layers[0], framebuffer: background),
                                             DisplayLayer(plan: layers[1], framebuffer: inset)]))
        display.selectLayers(layers)

        // First commit: only the inset has a frame; the primary plane (the
        // console's) goes off with it.
        let before = rig.fakeCard.commits.count
        try display.showLayers([LayerChange(layer: 1, framebuffer: inset)], tag: 1)
        XCTAssertEqual(display.state, .modesetPending)
        XCTAssertEqual(rig.fakeCard.propertyValue("FB_ID", of: overlay), UInt64(inset.rawValue))
        XCTAssertEqual(rig.fakeCard.propertyValue("CRTC_X", of: overlay), 384)
        XCTAssertEqual(rig.fakeCard.propertyValue("FB_ID", of: primary), 0)
        XCTAssertThrowsError(try display.showLayers([LayerChange(layer: 0, framebuffer: background)], tag: 2), "one commit in flight")
        var tags: [UInt32] = []
        rig.fakeCard.vblank()
        try display.handleEvents { tags.append($0.tag) }
        XCTAssertEqual(tags, [1])

        // The background's first frame: its plane comes on with its rectangles.
        try display.showLayers([LayerChange(layer: 0, framebuffer: background)], tag: 2)
        let turnOn = try XCTUnwrap(rig.fakeCard.commits.last)
        XCTAssertEqual(turnOn.value(of: "CRTC_ID", on: primary), UInt64(FakeCard.crtcID))
        XCTAssertEqual(turnOn.value(of: "CRTC_W", on: primary), 1024)
        XCTAssertNil(turnOn.value(of: "FB_ID", on: overlay), "the inset did not change")
        rig.fakeCard.vblank()
        try display.handleEvents { tags.append($0.tag) }

        // Both change: FB_IDs only, one commit.
        try display.showLayers([LayerChange(layer: 0, framebuffer: background), LayerChange(layer: 1, framebuffer: inset)], tag: 3)
        let flip = try XCTUnwrap(rig.fakeCard.commits.last)
        XCTAssertEqual(Set(flip.changes.map(\.property)), ["FB_ID"])
        XCTAssertEqual(flip.changes.count, 2)
        rig.fakeCard.vblank()
        try display.handleEvents { tags.append($0.tag) }

        // The inset is lost: its plane goes off.
        try display.showLayers([LayerChange(layer: 1, framebuffer: nil)], tag: 4)
        XCTAssertEqual(rig.fakeCard.commits.last?.value(of: "FB_ID", on: overlay), 0)
        XCTAssertEqual(rig.fakeCard.commits.last?.value(of: "CRTC_ID", on: overlay), 0)
        rig.fakeCard.vblank()
        try display.handleEvents { tags.append($0.tag) }
        XCTAssertEqual(tags, [1, 2, 3, 4])
        XCTAssertThrowsError(try display.showLayers([LayerChange(layer: 1, framebuffer: nil)], tag: 5),
                             "a commit that changes nothing is refused, not left waiting for an event")
        // Exactly: the first frame's TEST_ONLY and modeset, a commit per
        // change after it, and the refused empty one (EINVAL), never sent
        // as a flip.
        XCTAssertEqual(rig.fakeCard.commits.dropFirst(before).map(\.flags), [
            "TEST_ONLY|ALLOW_MODESET", "PAGE_FLIP_EVENT|ALLOW_MODESET", "NONBLOCK|PAGE_FLIP_EVENT", "NONBLOCK|PAGE_FLIP_EVENT",
            "NONBLOCK|PAGE_FLIP_EVENT", "NONBLOCK|PAGE_FLIP_EVENT",
        ])
        XCTAssertEqual(rig.fakeCard.commits.dropFirst(before).map(\.errno), [0, 0, 0, 0, 0, EINVAL])

        XCTAssertTrue(display.close().isEmpty)
        XCTAssertEqual(rig.fakeCard.propertyValue("FB_ID", of: overlay), 0, "restored: the overlay was off")
        XCTAssertEqual(rig.fake.violations, [])
    }
}
