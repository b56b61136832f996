/// A CRTC, connector, encoder or plane of a fake card: its id, kind
/// (`DRM_MODE_OBJECT_*`) and the properties it has, in order. The values
/// live in the card's one property store.
struct FakeModeObject {
    let id: UInt32
    let type: UInt32
    let properties: [FakeProperty]

    func property(_ id: UInt32) -> FakeProperty? { properties.first { $0.id == id } }
}
