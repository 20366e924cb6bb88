/**
 * One workflow per case (workflow id = case id): the source of truth for the case's process state.
 *
 * Transitions arrive as the `caseCommand` update; its validator runs the domain rules, so a refused
 * command never enters history. Each clock of the deadline table is a durable timer raced with
 * incoming updates. Every change is projected into PostgreSQL by one activity, in order, with the
 * outbox events of the same step; an update answers only once its change is projected.
 *
 * Pure: only @temporalio/workflow and @taiwa/domain. Time is workflow time (Date.now() is
 * deterministic here); ids come from uuid4().
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import {
  authorizeCommand,
  CLOCK_RULES,
  computeDeadline,
  createBusinessCalendar,
  DomainRefusal,
  expectedTimeline,
  filingWarnings,
  isTerminal,
  stageOf,
  type Actor,
  type AdvanceReport,
  type ReportChanges,
  type CaseCommandRequest,
  type CaseCommandResult,
  type CaseSnapshot,
  type CaseStatus,
  type ClockName,
  type DeadlineView,
  type MessageRecord,
  type OutboxEvent,
  type ProjectionBatch,
  type TimelineEvent,
  type TimelineVisibility,
  type Transition,
} from '@taiwa/domain';
import {
  awaitProjectedUpdate,
  caseCommandUpdate,
  snapshotQuery,
  type CaseActivities,
  type CaseWorkflowInput,
} from './definitions';

// A projection must land eventually: retry without limit, backing off to a minute.
const PROJECTION_RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;
const { projectCase } = proxyActivities<CaseActivities>({ startToCloseTimeout: '30 seconds', retry: PROJECTION_RETRY });
/**
 * The same activity run locally in the worker, right after the workflow task: one round trip
 * through the server per command instead of three (the projection is a short, idempotent
 * transaction). Used from the `project-locally` patch on.
 */
const { projectCase: projectCaseLocally } = proxyLocalActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  retry: PROJECTION_RETRY,
});

interface Clock {
  clock: ClockName;
  ref: string | null;
  startedAt: number;
  dueAt: number;
  warnAt: number | null;
  pausedAt: number | null;
  warned: boolean;
  breached: boolean;
  met: boolean;
}

/** Everything the workflow carries across continue-as-new. */
interface CaseState {
  snapshot: Omit<
    CaseSnapshot,
    'stage' | 'deadlines' | 'nextDeadlineAt' | 'overdue' | 'version' | 'updatedAt' | 'status'
  >;
  status: CaseStatus;
  version: number;
  updatedAt: string;
  clocks: Clock[];
  timelineSequence: number;
  webhookSequence: number;
  informCount: number;
  usedIds: string[];
}

/** Closed clocks kept in the view (the most recent ones), so a reader sees what was met. */
const MET_CLOCKS_KEPT = 8;
/** Continue-as-new well before Temporal's history warnings (the input may lower it, for tests). */
const HISTORY_EVENTS_BEFORE_CONTINUE = 5000;

const iso = (ms: number): string => new Date(ms).toISOString();

