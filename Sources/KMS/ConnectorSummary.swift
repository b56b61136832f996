import Platform

#if canImport(Glibc)
import Glibc
#endif

/// A connector as error messages list it: "Virtual-1 (connected)", or just
/// "Writeback-1" for a writeback connector, which has no display to be
/// connected.
public struct ConnectorSummary: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var status: ConnectorStatus
    public var isWriteback: Bool

    public init(name: String, status: ConnectorStatus, isWriteback: Bool) {
        self.name = name
        self.status = status
        self.isWriteback = isWriteback
    }

    public init(_ connector: ConnectorInfo) {
        self.init(name: connector.name, status: connector.status, isWriteback: connector.isWriteback)
    }

    public var description: String {
        isWriteback ? name : "\(name) (\(status.rawValue))"
    }
}
