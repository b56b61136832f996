import Platform

#if canImport(Glibc)
import Glibc
#endif

/// A connector as error messages list it: "Virtual-1 (connected)", or just
/// "Writeback-1" for a writeback connector, which has no display to be
/// connected.
public struct ConnectorSummary: Sendable, Equatable, CustomStringConvertible {
    /// The connector's name, e.g. "Virtual-1" (``ConnectorInfo/name``).
    public var name: String
    /// Whether a display is attached; not shown for writeback connectors.
    public var status: ConnectorStatus
    /// Whether it is a writeback connector (`DRM_MODE_CONNECTOR_WRITEBACK`).
    public var isWriteback: Bool

    /// A summary with these values; no checks.
    package init(name: String, status: ConnectorStatus, isWriteback: Bool) {
        self.name = name
        self.status = status
        self.isWriteback = isWriteback
    }

    /// The summary of `connector`.
    package init(_ connector: ConnectorInfo) {
        self.init(name: connector.name, status: connector.status, isWriteback: connector.isWriteback)
    }

    /// `"Virtual-1 (connected)"`, or `"Writeback-1"` for a writeback connector.
    public var description: String {
        isWriteback ? name : "\(name) (\(status.rawValue))"
    }
}
