import KMS
import Platform
import TestSupport

/// A fake kernel with one vkms-like card at /dev/dri/card0, and the frames
/// the display tests show: 640x480 XR24 dma-bufs that no device exported,
/// as a dma-heap would hand them out.
struct FakeDisplayRig {
    static let cardPath = "/dev/dri/card0"
    static let xrgb8888 = FourCC(rawValue: 0x3432_5258)  // 'XR24'

    let fake = FakeKernel()
    let fakeCard: FakeCard

    init(_ configuration: FakeCard.Configuration = .init()) {
        fakeCard = fake.addCard(at: Self.cardPath, configuration: configuration)
    }

    func openCard() throws -> Card {
        try Card.open(path: Self.cardPath, kernel: fake)
    }

    /// A 640x480 frame selection; `plane` pins a plane, `legacy` forces the
    /// legacy calls.
    static func selection(plane: PlaneRequest = .automatic, legacy: Bool = false) -> DisplaySelection {
        DisplaySelection(frameWidth: 640, frameHeight: 480, format: xrgb8888, plane: plane, forceLegacy: legacy)
    }

    /// A new 640x480 XR24 dma-buf owned by the caller.
    func makeFrame(_ label: String) -> DmaBuf {
        DmaBuf(OwnedFD(adopting: fake.makeDmaBuf(size: 640 * 480 * 4, label: label), path: label, kernel: fake))
    }

    /// The framebuffer layout of a frame made by ``makeFrame(_:)``.
    static func layout(_ frame: DmaBuf) -> FramebufferLayout {
        FramebufferLayout(
            width: 640, height: 480, format: xrgb8888,
            planes: [FramebufferPlane(dmaBufDescriptor: frame.rawValue, pitch: 640 * 4)])
    }

    /// A display on the card whose mode is set (tag 0 shown) and whose
    /// next flip (tag 1) is in flight: the frame, its framebuffer, and the
    /// card, which the caller keeps alive.
    func displayWithAFlipInFlight() throws -> (Card, Display, FramebufferID, DmaBuf) {
        let card = try openCard()
        let display = try Display(card: card, selection: Self.selection())
        let frame = makeFrame("frame 0")
        let framebuffer = try display.importFramebuffer(Self.layout(frame))
        try display.show(framebuffer: framebuffer, tag: 0)
        try display.handleEvents { _ in }
        try display.show(framebuffer: framebuffer, tag: 1)
        return (card, display, framebuffer, frame)
    }
}
