import Platform

/// The driver behind a card, as it names itself.
///
/// The corresponding call is `drmGetVersion`.
public struct DriverInfo: Codable, Sendable, Equatable, CustomStringConvertible {
    /// Short name used to pick a driver by ("vkms", "i915").
    public let name: String
    /// A human-readable description ("Virtual Kernel Mode Setting").
    public let description: String
    /// The driver's self-reported date (often stale; kept for completeness).
    public let date: String
    /// The driver's major version (`drmVersion.version_major`).
    public let majorVersion: Int
    /// The driver's minor version (`drmVersion.version_minor`).
    public let minorVersion: Int
    /// The driver's patch level (`drmVersion.version_patchlevel`).
    public let patchLevel: Int

    /// Driver information with these values; no checks.
    package init(name: String, description: String, date: String, majorVersion: Int, minorVersion: Int, patchLevel: Int) {
        self.name = name
        self.description = description
        self.date = date
        self.majorVersion = majorVersion
        self.minorVersion = minorVersion
        self.patchLevel = patchLevel
    }

    /// "major.minor.patch".
    public var version: String { "\(majorVersion).\(minorVersion).\(patchLevel)" }
}
