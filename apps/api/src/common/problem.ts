/**
 * RFC 9457 problem details. Every error the API answers is one of these; the filter turns
 * anything else into a 500 without leaking internals.
 */
export interface FieldError {
  field: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_TYPES = {
  400: { slug: 'malformed-request', title: 'Malformed request' },
  401: { slug: 'unauthenticated', title: 'Authentication required' },
  403: { slug: 'forbidden', title: 'Forbidden' },
  404: { slug: 'not-found', title: 'Not found' },
  405: { slug: 'method-not-allowed', title: 'Method not allowed' },
  409: { slug: 'transition-not-allowed', title: 'Not allowed in the current status' },
  413: { slug: 'payload-too-large', title: 'Payload too large' },
  415: { slug: 'unsupported-media-type', title: 'Unsupported media type' },
  422: { slug: 'unprocessable', title: 'Not acceptable' },
  429: { slug: 'too-many-requests', title: 'Too many requests' },
  500: { slug: 'internal-error', title: 'Internal error' },
  503: { slug: 'dependency-unavailable', title: 'Service temporarily unavailable' },
} as const;
export type ProblemStatus = keyof typeof PROBLEM_TYPES;

export function problemType(status: number, slug?: string): string {
  const known = PROBLEM_TYPES[status as ProblemStatus];
  return `/problems/${slug ?? known?.slug ?? 'error'}`;
}

export class ProblemError extends Error {
  constructor(
    readonly status: ProblemStatus,
    readonly detail: string,
    readonly extensions: { errors?: FieldError[]; slug?: string; title?: string; [k: string]: unknown } = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
  }

  toBody(instance?: string): ProblemBody {
    const { slug, title, ...rest } = this.extensions;
    return {
      type: problemType(this.status, slug),
      title: title ?? PROBLEM_TYPES[this.status].title,
      status: this.status,
      detail: this.detail,
      ...(instance ? { instance } : {}),
      ...rest,
    };
  }
}

export const malformed = (errors: FieldError[], detail = 'The request is malformed; see errors.'): ProblemError =>
  new ProblemError(400, detail, { errors, slug: 'validation-error', title: 'Validation failed' });

export const unprocessable = (errors: FieldError[], detail = 'The request is not acceptable; see errors.'): ProblemError =>
  new ProblemError(422, detail, { errors });

export const notFound = (what = 'Resource'): ProblemError => new ProblemError(404, `${what} not found.`);

export const forbidden = (detail: string): ProblemError => new ProblemError(403, detail);
