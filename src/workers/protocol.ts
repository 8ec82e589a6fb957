/**
 * The closed set of messages between a WorkerPool (main thread) and its workers, whatever the task kind.
 * Only data crosses. Tasks travel in batches, and replies too, because trail files are small: one message
 * per file would cost about as much as the work on it.
 */
export interface Task<In> {
  id: number;
  input: In;
}

/** Every reply names its task; the task kind says which reply is a task's last. */
export interface Reply {
  id: number;
}

export type ToWorker<In> =
  | { code: 'TASKS'; tasks: Array<Task<In>> }
  /** Drop the tasks not yet started, finish the one under way, and exit. */
  | { code: 'CLOSE' };

export type FromWorker<R extends Reply> =
  | { code: 'READY' }
  | { code: 'INIT_FAILED'; message: string }
  | { code: 'REPLIES'; replies: R[] };

export interface SerializedError {
  message: string;
  code?: string;
  name?: string;
}

export function serializeError(err: unknown): SerializedError {
  const e = err as Error & { code?: unknown };
  const out: SerializedError = { message: e?.message ?? String(err), name: e?.name ?? 'Error' };
  if (typeof e?.code === 'string') out.code = e.code;
  return out;
}
