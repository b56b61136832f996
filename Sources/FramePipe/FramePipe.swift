// The library an embedding program imports: `import FramePipe`.
//
// It re-exports the modules whose public API is the library's: the
// pipeline in its three layers (Configuration: PipelineConfiguration and
// its parts; Planning: the plan a pipeline chose and why; Pipeline:
// FramePipeline, FrameRecord, statistics and summaries), the two device
// layers (for listing and inspecting cameras and displays) and Platform's
// typed errors. Internals (the buffer pool, the scheduler, the planner and
// its requests, atomic request building blocks, property caches, the
// kernel seam) have package access and are not part of it. Every module
// named here is in the FramePipe product too (see Package.swift).
@_exported import Configuration
@_exported import KMS
@_exported import Pipeline
@_exported import Planning
@_exported import Platform
@_exported import V4L2
