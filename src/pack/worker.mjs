// Worker-thread entry of `docpack build --concurrency n`: the TypeScript sources run through tsx,
// as in bin/docpack.js, and each task renders one project (src/pack/project.ts).
import { register } from 'tsx/esm/api';

register();
const { renderProject } = await import('./project.ts');

export default renderProject;
