import { auditHash } from '@taiwa/persistence';
import { driveTo, fileCase, type Call } from '../../apps/api/src/demo/seed-demo-cases';
import { advanceReport, startStack, type Stack } from '../support/stack';

/**
 * The audit trail: every step of a case is an append-only, hash-chained entry. The database
 * refuses to change it, and the regulator's admin can recompute the chain to find tampering.
 */
jest.setTimeout(30_000);

const ADA = 'ada@regulator.example';
const GENESIS = '0'.repeat(64);

interface Entry {
  position: number;
  action: string;
  actor: string;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

describe('audit trail', () => {
  let stack: Stack;
  let call: Call;
  let caseId: string;

  const entries = async (id: string): Promise<Entry[]> => {
    const res = await stack.http('GET', `/api/v1/cases/${id}/audit`, { as: ADA });
    expect(res.status).toBe(200);
    return res.body.items as Entry[];
  };
  const verify = (id: string, as = ADA) => stack.http('GET', `/api/v1/cases/${id}/audit/verify`, { as });

  /** What a superuser with direct database access could do: switch the guard off and edit. */
  async function tamper(sql: string, params: unknown[]): Promise<void> {
    await stack.ds.transaction(async (em) => {
      await em.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await em.query(sql, params);
      await em.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    });
  }

  beforeAll(async () => {
    stack = await startStack({ dispatcher: false });
    call = (method, path, as, body, headers) => stack.http(method, path, { as, body, headers });
    caseId = (await fileCase(call, 'alice@acme.example', advanceReport())).id as string;
    await driveTo(call, caseId, 'LICENSE_REVIEW');
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('records every step of the case as one entry, each holding the hash of the one before', async () => {
    const items = await entries(caseId);
    expect(items.map((e) => e.position)).toEqual(items.map((_, i) => i + 1));
    items.forEach((e, i) => expect(e.prevHash).toBe(i === 0 ? GENESIS : items[i - 1]!.hash));
    expect(new Set(items.map((e) => e.hash)).size).toBe(items.length);
    // Every timeline event (each transition and recording action) has its entry, with its actor.
    const timeline = await stack.http('GET', `/api/v1/cases/${caseId}/timeline`, {
      as: 'sam@regulator.example',
    });
    const audited = new Map(items.map((e) => [e.details.sequence, e]));
    for (const t of timeline.body.items as Array<{ sequence: number; type: string; actor: string | null }>) {
      expect(audited.get(t.sequence)).toMatchObject({ action: t.type, actor: t.actor ?? 'system' });
    }
    expect(items.map((e) => e.action)).toEqual(
      expect.arrayContaining(['SUBMITTED', 'ACCEPTED', 'INFORM_ISSUED', 'LICENSE_APPLIED']),
    );
  });

  it('verifies as valid for the regulator admin, and is 403 for everyone else', async () => {
    const res = await verify(caseId);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ caseId, valid: true, brokenAt: null });
    expect(res.body.entries).toBe((await entries(caseId)).length);
    for (const other of [
      'alice@acme.example',
      'akira@acme.example',
      'olivia@regulator.example',
      'sam@regulator.example',
      'partner@toolvendor.example',
    ]) {
      expect((await verify(caseId, other)).status).toBe(403);
    }
    expect((await verify('00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('is refused by the database for UPDATE, DELETE and TRUNCATE', async () => {
    await expect(
      stack.ds.query(`UPDATE audit_log SET actor = 'mallory' WHERE case_id = $1`, [caseId]),
    ).rejects.toThrow(/audit_log is append-only: UPDATE refused/);
    await expect(stack.ds.query('DELETE FROM audit_log WHERE case_id = $1', [caseId])).rejects.toThrow(
      /audit_log is append-only: DELETE refused/,
    );
    await expect(stack.ds.query('TRUNCATE audit_log')).rejects.toThrow(/append-only: TRUNCATE refused/);
    expect((await verify(caseId)).body.valid).toBe(true);
  });

  it('names the entry a superuser changed behind the trigger', async () => {
    const victim = (await fileCase(call, 'alice@acme.example', advanceReport())).id as string;
    await driveTo(call, victim, 'INFORM_PENDING_APPROVAL');
    const before = await entries(victim);
    expect(before.length).toBeGreaterThanOrEqual(3);
    await tamper(
      `UPDATE audit_log SET details = jsonb_set(details, '{summary}', '"Nothing happened here."') WHERE case_id = $1 AND position = 2`,
      [victim],
    );
    const res = await verify(victim);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ valid: false, brokenAt: 2, entries: before.length });
    expect(res.body.reason).toMatch(/hash/);
    // Other cases' chains are untouched.
    expect((await verify(caseId)).body.valid).toBe(true);
  });

  it('names the gap when an entry is deleted behind the trigger, and a re-hashed forgery breaks the next link', async () => {
    const gap = (await fileCase(call, 'alice@acme.example', advanceReport())).id as string;
    await driveTo(call, gap, 'CLEARED');
    await tamper('DELETE FROM audit_log WHERE case_id = $1 AND position = 2', [gap]);
    expect((await verify(gap)).body).toMatchObject({ valid: false, brokenAt: 2, reason: 'missing entry' });

    // A forger who also recomputes the changed entry's own hash still breaks the next link.
    const forged = (await fileCase(call, 'alice@acme.example', advanceReport())).id as string;
    await driveTo(call, forged, 'CLEARED');
    const [first] = await stack.ds.query(
      'SELECT position, at, actor, action, details, prev_hash FROM audit_log WHERE case_id = $1 AND position = 1',
      [forged],
    );
    const details = { ...first.details, summary: 'Filed much earlier.' };
    const hash = auditHash(forged, {
      position: 1,
      at: first.at.toISOString(),
      actor: first.actor,
      action: first.action,
      details,
      prevHash: first.prev_hash,
    });
    await tamper('UPDATE audit_log SET details = $2, hash = $3 WHERE case_id = $1 AND position = 1', [
      forged,
      JSON.stringify(details),
      hash,
    ]);
    expect((await verify(forged)).body).toMatchObject({
      valid: false,
      brokenAt: 2,
      reason: 'link to previous entry broken',
    });
  });
});
