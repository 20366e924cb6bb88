import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { DEFAULT_SLA_POLICY, nationalHolidays, type AdvanceReport, type SlaPolicy } from '@taiwa/domain';
import { awaitProjectedUpdate, CASE_WORKFLOW_TYPE, type CaseWorkflowInput } from '@taiwa/workflows';
import { advanceReport, eventually, startStack, type Stack } from '../support/stack';
import {
  accept,
  act,
  ALICE,
  applyForLicense,
  caseOf,
  conclude,
  decide,
  driveTo,
  OLIVIA,
  proposeDecision,
  proposeInform,
  requestCorrection,
  resubmit,
  SAM,
  SUE,
  withdraw,
} from '../histories/paths';


// jest reads testTimeout only from the global config, not from a project's: set it here.
jest.setTimeout(60_000);
/**
 * Saved histories of each main path, replayed against the current workflow code: a change that
 * would break running cases (nondeterminism) fails here. Changes to workflow code go through
 * `patched()`. `RECORD_HISTORIES=1` records the histories again (see workflows/README.md).
 */
const DIR = join(__dirname, '..', 'histories');
/**
 * Histories are stored as the protobuf message's JSON object (longs and bytes as strings).
 * `historyToJSON` of @temporalio/common cannot be used here: it runs protobufjs 8 against the
 * protobufjs 7 types of @temporalio/proto in this install and throws "type must be a Type".
 */
const History = temporal.api.history.v1.History;
const RECORD = process.env.RECORD_HISTORIES === '1';

interface SavedHistory {
  /** Histories do not hold the workflow id; replay needs it. */
  workflowId: string;
  path: string;
  history: unknown;
}

function savedHistories(): Array<{ file: string; saved: SavedHistory }> {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, saved: JSON.parse(readFileSync(join(DIR, file), 'utf8')) as SavedHistory }));
}

/** The paths that must have a saved history (older, patched-over histories may sit beside them). */
const PATHS = ['cleared', 'correction-loop', 'inform-license-granted', 'denied', 'withdrawn', 'clock-breach', 'continued-as-new'];

