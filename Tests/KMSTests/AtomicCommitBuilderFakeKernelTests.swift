import KMS
import Platform
import TestSupport
import XCTest

/// The commits the atomic builder makes after the first, through a display
/// on the fake card: a new framebuffer on a layer that shows one is its
/// FB_ID alone (one reused request, rewritten in place), whichever layer it
/// is; a layer coming back on gets its rectangles; after a restore the next
/// frame sets the mode again.
final class AtomicCommitBuilderFakeKernelTests: XCTestCase {
    typealias Rig = FakeDisplayRig
    let primary = FakeCard.primaryPlaneID
    let overlay = FakeCard.overlayPlaneID

    func testEachLayersNewFramebufferIsItsFBIDAlone() throws {
        let rig = Rig()
        let card = try rig.openCard()
        let info = try card.describe()
        var full = DisplaySelection(frameWidth: 1024, frameHeight: 768, format: Rig.xrgb8888)
        full.region = PixelRectangle(x: 0, y: 0, width: 1024, height: 768)
        full.planes = [PlaneID(primary)]
        var inset = Rig.selection()
        inset.region = PixelRectangle(x: 384, y: 288, width: 640, height: 480)
        inset.planes = [PlaneID(overlay)]
        let plans = [try XCTUnwrap(DisplayPlanner.candidates(for: info, selection: full).first),
                     try XCTUnwrap(DisplayPlanner.candidates(for: info, selection: inset).first)]
        let display = try Display(card: card, info: info, candidates: plans, alsoSaving: [PlaneID(primary), PlaneID(overlay)])
        let big = DmaBuf(OwnedFD(adopting: rig.fake.makeDmaBuf(size: 1024 * 768 * 4, label: "full"), path: "full", kernel: rig.fake))
        let background = try display.importFramebuffer(FramebufferLayout(
            width: 1024, height: 768, format: Rig.xrgb8888, planes: [FramebufferPlane(dmaBufDescriptor: big.rawValue, pitch: 1024 * 4)]))
        let frames = [rig.makeFrame("inset 0"), rig.makeFrame("inset 1")]
        let insets = try frames.map { try display.importFramebuffer(Rig.layout($0)) }
        display.selectLayers(plans)

        var tag: UInt32 = 0
        func commit(_ changes: [LayerChange]) throws -> [FakeCommit.Change] {
            tag += 1
            let mark = rig.fake.callCount
            try display.showLayers(changes, tag: tag)
            if tag > 1 { XCTAssertEqual(rig.fake.trace(since: mark), ["DRM_IOCTL_MODE_ATOMIC NONBLOCK|PAGE_FLIP_EVENT"]) }
            rig.fakeCard.vblank()
            var tags: [UInt32] = []
            try display.handleEvents { tags.append($0.tag) }
            XCTAssertEqual(tags, [tag])
            return try XCTUnwrap(rig.fakeCard.commits.last).changes
        }
        func fbID(_ plane: UInt32, _ framebuffer: FramebufferID?) -> [FakeCommit.Change] {
            [FakeCommit.Change(object: plane, property: "FB_ID", value: UInt64(framebuffer?.rawValue ?? 0))]
        }

        let first = try commit([LayerChange(layer: 0, framebuffer: background), LayerChange(layer: 1, framebuffer: insets[0])])
        XCTAssertEqual(rig.fakeCard.commits.last?.flags, "PAGE_FLIP_EVENT|ALLOW_MODESET")
        XCTAssertEqual(first.filter { $0.property == "FB_ID" }.count, 2, "the first commit: both layers whole")
        XCTAssertEqual(try commit([LayerChange(layer: 1, framebuffer: insets[1])]), fbID(overlay, insets[1]))
        XCTAssertEqual(try commit([LayerChange(layer: 0, framebuffer: background)]), fbID(primary, background))
        XCTAssertEqual(try commit([LayerChange(layer: 1, framebuffer: insets[0])]), fbID(overlay, insets[0]))
        XCTAssertEqual(try commit([LayerChange(layer: 1, framebuffer: insets[1])]), fbID(overlay, insets[1]))
        let off = try commit([LayerChange(layer: 1, framebuffer: nil)])
        XCTAssertEqual(off.map(\.property), ["FB_ID", "CRTC_ID"])
        let on = try commit([LayerChange(layer: 1, framebuffer: insets[0])])
        XCTAssertEqual(on.count, 10, "back on: framebuffer, CRTC and both rectangles")
        XCTAssertEqual(on.first { $0.property == "CRTC_X" }?.value, 384)
        XCTAssertEqual(try commit([LayerChange(layer: 1, framebuffer: insets[1])]), fbID(overlay, insets[1]))
        let both = try commit([LayerChange(layer: 0, framebuffer: background), LayerChange(layer: 1, framebuffer: insets[0])])
        XCTAssertEqual(both, fbID(primary, background) + fbID(overlay, insets[0]))

        XCTAssertTrue(display.close().isEmpty)
        XCTAssertEqual(rig.fake.violations, [])
        withExtendedLifetime((big, frames)) {}
    }

    /// A restore forgets what the flips changed: the next frame sets the
    /// mode again (no TEST_ONLY: the plan is settled), and flips after it
    /// are FB_ID alone again.
    func testAfterARestoreTheNextFrameSetsTheModeAgain() throws {
        let rig = Rig()
        let card = try rig.openCard()
        let display = try Display(card: card, selection: Rig.selection())
        let frames = [rig.makeFrame("frame 0"), rig.makeFrame("frame 1")]
        let framebuffers = try frames.map { try display.importFramebuffer(Rig.layout($0)) }
        try display.show(framebuffer: framebuffers[0], tag: 1)
        rig.fakeCard.vblank()
        try display.handleEvents { _ in }
        try display.restore()
        XCTAssertEqual(display.state, .idle)
        XCTAssertNil(display.activePlane)

        var mark = rig.fake.callCount
        try display.show(framebuffer: framebuffers[1], tag: 2)
        XCTAssertEqual(rig.fake.trace(since: mark).filter { $0.hasPrefix("DRM_IOCTL_MODE_ATOMIC") }, [
            "DRM_IOCTL_MODE_ATOMIC PAGE_FLIP_EVENT|ALLOW_MODESET",
        ])
        XCTAssertEqual(rig.fakeCard.commits.last?.value(of: "CRTC_X", on: overlay), 192)
        XCTAssertEqual(display.activePlane?.id.rawValue, overlay)
        rig.fakeCard.vblank()
        try display.handleEvents { _ in }

        mark = rig.fake.callCount
        try display.show(framebuffer: framebuffers[0], tag: 3)
        XCTAssertEqual(rig.fake.trace(since: mark), ["DRM_IOCTL_MODE_ATOMIC NONBLOCK|PAGE_FLIP_EVENT"])
        XCTAssertEqual(rig.fakeCard.commits.last?.changes, [FakeCommit.Change(object: overlay, property: "FB_ID", value: UInt64(framebuffers[0].rawValue))])
        XCTAssertTrue(display.close().isEmpty)
        XCTAssertEqual(rig.fake.violations, [])
        withExtendedLifetime(frames) {}
    }
}
