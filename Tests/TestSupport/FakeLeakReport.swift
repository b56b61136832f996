/// Everything a ``FakeKernel`` still holds for the code under test, so a
/// teardown test can assert that nothing is left (``isEmpty``) or that only
/// the expected descriptor is (``openDescriptors``).
///
/// Each entry is a readable string naming the resource and its owner, so a
/// failing assertion says what leaked.
public struct FakeLeakReport: Sendable, Equatable, CustomStringConvertible {
    /// Open descriptors, by label ("/dev/dri/card0").
    public var openDescriptors: [String] = []
    /// GEM handles open in some card client ("handle 1 (/dev/video0 buffer 0 plane 0) of /dev/dri/card0").
    public var gemHandles: [String] = []
    /// Framebuffers a client added and did not remove ("framebuffer 42 640x480").
    public var framebuffers: [String] = []
    /// Property blobs a client created and did not destroy.
    public var blobs: [String] = []
    /// Clients holding DRM master.
    public var masters: [String] = []
    /// libdrm objects returned by the fake and not freed ("drmModeCrtc").
    public var libdrmAllocations: [String] = []
    /// Dumb-buffer mappings not unmapped.
    public var mappings: [String] = []
    /// V4L2 queues with buffers allocated.
    public var cameraBuffers: [String] = []
    /// What closing a descriptor had to release (see ``FakeKernel/releasedAtClose``).
    public var releasedAtClose: [String] = []
    /// See ``FakeKernel/violations``.
    public var violations: [String] = []

    public init() {}

    /// True when nothing at all is held and nothing went wrong.
    public var isEmpty: Bool { self == FakeLeakReport() }

    /// This report without the given open descriptors (each label once),
    /// for "nothing but the card's own descriptor is open".
    public func ignoringDescriptors(_ labels: [String]) -> FakeLeakReport {
        var copy = self
        for label in labels {
            if let index = copy.openDescriptors.firstIndex(of: label) { copy.openDescriptors.remove(at: index) }
        }
        return copy
    }

    public var description: String {
        let parts: [(String, [String])] = [
            ("open descriptors", openDescriptors), ("GEM handles", gemHandles), ("framebuffers", framebuffers),
            ("blobs", blobs), ("DRM masters", masters), ("libdrm allocations", libdrmAllocations),
            ("mappings", mappings), ("camera buffers", cameraBuffers), ("released at close", releasedAtClose),
            ("violations", violations),
        ]
        let held = parts.filter { !$0.1.isEmpty }.map { "\($0.0): \($0.1.joined(separator: ", "))" }
        return held.isEmpty ? "nothing held" : held.joined(separator: "; ")
    }
}
