import Platform

/// Where a display is in its life, moved on by its commits and by the flip
/// events that end them: idle → modeset pending → showing ⇄ flip pending,
/// back to idle at a restore, closed at the end. At most one commit is in
/// flight and each ends in one event, so a commit while one is pending is
/// refused ("busy"), as is any commit once closed.
///
/// It reads the events from the card (`drmHandleEvent`) and tells a
/// frame's event from a writeback snapshot's by the purpose packed into
/// the commit's user data (``FlipPurpose``); the caller's tag comes back in
/// ``FlipEvent/tag``. Owned by one ``Display``, on one serial queue;
/// handling events allocates nothing.
package final class FlipStateMachine {
    /// Where the display is.
    package private(set) var state: DisplayState = .idle
    /// The event of the last writeback snapshot commit, once it arrived.
    package private(set) var snapshotEvent: FlipEvent?
    private let card: Card
    private let events = FlipEventBuffer()

    /// A machine in ``DisplayState/idle`` reading the events of `card`.
    package init(card: Card) {
        self.card = card
    }

    /// Whether a commit is in flight (its event not handled yet).
    package var isCommitPending: Bool { state == .modesetPending || state == .flipPending }

    /// Whether the mode is set (a frame of ours is, or is about to be, on screen).
    package var isModeSet: Bool { state == .modesetPending || state == .showing || state == .flipPending }

    // MARK: Refusals

    /// Throws `DisplayError.closed` once the display is closed.
    package func checkOpen() throws(DisplayError) {
        if state == .closed { throw .closed(device: card.path) }
    }

    /// Throws `DisplayError.closed` once closed, and `DisplayError.flipPending`
    /// ("busy") while the last commit's event has not been handled.
    package func checkCanCommit() throws(DisplayError) {
        switch state {
        case .closed: throw .closed(device: card.path)
        case .modesetPending, .flipPending: throw .flipPending(device: card.path)
        case .idle, .showing: break
        }
    }

    // MARK: Transitions

    /// The first commit (it sets the mode) was issued; its event ends it.
    package func modesetIssued() {
        assert(state == .idle || state == .showing, "a modeset from \(state)")
        state = .modesetPending
    }

    /// A commit after the first was issued; its event ends it.
    package func flipIssued() {
        assert(state == .showing, "a flip from \(state)")
        state = .flipPending
    }

    /// Our frame is on screen without an event to wait for (the legacy
    /// `drmModeSetCrtc`): from here a restore is needed even if the flip
    /// that follows fails.
    package func shownWithoutEvent() {
        assert(state == .idle, "shown from \(state)")
        state = .showing
    }

    /// Puts the state found at setup back with `restore`, after waiting
    /// (at most `timeoutMilliseconds`) for the commit in flight; then the
    /// next commit sets the mode again. Nothing is done when idle. A
    /// failure while waiting (reading the events) does not skip the
    /// restore: the framebuffers are removed next, and the kernel would
    /// turn off the planes still showing them; it is thrown afterwards,
    /// before any error of `restore`. The state is idle from the moment
    /// `restore` starts, whatever it throws.
    package func restore(settlingFor timeoutMilliseconds: Int, crtc: CrtcID, _ restore: () throws -> Void) throws {
        var settleError: (any Error)?
        do {
            try settle(timeoutMilliseconds: timeoutMilliseconds, crtc: crtc)
        } catch {
            settleError = error
        }
        if state != .idle, state != .closed {
            state = .idle
            do {
                try restore()
            } catch {
                throw settleError ?? error
            }
        }
        if let settleError { throw settleError }
    }

    /// The display is closed for good.
    package func close() {
        state = .closed
    }

    /// A writeback snapshot commit is about to be issued: forget the last one's event.
    package func snapshotIssuing() {
        snapshotEvent = nil
    }

    // MARK: Events

    /// Reads the flip events waiting on the card's descriptor and calls
    /// `body` for each frame's, in order: one ends the commit in flight. A
    /// snapshot's event is kept in ``snapshotEvent``; an event whose user
    /// data is not ours is skipped. `crtc` names the CRTC of events from a
    /// kernel that gives none. Returns how many were delivered (0 when
    /// nothing was waiting: the descriptor is non-blocking).
    ///
    /// The corresponding call is `drmHandleEvent`.
    package func handleEvents(crtc: CrtcID, _ body: (FlipEvent) -> Void) throws -> Int {
        let count = try events.read(from: card.fd.rawValue, device: card.path, drm: card.drm)
        var delivered = 0
        for index in 0..<count {
            let raw = events[index]
            let (purpose, tag) = FlipPurpose.decode(raw.userData)
            let event = FlipEvent(
                sequence: raw.sequence,
                timestampNanoseconds: FlipEvent.nanoseconds(seconds: raw.seconds, microseconds: raw.microseconds),
                crtc: raw.crtc != 0 ? CrtcID(raw.crtc) : crtc,
                tag: tag)
            switch purpose {
            case .show:
                if isCommitPending { state = .showing }
                body(event)
                delivered += 1
            case .snapshot:
                snapshotEvent = event
            case nil:
                continue
            }
        }
        return delivered
    }

    /// Waits up to `timeoutMilliseconds` for the card's descriptor to
    /// become readable, then handles what arrived (see
    /// ``handleEvents(crtc:_:)``).
    package func waitForEvents(timeoutMilliseconds: Int, crtc: CrtcID, _ body: (FlipEvent) -> Void) throws -> Int {
        guard try card.fd.waitReadable(timeoutMilliseconds: timeoutMilliseconds) else { return 0 }
        return try handleEvents(crtc: crtc, body)
    }

    /// Waits (at most `timeoutMilliseconds`) for the commit in flight to
    /// complete; events that arrive meanwhile move the state on but go to
    /// no one.
    package func settle(timeoutMilliseconds: Int, crtc: CrtcID) throws {
        let deadline = monotonicMilliseconds() + timeoutMilliseconds
        while isCommitPending {
            let remaining = deadline - monotonicMilliseconds()
            if remaining <= 0 { return }
            _ = try waitForEvents(timeoutMilliseconds: remaining, crtc: crtc) { _ in }
        }
    }
}
