import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// An ioctl request: the number the kernel expects and the name a person
/// reads in an error ("VIDIOC_DQBUF").
package struct IoctlRequest: Sendable, Hashable, CustomStringConvertible {
    /// The request's name in the kernel headers.
    package let name: String
    /// The request number (`_IOWR(...)`).
    package let number: UInt

    /// A request called `name` with the number `number`.
    package init(_ name: String, _ number: UInt) {
        self.name = name
        self.number = number
    }

    /// The name.
    package var description: String { name }
}
