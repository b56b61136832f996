import KMS
import Platform
import TestSupport
import XCTest

/// libdrm's seam: which `DRMInterface` a card takes when none is given.
final class DRMSeamTests: XCTestCase {
    /// The system kernel's descriptors are real: libdrm itself. The fake
    /// kernel is libdrm too: a card opened on it takes it for both.
    func testACardTakesTheKernelAsItsLibdrmWhenTheKernelIsOne() throws {
        XCTAssertTrue(Card.defaultDRM(for: SystemKernel.shared) is SystemDRM)
        let fake = FakeKernel()
        XCTAssertTrue(Card.defaultDRM(for: fake) as? FakeKernel === fake)
        fake.addCard()
        let card = try Card.open(path: "/dev/dri/card0", kernel: fake)
        XCTAssertTrue(card.drm as? FakeKernel === fake)
        XCTAssertTrue(fake.trace.contains("drmGetVersion"), "\(fake.trace)")
    }
}
