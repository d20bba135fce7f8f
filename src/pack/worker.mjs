// Worker-thread entry of `docpack build --concurrency n` when docpack runs from its TypeScript sources
// (tests, bin/docpack.js on a checkout whose dist/ is stale): they run through tsx, and each task renders
// one project (src/pack/project.ts). The compiled package uses dist/pack/worker.js instead.
import { register } from 'tsx/esm/api';

register();
const { renderProject } = await import('./project.ts');

export default renderProject;