(RECORD ? describe.skip : describe)('replay of saved workflow histories', () => {
  it('has a saved history for every main path', () => {
    expect(savedHistories().map((h) => h.saved.path)).toEqual(expect.arrayContaining(PATHS));
  });

  it('replays every saved history on the current workflow code without nondeterminism', async () => {
    const code = readFileSync(process.env.TAIWA_TEST_WORKFLOW_BUNDLE!, 'utf8');
    const histories = savedHistories().map(({ saved }) => ({
      workflowId: saved.workflowId,
      history: History.fromObject(saved.history as Record<string, unknown>),
    }));
    const pathOf = new Map(savedHistories().map(({ file, saved }) => [saved.workflowId, file]));
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories({ workflowBundle: { code } }, histories)) {
      replayed += 1;
      if (result.error) failures.push(`${pathOf.get(result.workflowId)}: ${result.error.name}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(histories.length);
    expect(replayed).toBeGreaterThanOrEqual(PATHS.length);
  });
});

(RECORD ? describe : describe.skip)('record the workflow history of each main path', () => {
  let stack: Stack;
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    stack = await startStack({ dispatcher: false });
    connection = await Connection.connect({ address: process.env.TAIWA_TEST_TEMPORAL_ADDRESS! });
    client = new Client({ connection, namespace: 'default' });
  });
  afterAll(async () => {
    await connection?.close();
    await stack?.stop();
  });

  async function save(path: string, workflowId: string, runId?: string): Promise<void> {
    const handle = client.workflow.getHandle(workflowId, runId);
    await eventually(async () => (await handle.describe()).status.name, (s) => s !== 'RUNNING', 20000, `${path} to close`);
    const fetched = History.fromObject(await handle.fetchHistory());
    const history = History.toObject(fetched, { longs: String, enums: String, bytes: String });
    const saved: SavedHistory = { workflowId, path, history };
    writeFileSync(join(DIR, `${path}.json`), `${JSON.stringify(saved)}\n`);
  }

  /** A case started on the worker directly, for a policy or threshold the API does not set. */
  async function startDirect(extra: Partial<CaseWorkflowInput>): Promise<string> {
    const caseId = randomUUID();
    const input: CaseWorkflowInput = {
      caseId,
      caseNumber: `TT-2026-9${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`,
      organizationId: 'ACME',
      queue: 'SEMICONDUCTORS',
      submittedBy: ALICE,
      report: advanceReport() as AdvanceReport,
      referenceVersion: 'recording',
      policy: DEFAULT_SLA_POLICY,
      holidays: nationalHolidays(2025, 2031),
      ...extra,
    };
    const handle = await client.workflow.start(CASE_WORKFLOW_TYPE, { taskQueue: stack.taskQueue, workflowId: caseId, args: [input] });
    await handle.executeUpdate(awaitProjectedUpdate);
    return caseId;
  }

  it('records them', async () => {
    const cleared = (await driveTo(stack, 'IN_CONSULTATION')).id;
    const q = await act(stack, cleared, 'queries', OLIVIA, { question: 'Which fab?' }, 201);
    await act(stack, cleared, `queries/${q.body.id}/answer`, ALICE, { body: 'Example Fab.' });
    await act(stack, cleared, 'messages', ALICE, { body: 'We commit to no resale.' }, 201);
    await conclude(stack, cleared);
    await save('cleared', cleared);

    const loop = (await driveTo(stack, 'CORRECTION_REQUESTED')).id;
    await resubmit(stack, loop);
    await requestCorrection(stack, loop);
    await resubmit(stack, loop);
    await accept(stack, loop);
    await conclude(stack, loop);
    await save('correction-loop', loop);

    const granted = (await driveTo(stack, 'IN_CONSULTATION')).id;
    await act(stack, granted, 'concern-information', OLIVIA, { title: 'End user', body: 'Listed entity.', classification: 'RESTRICTED' }, 201);
    const rejected = await proposeInform(stack, granted);
    await decide(stack, granted, rejected, SAM, 'REJECT', 'More dialogue first.');
    const inform = await proposeInform(stack, granted, SAM);
    await decide(stack, granted, inform, SUE, 'APPROVE');
    await applyForLicense(stack, granted);
    const conditional = await proposeDecision(stack, granted, 'GRANT_WITH_CONDITIONS');
    await decide(stack, granted, conditional, SAM, 'APPROVE');
    await save('inform-license-granted', granted);

    const denied = (await driveTo(stack, 'DECISION_PENDING_APPROVAL')).id;
    const current = (await caseOf(stack, denied)).pendingApproval.approvalId as string;
    await decide(stack, denied, current, SUE, 'REJECT');
    const deny = await proposeDecision(stack, denied, 'DENY');
    await decide(stack, denied, deny, SUE, 'APPROVE');
    await save('denied', denied);

    const withdrawn = (await driveTo(stack, 'INFORM_PENDING_APPROVAL')).id;
    await withdraw(stack, withdrawn);
    await save('withdrawn', withdrawn);

    // Acknowledgement warned and breached (escalated), then a query that lapses, then cleared.
    const seconds: SlaPolicy = {
      version: 'recording-seconds',
      clocks: { ...DEFAULT_SLA_POLICY.clocks, acknowledgement: { length: 'PT2S', warnAt: 0.5 }, queryResponse: { length: 'PT2S' } },
    };
    const breach = await startDirect({ policy: seconds });
    await eventually(() => caseOf(stack, breach), (c) => c.overdue === true, 10000, 'acknowledgement breach');
    await accept(stack, breach);
    await act(stack, breach, 'queries', OLIVIA, { question: 'Which fab?' }, 201);
    await eventually(() => caseOf(stack, breach), (c) => c.overdue === true, 10000, 'query breach');
    await conclude(stack, breach);
    await save('clock-breach', breach);

    const long = await startDirect({ continueAsNewAfterEvents: 30 });
    const firstRun = (await client.workflow.getHandle(long).describe()).runId;
    await accept(stack, long);
    for (let i = 0; i < 4; i += 1) await act(stack, long, 'messages', OLIVIA, { body: `note ${i}` }, 201);
    await save('continued-as-new', long, firstRun);
    await conclude(stack, long);
  });
});
