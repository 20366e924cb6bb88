/**
 * Kinds of refusal that cross process boundaries (workflow → API) by name. The API maps each to
 * its HTTP status; the message always says what to do instead.
 */
export const REFUSALS = {
  /** The action is not allowed in the current status: 409. */
  TransitionNotAllowed: 409,
  /** The caller's role or queue does not allow it: 403. */
  Forbidden: 403,
  /** The case or item is not visible to the caller: 404. */
  NotFound: 404,
  /** Well-formed but not acceptable: 422. */
  Invalid: 422,
} as const;
export type RefusalKind = keyof typeof REFUSALS;

export function isRefusalKind(value: unknown): value is RefusalKind {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(REFUSALS, value);
}

/** A refusal with its kind, thrown by pure domain code; the workflow turns it into an ApplicationFailure. */
export class DomainRefusal extends Error {
  constructor(
    readonly kind: RefusalKind,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainRefusal';
  }
}
