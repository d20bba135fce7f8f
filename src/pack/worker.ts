// Worker-thread entry of `docpack build --concurrency n` when docpack runs compiled (dist/pack/worker.js):
// each task renders one project. worker.mjs is the same entry for the TypeScript sources (tests, a stale build).
export { renderProject as default } from './project.ts';
