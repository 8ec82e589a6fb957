import { registerScheme } from './resolve.js';
import { HistorySource, parseHistoryArg } from './history.js';
import { CloudWatchLogsSource, parseLogsArg } from './cloudwatch-logs.js';

/**
 * `history:` and `logs:` as SOURCE arguments. Importing this module registers them with the resolver;
 * the filters reach the sources at scan time through `ScanScope.hints`.
 */
registerScheme((arg, ctx) => {
  if (arg.startsWith('history:')) {
    return new HistorySource({
      regions: parseHistoryArg(arg, ctx.regions ?? (ctx.aws.region ? [ctx.aws.region] : []), ctx.aws),
      aws: ctx.aws,
      ...(ctx.notices ? { notices: ctx.notices } : {}),
      ...(ctx.apiProgress ? { onProgress: ctx.apiProgress } : {}),
    });
  }
  if (arg.startsWith('logs:')) {
    return new CloudWatchLogsSource({
      target: parseLogsArg(arg, ctx.aws),
      aws: ctx.aws,
      ...(ctx.apiProgress ? { onProgress: ctx.apiProgress } : {}),
    });
  }
  return undefined;
});