export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseSnapshot> {
  const calendar = createBusinessCalendar(input.holidays);
  const policy = input.policy;
  const continueAfter = input.continueAsNewAfterEvents ?? HISTORY_EVENTS_BEFORE_CONTINUE;
  let pending: Omit<ProjectionBatch, 'snapshot'> = emptyBatch();
  let dirty = false;
  let projectedVersion = 0;

  const state: CaseState = (input.carried as CaseState | undefined) ?? initialState();
  if (input.carried) projectedVersion = state.version;

  function initialState(): CaseState {
    const now = Date.now();
    const timeline = expectedTimeline(calendar, policy, now);
    return {
      snapshot: {
        id: input.caseId,
        caseNumber: input.caseNumber,
        organizationId: input.organizationId,
        queue: input.queue,
        assignee: null,
        expectedTimeline: timeline,
        warnings: filingWarnings(input.report, now, timeline),
        report: input.report,
        createdAt: iso(now),
        submittedBy: input.submittedBy,
        policyVersion: policy.version,
        referenceVersion: input.referenceVersion,
        escalations: [],
        openQueries: [],
        correctionReasons: [],
        pendingApproval: null,
        informNotice: null,
        licenseApplication: null,
        decision: null,
        conclusion: null,
        withdrawal: null,
      },
      status: 'SUBMITTED',
      version: 0,
      updatedAt: iso(now),
      clocks: [],
      timelineSequence: 0,
      webhookSequence: 0,
      informCount: 0,
      usedIds: [],
    };
  }

  function emptyBatch(): Omit<ProjectionBatch, 'snapshot'> {
    return { timeline: [], outbox: [], messages: [], sharedConcerns: [] };
  }

  // ---- derived view -------------------------------------------------------------------------

  const isActive = (c: Clock): boolean => !c.met;

  function deadlineView(c: Clock): DeadlineView {
    // A deadline that passed stays BREACHED after its clock stops: MET means it was kept.
    const state = c.breached ? 'BREACHED' : c.met ? 'MET' : c.pausedAt !== null ? 'PAUSED' : c.warned ? 'WARNED' : 'RUNNING';
    return {
      clock: c.clock,
      ref: c.ref,
      startedAt: iso(c.startedAt),
      dueAt: iso(c.dueAt),
      warnAt: c.warnAt === null ? null : iso(c.warnAt),
      paused: c.pausedAt !== null,
      state,
    };
  }

  function view(): CaseSnapshot {
    const active = state.clocks.filter(isActive);
    const running = active.filter((c) => c.pausedAt === null);
    const next = running.reduce<number | null>((min, c) => (min === null || c.dueAt < min ? c.dueAt : min), null);
    return {
      ...state.snapshot,
      status: state.status,
      stage: stageOf(state.status),
      version: state.version,
      updatedAt: state.updatedAt,
      deadlines: state.clocks.map(deadlineView),
      nextDeadlineAt: next === null ? null : iso(next),
      overdue: active.some((c) => c.breached),
    };
  }

  // ---- events -------------------------------------------------------------------------------

  function timeline(
    type: string,
    actor: string | null,
    summary: string,
    visibility: TimelineVisibility = 'ALL',
    data: Record<string, unknown> = {},
  ): TimelineEvent {
    state.timelineSequence += 1;
    const event: TimelineEvent = { sequence: state.timelineSequence, type, at: iso(Date.now()), actor, summary, visibility, data };
    pending.timeline.push(event);
    return event;
  }

  function webhook(type: string, extra: Record<string, unknown> = {}): void {
    state.webhookSequence += 1;
    const event: OutboxEvent = {
      id: `evt_${uuid4()}`,
      type,
      sequence: state.webhookSequence,
      at: iso(Date.now()),
      data: {
        caseId: state.snapshot.id,
        caseNumber: state.snapshot.caseNumber,
        organizationId: state.snapshot.organizationId,
        sequence: state.webhookSequence,
        status: state.status,
        stage: stageOf(state.status),
        ...extra,
      },
    };
    pending.outbox.push(event);
  }

  function commit(): number {
    state.version += 1;
    state.updatedAt = iso(Date.now());
    dirty = true;
    return state.version;
  }

  function moveTo(next: CaseStatus): void {
    const previousStatus = state.status;
    state.status = next;
    webhook(next === 'WITHDRAWN' ? 'case.withdrawn' : 'case.status_changed', { previousStatus });
  }

  // ---- clocks -------------------------------------------------------------------------------

  function startClock(name: ClockName, ref: string | null = null): Clock {
    const now = Date.now();
    const { dueAt, warnAt } = computeDeadline(calendar, policy.clocks[name], now);
    const clock: Clock = { clock: name, ref, startedAt: now, dueAt, warnAt, pausedAt: null, warned: false, breached: false, met: false };
    if (CLOCK_RULES[name].pausedWhileQueryOpen && state.snapshot.openQueries.length > 0) clock.pausedAt = now;
    state.clocks.push(clock);
    trimClocks();
    return clock;
  }

  function stopClocks(match: (c: Clock) => boolean): void {
    const now = Date.now();
    for (const c of state.clocks) {
      if (!c.met && match(c)) {
        if (c.pausedAt !== null) shiftClock(c, now - c.pausedAt);
        c.met = true;
        c.pausedAt = null;
      }
    }
  }

  const stopClock = (name: ClockName, ref: string | null = null): void =>
    stopClocks((c) => c.clock === name && (ref === null || c.ref === ref));

  function shiftClock(c: Clock, byMs: number): void {
    c.dueAt += byMs;
    if (c.warnAt !== null) c.warnAt += byMs;
  }

  /** Stage clocks stop while a query is open; the paused time is added back on resume. */
  function pauseStageClocks(): void {
    for (const c of state.clocks) {
      if (!c.met && c.pausedAt === null && CLOCK_RULES[c.clock].pausedWhileQueryOpen) c.pausedAt = Date.now();
    }
  }

  function resumeStageClocks(): void {
    const now = Date.now();
    for (const c of state.clocks) {
      if (!c.met && c.pausedAt !== null) {
        shiftClock(c, now - c.pausedAt);
        c.pausedAt = null;
      }
    }
  }

  function trimClocks(): void {
    const met = state.clocks.filter((c) => c.met);
    if (met.length <= MET_CLOCKS_KEPT) return;
    const drop = new Set(met.slice(0, met.length - MET_CLOCKS_KEPT));
    state.clocks = state.clocks.filter((c) => !drop.has(c));
  }

  function nextTimerAt(): number | null {
    let next: number | null = null;
    for (const c of state.clocks) {
      if (c.met || c.pausedAt !== null || c.breached) continue;
      const at = c.warnAt !== null && !c.warned ? Math.min(c.warnAt, c.dueAt) : c.dueAt;
      if (next === null || at < next) next = at;
    }
    return next;
  }

  function fireTimers(now: number): void {
    let changed = false;
    for (const c of state.clocks) {
      if (c.met || c.pausedAt !== null) continue;
      const rule = CLOCK_RULES[c.clock];
      const visibility: TimelineVisibility = rule.owedBy === 'applicant' ? 'ALL' : 'REGULATOR';
      const clockData = { clock: c.clock, ref: c.ref, dueAt: iso(c.dueAt) };
      if (c.warnAt !== null && !c.warned && !c.breached && now >= c.warnAt) {
        c.warned = true;
        changed = true;
        timeline('DEADLINE_WARNING', null, `The ${c.clock} deadline is near (due ${iso(c.dueAt)}).`, visibility, {
          ...clockData,
          audience: rule.warn,
        });
        webhook('case.deadline_warning', clockData);
      }
      if (!c.breached && now >= c.dueAt) {
        c.breached = true;
        changed = true;
        timeline('DEADLINE_BREACHED', null, `The ${c.clock} deadline has passed (was due ${iso(c.dueAt)}).`, 'ALL', clockData);
        webhook('case.deadline_breached', clockData);
        if (rule.onBreach.kind === 'ESCALATE') {
          const to = rule.onBreach.to;
          state.snapshot.escalations.push({ clock: c.clock, to, at: iso(now) });
          timeline('ESCALATED', null, `Escalated to ${to}: ${c.clock} deadline breached.`, 'REGULATOR', {
            ...clockData,
            escalatedTo: to,
          });
          webhook('case.escalated', { ...clockData, escalatedTo: to });
        } else {
          timeline('OFFICER_NOTIFIED', null, `Officer notified: ${c.clock} deadline breached.`, 'REGULATOR', clockData);
        }
      }
    }
    if (changed) commit();
  }

  // ---- commands -----------------------------------------------------------------------------

  function facts() {
    const correction = state.clocks.find((c) => c.clock === 'correction' && !c.met);
    return {
      status: state.status,
      organizationId: state.snapshot.organizationId,
      queue: state.snapshot.queue,
      pendingApproval: state.snapshot.pendingApproval,
      openQueryIds: state.snapshot.openQueries.map((q) => q.id),
      correctionBreached: correction?.breached ?? false,
    };
  }

  function authorize(req: CaseCommandRequest): Transition {
    try {
      const transition = authorizeCommand(facts(), req.actor, req.command);
      const ids = idsOf(req);
      const reused = ids.find((id) => state.usedIds.includes(id));
      if (reused) throw new DomainRefusal('Invalid', `The id ${reused} was already used on this case.`);
      return transition;
    } catch (err) {
      if (err instanceof DomainRefusal) {
        throw ApplicationFailure.create({ type: err.kind, message: err.message, nonRetryable: true, details: [err.details] });
      }
      throw err;
    }
  }

  function idsOf(req: CaseCommandRequest): string[] {
    const c = req.command;
    if (c.action === 'POST_MESSAGE') return [c.messageId];
    if (c.action === 'RAISE_QUERY') return [c.queryId];
    if (c.action === 'ANSWER_QUERY') return [c.messageId];
    if (c.action === 'SHARE_CONCERN_INFORMATION') return [c.concernId];
    return [];
  }

  /** On closing: every clock stops, and a query left open can no longer be answered. */
  function closeAllClocks(): void {
    stopClocks(() => true);
    state.snapshot.openQueries = [];
  }

  function message(actor: Actor, id: string, body: string, sequence: number): MessageRecord {
    const record: MessageRecord = { id, sequence, author: actor.username, authorRole: actor.role, body, at: iso(Date.now()) };
    pending.messages.push(record);
    return record;
  }

  function apply(req: CaseCommandRequest, transition: Transition): Omit<CaseCommandResult, 'snapshot'> {
    const { actor, command } = req;
    const who = actor.username;
    const s = state.snapshot;
    const now = Date.now();
    state.usedIds.push(...idsOf(req));
    switch (command.action) {
      case 'ACCEPT':
        stopClock('acknowledgement');
        if (s.assignee === null) s.assignee = who;
        moveTo('IN_CONSULTATION');
        startClock('consultation');
        timeline('ACCEPTED', who, 'Advance report accepted; consultation started.');
        return {};
      case 'REQUEST_CORRECTION':
        stopClock('acknowledgement');
        s.correctionReasons = command.reasons;
        moveTo('CORRECTION_REQUESTED');
        startClock('correction');
        timeline('CORRECTION_REQUESTED', who, `Correction requested (${command.reasons.length} reason(s)).`, 'ALL', {
          reasons: command.reasons,
        });
        return {};
      case 'RESUBMIT':
        stopClock('correction');
        s.report = mergeReport(s.report, command.changes);
        s.correctionReasons = [];
        moveTo('SUBMITTED');
        startClock('acknowledgement');
        timeline('RESUBMITTED', who, 'Corrected advance report resubmitted.', 'ALL', {
          changedFields: Object.keys(command.changes),
        });
        return {};
      case 'CLOSE_LAPSED':
        closeAllClocks();
        s.withdrawal = { reason: command.reason ?? 'Correction deadline passed', by: who, at: iso(now), lapsed: true };
        moveTo('WITHDRAWN');
        timeline('LAPSED', who, 'Closed as withdrawn: the correction deadline passed.');
        return {};
      case 'CONCLUDE':
        closeAllClocks();
        s.conclusion = { summary: command.summary, commitments: command.commitments, concludedBy: who, at: iso(now) };
        moveTo('CLEARED');
        timeline('CONCLUDED', who, `Consultation concluded: cleared (${command.commitments.length} commitment(s)).`);
        return {};
      case 'PROPOSE_INFORM': {
        const approvalId = uuid4();
        s.pendingApproval = {
          approvalId,
          kind: 'INFORM',
          proposedBy: who,
          proposedAt: iso(now),
          reasons: command.reasons,
          conditions: command.proposedConditions,
          decision: null,
        };
        moveTo('INFORM_PENDING_APPROVAL');
        startClock('approval', approvalId);
        timeline('INFORM_PROPOSED', who, 'Inform proposed; awaiting a second supervisor approval.', 'REGULATOR', { approvalId });
        return { approvalId };
      }
      case 'PROPOSE_DECISION': {
        const approvalId = uuid4();
        s.pendingApproval = {
          approvalId,
          kind: 'DECISION',
          proposedBy: who,
          proposedAt: iso(now),
          reasons: command.reasons,
          conditions: command.conditions,
          decision: command.decision,
        };
        moveTo('DECISION_PENDING_APPROVAL');
        startClock('approval', approvalId);
        timeline('DECISION_PROPOSED', who, `License decision proposed (${command.decision}); awaiting approval.`, 'REGULATOR', {
          approvalId,
        });
        return { approvalId };
      }
      case 'DECIDE_APPROVAL': {
        const proposal = s.pendingApproval!;
        stopClock('approval', proposal.approvalId);
        s.pendingApproval = null;
        const comment = command.comment ?? null;
        switch (transition.action) {
          case 'APPROVE_INFORM':
            state.informCount += 1;
            stopClock('consultation');
            // The consultation is over: a query still open from it can no longer be answered.
            if (patched('close-consultation-queries-on-inform') && s.openQueries.length > 0) {
              for (const q of s.openQueries) stopClock('queryResponse', q.id);
              timeline('QUERIES_CLOSED', who, `${s.openQueries.length} open query(ies) closed: the consultation ended with an inform.`);
              s.openQueries = [];
            }
            s.informNotice = {
              number: `INF-${s.caseNumber}-${state.informCount}`,
              issuedAt: iso(now),
              reasons: proposal.reasons,
              proposedConditions: proposal.conditions,
              approvedBy: who,
            };
            moveTo('INFORM_ISSUED');
            startClock('informResponse');
            timeline('INFORM_ISSUED', who, `Inform notice ${s.informNotice.number} issued: a license application is required.`);
            break;
          case 'REJECT_INFORM':
            moveTo('IN_CONSULTATION');
            timeline('INFORM_REJECTED', who, 'Inform proposal rejected; consultation continues.', 'REGULATOR', { comment });
            break;
          case 'APPROVE_GRANT':
          case 'APPROVE_DENIAL':
            closeAllClocks();
            s.decision = {
              decision: proposal.decision!,
              conditions: proposal.conditions,
              reasons: proposal.reasons,
              proposedBy: proposal.proposedBy,
              approvedBy: who,
              decidedAt: iso(now),
            };
            moveTo(transition.to!);
            timeline(
              'DECISION_ISSUED',
              who,
              transition.to === 'LICENSED'
                ? `License granted${proposal.conditions.length > 0 ? ` with ${proposal.conditions.length} condition(s)` : ''}.`
                : 'License denied.',
            );
            break;
          default:
            moveTo('LICENSE_REVIEW');
            timeline('DECISION_REJECTED', who, 'Decision proposal rejected; license review continues.', 'REGULATOR', {
              comment,
            });
        }
        return {};
      }
      case 'SUBMIT_LICENSE_APPLICATION':
        stopClock('informResponse');
        s.licenseApplication = {
          description: command.description,
          conditionsAccepted: command.conditionsAccepted ?? null,
          submittedAt: iso(now),
        };
        moveTo('LICENSE_REVIEW');
        startClock('licenseReview');
        timeline('LICENSE_APPLIED', who, 'License application submitted; license review started.');
        return {};
      case 'WITHDRAW':
        closeAllClocks();
        s.pendingApproval = null;
        s.withdrawal = { reason: command.reason, by: who, at: iso(now), lapsed: false };
        moveTo('WITHDRAWN');
        timeline('WITHDRAWN', who, 'Withdrawn by the applicant.');
        return {};
      case 'ASSIGN':
        s.assignee = command.assignee;
        timeline('ASSIGNED', who, `Assigned to ${command.assignee}.`, 'REGULATOR', { assignee: command.assignee });
        return {};
      case 'POST_MESSAGE': {
        const event = timeline('MESSAGE_POSTED', who, `Message from ${who}.`, 'ALL', { messageId: command.messageId });
        message(actor, command.messageId, command.body, event.sequence);
        return {};
      }
      case 'RAISE_QUERY': {
        const clock = startClock('queryResponse', command.queryId);
        s.openQueries.push({ id: command.queryId, question: command.question, raisedBy: who, raisedAt: iso(now), dueAt: iso(clock.dueAt) });
        pauseStageClocks();
        timeline('QUERY_RAISED', who, `Query raised; answer due ${iso(clock.dueAt)}. The stage clock is stopped.`, 'ALL', {
          queryId: command.queryId,
        });
        webhook('case.query_raised', { queryId: command.queryId, dueAt: iso(clock.dueAt) });
        return { queryId: command.queryId, queryDueAt: iso(clock.dueAt) };
      }
      case 'ANSWER_QUERY': {
        s.openQueries = s.openQueries.filter((q) => q.id !== command.queryId);
        stopClock('queryResponse', command.queryId);
        if (s.openQueries.length === 0) resumeStageClocks();
        const event = timeline('QUERY_ANSWERED', who, 'Query answered.', 'ALL', {
          queryId: command.queryId,
          messageId: command.messageId,
        });
        message(actor, command.messageId, command.body, event.sequence);
        return { queryId: command.queryId };
      }
      case 'SHARE_CONCERN_INFORMATION': {
        const event = timeline('CONCERN_SHARED', who, `Concern information shared (${command.classification}).`, 'ALL', {
          concernId: command.concernId,
          classification: command.classification,
        });
        pending.sharedConcerns.push({ id: command.concernId, sequence: event.sequence, at: event.at });
        return {};
      }
    }
  }

  async function projected(version: number): Promise<void> {
    await condition(() => projectedVersion >= version);
  }

  function submit(): void {
    startClock('acknowledgement');
    timeline('SUBMITTED', input.submittedBy, `Advance report ${input.caseNumber} submitted.`);
    webhook('case.submitted', { previousStatus: null });
    commit();
  }

  // The submission is committed before any handler is registered, so an update delivered with the
  // first task (awaitProjected right after start) waits for it to be projected. Cases started
  // before this change committed after registering (and could answer before the projection).
  const submitFirst = !input.carried && patched('commit-submission-before-handlers');
  if (submitFirst) submit();

  setHandler(
    caseCommandUpdate,
    async (req) => {
      const transition = authorize(req);
      const result = apply(req, transition);
      await projected(commit());
      return { ...result, snapshot: view() };
    },
    { validator: (req) => void authorize(req) },
  );
  setHandler(awaitProjectedUpdate, async () => {
    await projected(state.version);
    return view();
  });
  setHandler(snapshotQuery, view);

  if (!input.carried && !submitFirst) submit();

  // ---- main loop ----------------------------------------------------------------------------

  for (;;) {
    fireTimers(Date.now());
    if (dirty) {
      const batch: ProjectionBatch = { snapshot: view(), ...pending };
      pending = emptyBatch();
      dirty = false;
      await (patched('project-locally') ? projectCaseLocally(batch) : projectCase(batch));
      projectedVersion = batch.snapshot.version;
      continue;
    }
    // A handler still running waits for its projection, which this loop writes: wake on `dirty`
    // too, or an update arriving now would wait for the loop while the loop waits for it.
    if (isTerminal(state.status)) {
      await condition(() => allHandlersFinished() || dirty);
      if (!dirty) return view();
      continue;
    }
    // Checked after every projection, not only on idle wake-ups, so a busy case does roll over.
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > continueAfter) {
      await condition(() => allHandlersFinished() || dirty);
      if (!dirty) await continueAsNew<typeof caseWorkflow>({ ...input, carried: state });
      continue;
    }
    const next = nextTimerAt();
    if (next === null) await condition(() => dirty);
    else if (next > Date.now()) await condition(() => dirty, next - Date.now());
  }
}

function mergeReport(report: AdvanceReport, changes: ReportChanges): AdvanceReport {
  return {
    ...report,
    ...changes,
    counterparty: { ...report.counterparty, ...(changes.counterparty ?? {}) },
    contact: { ...report.contact, ...(changes.contact ?? {}) },
  };
}
