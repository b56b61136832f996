// The runtime's public API speaks of the pipeline file and of the plan
// (FramePipeline(configuration:), PipelineSource, PipelineError), so a
// client of the runtime gets both lower modules with it: `import Pipeline`
// keeps meaning the whole pipeline.
@_exported import Configuration
@_exported import Planning
