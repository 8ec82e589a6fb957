import { compileFilterPattern } from '../filter/dialects/cwl.js';
import { compileEventPattern } from '../filter/dialects/eventbridge.js';
import type { PatternEngines } from './types.js';

/** The project's own CloudWatch Logs and EventBridge pattern engines, as the audit uses them. */
export const patternEngines: PatternEngines = {
  filterPattern(text) {
    const m = compileFilterPattern(text);
    return (event) => m.matches(event);
  },
  eventPattern(json) {
    const m = compileEventPattern(json);
    return (event) => m.matches(event);
  },
};
