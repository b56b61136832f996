import Platform

/// The framebuffers a display owns, by id: imported from dma-bufs or
/// adopted, looked up (and checked against the plan's layout) on the frame
/// path, removed at close.
struct DisplayFramebuffers {
    let card: Card
    private var byID: [FramebufferID: ImportedFramebuffer] = [:]

    init(card: Card) {
        self.card = card
    }

    /// Every framebuffer owned, in no order.
    var all: [ImportedFramebuffer] { Array(byID.values) }

    /// Imports `layout` (``Card/importFramebuffer(_:useModifiers:)``). Its
    /// modifier is passed explicitly only if the card takes modifiers and
    /// every plane of `candidates` that shows the format lists modifiers
    /// for it (the plane is picked after the import).
    mutating func importFramebuffer(_ layout: FramebufferLayout, candidates: [DisplayPlan]) throws -> FramebufferID {
        let planes = candidates.compactMap(\.plane).filter { plane in plane.formats.contains { $0.format == layout.format } }
        let useModifiers = card.capabilities.addFramebuffer2Modifiers && !planes.isEmpty && planes.allSatisfy { plane in
            plane.formats.first { $0.format == layout.format }.map { !$0.modifiers.isEmpty } ?? false
        }
        return adopt(try card.importFramebuffer(layout, useModifiers: useModifiers))
    }

    /// Takes ownership of `framebuffer`.
    mutating func adopt(_ framebuffer: ImportedFramebuffer) -> FramebufferID {
        byID[framebuffer.id] = framebuffer
        return framebuffer.id
    }

    /// Checks that `id` is ours and large enough for `layout`'s source
    /// rectangle. A dictionary lookup: nothing is allocated.
    func check(_ id: FramebufferID, covers layout: PlaneLayout) throws(DisplayError) {
        guard let framebuffer = byID[id] else { throw .unknownFramebuffer(id, device: card.path) }
        let neededWidth = layout.source.x + layout.source.width
        let neededHeight = layout.source.y + layout.source.height
        guard framebuffer.width >= neededWidth, framebuffer.height >= neededHeight else {
            throw .framebufferTooSmall(
                id, width: framebuffer.width, height: framebuffer.height,
                neededWidth: neededWidth, neededHeight: neededHeight, device: card.path)
        }
    }

    /// Removes one framebuffer (``Card/removeFramebuffer(_:)``).
    mutating func remove(_ id: FramebufferID) throws {
        guard let framebuffer = byID.removeValue(forKey: id) else { throw DisplayError.unknownFramebuffer(id, device: card.path) }
        try card.removeFramebuffer(framebuffer)
    }

    /// Removes every framebuffer, lowest id first, each removal run by
    /// `attempt` (which records its error and goes on).
    mutating func removeAll(_ attempt: (() throws -> Void) -> Void) {
        for framebuffer in byID.values.sorted(by: { $0.id.rawValue < $1.id.rawValue }) {
            attempt { try card.removeFramebuffer(framebuffer) }
        }
        byID.removeAll()
    }
}
