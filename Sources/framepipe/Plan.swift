import ArgumentParser
import FramePipe
import Reporting

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show which zero-copy pipeline would run, and why every alternative before it was refused.",
        discussion: """
        Sets the pipeline up as preview would, without showing anything: lists the candidates \
        (who allocates the buffers: the camera, the display or a dma-buf heap; the shared \
        format; the display plan: connector, mode, CRTC, plane, rectangles) best first, tries \
        them in order with the real checks (the display imports the buffers, the camera queues \
        imported ones, a TEST_ONLY commit), and prints each with what became of it: chosen, \
        rejected (with the failing call, its errno and what that usually means), unavailable, or \
        not tried because an earlier one was taken. The screen does not change.

        Order: allocators camera, display, heaps (contiguous ones first); within each, the formats \
        both sides scan out natively; within each, the requested or preferred mode with the frame \
        unscaled, then scaled to fit (aspect kept) where a plane can scale, then a mode of the \
        frame's size or the smallest that holds it, cropping last. What the file or the options \
        pin (memory, format, connector, mode, plane, position, legacy) is not searched.

        Exit status 0 when a pipeline works; 65 when every candidate is refused (the list is \
        printed first); the usual device errors otherwise.

        Examples:
          framepipe plan --config configs/vivid-vkms.json
          framepipe plan --device /dev/video0 --memory display --json
          framepipe plan --device /dev/video0 --device /dev/video4 --layout grid

        With several cameras each is planned in turn, in its rectangle of the one mode, on a \
        plane above the previous camera's, every candidate tested together with the cameras \
        already placed; fewer usable planes than cameras is refused naming both (exit 69).
        """)

    @OptionGroup var pipelineOptions: PipelineOptions

    @Flag(help: "Print the plan as JSON (camera, card, entries with memory, format, size, display, outcome, reason).")
    var json = false

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        logging.bootstrap()
        try reportingErrors {
            let configuration = try pipelineOptions.load()
            let plans: [PipelinePlan]
            let regions: [String?]
            let media: [String?]
            do {
                let pipeline = try pipelineOptions.makePipeline(configuration)
                plans = pipeline.sources.map(\.plan)
                media = pipeline.sources.map(\.media)
                regions = pipeline.sources.map { $0.region.map { "\($0)" } }
                pipeline.close()
            } catch PipelineError.nothingWorks(let refused) {
                try print(refused)
                throw PipelineError.nothingWorks(refused)
            }
            guard plans.count > 1 else { return try print(plans[0], media: media[0]) }
            if json {
                StandardStream.output.write(try reportJSON(plans))
            } else {
                for (index, plan) in plans.enumerated() {
                    Swift.print("\(plan.camera) in \(regions[index] ?? "the whole screen"):")
                    Swift.print(plan.explanation)
                    Swift.print(plan.summary)
                    if let line = media[index] { Swift.print(line) }
                }
            }
        }
    }

    private func print(_ plan: PipelinePlan, media: String? = nil) throws {
        if json {
            StandardStream.output.write(try reportJSON(plan))
        } else {
            Swift.print(plan.explanation)
            Swift.print(plan.summary)
            if let media { Swift.print(media) }
        }
    }
}
