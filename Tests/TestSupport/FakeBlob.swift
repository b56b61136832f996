/// A property blob of a fake card. It lives while the client that created
/// it has not destroyed it, or while a property (a CRTC's MODE_ID) refers
/// to it, as the kernel's blob reference counting has it.
struct FakeBlob {
    let id: UInt32
    let bytes: [UInt8]
    /// The creating client, until it destroys the blob; nil for blobs the
    /// kernel made (fbdev's mode, legacy modesets).
    var owner: FakeDRMClient?
}
