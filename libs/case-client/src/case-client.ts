import {
  Client,
  Connection,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  isGrpcServiceError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { isRefusalKind, type CaseCommandRequest, type CaseCommandResult, type CaseSnapshot, type RefusalKind } from '@taiwa/domain';
import {
  awaitProjectedUpdate,
  caseCommandUpdate,
  CASE_TASK_QUEUE,
  CASE_WORKFLOW_TYPE,
  snapshotQuery,
  type CaseWorkflowInput,
} from '@taiwa/workflows';

/** The case workflow refused a command; `kind` maps to the HTTP status. */
export class CaseRefusedError extends Error {
  constructor(
    readonly kind: RefusalKind,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'CaseRefusedError';
  }
}

/** The workflow has finished (the case is closed): the caller answers from the projection. */
export class CaseClosedError extends Error {
  constructor(readonly caseId: string) {
    super(`Case ${caseId} is closed.`);
    this.name = 'CaseClosedError';
  }
}

/** Temporal or its worker did not answer in time: 503, and nothing was changed by us. */
export class CaseEngineUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaseEngineUnavailableError';
  }
}

export interface CaseClientOptions {
  address: string;
  namespace: string;
  taskQueue?: string;
  /** How long a command may wait for the worker before the API answers 503. */
  updateTimeoutMs?: number;
}

const GRPC_NOT_FOUND = 5;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;
const GRPC_FAILED_PRECONDITION = 9;

/** Typed access to case workflows for the API: start, command, snapshot. */
export class CaseClient {
  private constructor(
    readonly client: Client,
    private readonly connection: Connection,
    private readonly taskQueue: string,
    private readonly updateTimeoutMs: number,
  ) {}

  static async connect(options: CaseClientOptions): Promise<CaseClient> {
    const connection = await Connection.connect({ address: options.address, connectTimeout: '5s' });
    const client = new Client({ connection, namespace: options.namespace });
    return new CaseClient(client, connection, options.taskQueue ?? CASE_TASK_QUEUE, options.updateTimeoutMs ?? 15000);
  }

  /**
   * Starts the case workflow (id = case id) and answers once the case is projected. Idempotent: a
   * second start with the same id attaches to the running workflow.
   */
  async startCase(input: CaseWorkflowInput): Promise<CaseSnapshot> {
    return this.guard(input.caseId, async () => {
      try {
        await this.client.workflow.start(CASE_WORKFLOW_TYPE, {
          taskQueue: this.taskQueue,
          workflowId: input.caseId,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      return this.client.workflow.getHandle(input.caseId).executeUpdate(awaitProjectedUpdate);
    });
  }

  async command(caseId: string, request: CaseCommandRequest, updateId?: string): Promise<CaseCommandResult> {
    return this.guard(caseId, () =>
      this.client.workflow.getHandle(caseId).executeUpdate(caseCommandUpdate, { args: [request], updateId }),
    );
  }

  async snapshot(caseId: string): Promise<CaseSnapshot> {
    return this.guard(caseId, () => this.client.workflow.getHandle(caseId).query(snapshotQuery));
  }

  /** For health checks: the frontend answers. */
  async ping(): Promise<void> {
    await this.connection.withDeadline(Date.now() + 3000, () =>
      this.connection.workflowService.getSystemInfo({}),
    );
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  private async guard<T>(caseId: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.connection.withDeadline(Date.now() + this.updateTimeoutMs, fn);
    } catch (err) {
      throw translate(caseId, err);
    }
  }
}

function translate(caseId: string, err: unknown): Error {
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure && isRefusalKind(cause.type)) {
      const details = (cause.details?.[0] ?? {}) as Record<string, unknown>;
      return new CaseRefusedError(cause.type, cause.message, details);
    }
  }
  if (err instanceof WorkflowNotFoundError) return new CaseClosedError(caseId);
  const grpc = isGrpcServiceError(err) ? err : isGrpcServiceError((err as { cause?: unknown })?.cause) ? (err as { cause: unknown }).cause : null;
  if (grpc && isGrpcServiceError(grpc)) {
    if (grpc.code === GRPC_NOT_FOUND || grpc.code === GRPC_FAILED_PRECONDITION) return new CaseClosedError(caseId);
    if (grpc.code === GRPC_DEADLINE_EXCEEDED || grpc.code === GRPC_UNAVAILABLE) {
      return new CaseEngineUnavailableError('The case engine did not answer in time; nothing was changed. Try again shortly.');
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/deadline|unavailable|ECONNREFUSED|timed out/i.test(message)) {
    return new CaseEngineUnavailableError('The case engine did not answer in time; nothing was changed. Try again shortly.');
  }
  if (/already completed|not found/i.test(message)) return new CaseClosedError(caseId);
  return err instanceof Error ? err : new Error(message);
}
