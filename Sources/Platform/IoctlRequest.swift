import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// An ioctl request: the number the kernel expects and the name a person
/// reads in an error ("VIDIOC_DQBUF").
public struct IoctlRequest: Sendable, Hashable, CustomStringConvertible {
    /// The request's name in the kernel headers.
    public let name: String
    /// The request number (`_IOWR(...)`).
    public let number: UInt

    /// A request called `name` with the number `number`.
    public init(_ name: String, _ number: UInt) {
        self.name = name
        self.number = number
    }

    /// The name.
    public var description: String { name }
}
