/// A frame size a ``FakeCamera`` offers.
public struct FakeFrameSize: Sendable, Equatable {
    public var width: UInt32
    public var height: UInt32

    public init(_ width: UInt32, _ height: UInt32) {
        self.width = width
        self.height = height
    }
}
