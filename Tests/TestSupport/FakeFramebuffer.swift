/// A framebuffer of a fake card. It holds its GEM objects (not the
/// handles: closing a handle does not remove the framebuffer), and belongs
/// to the client that added it (nil for fbdev's, which no file owns).
struct FakeFramebuffer {
    let id: UInt32
    let width: UInt32
    let height: UInt32
    let format: UInt32
    let objects: [FakeGEMObject]
    let owner: FakeDRMClient?
}
