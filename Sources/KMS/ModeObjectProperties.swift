import CDRM
import Platform

/// All properties of one mode object, looked up by name. Property ids differ
/// between drivers and boots, so code names properties ("FB_ID", "CRTC_ID")
/// and resolves them here once.
package struct ModeObjectProperties: Sendable, Equatable {
    /// In the kernel's order.
    package let all: [ModeObjectProperty]
    private let indexByName: [String: Int]

    /// Indexes `properties` by name; if two share a name, the first wins.
    package init(_ properties: [ModeObjectProperty]) {
        all = properties
        // A name is unique per object in practice; keep the first if not.
        indexByName = Dictionary(properties.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The property called `name`, or nil if the object has none.
    package subscript(name: String) -> ModeObjectProperty? {
        indexByName[name].map { all[$0] }
    }
}
