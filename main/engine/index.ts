export { Engine, type EngineEvent, type EngineOptions, type ImportOutcome } from './engine.js';
export { createHandlers, type Handlers, type HostInfo } from './handlers.js';
export { dispatch } from './dispatch.js';
export { ProjectHost, type HostEvent } from './project-host.js';
