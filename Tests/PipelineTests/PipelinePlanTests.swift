import Foundation
import Pipeline
import XCTest

/// How a plan reads: the numbered list `framepipe plan` prints, the one
/// line `preview` prints, the one-line error, and the JSON.
final class PipelinePlanTests: XCTestCase {
    private let plan = PipelinePlan(camera: "/dev/video0", card: "/dev/dri/card0", entries: [
        PlanEntry(memory: "heap", outcome: .unavailable, reason: "no dma-buf heaps in /dev/dma_heap"),
        PlanEntry(memory: "camera memory", format: "XRGB8888", size: "640x480", display: "plane 31 (primary) centred",
                  outcome: .rejected, reason: "TEST_ONLY EINVAL"),
        PlanEntry(memory: "display memory", format: "XRGB8888", size: "640x480", display: "plane 31 (primary) centred",
                  outcome: .rejected, reason: "TEST_ONLY EINVAL"),
        PlanEntry(memory: "display memory", format: "XRGB8888", size: "640x480", display: "plane 33 (overlay) centred", outcome: .chosen),
        PlanEntry(memory: "display memory", format: "XRGB8888", size: "640x480", display: "7 more display plans", outcome: .notTried),
    ])

    func testTheListIsNumberedInTheOrderTried() {
        XCTAssertEqual(plan.explanation, """
            /dev/video0 → /dev/dri/card0, candidates in the order tried:
            1. unavailable: heap: no dma-buf heaps in /dev/dma_heap
            2. rejected: camera memory, XRGB8888 640x480 → plane 31 (primary) centred: TEST_ONLY EINVAL
            3. rejected: display memory, XRGB8888 640x480 → plane 31 (primary) centred: TEST_ONLY EINVAL
            4. chosen: display memory, XRGB8888 640x480 → plane 33 (overlay) centred
            5. not tried: display memory, XRGB8888 640x480 → 7 more display plans
            """)
    }

    func testTheSummaryNamesTheChoiceAndCountsTheRefusals() {
        XCTAssertEqual(plan.summary, "plan: display memory, XRGB8888 640x480 → plane 33 (overlay) centred (2 candidates refused before it)")
        var first = plan
        first.entries = [plan.entries[3]]
        XCTAssertEqual(first.summary, "plan: display memory, XRGB8888 640x480 → plane 33 (overlay) centred")
        var none = plan
        none.entries.removeAll { $0.outcome == .chosen }
        XCTAssertEqual(none.summary, "plan: nothing works (2 candidates refused)")
        XCTAssertNil(none.chosen)
    }

    /// The error's list: each display plan once, with the allocators that
    /// were refused on it for the same reason; unavailable allocators last.
    func testTheRefusalsNameEachDisplayPlanOnce() {
        XCTAssertEqual(plan.refusals, "plane 31 (primary) centred [camera memory, display memory]: TEST_ONLY EINVAL | heap unavailable: no dma-buf heaps in /dev/dma_heap")
        XCTAssertEqual(PipelinePlan(camera: "c", card: "d", entries: []).refusals, "nothing (no candidate)")
        XCTAssertEqual(
            "\(PipelineError.nothingWorks(plan))",
            "/dev/video0 → /dev/dri/card0: no zero-copy pipeline works; tried plane 31 (primary) centred [camera memory, display memory]: TEST_ONLY EINVAL | heap unavailable: no dma-buf heaps in /dev/dma_heap; `framepipe plan` lists each")
    }

    func testJSONRoundTrips() throws {
        let data = try JSONEncoder().encode(plan)
        XCTAssertEqual(try JSONDecoder().decode(PipelinePlan.self, from: data), plan)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let entries = try XCTUnwrap(object["entries"] as? [[String: Any]])
        XCTAssertEqual(entries.map { $0["outcome"] as? String }, ["unavailable", "rejected", "rejected", "chosen", "not tried"])
    }
}
